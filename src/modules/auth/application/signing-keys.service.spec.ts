import type { DataSource } from 'typeorm';
import { startMigratedEmbeddedDatabase } from '../../../../test/support/migrated-embedded-database';
import { eventually } from '../../../../test/support/poll';
import { SigningKeysService } from './signing-keys.service';

/**
 * Two services on one database stand for two processes (replicas, or the two halves of a split
 * deployment): a rotation or a retirement made by one reaches the other within its refresh time.
 */
describe('SigningKeysService across processes', () => {
  let db: Awaited<ReturnType<typeof startMigratedEmbeddedDatabase>>;
  let dataSource: DataSource;
  const services: SigningKeysService[] = [];

  beforeAll(async () => {
    db = await startMigratedEmbeddedDatabase('logisynapse-keys-');
    dataSource = db.dataSource;
  });

  afterAll(async () => {
    for (const service of services) service.onModuleDestroy();
    await db?.dispose();
  });

  const start = async (refreshMs: number) => {
    const service = new SigningKeysService(dataSource, refreshMs);
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
    const broken = new SigningKeysService({ query: () => Promise.reject(new Error('connection refused')) } as unknown as DataSource, 60_000);
    // Same keys as `service`, then a failing refresh.
    Object.assign(broken, { keys: (service as unknown as { keys: unknown[] }).keys });
    await broken.refresh();
    expect(broken.current().kid).toBe(kid);
  });
});
