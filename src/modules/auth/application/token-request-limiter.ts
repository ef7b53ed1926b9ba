import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';
import { TokenRequestFailuresRepository } from '../adapters/typeorm/token-request-failures.repository';

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
    // Stateless; the default serves callers outside Nest (the specs).
    private readonly failures: TokenRequestFailuresRepository = new TokenRequestFailuresRepository(),
  ) {}

  /**
   * How long the client id from this address (`clientKey`, from `clientAddressKey`) and the address
   * must still wait (the longer of the two; 0 when both may try now), and whether the pair has
   * recent failures to forgive on a success.
   */
  async check(clientKey: string, addressKey: string): Promise<{ retryAfterMs: number; clientHasFailures: boolean }> {
    const { waitMs, clientFailures } = await this.failures.waitAndClientFailures(this.dataSource.manager, clientKey, addressKey, {
      perClientAddress: this.limits.perClientAddress,
      perAddress: this.limits.perAddress,
      windowSeconds: this.limits.windowMs / 1000,
    });
    return { retryAfterMs: Math.max(0, waitMs), clientHasFailures: clientFailures > 0 };
  }

  /** Records one failure for each key, and drops failures that have left the window. */
  async recordFailure(clientKey: string, addressKey: string): Promise<void> {
    await this.failures.record(this.dataSource.manager, clientKey, addressKey, this.limits.windowMs / 1000);
  }

  /** A client id that authenticated from an address starts again from zero there (the address does not). */
  async forgive(clientKey: string): Promise<void> {
    await this.failures.deleteFor(this.dataSource.manager, clientKey);
  }
}
