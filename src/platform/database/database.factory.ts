import type { DataSource } from 'typeorm';
import { unknownAdapter } from '../config/adapter-config';
import type { AppConfig } from '../config/app-config';
import { startEmbeddedDatabase } from './adapters/pglite/embedded-database';
import { postgresEndpoints } from './adapters/postgres/postgres-database';
import type { DatabaseEndpoints } from './database.types';
import { MIGRATIONS } from '../../../migrations';

// TypeORM is loaded when first used, not with this file: main.ts imports it before the rest of
// the app to start the embedded database early (see `startDatabaseEarly`). The migrations
// import TypeORM's types only.
const typeorm = () => import('typeorm');

/** The embedded database started by `startDatabaseEarly`, with its migrations, until the module takes it. */
let early: { dataDir: string; endpoints: Promise<DatabaseEndpoints>; applied: Promise<string[]> } | null = null;

/**
 * Starts the embedded database, and migrates it, before the application's modules are loaded
 * (called by main.ts right after the configuration is read): PGlite opens or creates its cluster
 * in its own thread while this one loads and wires the app, instead of after it. The database
 * module then takes these endpoints through `createDatabaseEndpoints` and `runMigrations`; an
 * error is reported there, where the start awaits it. Nothing to do on a real server.
 */
export function startDatabaseEarly(config: AppConfig): void {
  if (config.adapters.database.kind !== 'pglite' || early) return;
  const endpoints = startEmbeddedDatabase(config.dataDir);
  const applied = endpoints.then(migrate);
  // Handled where the database module awaits them; not an unhandled rejection meanwhile.
  applied.catch(() => undefined);
  early = { dataDir: config.dataDir, endpoints, applied };
}

export async function createDatabaseEndpoints(config: AppConfig): Promise<DatabaseEndpoints> {
  const choice = config.adapters.database;
  switch (choice.kind) {
    case 'postgres':
      return postgresEndpoints(choice.url, choice.ownerUrl, choice.engineUrl);
    case 'pglite':
      return embeddedEndpoints(config.dataDir);
    default:
      return unknownAdapter(choice);
  }
}

/** The embedded database's endpoints: those `startDatabaseEarly` started, or a fresh start. */
async function embeddedEndpoints(dataDir: string): Promise<DatabaseEndpoints> {
  if (early?.dataDir === dataDir) {
    const started = early;
    const endpoints = await started.endpoints.catch((error: unknown) => {
      early = null;
      throw error;
    });
    earlyMigrations = { endpoints, applied: started.applied };
    early = null;
    return endpoints;
  }
  return startEmbeddedDatabase(dataDir);
}

/** The migrations `startDatabaseEarly` started on the endpoints `createDatabaseEndpoints` handed out. */
let earlyMigrations: { endpoints: DatabaseEndpoints; applied: Promise<string[]> } | null = null;

/** Runs pending migrations as the owner role, then closes that connection. */
export async function runMigrations(endpoints: DatabaseEndpoints): Promise<string[]> {
  if (earlyMigrations?.endpoints === endpoints) {
    const { applied } = earlyMigrations;
    earlyMigrations = null;
    return applied;
  }
  return migrate(endpoints);
}

async function migrate(endpoints: DatabaseEndpoints): Promise<string[]> {
  const { DataSource } = await typeorm();
  const owner = new DataSource({
    type: 'postgres',
    url: endpoints.ownerUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await owner.initialize();
  // Processes of a split deployment (or replicas) may start together: one migrates while the
  // others wait on this session lock, then find nothing pending.
  const lock = owner.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(${MIGRATIONS_LOCK_KEY})`);
    const applied = await owner.runMigrations();
    return applied.map((m) => m.name);
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(${MIGRATIONS_LOCK_KEY})`).catch(() => undefined);
    await lock.release();
    await owner.destroy();
  }
}

/** The advisory lock key the migrations hold (an arbitrary constant: "logisynapse migrations"). */
const MIGRATIONS_LOCK_KEY = 7_406_118_021;

export async function createAppDataSource(endpoints: DatabaseEndpoints, poolSize: number): Promise<DataSource> {
  const { DataSource } = await typeorm();
  const dataSource = new DataSource({
    type: 'postgres',
    url: endpoints.appUrl,
    extra: { max: poolSize },
    logging: false,
  });
  return dataSource.initialize();
}
