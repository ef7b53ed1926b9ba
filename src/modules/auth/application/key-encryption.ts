import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import type { AppConfig } from '../../../platform/config/app-config';

/** The key-encryption key the private signing keys are sealed with (ADR 0028). */
export interface KeyEncryptionKey {
  readonly key: Buffer;
  /** Where it came from, for error messages: the variable or the file. */
  readonly source: string;
}

export const KEY_ENCRYPTION_KEY = Symbol('KEY_ENCRYPTION_KEY');

/** The file the embedded default's key-encryption key is generated into, in the data directory. */
export const KEY_ENCRYPTION_KEY_FILE = 'key-encryption.key';

/**
 * LOGISYNAPSE_KEY_ENCRYPTION_KEY when set; otherwise a key generated once into the data
 * directory (0600, re-chmodded each start, like the embedded database's password, ADR 0023).
 * Whoever can read that file can read the embedded cluster's files anyway.
 */
export function resolveKeyEncryptionKey(config: Pick<AppConfig, 'dataDir' | 'auth'>): KeyEncryptionKey {
  if (config.auth.keyEncryptionKey) return { key: config.auth.keyEncryptionKey, source: 'LOGISYNAPSE_KEY_ENCRYPTION_KEY' };
  mkdirSync(config.dataDir, { recursive: true });
  const path = join(config.dataDir, KEY_ENCRYPTION_KEY_FILE);
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  const text = readFileSync(path, 'utf8').trim();
  const key = /^[A-Za-z0-9_-]{43}$/.test(text) ? Buffer.from(text, 'base64url') : null;
  if (key?.length !== 32) throw new KeyEncryptionError(`The key-encryption key file ${path} is damaged (32 bytes, base64url expected)`);
  return { key, source: path };
}

export class KeyEncryptionError extends Error {
  override readonly name = 'KeyEncryptionError';
}

const VERSION = 'v1';

/**
 * A private JWK sealed with AES-256-GCM: `v1.<iv>.<ciphertext>.<tag>` (base64url), a fresh
 * 96-bit IV each time, the key id as additional data so a ciphertext moved to another row fails.
 */
export function sealPrivateKey(kek: KeyEncryptionKey, kid: string, jwk: JWK): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The private JWK `sealed` holds; a wrong key-encryption key (or a changed ciphertext) is a KeyEncryptionError. */
export function openPrivateKey(kek: KeyEncryptionKey, kid: string, sealed: string): JWK {
  const [version, iv, ciphertext, tag, extra] = sealed.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag || extra !== undefined) {
    throw new KeyEncryptionError(`Signing key ${kid} is not sealed in a format this version reads`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek.key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch {
    throw new KeyEncryptionError(
      `Signing key ${kid} cannot be decrypted with the key-encryption key from ${kek.source}: it is not the key that encrypted it ` +
        '(set LOGISYNAPSE_KEY_ENCRYPTION_KEY to that key; every process on one database needs the same one)',
    );
  }
}
