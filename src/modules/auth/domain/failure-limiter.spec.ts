import { FailureLimiter } from './failure-limiter';

describe('FailureLimiter', () => {
  it('lets a key fail up to the limit, then makes it wait until the oldest failure leaves the window', () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterMs('client-a')).toBe(0);
      limiter.recordFailure('client-a');
      now += 1_000;
    }
    expect(limiter.retryAfterMs('client-a')).toBe(57_000);
    expect(limiter.retryAfterMs('client-b')).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterMs('client-a')).toBe(0);
  });

  it('forgets a key on reset (a successful attempt)', () => {
    const limiter = new FailureLimiter(1, 60_000);
    limiter.recordFailure('k');
    expect(limiter.retryAfterMs('k')).toBeGreaterThan(0);
    limiter.reset('k');
    expect(limiter.retryAfterMs('k')).toBe(0);
  });
});
