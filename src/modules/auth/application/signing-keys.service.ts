import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../platform/database';
import { badInput, notFound } from '../../../platform/errors/domain-error';
import { clientValue } from '../../../platform/validation/postgres-text';

export const SIGNING_ALGORITHM = 'ES256';

/**
 * How often a process reads the keys again (milliseconds). Another process (a replica, the other
 * half of a split deployment) may rotate or retire a key: within this time every process signs
 * with the newest key and refuses a retired one.
 */
export const SIGNING_KEYS_REFRESH_MS = Symbol('SIGNING_KEYS_REFRESH_MS');
const DEFAULT_REFRESH_MS = 10_000;

interface StoredKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  retired: boolean;
}

/**
 * Token signing keys. The newest active key signs; every unretired key verifies, so a rotation
 * does not invalidate tokens already issued. Keys live in the platform database; each process
 * keeps a copy, read again every `SIGNING_KEYS_REFRESH_MS` and whenever a token names a kid it
 * does not know.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SigningKeys');
  private keys: StoredKey[] = [];
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    @Optional() @Inject(SIGNING_KEYS_REFRESH_MS) private readonly refreshMs: number = DEFAULT_REFRESH_MS,
  ) {}

  async onModuleInit(): Promise<void> {
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
      this.logger.warn(`could not read the signing keys again, keeping ${this.keys.length}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Adds a key that signs from now on (rotation). */
  async addKey(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    await this.dataSource.query(
      `INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)`,
      [kid, SIGNING_ALGORITHM, JSON.stringify(privateJwk), JSON.stringify(publicJwk)],
    );
    await this.load();
    return kid;
  }

  /** Retires `kid`; refuses to retire the last active key (nothing could sign then). */
  async retireKey(kid: string): Promise<boolean> {
    await this.load();
    const active = this.keys.filter((k) => !k.retired);
    if (!active.some((k) => k.kid === kid)) throw notFound(`No active signing key ${clientValue(kid)}`);
    if (active.length === 1) throw badInput('Cannot retire the only active signing key: rotate first');
    await this.dataSource.query(`UPDATE signing_keys SET retired_at = now() WHERE kid = $1 AND retired_at IS NULL`, [kid]);
    await this.load();
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
    if (!key) {
      // Another process may have rotated: look once more in the database.
      await this.load();
      key = this.keys.find((k) => k.kid === kid);
    }
    return key && !key.retired ? key.publicKey : null;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.filter((k) => !k.retired).map((k) => k.publicJwk) };
  }

  private async load(): Promise<void> {
    const rows: { kid: string; private_jwk: JWK; public_jwk: JWK; retired_at: Date | null }[] = await this.dataSource.query(
      `SELECT kid, private_jwk, public_jwk, retired_at FROM signing_keys ORDER BY created_at DESC, kid`,
    );
    this.keys = await Promise.all(
      rows.map(async (row) => ({
        kid: row.kid,
        privateKey: (await importJWK(row.private_jwk, SIGNING_ALGORITHM)) as CryptoKey,
        publicKey: (await importJWK(row.public_jwk, SIGNING_ALGORITHM)) as CryptoKey,
        publicJwk: row.public_jwk,
        retired: row.retired_at !== null,
      })),
    );
  }
}
