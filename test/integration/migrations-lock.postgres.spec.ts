import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '../../src/platform/database/database.factory';
import type { DatabaseEndpoints } from '../../src/platform/database/database.types';
import { realServerOrSkip } from '../support/embedded-postgres';

// Processes that start together (a split deployment, replicas) migrate one empty database at
// once: the migrations' advisory lock lets one apply them while the others wait and find none.
const withPostgres = realServerOrSkip(
  ['DATABASE_TEST_SUPERUSER_URL', 'DATABASE_TEST_OWNER_URL'],
  'PostgreSQL with its test-only superuser (`npm run infra:up`)',
);

withPostgres('migrations on real PostgreSQL, started by several processes at once', (env) => {
  const database = `logisynapse_migrations_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const owner = new URL(env.DATABASE_TEST_OWNER_URL);
  const superuser = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: env.DATABASE_TEST_SUPERUSER_URL });
    await client.connect();
    try {
      // The test superuser is read-only by default; creating and dropping a database is why it is used here.
      await client.query('SET default_transaction_read_only = off');
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(() => superuser((c) => c.query(`CREATE DATABASE ${database} OWNER ${decodeURIComponent(owner.username)}`)));
  afterAll(() => superuser((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)));

  it('applies every migration exactly once when four processes migrate together', async () => {
    const url = new URL(env.DATABASE_TEST_OWNER_URL);
    url.pathname = `/${database}`;
    const endpoints = { ownerUrl: url.toString() } as DatabaseEndpoints;
    const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(endpoints)));
    const applied = results.flat();
    expect(applied.length).toBeGreaterThan(0);
    expect(new Set(applied).size).toBe(applied.length);
    // One process applied them all; the others found nothing pending.
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    const check = new Client({ connectionString: url.toString() });
    await check.connect();
    try {
      const { rows } = await check.query<{ n: number; distinct: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT name)::int AS distinct FROM schema_migrations',
      );
      expect(rows[0]).toEqual({ n: applied.length, distinct: applied.length });
    } finally {
      await check.end();
    }
  });
});
