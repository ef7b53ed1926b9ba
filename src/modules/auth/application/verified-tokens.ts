import type { CryptoKey } from 'jose';
import type { Principal } from '../domain/scopes';

/** A token this process verified: who it names, the key that verified it, and until when it holds. */
export interface VerifiedToken {
  principal: Readonly<Principal>;
  kid: string;
  key: CryptoKey;
  /** `exp` plus the clock tolerance, in epoch milliseconds: past it, the token is verified again (and refused). */
  validUntilMs: number;
}

/**
 * The access tokens this process has verified, kept until they expire. A client sends the same
 * token with every call for its whole lifetime, and checking its signature again each time cost
 * about 0.4 ms per call (an ECDSA verification through WebCrypto, the largest step of a call
 * before its database work). Only the checks that cannot change for a given token string are
 * remembered: the caller re-checks the key (a retired key fails its tokens at once) and this
 * cache the expiry. Bounded, least recently used first out.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(
    private readonly capacity: number,
    private readonly nowMs: () => number = () => Date.now(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`VerifiedTokens capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `token` while it is unexpired; an expired one is dropped. */
  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (this.nowMs() > entry.validUntilMs) return undefined;
    this.entries.set(token, entry); // most recently used last
    return entry;
  }

  /** Remembers `entry`; returns its principal as stored (frozen: every call with the token shares it). */
  set(token: string, entry: VerifiedToken): Readonly<Principal> {
    this.entries.delete(token);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    const principal = Object.freeze({ ...entry.principal, scopes: Object.freeze([...entry.principal.scopes]) as string[] });
    this.entries.set(token, { ...entry, principal });
    return principal;
  }

  delete(token: string): void {
    this.entries.delete(token);
  }
}
