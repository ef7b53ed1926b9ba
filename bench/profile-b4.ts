// Where B4's main-thread time goes, telemetry on against off: each app under `--cpu-prof`, one
// steady round of GraphQL createShipment, then the profile's window of that round charged to the
// npm package or file of ours on each sample's stack, in ms per request (ADR 0045).
// Run after `npm run bench` has compiled it: node dist/bench/profile-b4.js [seconds]
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchApp } from './lib/app';
import { graphqlRound } from './lib/gateway';
import { windowCosts } from './lib/profile';
import { telemetryBackends, telemetryOff, telemetryOn } from './lib/telemetry';

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function profileOne(name: string, env: Record<string, string>, seconds: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'logisynapse-b4-profile-'));
  const app = await BenchApp.start({ env, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=500'] });
  let window: { fromUs: number; toUs: number; requests: number };
  try {
    const { token } = await app.tenantToken(`Profile ${name}`);
    await graphqlRound(app, token, 3);
    const fromUs = nowUs();
    const rate = await graphqlRound(app, token, seconds);
    window = { fromUs, toUs: nowUs(), requests: Math.round(rate * seconds) };
  } finally {
    await app.close();
  }
  try {
    // Node names each thread's profile CPU.<date>.<time>.<pid>.<thread id>.<n>: the main thread is 0.
    const threads = readdirSync(dir)
      .map((f) => ({ file: f, thread: Number(/\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(f)?.[1] ?? NaN) }))
      .filter((t) => !Number.isNaN(t.thread))
      .sort((a, b) => a.thread - b.thread);
    if (!threads.length) throw new Error(`no .cpuprofile was written into ${dir}`);
    const lines = [`${name}: ${window.requests} requests in ${seconds} s`];
    for (const { file, thread } of threads) {
      const { busyMsPerRequest, costs } = windowCosts(join(dir, file), window.fromUs, window.toUs, window.requests, thread === 0 ? 20 : 5);
      if (busyMsPerRequest < 0.05) continue;
      lines.push(`  thread ${thread === 0 ? 'main' : thread}: busy ${busyMsPerRequest.toFixed(2)} ms per request`, ...costs.map((c) => `    ${c}`));
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 15);
  const backends = await telemetryBackends();
  const on = await profileOne('telemetry on', await telemetryOn({}, backends), seconds);
  const off = await profileOne('telemetry off', telemetryOff({}), seconds);
  console.log([...on, ...off].join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
