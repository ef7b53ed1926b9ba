import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_DATA_SOURCE, type AppDataSource } from '../database';
import { Liveness } from './liveness';
import { evaluateReadiness, readinessChecks, ReadinessChecks } from './readiness';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    private readonly readiness: ReadinessChecks,
    private readonly liveness: Liveness,
  ) {}

  /** The process is up, and the database it runs itself (the embedded one's thread) answers. */
  @Get('live')
  async live(@Res({ passthrough: true }) res: Response) {
    if (!(await this.liveness.check())) {
      res.status(503);
      return { status: 'unavailable', checks: { database: 'down' } };
    }
    return { status: 'ok' };
  }

  /** The process can serve: its database answers, and every registered dependency does, each within its deadline. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const { ready, checks } = await evaluateReadiness(readinessChecks(this.dataSource, this.readiness));
    if (!ready) {
      res.status(503);
      return { status: 'unavailable', checks };
    }
    return { status: 'ok', checks };
  }
}
