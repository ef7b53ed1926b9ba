import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { APP_DATA_SOURCE, type AppDataSource } from '../../../../platform/database';

export interface StoredSigningKey {
  kid: string;
  publicJwk: JWK;
  /** AES-256-GCM ciphertext of the private JWK (key-encryption.ts); null for a key not sealed yet. */
  sealedPrivateJwk: string | null;
  /** A key stored before sealing: in plaintext until the app seals it at start. */
  legacyPrivateJwk: JWK | null;
  retired: boolean;
}

/** Signing keys, newest first, through the owner's functions in the schema `auth` (ADR 0028). */
@Injectable()
export class SigningKeysRepository {
  constructor(@Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource) {}

  async list(): Promise<StoredSigningKey[]> {
    const rows: { kid: string; public_jwk: JWK; private_jwk_sealed: string | null; legacy_private_jwk: JWK | null; retired: boolean }[] =
      await this.dataSource.query(`SELECT kid, public_jwk, private_jwk_sealed, legacy_private_jwk, retired FROM auth.signing_keys()`);
    return rows.map((row) => ({
      kid: row.kid,
      publicJwk: row.public_jwk,
      sealedPrivateJwk: row.private_jwk_sealed,
      legacyPrivateJwk: row.legacy_private_jwk,
      retired: row.retired,
    }));
  }

  async add(kid: string, algorithm: string, publicJwk: JWK, sealedPrivateJwk: string): Promise<void> {
    await this.dataSource.query(`SELECT auth.add_signing_key($1, $2, $3, $4)`, [kid, algorithm, JSON.stringify(publicJwk), sealedPrivateJwk]);
  }

  /** False when `kid` was not an active key. */
  async retire(kid: string): Promise<boolean> {
    const rows: { retired: boolean }[] = await this.dataSource.query(`SELECT auth.retire_signing_key($1) AS retired`, [kid]);
    return rows[0]?.retired === true;
  }

  /** Replaces a plaintext private key by its sealed form; false when it was sealed already (by another process). */
  async seal(kid: string, sealedPrivateJwk: string): Promise<boolean> {
    const rows: { sealed: boolean }[] = await this.dataSource.query(`SELECT auth.seal_signing_key($1, $2) AS sealed`, [kid, sealedPrivateJwk]);
    return rows[0]?.sealed === true;
  }
}
