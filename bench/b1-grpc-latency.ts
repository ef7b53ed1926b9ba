import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchApp } from './lib/app';
import { cpuBetween, cpuSnapshot } from './lib/cpu';
import { topCosts } from './lib/profile';
import { row, type Bench, type BenchRow } from './lib/context';
import { ShipmentsClient, uniqueKey } from './lib/grpc';
import { fixedRate } from './lib/load';
import { median, percentile, round, sleep } from './lib/stats';

const CARRIER_LATENCY_MS = 200;

/**
 * `--cpu-prof` writes one profile per thread (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`):
 * the app's main thread (0) and the embedded database's worker thread. Self time by package for
 * each, labelled, main thread first.
 */
export function topCostsByThread(profileDir: string): string[] {
  const files = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => ({ file: f, thread: Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? 0) }))
    .sort((a, b) => a.thread - b.thread);
  return files.map(({ file, thread }) => {
    const own = join(profileDir, `thread-${thread}`);
    mkdirSync(own, { recursive: true });
    renameSync(join(profileDir, file), join(own, file));
    const label = thread === 0 ? 'main thread' : `worker thread ${thread}`;
    return `[${label}] ${topCosts(own).join('; ')}`;
  });
}

interface Variant {
  name: 'A' | 'B';
  script?: string;
}

/**
 * One variant: its own process and data directory; warm-up, then `rounds` rounds at a fixed rate.
 * With `profileDir`, the app runs under `--cpu-prof` (written there when it stops).
 */
async function measure(variant: Variant, rounds: number, rate: number, perRound: number, log: (m: string) => void, profileDir?: string) {
  const app = await BenchApp.start({
    script: variant.script,
    env: { CARRIER_SANDBOX_LATENCY_MS: String(CARRIER_LATENCY_MS) },
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  try {
    const { token } = await app.tenantToken();
    const client = new ShipmentsClient(app.grpcAddress, token);
    const call = () => client.createShipment(uniqueKey(`b1${variant.name}`));
    await fixedRate(rate, Math.max(20, perRound / 3), call);
    await sleep(1000);
    const p50: number[] = [];
    const p99: number[] = [];
    const before = cpuSnapshot();
    for (let r = 0; r < rounds; r += 1) {
      const { latencies, errors } = await fixedRate(rate, perRound, call);
      if (errors > 0) throw new Error(`${errors} CreateShipment calls failed in variant ${variant.name}\n${app.logs.slice(-10).join('\n')}`);
      p50.push(percentile(latencies, 50));
      p99.push(percentile(latencies, 99));
      log(`B1 ${variant.name} round ${r + 1}: p50 ${p50.at(-1)!.toFixed(1)} ms, p99 ${p99.at(-1)!.toFixed(1)} ms`);
      // Let the workflows this round started finish, so rounds start alike.
      await sleep(1000);
    }
    const cpu = cpuBetween(before, cpuSnapshot(), { [app.pid]: 'app (node)', [process.pid]: 'bench (node)' }, 4);
    client.close();
    return { p50: median(p50), p99: median(p99), rounds: { p50, p99 }, cpu };
  } finally {
    await app.close();
  }
}

export const b1GrpcLatency: Bench = {
  id: 'B1',
  title: 'CreateShipment over gRPC, p50 and p99 latency, carrier latency 200 ms',
  async run(ctx): Promise<BenchRow[]> {
    // Well under the embedded app's capacity (B2: about 20-25 completed shipments/s on this machine),
    // so the figure is the latency of a call, not of a queue.
    const rate = 10;
    const perRound = ctx.quick ? 40 : 150;
    const a = await measure({ name: 'A' }, ctx.rounds, rate, perRound, ctx.log);
    const b = await measure({ name: 'B', script: 'bench/variants/inline-create-server.js' }, ctx.rounds, rate, perRound, ctx.log);
    let profile: string[] = [];
    if (!ctx.quick && a.p99 / b.p99 > 0.05) {
      // Missed: one more round of A under --cpu-prof, to say where its time goes.
      const dir = mkdtempSync(join(tmpdir(), 'logisynapse-bench-prof-'));
      try {
        await measure({ name: 'A' }, 1, rate, perRound, ctx.log, dir);
        profile = topCostsByThread(dir);
        ctx.log(`B1 A profile (self time by package): ${profile.join('; ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const notes = {
      variantA: 'the product (embedded defaults): CreateShipment starts the durable workflow (DBOS) and answers PENDING',
      variantB: 'the roadmap\'s "before" (bench/variants/inline-create-server.ts): the same application and activities, the four steps (carrier call, save, publish, queue email) run inline before the answer',
    };
    const detail = (which: 'p50' | 'p99') =>
      `open-loop load from the bench process over loopback (grpc-js client), ${rate} calls/s, ${perRound} calls per round after a warm-up; rounds A: ${a.rounds[which].map((v) => v.toFixed(1)).join(', ')} ms, B: ${b.rounds[which].map((v) => v.toFixed(1)).join(', ')} ms`;
    return [
      row('B1', 'p50 ms', round(a.p50, 1), round(b.p50, 1), 'reported (goal is on p99)', () => true, { ...notes, detail: detail('p50') }),
      row('B1', 'p99 ms', round(a.p99, 1), round(b.p99, 1), 'A/B p99 ≤ 0.05 (carrier latency 200 ms)', (_a, _b, ratio) => ratio !== null && ratio <= 0.05, {
        ...notes,
        detail: `${detail('p99')}; CPU during A's rounds: ${a.cpu.join(', ')}${profile.length ? `; --cpu-prof of A's app over one round, self time by package: ${profile.join('; ')}` : ''}`,
      }),
    ];
  },
};
