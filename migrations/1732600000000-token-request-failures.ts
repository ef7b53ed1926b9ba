import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed token requests, per client id and per address, shared by every process that serves
 * `/oauth/token` (replicas, both halves of a split deployment): a limit kept in each process's
 * memory would give an attacker one allowance per process. A platform table (no tenant):
 * the key is a client id or an address. Rows older than the window are deleted as it goes.
 */
export class TokenRequestFailures1732600000000 implements MigrationInterface {
  name = 'TokenRequestFailures1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE token_request_failures (
        key text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX token_request_failures_key_time ON token_request_failures (key, failed_at DESC)`);
    await q.query(`CREATE INDEX token_request_failures_time ON token_request_failures (failed_at)`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON token_request_failures TO logisynapse_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE token_request_failures`);
  }
}
