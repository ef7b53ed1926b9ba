import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { DatabaseEndpoints } from '../../database.types';
import { PgliteWireServer } from './pglite-wire-server';

/**
 * PGlite (real PostgreSQL compiled to WebAssembly) persisted under the data directory and served
 * on a loopback port, so TypeORM, pg-boss and DBOS all speak plain `pg` to it.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<DatabaseEndpoints> {
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { vector } });
  const server = new PgliteWireServer(db);
  const port = await server.listen('127.0.0.1', 0);
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    adapterName: `pglite (${dir}, served on 127.0.0.1:${port})`,
    appUrl: url,
    ownerUrl: url,
    engineUrl: url,
    switchRoleInTransactions: true,
    supportsListenNotify: false,
    async close() {
      await server.close();
      await db.close();
    },
  };
}
