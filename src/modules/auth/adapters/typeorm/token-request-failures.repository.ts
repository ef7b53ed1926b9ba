import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * `token_request_failures`: failed token requests by key, timed by the database's clock (the same
 * for every process). Stateless: the caller says which connection or transaction runs the SQL.
 */
@Injectable()
export class TokenRequestFailuresRepository {
  /**
   * How long the later of the two keys must still wait (ms, 0 or less when both may try now) for
   * these limits, and how many failures `clientKey` has in the window.
   */
  async waitAndClientFailures(
    db: EntityManager,
    clientKey: string,
    addressKey: string,
    limits: { perClientAddress: number; perAddress: number; windowSeconds: number },
  ): Promise<{ waitMs: number; clientFailures: number }> {
    // The n-th newest failure inside the window, for n = the limit, says when the oldest of those
    // leaves it: that is when the key may try again.
    const rows: { wait_ms: number; client_failures: number }[] = await db.query(
      `WITH recent AS (
         SELECT key, failed_at, row_number() OVER (PARTITION BY key ORDER BY failed_at DESC) AS n
           FROM token_request_failures
          WHERE key IN ($1, $2) AND failed_at > clock_timestamp() - make_interval(secs => $5)
       )
       SELECT coalesce(max(CASE WHEN (key = $1 AND n = $3) OR (key = $2 AND n = $4)
                THEN ceil(extract(epoch FROM failed_at + make_interval(secs => $5) - clock_timestamp()) * 1000) END), 0)::int AS wait_ms,
              (count(*) FILTER (WHERE key = $1))::int AS client_failures
         FROM recent`,
      [clientKey, addressKey, limits.perClientAddress, limits.perAddress, limits.windowSeconds],
    );
    const row = rows[0];
    return { waitMs: row?.wait_ms ?? 0, clientFailures: row?.client_failures ?? 0 };
  }

  /** Records one failure for each key, and drops failures older than the window. */
  async record(db: EntityManager, clientKey: string, addressKey: string, windowSeconds: number): Promise<void> {
    // One round trip: the expired rows go in the same statement.
    await db.query(
      `WITH expired AS (DELETE FROM token_request_failures WHERE failed_at < clock_timestamp() - make_interval(secs => $3))
       INSERT INTO token_request_failures (key) VALUES ($1), ($2)`,
      [clientKey, addressKey, windowSeconds],
    );
  }

  async deleteFor(db: EntityManager, key: string): Promise<void> {
    await db.query(`DELETE FROM token_request_failures WHERE key = $1`, [key]);
  }
}
