import { execFileSync } from 'node:child_process';
import { Client } from 'pg';

/**
 * A PostgreSQL server for a test, found in design order: the connection settings in the
 * environment; else a Testcontainers PostgreSQL when a Docker engine answers; else none (the
 * caller skips with a line, or fails under LOGISYNAPSE_REQUIRE_INFRA=1).
 */
export interface PostgresServer {
  source: 'environment' | 'testcontainers';
  appUrl: string;
  ownerUrl: string;
  stop(): Promise<void>;
}

export function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

export async function findPostgresServer(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer | null> {
  if (env.DATABASE_TEST_URL && env.DATABASE_TEST_OWNER_URL) {
    return { source: 'environment', appUrl: env.DATABASE_TEST_URL, ownerUrl: env.DATABASE_TEST_OWNER_URL, stop: async () => undefined };
  }
  if (!dockerAnswers()) return null;
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('pgvector/pgvector:pg15').start();
  const ownerUrl = container.getConnectionUri();
  // The container's user is a superuser: the tests create the application role themselves.
  const appUrl = ownerUrl.replace(/\/\/[^@]+@/, '//logisynapse_app:logisynapse_app_local@');
  return {
    source: 'testcontainers',
    appUrl,
    ownerUrl,
    stop: async () => {
      await container.stop();
    },
  };
}

/**
 * A Testcontainers server's only user is a superuser: creates the application role its `appUrl`
 * names (no superuser, no BYPASSRLS, as infra:up creates it for the environment's server).
 */
export async function ensureAppRole(server: PostgresServer): Promise<void> {
  if (server.source !== 'testcontainers') return;
  const admin = new Client({ connectionString: server.ownerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE logisynapse_app LOGIN PASSWORD 'logisynapse_app_local' NOSUPERUSER NOBYPASSRLS`);
  } finally {
    await admin.end();
  }
}

export const requireInfra = () => process.env.LOGISYNAPSE_REQUIRE_INFRA === '1';

/**
 * `describe` when a PostgreSQL can be had (environment or Docker); otherwise `describe.skip`
 * with a line saying what to start, or, under LOGISYNAPSE_REQUIRE_INFRA=1, a suite that fails.
 */
export function describeWithPostgres(name: string, body: () => void): void {
  const available = Boolean(process.env.DATABASE_TEST_URL && process.env.DATABASE_TEST_OWNER_URL) || dockerAnswers();
  if (available) return describe(name, body);
  const message = 'no PostgreSQL: run `npm run infra:up` (it sets DATABASE_TEST_URL) or start a Docker engine for Testcontainers';
  if (requireInfra()) {
    return describe(name, () => {
      it('has its PostgreSQL server', () => {
        throw new Error(`${message} (LOGISYNAPSE_REQUIRE_INFRA=1)`);
      });
    });
  }
  process.stderr.write(`[skipped] ${name}: ${message}\n`);
  // Skipped only when no server can be had and none is required; the line above says what to start.
  return describe.skip(name, body);
}
