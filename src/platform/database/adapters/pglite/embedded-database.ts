import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { ENGINE_ROLE, ENGINE_SCHEMAS, type DatabaseEndpoints } from '../../database.types';
import { PgliteWireServer } from './pglite-wire-server';

/**
 * The engines' schemas (DBOS, pg-boss) belong to their own role, with no grant to anyone else,
 * as `npm run infra:up` provisions them on a real server: the application role, which tenant
 * transactions switch to, cannot read workflow inputs or queued payloads. PGlite's only session
 * is a superuser, so the engines themselves still connect as that superuser.
 */
const ENGINE_SCHEMAS_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ENGINE_ROLE}') THEN
    CREATE ROLE ${ENGINE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
${ENGINE_SCHEMAS.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${ENGINE_ROLE};
ALTER SCHEMA ${schema} OWNER TO ${ENGINE_ROLE};
REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`).join('\n')}
`;

/**
 * PGlite (real PostgreSQL compiled to WebAssembly) persisted under the data directory and served
 * on a loopback port, so TypeORM, pg-boss and DBOS all speak plain `pg` to it.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<DatabaseEndpoints> {
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { vector } });
  await db.exec(ENGINE_SCHEMAS_SQL);
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
