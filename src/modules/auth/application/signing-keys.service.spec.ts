import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import type { DataSource } from 'typeorm';
import { startMigratedEmbeddedDatabase } from '../../../../test/support/migrated-embedded-database';
import { eventually } from '../../../../test/support/poll';
import { SigningKeysRepository } from '../adapters/typeorm/signing-keys.repository';
import { KeyEncryptionError, type KeyEncryptionKey } from './key-encryption';
import { SIGNING_ALGORITHM, SigningKeysService } from './signing-keys.service';

const newKek = (): KeyEncryptionKey => ({ key: randomBytes(32), source: 'the test' });

/**
 * Two services on one database stand for two processes (replicas, or the two halves of a split
 * deployment): a rotation or a retirement made by one reaches the other within its refresh time.
 */
describe('SigningKeysService across processes', () => {
  let db: Awaited<ReturnType<typeof startMigratedEmbeddedDatabase>>;
  let dataSource: DataSource;
  const kek = newKek();
  const services: SigningKeysService[] = [];

  beforeAll(async () => {
    db = await startMigratedEmbeddedDatabase('logisynapse-keys-');
    dataSource = db.dataSource;
  });

  afterAll(async () => {
    for (const service of services) service.onModuleDestroy();
    await db?.dispose();
  });

  const start = async (refreshMs: number, unknownKidReloadMs?: number, repository = new SigningKeysRepository(dataSource)) => {
    const service = new SigningKeysService(repository, kek, refreshMs, unknownKidReloadMs);
    services.push(service);
    await service.onModuleInit();
    return service;
  };

  it('refuses a key another process retired, and signs with the key another process added', async () => {
    const a = await start(60_000);
    const b = await start(100);
    const oldKid = a.current().kid;
    expect(b.current().kid).toBe(oldKid);
    await expect(b.publicKeyFor(oldKid)).resolves.not.toBeNull();

    const newKid = await a.addKey();
    await a.retireKey(oldKid);
    await expect(a.publicKeyFor(oldKid)).resolves.toBeNull();

    const quickly = { timeoutMs: 5_000, intervalMs: 20 };
    await eventually('the other process to refuse the retired key', async () => ((await b.publicKeyFor(oldKid)) === null ? true : undefined), quickly);
    await eventually('the other process to sign with the new key', () => Promise.resolve(b.current().kid === newKid ? true : undefined), quickly);
    expect(b.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('keeps the keys it has when the database cannot be read', async () => {
    const service = await start(60_000);
    const kid = service.current().kid;
    const failing = new SigningKeysRepository({ query: () => Promise.reject(new Error('connection refused')) } as unknown as DataSource);
    const broken = new SigningKeysService(failing, kek, 60_000);
    // Same keys as `service`, then a failing refresh.
    Object.assign(broken, { keys: (service as unknown as { keys: unknown[] }).keys });
    await broken.refresh();
    expect(broken.current().kid).toBe(kid);
  });

  it('reads the keys at most once per interval for 100 tokens with unknown kids, and still finds a key added meanwhile after it', async () => {
    const repository = new SigningKeysRepository(dataSource);
    const reads = jest.spyOn(repository, 'list');
    const intervalMs = 2_000;
    const verifier = await start(60_000, intervalMs, repository);
    const known = verifier.current().kid;
    reads.mockClear();

    // 100 made-up kids: 50 at once, then 50 one after the other, all well inside one interval.
    const began = performance.now();
    const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => verifier.publicKeyFor(`unknown-${i}`)));
    for (let i = 50; i < 100; i++) burst.push(await verifier.publicKeyFor(`unknown-${i}`));
    expect(performance.now() - began).toBeLessThan(intervalMs);
    expect(burst.every((key) => key === null)).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);
    // The key it holds is answered from memory, without a read.
    await expect(verifier.publicKeyFor(known)).resolves.not.toBeNull();
    expect(reads).toHaveBeenCalledTimes(1);

    // Another process rotates: its key is found once the interval has passed (not only at the 60 s refresh).
    const rotator = await start(60_000);
    const rotated = await rotator.addKey();
    await eventually('the rotated key to be found', async () => ((await verifier.publicKeyFor(rotated)) ? true : undefined), { timeoutMs: 10_000, intervalMs: 50 });
    const elapsed = performance.now() - began;
    // At most one read per interval begun since the burst (plus the one of the burst).
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / intervalMs));
  });

  it('imports a key it already holds only once, so a refresh keeps the same key objects', async () => {
    const service = await start(60_000);
    const kid = service.current().kid;
    const before = await service.publicKeyFor(kid);
    await service.refresh();
    await expect(service.publicKeyFor(kid)).resolves.toBe(before);
  });
});

describe('SigningKeysService: private keys sealed at rest', () => {
  let db: Awaited<ReturnType<typeof startMigratedEmbeddedDatabase>>;
  const kek = newKek();
  const services: SigningKeysService[] = [];

  beforeAll(async () => {
    db = await startMigratedEmbeddedDatabase('logisynapse-sealed-keys-');
  });

  afterAll(async () => {
    for (const service of services) service.onModuleDestroy();
    await db?.dispose();
  });

  const start = async (kek: KeyEncryptionKey) => {
    const service = new SigningKeysService(new SigningKeysRepository(db.dataSource), kek, 60_000);
    services.push(service);
    await service.onModuleInit();
    return service;
  };
  // The embedded database's session is PGlite's superuser: it reads the table itself, as an operator would.
  const rows = () =>
    db.dataSource.query(`SELECT kid, private_jwk, private_jwk_sealed FROM signing_keys ORDER BY created_at`) as Promise<
      { kid: string; private_jwk: unknown; private_jwk_sealed: string | null }[]
    >;

  it('seals a key an earlier version stored in plaintext, keeping the key (its tokens stay valid)', async () => {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = 'legacy-plaintext-key';
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    await db.dataSource.query(`INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk) VALUES ($1, $2, $3, $4)`, [
      kid, SIGNING_ALGORITHM, JSON.stringify(privateJwk), JSON.stringify(publicJwk),
    ]);
    const issuedBefore = await new SignJWT({}).setProtectedHeader({ alg: SIGNING_ALGORITHM, kid }).setExpirationTime('5m').sign(privateKey);

    const service = await start(kek);
    const [row] = await rows();
    expect(row).toMatchObject({ kid, private_jwk: null, private_jwk_sealed: expect.stringMatching(/^v1\./) });
    expect(row!.private_jwk_sealed).not.toContain(privateJwk.d);
    // The same key: a token it signed before still verifies, and it signs on.
    await expect(jwtVerify(issuedBefore, (await service.publicKeyFor(kid))!)).resolves.toBeDefined();
    expect(service.current().kid).toBe(kid);
  });

  it('stores the keys it makes sealed only', async () => {
    const service = await start(kek);
    const kid = await service.addKey();
    const row = (await rows()).find((r) => r.kid === kid);
    expect(row).toMatchObject({ private_jwk: null, private_jwk_sealed: expect.stringMatching(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect(row!.private_jwk_sealed).not.toMatch(/"d"|"kty"/);
  });

  it('refuses to start with a key-encryption key that is not the one that sealed the keys, saying so', async () => {
    const wrong = newKek();
    const service = new SigningKeysService(new SigningKeysRepository(db.dataSource), wrong, 60_000);
    await expect(service.onModuleInit()).rejects.toThrow(KeyEncryptionError);
    await expect(service.onModuleInit()).rejects.toThrow(/cannot be decrypted with the key-encryption key from the test.*LOGISYNAPSE_KEY_ENCRYPTION_KEY/);
  });
});
