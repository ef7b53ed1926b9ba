import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { startEmbeddedDatabase } from './adapters/pglite/embedded-database';
import { postgresEndpoints } from './adapters/postgres/postgres-database';
import type { DatabaseEndpoints } from './database.types';
import { MIGRATIONS } from '../../../migrations';

export async function createDatabaseEndpoints(config: AppConfig): Promise<DatabaseEndpoints> {
  if (config.database.url) return postgresEndpoints(config.database.url, config.database.ownerUrl, config.database.engineUrl);
  return startEmbeddedDatabase(config.dataDir);
}

/** Runs pending migrations as the owner role, then closes that connection. */
export async function runMigrations(endpoints: DatabaseEndpoints): Promise<string[]> {
  const owner = new DataSource({
    type: 'postgres',
    url: endpoints.ownerUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await owner.initialize();
  try {
    const applied = await owner.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await owner.destroy();
  }
}

export async function createAppDataSource(endpoints: DatabaseEndpoints, poolSize: number): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: endpoints.appUrl,
    extra: { max: poolSize },
    logging: false,
  });
  return dataSource.initialize();
}
