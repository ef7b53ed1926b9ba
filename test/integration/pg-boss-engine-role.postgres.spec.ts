import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startPgBoss } from '../../src/platform/messaging/adapters/pg-boss/pg-boss-messaging';
import { realServerOrSkip } from '../support/embedded-postgres';

// pg-boss on a real PostgreSQL as the engine role that owns the `pgboss` schema (provisioned by
// `npm run infra:up`): it works there, and the application role cannot read what it queued.
const withPostgres = realServerOrSkip(['DATABASE_TEST_URL', 'DATABASE_TEST_ENGINE_URL'], 'PostgreSQL (`npm run infra:up`)');

withPostgres('pg-boss on real PostgreSQL as the engine role', (env) => {
  it("queues a payload the engine role reads and the application role cannot (permission denied)", async () => {
    const errors: Error[] = [];
    const boss = await startPgBoss(env.DATABASE_TEST_ENGINE_URL, (error) => errors.push(error));
    const queue = `engine-role-${randomUUID()}`;
    const app = new Client({ connectionString: env.DATABASE_TEST_URL });
    await app.connect();
    try {
      await boss.createQueue(queue);
      const id = await boss.send(queue, { customerEmail: 'hippo@example.com' });
      expect(id).toEqual(expect.any(String));
      const [job] = await boss.findJobs<{ customerEmail: string }>(queue, { id: id! });
      expect(job?.data).toEqual({ customerEmail: 'hippo@example.com' });

      await expect(app.query(`SELECT data FROM pgboss.job WHERE name = $1`, [queue])).rejects.toMatchObject({ code: '42501' });
      const privileges = await app.query<{ usage: boolean }>(`SELECT has_schema_privilege('pgboss', 'USAGE') AS usage`);
      expect(privileges.rows).toEqual([{ usage: false }]);
      expect(errors).toEqual([]);
    } finally {
      await boss.deleteQueue(queue).catch(() => undefined);
      await boss.stop({ graceful: false, timeout: 5_000 });
      await app.end();
    }
  });
});
