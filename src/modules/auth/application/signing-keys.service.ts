import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { describeError } from '../../../platform/errors/describe-error';
import { badInput, notFound } from '../../../platform/errors/domain-error';
import { clientValue } from '../../../platform/validation/postgres-text';
import { SigningKeysRepository, type StoredSigningKey } from '../adapters/typeorm/signing-keys.repository';
import { SIGNING_ALGORITHM } from './access-token-verification';
import { KEY_ENCRYPTION_KEY, openPrivateKey, sealPrivateKey, type KeyEncryptionKey } from './key-encryption';

// The one algorithm our tokens are signed with (and verified with: access-token-verification.ts).
export { SIGNING_ALGORITHM };

/**
 * How often a process reads the keys again (milliseconds). Another process (a replica, the other
 * half of a split deployment) may rotate or retire a key: within this time every process signs
 * with the newest key and refuses a retired one.
 */
export const SIGNING_KEYS_REFRESH_MS = Symbol('SIGNING_KEYS_REFRESH_MS');
const DEFAULT_REFRESH_MS = 10_000;

/**
 * A token naming a kid this process does not hold makes it read the keys again at most once in
 * this time (and never more than once at a time): anyone can send tokens with made-up kids, and
 * each read used to import every key again. A rotation elsewhere is still seen within it, or at
 * the periodic refresh.
 */
export const SIGNING_KEYS_UNKNOWN_KID_RELOAD_MS = Symbol('SIGNING_KEYS_UNKNOWN_KID_RELOAD_MS');
const DEFAULT_UNKNOWN_KID_RELOAD_MS = 1_000;

interface HeldKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  retired: boolean;
}

/**
 * Token signing keys. The newest active key signs; every unretired key verifies, so a rotation
 * does not invalidate tokens already issued. Keys live in the platform database, their private
 * halves sealed with the key-encryption key (ADR 0028); each process keeps a copy, read again
 * every `SIGNING_KEYS_REFRESH_MS` and, at most once a second, when a token names a kid it does
 * not know. A key already held is not imported again.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private keys: HeldKey[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;
  private loading: Promise<void> | null = null;
  private lastUnknownKidLoadMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repository: SigningKeysRepository,
    @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey,
    @Optional() @Inject(SIGNING_KEYS_REFRESH_MS) private readonly refreshMs: number = DEFAULT_REFRESH_MS,
    @Optional() @Inject(SIGNING_KEYS_UNKNOWN_KID_RELOAD_MS) private readonly unknownKidReloadMs: number = DEFAULT_UNKNOWN_KID_RELOAD_MS,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sealLegacyKeys();
    await this.load();
    if (!this.keys.some((k) => !k.retired)) {
      await this.addKey();
    }
    this.refreshTimer = setInterval(() => void this.refresh(), this.refreshMs);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** Reads the keys again; on a failure keeps the ones it has (the database may be briefly away). */
  async refresh(): Promise<void> {
    try {
      await this.load();
    } catch (error) {
      this.logger.warn(`could not read the signing keys again, keeping ${this.keys.length}: ${describeError(error)}`);
    }
  }

  /** Adds a key that signs from now on (rotation). */
  async addKey(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    await this.repository.add(kid, SIGNING_ALGORITHM, publicJwk, sealPrivateKey(this.kek, kid, privateJwk));
    await this.readAfterWrite();
    return kid;
  }

  /** Retires `kid`; refuses to retire the last active key (nothing could sign then). */
  async retireKey(kid: string): Promise<boolean> {
    await this.readAfterWrite();
    const active = this.keys.filter((k) => !k.retired);
    if (!active.some((k) => k.kid === kid)) throw notFound(`No active signing key ${clientValue(kid)}`);
    if (active.length === 1) throw badInput('Cannot retire the only active signing key: rotate first');
    await this.repository.retire(kid);
    await this.readAfterWrite();
    return true;
  }

  current(): { kid: string; privateKey: CryptoKey } {
    const key = this.keys.find((k) => !k.retired);
    if (!key) throw new Error('No active signing key');
    return key;
  }

  /** The verification key for `kid`, only among our own unretired keys. */
  async publicKeyFor(kid: string): Promise<CryptoKey | null> {
    let key = this.keys.find((k) => k.kid === kid);
    if (!key && performance.now() - this.lastUnknownKidLoadMs >= this.unknownKidReloadMs) {
      // Another process may have rotated: look once more in the database.
      this.lastUnknownKidLoadMs = performance.now();
      await this.refresh();
      key = this.keys.find((k) => k.kid === kid);
    } else if (!key && this.loading) {
      // A read started by an earlier miss (or the timer) may bring it: wait for that one.
      await this.loading.catch(() => undefined);
      key = this.keys.find((k) => k.kid === kid);
    }
    return key && !key.retired ? key.publicKey : null;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.filter((k) => !k.retired).map((k) => k.publicJwk) };
  }

  /** One read at a time: callers that arrive meanwhile share it. */
  private load(): Promise<void> {
    this.loading ??= this.read().finally(() => (this.loading = null));
    return this.loading;
  }

  /** A read that starts after this call (not one already in flight, which may predate a write). */
  private async readAfterWrite(): Promise<void> {
    await this.loading?.catch(() => undefined);
    await this.load();
  }

  private async read(): Promise<void> {
    const stored = await this.repository.list();
    const held = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = await Promise.all(
      stored.map(async (row): Promise<HeldKey> => {
        const known = held.get(row.kid);
        if (known) return known.retired === row.retired ? known : { ...known, retired: row.retired };
        return {
          kid: row.kid,
          privateKey: (await importJWK(this.privateJwkOf(row), SIGNING_ALGORITHM)) as CryptoKey,
          publicKey: (await importJWK(row.publicJwk, SIGNING_ALGORITHM)) as CryptoKey,
          publicJwk: row.publicJwk,
          retired: row.retired,
        };
      }),
    );
  }

  private privateJwkOf(row: StoredSigningKey): JWK {
    if (row.sealedPrivateJwk !== null) return openPrivateKey(this.kek, row.kid, row.sealedPrivateJwk);
    if (row.legacyPrivateJwk !== null) return row.legacyPrivateJwk; // sealed by the next start
    throw new Error(`Signing key ${row.kid} has no private key`);
  }

  /** Keys stored in plaintext by an earlier version are sealed in place (the same key, so its tokens stay valid). */
  private async sealLegacyKeys(): Promise<void> {
    const legacy = (await this.repository.list()).filter((row) => row.legacyPrivateJwk !== null);
    let sealed = 0;
    for (const row of legacy) {
      if (await this.repository.seal(row.kid, sealPrivateKey(this.kek, row.kid, row.legacyPrivateJwk!))) sealed += 1;
    }
    if (sealed > 0) this.logger.log(`sealed ${sealed} signing key(s) stored in plaintext by an earlier version (key-encryption key from ${this.kek.source})`);
  }
}
