import { nowMs, sleep } from './stats';

/**
 * Open-loop load: starts `call` at a fixed rate whatever the answers take (so a slow variant
 * does not get a lighter load), and returns each call's latency in ms.
 */
export async function fixedRate(ratePerSecond: number, count: number, call: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const interval = 1000 / ratePerSecond;
  const start = nowMs();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i += 1) {
    const due = start + i * interval;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    const t0 = nowMs();
    running.push(
      call(i).then(
        () => void latencies.push(nowMs() - t0),
        () => void (errors += 1),
      ),
    );
  }
  await Promise.all(running);
  return { latencies, errors };
}

/** Closed-loop load: `concurrency` callers, each calling again as soon as it got an answer, for `durationMs`. */
export async function closedLoop(concurrency: number, durationMs: number, call: () => Promise<unknown>): Promise<{ completed: number; errors: number; seconds: number }> {
  let completed = 0;
  let errors = 0;
  const start = nowMs();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nowMs() < end) {
        try {
          await call();
          completed += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { completed, errors, seconds: (nowMs() - start) / 1000 };
}
