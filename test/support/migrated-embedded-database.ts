import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { DatabaseEndpoints } from '../../src/platform/database/database.types';
import { startEmbeddedDatabase } from '../../src/platform/database/adapters/pglite/embedded-database';
import { createAppDataSource, runMigrations } from '../../src/platform/database/database.factory';

/**
 * The embedded database in this process (PGlite in its worker thread), migrated, with the app's
 * DataSource: for tests of services that keep platform tables. `dispose` stops it and removes
 * its directory.
 */
export async function startMigratedEmbeddedDatabase(prefix: string): Promise<{ dataSource: DataSource; endpoints: DatabaseEndpoints; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const endpoints = await startEmbeddedDatabase(dataDir);
  await runMigrations(endpoints);
  const dataSource = await createAppDataSource(endpoints, 4);
  return {
    dataSource,
    endpoints,
    async dispose() {
      await dataSource.destroy();
      await endpoints.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
