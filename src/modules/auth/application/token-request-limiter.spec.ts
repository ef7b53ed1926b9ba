import type { DataSource } from 'typeorm';
import { startMigratedEmbeddedDatabase } from '../../../../test/support/migrated-embedded-database';
import { eventually } from '../../../../test/support/poll';
import { TokenRequestLimiter } from './token-request-limiter';

/** Two limiters on one database stand for two processes serving `/oauth/token`. */
describe('TokenRequestLimiter (shared by every process)', () => {
  let db: Awaited<ReturnType<typeof startMigratedEmbeddedDatabase>>;
  let dataSource: DataSource;
  const limits = { perClient: 3, perAddress: 5, windowMs: 1_500 };

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
    await a.recordFailure('client:x', 'ip:1');
    await b.recordFailure('client:x', 'ip:2');
    await expect(a.check('client:x', 'ip:3')).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: true });
    await b.recordFailure('client:x', 'ip:3');
    const blocked = await a.check('client:x', 'ip:4');
    expect(blocked.retryAfterMs).toBeGreaterThan(0);
    expect(blocked.retryAfterMs).toBeLessThanOrEqual(limits.windowMs);
    // Another client from a fresh address is not held back.
    await expect(b.check('client:y', 'ip:9')).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: false });
  });

  it('limits an address across client ids, and a success forgives the client id but not the address', async () => {
    const limiter = new TokenRequestLimiter(dataSource, limits);
    for (let i = 0; i < limits.perAddress; i++) await limiter.recordFailure(`client:spray-${i}`, 'ip:sprayer');
    expect((await limiter.check('client:new', 'ip:sprayer')).retryAfterMs).toBeGreaterThan(0);
    await limiter.forgive('client:spray-0');
    await expect(limiter.check('client:spray-0', 'ip:elsewhere')).resolves.toEqual({ retryAfterMs: 0, clientHasFailures: false });
    expect((await limiter.check('client:spray-0', 'ip:sprayer')).retryAfterMs).toBeGreaterThan(0);
  });

  it('lets a key try again once its failures have left the window', async () => {
    const limiter = new TokenRequestLimiter(dataSource, limits);
    for (let i = 0; i < limits.perClient; i++) await limiter.recordFailure('client:slow', `ip:w${i}`);
    const { retryAfterMs } = await limiter.check('client:slow', 'ip:w9');
    expect(retryAfterMs).toBeGreaterThan(0);
    await eventually(
      'the failures to leave the window',
      async () => ((await limiter.check('client:slow', 'ip:w9')).retryAfterMs === 0 ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  });
});
