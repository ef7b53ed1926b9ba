import { retryDelayMs } from './dbos-workflow-engine';

describe('retry policy on DBOS', () => {
  it('starts at 1 s, doubles, and never waits more than a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });
});
