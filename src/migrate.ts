// `node dist/src/migrate.js`: applies the pending migrations as the owner role (DATABASE_OWNER_URL,
// else DATABASE_URL) and exits: the chart's pre-install/pre-upgrade Job. The app's processes
// still migrate at start (under an advisory lock), so they find nothing pending after it.
import { ConfigError, loadConfig } from './platform/config/app-config';
import { createDatabaseEndpoints, runMigrations } from './platform/database/database.factory';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.adapters.database.kind !== 'postgres') throw new ConfigError('migrate needs DATABASE_URL (and DATABASE_OWNER_URL for the owner role): the embedded database migrates itself at start');
  const endpoints = await createDatabaseEndpoints(config);
  try {
    const applied = await runMigrations(endpoints);
    process.stdout.write(`${JSON.stringify({ msg: 'migrations applied', applied })}\n`);
  } finally {
    await endpoints.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate failed: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
