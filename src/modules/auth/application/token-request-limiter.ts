import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';

export interface TokenRequestLimits {
  /** Failed requests for one client id from one address within the window before that pair must wait. */
  perClientAddress: number;
  /** Failed requests one address may make within the window before it must wait. */
  perAddress: number;
  windowMs: number;
}

/** 10 failures per client id and address, and 30 per address, in five minutes. */
export const DEFAULT_TOKEN_REQUEST_LIMITS: TokenRequestLimits = { perClientAddress: 10, perAddress: 30, windowMs: 5 * 60_000 };

/**
 * The key a client id's failures from one address count under. Not the client id alone: client
 * ids are in every token's `sub`, and a limit per client id let anyone lock a client out
 * everywhere (ADR 0029). The secrets are 256-bit random, so guessing across many addresses
 * gains nothing that the per-address limit does not already bound.
 */
export const clientAddressKey = (clientId: string, addressKey: string) => `client:${clientId.slice(0, 200)}@${addressKey}`;
export const TOKEN_REQUEST_LIMITS = Symbol('TOKEN_REQUEST_LIMITS');

/**
 * Failed token requests in a sliding window, per client id and address and per address, kept in the
 * platform database so that every process serving `/oauth/token` counts the same failures (a
 * count in each process's memory would give an attacker one allowance per replica). Times are
 * the database's clock, the same for every process.
 */
@Injectable()
export class TokenRequestLimiter {
  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    @Optional() @Inject(TOKEN_REQUEST_LIMITS) private readonly limits: TokenRequestLimits = DEFAULT_TOKEN_REQUEST_LIMITS,
  ) {}

  /**
   * How long the client id from this address (`clientKey`, from `clientAddressKey`) and the address
   * must still wait (the longer of the two; 0 when both may try now), and whether the pair has
   * recent failures to forgive on a success.
   */
  async check(clientKey: string, addressKey: string): Promise<{ retryAfterMs: number; clientHasFailures: boolean }> {
    // The n-th newest failure inside the window, for n = the limit, says when the oldest of those
    // leaves it: that is when the key may try again.
    const rows: { wait_ms: number; client_failures: number }[] = await this.dataSource.query(
      `WITH recent AS (
         SELECT key, failed_at, row_number() OVER (PARTITION BY key ORDER BY failed_at DESC) AS n
           FROM token_request_failures
          WHERE key IN ($1, $2) AND failed_at > clock_timestamp() - make_interval(secs => $5)
       )
       SELECT coalesce(max(CASE WHEN (key = $1 AND n = $3) OR (key = $2 AND n = $4)
                THEN ceil(extract(epoch FROM failed_at + make_interval(secs => $5) - clock_timestamp()) * 1000) END), 0)::int AS wait_ms,
              (count(*) FILTER (WHERE key = $1))::int AS client_failures
         FROM recent`,
      [clientKey, addressKey, this.limits.perClientAddress, this.limits.perAddress, this.limits.windowMs / 1000],
    );
    const row = rows[0];
    return { retryAfterMs: Math.max(0, row?.wait_ms ?? 0), clientHasFailures: (row?.client_failures ?? 0) > 0 };
  }

  /** Records one failure for each key, and drops failures that have left the window. */
  async recordFailure(clientKey: string, addressKey: string): Promise<void> {
    // One round trip: the expired rows go in the same statement.
    await this.dataSource.query(
      `WITH expired AS (DELETE FROM token_request_failures WHERE failed_at < clock_timestamp() - make_interval(secs => $3))
       INSERT INTO token_request_failures (key) VALUES ($1), ($2)`,
      [clientKey, addressKey, this.limits.windowMs / 1000],
    );
  }

  /** A client id that authenticated from an address starts again from zero there (the address does not). */
  async forgive(clientKey: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM token_request_failures WHERE key = $1`, [clientKey]);
  }
}
