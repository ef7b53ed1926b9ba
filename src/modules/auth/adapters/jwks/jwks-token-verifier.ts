import type { OnModuleDestroy } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, type CryptoKey } from 'jose';
import { describeError } from '../../../../platform/errors/describe-error';
import { unavailable } from '../../../../platform/errors/domain-error';
import { adapterLogger, type AdapterLogger } from '../../../../platform/logging/adapter-logger';
import { SIGNING_ALGORITHM, VERIFIED_TOKENS_CAPACITY, bearerTokenOfMetadata, verifyAccessToken, type TokenVerificationOptions } from '../../application/access-token-verification';
import { VerifiedTokens } from '../../application/verified-tokens';
import type { Principal } from '../../domain/scopes';
import type { AccessTokenVerifier } from '../../ports/access-token-verifier.port';

export interface JwksTokenVerifierOptions {
  /** The auth module's JWKS: `http://auth:3000/.well-known/jwks.json`. */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** How often the keys are read again in the background (a rotation or a retirement is seen within it). */
  refreshMs?: number;
  /** A token naming a kid not in the set reads it again at most once in this time (anyone can send made-up kids). */
  unknownKidFloorMs?: number;
  /** How long one read of the JWKS may take. */
  timeoutMs?: number;
  logger?: AdapterLogger;
}

/**
 * Verifies access tokens in a process that does not host the auth module, against the public keys
 * that module publishes (its `/.well-known/jwks.json`; ADR 0044). The keys are read at the first
 * token and then every `refreshMs` in the background, so no request waits for a read once they
 * are held, and a read that fails keeps the keys held (the auth process may be briefly away, as
 * the in-process keys survive a database blip). A kid not in the set reads it again at once, but
 * at most once per `unknownKidFloorMs` and one read at a time (jose's cooldown and its shared
 * pending read). The claims are checked exactly as the auth module checks them itself.
 */
export class JwksTokenVerifier implements AccessTokenVerifier, OnModuleDestroy {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly verification: TokenVerificationOptions;
  private readonly logger: AdapterLogger;
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshFailing = false;

  constructor(private readonly options: JwksTokenVerifierOptions) {
    this.logger = options.logger ?? adapterLogger('JwksTokenVerifier');
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      // Never stale in the request path: the background refresh keeps the set current.
      cacheMaxAge: Number.POSITIVE_INFINITY,
      cooldownDuration: options.unknownKidFloorMs ?? 1_000,
      timeoutDuration: options.timeoutMs ?? 5_000,
    });
    this.verification = {
      issuer: options.issuer,
      audience: options.audience,
      keyFor: (kid) => this.keyFor(kid),
      verified: new VerifiedTokens(VERIFIED_TOKENS_CAPACITY),
    };
  }

  /** Starts the background refresh (the first read happens at the first token or readiness check). */
  start(): this {
    this.refreshTimer ??= setInterval(() => void this.refresh(), this.options.refreshMs ?? 10_000);
    this.refreshTimer.unref();
    return this;
  }

  stop(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** Nest calls this at shutdown: no refresh is left scheduled. */
  onModuleDestroy(): void {
    this.stop();
  }

  verify(token: string): Promise<Principal> {
    return verifyAccessToken(token, this.verification);
  }

  async verifyMetadata(metadata: { get(key: string): unknown[] }): Promise<Principal> {
    return this.verify(bearerTokenOfMetadata(metadata));
  }

  /** Resolves once the keys are held (readiness: without them no token can be verified). */
  async ping(): Promise<void> {
    if (this.jwks.jwks() === undefined) await this.read();
  }

  /** The kids the set holds now (empty before the first read). */
  heldKids(): string[] {
    return (this.jwks.jwks()?.keys ?? []).flatMap((key) => (key.kid ? [key.kid] : []));
  }

  /** Reads the set again; a failure keeps the keys held and is logged once until a read succeeds. */
  async refresh(): Promise<void> {
    try {
      await this.jwks.reload();
      if (this.refreshFailing) this.logger.info(`signing keys read again from ${this.options.jwksUrl}`);
      this.refreshFailing = false;
    } catch (error) {
      if (!this.refreshFailing) this.logger.warn(`could not read the signing keys from ${this.options.jwksUrl}, keeping ${this.heldKids().length}: ${describeError(error)}`);
      this.refreshFailing = true;
    }
  }

  private async read(): Promise<void> {
    try {
      await this.jwks.reload();
    } catch (error) {
      throw this.keysUnreadable(error);
    }
  }

  private async keyFor(kid: string): Promise<CryptoKey | null> {
    try {
      return (await this.jwks({ alg: SIGNING_ALGORITHM, kid })) as CryptoKey;
    } catch (error) {
      // Not in the set (after the one read again that the floor allows): a key we do not trust.
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) return null;
      throw this.keysUnreadable(error);
    }
  }

  private keysUnreadable(error: unknown) {
    return unavailable(`the auth module's signing keys could not be read (${this.options.jwksUrl}): ${describeError(error)}`);
  }
}
