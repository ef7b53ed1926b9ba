import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { APP_DATA_SOURCE, type AppDataSource } from '../database';

@Controller('health')
export class HealthController {
  constructor(@Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** The process can serve: its database answers. */
  @Get('ready')
  async ready() {
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', checks: { database: 'up' } };
    } catch {
      throw new HttpException({ status: 'unavailable', checks: { database: 'down' } }, 503);
    }
  }
}
