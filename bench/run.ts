import { performance } from 'node:perf_hooks';
import { b1GrpcLatency } from './b1-grpc-latency';
import { b2Throughput } from './b2-throughput';
import { b3CarrierStatus } from './b3-carrier-status';
import { b4Gateway } from './b4-gateway';
import { b5Rls } from './b5-rls';
import { b6Startup } from './b6-startup';
import { b7Telemetry } from './b7-telemetry';
import { b8Modules } from './b8-modules';
import type { Bench, BenchContext, BenchRow } from './lib/context';
import { snapshotDist } from './lib/env';
import { machine, writeResults } from './lib/report';

const BENCHES: Bench[] = [b1GrpcLatency, b2Throughput, b3CarrierStatus, b4Gateway, b5Rls, b6Startup, b7Telemetry, b8Modules];

function parseArgs(argv: string[]): { quick: boolean; only: Set<string> | null } {
  let quick = false;
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      if (!value) throw new Error('--only needs a list, e.g. --only B1,B5');
      only = new Set(value.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean));
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('npm run bench [-- --quick] [-- --only B1,B5]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { quick, only };
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const selected = BENCHES.filter((b) => !only || only.has(b.id));
  if (selected.length === 0) throw new Error(`--only names no known benchmark (known: ${BENCHES.map((b) => b.id).join(', ')})`);
  const started = performance.now();
  const cleanUp = snapshotDist();
  process.once('exit', cleanUp);
  const info = machine();
  const date = new Date().toISOString();
  const ctx: BenchContext = {
    quick,
    rounds: quick ? 3 : 5,
    log: (message) => process.stdout.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
  };
  ctx.log(`${quick ? 'quick' : 'full'} run of ${selected.map((b) => b.id).join(', ')} on ${info.cpu} (${info.cores} cores), Node ${info.node}`);
  const rows: BenchRow[] = [];
  for (const bench of selected) {
    ctx.log(`${bench.id}: ${bench.title}`);
    const t0 = performance.now();
    try {
      const result = await bench.run(ctx);
      rows.push(...result);
      for (const { row } of result) ctx.log(`${row.id} ${row.metric}: A=${row.a} B=${row.b} ratio=${row.ratio} goal "${row.goal}" ${row.met ? 'met' : 'MISSED'}`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      ctx.log(`${bench.id} failed: ${message}`);
      rows.push({
        row: { id: bench.id, metric: bench.title, a: null, b: null, ratio: null, goal: 'see notes', met: false },
        notes: { variantA: '—', variantB: '—', detail: `the benchmark failed in this run: ${message}` },
      });
    }
    ctx.log(`${bench.id} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const durationS = Math.round((performance.now() - started) / 1000);
  // A partial (--only) or quick run leaves the complete table the README links alone: three
  // short rounds make a p99 the slowest call or two, a smoke check rather than a result.
  const name = [quick ? 'quick' : null, only ? `only-${[...only].sort().join('-')}` : null].filter(Boolean).join('-') || 'latest';
  const files = writeResults({ machineInfo: info, date, mode: `${quick ? '--quick' : 'full'}${only ? ` --only ${[...only].join(',')}` : ''}`, durationS, rows }, name);
  ctx.log(`wrote ${files.json} and ${files.md}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
