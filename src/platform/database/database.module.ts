import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { createAppDataSource, createDatabaseEndpoints, runMigrations } from './database.factory';
import { APP_DATA_SOURCE, DATABASE_ENDPOINTS, type AppDataSource, type DatabaseEndpoints } from './database.types';

@Global()
@Module({
  providers: [
    {
      provide: DATABASE_ENDPOINTS,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => {
        const endpoints = await createDatabaseEndpoints(config);
        const applied = await runMigrations(endpoints);
        const logger = new Logger('Ports');
        logger.log(`database: ${endpoints.adapterName}${applied.length ? `; migrations applied: ${applied.join(', ')}` : ''}`);
        return endpoints;
      },
    },
    {
      provide: APP_DATA_SOURCE,
      inject: [DATABASE_ENDPOINTS, APP_CONFIG],
      useFactory: (endpoints: DatabaseEndpoints, config: AppConfig) => createAppDataSource(endpoints, config.database.poolSize),
    },
  ],
  exports: [DATABASE_ENDPOINTS, APP_DATA_SOURCE],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    @Inject(DATABASE_ENDPOINTS) private readonly endpoints: DatabaseEndpoints,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy();
    await this.endpoints.close();
  }
}
