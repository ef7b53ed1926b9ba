import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_ENCRYPTION_KEY_FILE, KeyEncryptionError, openPrivateKey, resolveKeyEncryptionKey, sealPrivateKey } from './key-encryption';

const jwk = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate', d: 'the-private-scalar', kid: 'k1' };
const kek = { key: randomBytes(32), source: 'the test' };

describe('sealPrivateKey / openPrivateKey', () => {
  it('round-trips, with a fresh IV each time, and the ciphertext shows nothing of the key', () => {
    const one = sealPrivateKey(kek, 'k1', jwk);
    const two = sealPrivateKey(kek, 'k1', jwk);
    expect(one).not.toBe(two);
    expect(one).not.toContain('the-private-scalar');
    expect(openPrivateKey(kek, 'k1', one)).toEqual(jwk);
  });

  it('refuses another key-encryption key, a changed ciphertext, a ciphertext moved to another kid, and a shortened tag', () => {
    const sealed = sealPrivateKey(kek, 'k1', jwk);
    const [v, iv, ct, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => openPrivateKey({ key: randomBytes(32), source: 'another' }, 'k1', sealed)).toThrow(KeyEncryptionError);
    expect(() => openPrivateKey(kek, 'k1', [v, iv, flipped.toString('base64url'), tag].join('.'))).toThrow(KeyEncryptionError);
    expect(() => openPrivateKey(kek, 'k2', sealed)).toThrow(KeyEncryptionError);
    expect(() => openPrivateKey(kek, 'k1', [v, iv, ct, tag.slice(0, 6)].join('.'))).toThrow(KeyEncryptionError);
    expect(() => openPrivateKey(kek, 'k1', 'not sealed')).toThrow(/not sealed in a format/);
  });
});

describe('resolveKeyEncryptionKey', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'logisynapse-kek-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes LOGISYNAPSE_KEY_ENCRYPTION_KEY when set, writing nothing', () => {
    const key = randomBytes(32);
    expect(resolveKeyEncryptionKey({ dataDir, auth: { keyEncryptionKey: key } as never })).toEqual({ key, source: 'LOGISYNAPSE_KEY_ENCRYPTION_KEY' });
    expect(() => statSync(join(dataDir, KEY_ENCRYPTION_KEY_FILE))).toThrow();
  });

  it('otherwise generates one into the data directory once (0600) and reads it back at the next start', () => {
    const config = { dataDir, auth: { keyEncryptionKey: null } as never };
    const first = resolveKeyEncryptionKey(config);
    const file = join(dataDir, KEY_ENCRYPTION_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.key).toHaveLength(32);
    expect(resolveKeyEncryptionKey(config).key).toEqual(first.key);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.key.toString('base64url'));
    writeFileSync(file, 'damaged\n');
    expect(() => resolveKeyEncryptionKey(config)).toThrow(/is damaged/);
  });
});
