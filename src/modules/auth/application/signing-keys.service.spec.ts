import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createAppDataSource, runMigrations } from '../../../platform/database/database.factory';
import { startEmbeddedDatabase } from '../../../platform/database/adapters/pglite/embedded-database';
import type { DatabaseEndpoints } from '../../../platform/database/database.types';
import { SigningKeysService } from './signing-keys.service';

/**
 * Two services on one database stand for two processes (replicas, or the two halves of a split
 * deployment): a rotation or a retirement made by one reaches the other within its refresh time.
 */
describe('SigningKeysService across processes', () => {
  let dataDir: string;
  let endpoints: DatabaseEndpoints;
  let dataSource: DataSource;
  const services: SigningKeysService[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'logisynapse-keys-'));
    endpoints = await startEmbeddedDatabase(dataDir);
    await runMigrations(endpoints);
    dataSource = await createAppDataSource(endpoints, 4);
  });

  afterAll(async () => {
    for (const service of services) service.onModuleDestroy();
    await dataSource?.destroy();
    await endpoints?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (refreshMs: number) => {
    const service = new SigningKeysService(dataSource, refreshMs);
    services.push(service);
    await service.onModuleInit();
    return service;
  };

  async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('refuses a key another process retired, and signs with the key another process added', async () => {
    const a = await start(60_000);
    const b = await start(100);
    const oldKid = a.current().kid;
    expect(b.current().kid).toBe(oldKid);
    await expect(b.publicKeyFor(oldKid)).resolves.not.toBeNull();

    const newKid = await a.addKey();
    await a.retireKey(oldKid);
    await expect(a.publicKeyFor(oldKid)).resolves.toBeNull();

    await until('the other process to refuse the retired key', async () => (await b.publicKeyFor(oldKid)) === null);
    await until('the other process to sign with the new key', () => b.current().kid === newKid);
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
