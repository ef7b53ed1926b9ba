import type { DataSource } from 'typeorm';
import { startMigratedEmbeddedDatabase } from '../../../../test/support/migrated-embedded-database';
import { eventually } from '../../../../test/support/poll';
import { TokenRequestLimiter, clientAddressKey } from './token-request-limiter';

/** Two limiters on one database stand for two processes serving `/oauth/token`. */
describe('TokenRequestLimiter (shared by every process)', () => {
  let db: Awaited<ReturnType<typeof startMigratedEmbeddedDatabase>>;
  let dataSource: DataSource;
  const limits = { perClientAddress: 3, perAddress: 5, windowMs: 1_500 };
  const pair = (client: string, address: string) => [clientAddressKey(client, address), address] as const;

  beforeAll(async () => {
    db = await startMigratedEmbeddedDatabase('logisynapse-limiter-');
    dataSource = db.dataSource;
  });

  afterAll(async () => {
    await db?.dispose();
  });

  it('counts the failures of every process: the limit is not multiplied by the number of processes', async () => {
    const a = new TokenRequestLimiter(dataSource, limits);
    const b = new TokenRequestLimiter(dataSource, limits);
    await a.recordFailure(...pair('x', 'ip:1'));
    await b.recordFailure(...pair('x', 'ip:1'));
    await expect(a.check(...pair('x', 'ip:1'))).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: true });
    await b.recordFailure(...pair('x', 'ip:1'));
    const blocked = await a.check(...pair('x', 'ip:1'));
    expect(blocked.retryAfterMs).toBeGreaterThan(0);
    expect(blocked.retryAfterMs).toBeLessThanOrEqual(limits.windowMs);
    // Another client from a fresh address is not held back.
    await expect(b.check(...pair('y', 'ip:9'))).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: false });
  });

  it("does not lock a client out for its other addresses: one address's failures hold back that address only", async () => {
    const limiter = new TokenRequestLimiter(dataSource, limits);
    for (let i = 0; i < limits.perClientAddress; i++) await limiter.recordFailure(...pair('victim', 'ip:attacker'));
    expect((await limiter.check(...pair('victim', 'ip:attacker'))).retryAfterMs).toBeGreaterThan(0);
    await expect(limiter.check(...pair('victim', 'ip:owner'))).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: false });
  });

  it('limits an address across client ids, and a success forgives the client id from that address but not the address', async () => {
    const limiter = new TokenRequestLimiter(dataSource, limits);
    for (let i = 0; i < limits.perAddress; i++) await limiter.recordFailure(...pair(`spray-${i}`, 'ip:sprayer'));
    expect((await limiter.check(...pair('new', 'ip:sprayer'))).retryAfterMs).toBeGreaterThan(0);
    await limiter.forgive(clientAddressKey('spray-0', 'ip:sprayer'));
    expect(await limiter.check(clientAddressKey('spray-0', 'ip:sprayer'), 'ip:elsewhere')).toEqual({ retryAfterMs: 0, clientHasFailures: false });
    expect((await limiter.check(...pair('spray-0', 'ip:sprayer'))).retryAfterMs).toBeGreaterThan(0);
  });

  it('lets a key try again once its failures have left the window', async () => {
    const limiter = new TokenRequestLimiter(dataSource, limits);
    for (let i = 0; i < limits.perClientAddress; i++) await limiter.recordFailure(...pair('slow', 'ip:w'));
    const { retryAfterMs } = await limiter.check(...pair('slow', 'ip:w'));
    expect(retryAfterMs).toBeGreaterThan(0);
    await eventually(
      'the failures to leave the window',
      async () => ((await limiter.check(...pair('slow', 'ip:w'))).retryAfterMs === 0 ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  });
});
