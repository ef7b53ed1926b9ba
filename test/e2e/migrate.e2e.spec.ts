import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { realServerOrSkip } from '../support/embedded-postgres';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** `node dist/src/migrate.js` with only `env` (and PATH): its exit code and output. */
async function migrate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/src/migrate.js'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The migration entry point of the chart's pre-install/pre-upgrade Job (src/migrate.ts). */
realServerOrSkip(['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL', 'LOGISYNAPSE_KEY_ENCRYPTION_KEY'], 'PostgreSQL (`npm run infra:up`)')(
  'node dist/src/migrate.js (the migration Job)',
  ({ DATABASE_TEST_URL: url, DATABASE_TEST_OWNER_URL: ownerUrl, LOGISYNAPSE_KEY_ENCRYPTION_KEY: kek }) => {
    it('applies what is pending as the owner role and exits 0; a second run finds nothing to apply', async () => {
      const env = { DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl, LOGISYNAPSE_KEY_ENCRYPTION_KEY: kek, LOGISYNAPSE_MODULES: 'all' };
      const first = await migrate(env);
      expect(first).toMatchObject({ code: 0 });
      const again = await migrate(env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout.trim())).toEqual({ msg: 'migrations applied', applied: [] });
      // the schema is there: the table of the latest migrations
      const client = new Client({ connectionString: ownerUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
        expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    });

    it('exits 2 with the reason on bad configuration, and 1 when the database refuses', async () => {
      const none = await migrate({});
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/migrate needs DATABASE_URL/);
      const wrong = await migrate({ DATABASE_URL: url, DATABASE_OWNER_URL: ownerUrl.replace(/:\/\/([^:]+):[^@]+@/, '://$1:wrong-password@'), LOGISYNAPSE_KEY_ENCRYPTION_KEY: kek });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/migrate failed: .*password authentication failed/s);
    });
  },
);
