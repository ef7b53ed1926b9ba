import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topCostsByThread } from './b1-grpc-latency';
import { row, type Bench, type BenchRow } from './lib/context';
import { realServerEnv } from './lib/env';
import { round } from './lib/stats';
import { CARRIER_LATENCY_MS, IN_FLIGHT, temporalFloor, throughputVariant } from './lib/throughput';

/** B2's goal: the real servers reach this share of what Temporal alone sustains (B2-floor) in the same run. */
const SHARE_OF_FLOOR = 0.9;

export const b2Throughput: Bench = {
  id: 'B2',
  title: 'shipments completed per second (created → LABEL_CREATED with the welcome email recorded), 64 in flight',
  async run(ctx): Promise<BenchRow[]> {
    const total = ctx.quick ? IN_FLIGHT : 5 * IN_FLIGHT;
    const realEnv = realServerEnv('b2');
    if (!realEnv) throw new Error('the real servers are not configured (npm run infra:up)');
    const warmUp = ctx.quick ? IN_FLIGHT / 2 : IN_FLIGHT;
    const real = await throughputVariant('B2 real', realEnv, ctx.rounds, total, ctx.log, { warmUp });
    // The floor on every run (quick too), right after the real variant on the same server: as many
    // runs as B2's measured rounds completed in all.
    const floorTotal = ctx.rounds * total;
    let floor: Awaited<ReturnType<typeof temporalFloor>> | null = null;
    let floorError = '';
    try {
      floor = await temporalFloor(realServerEnv('b2f')!, floorTotal);
      ctx.log(`B2 Temporal floor: ${floor.perSecond.toFixed(1)} runs/s over ${floorTotal} runs; CPU ${floor.cpu.join(', ')}`);
    } catch (error) {
      floorError = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      ctx.log(`B2 Temporal floor failed: ${floorError}`);
    }
    const embedded = await throughputVariant('B2 embedded', {}, ctx.rounds, total, ctx.log, { warmUp });
    const floorRate = floor ? round(floor.perSecond, 1) : null;
    const goal = floorRate === null ? null : round(SHARE_OF_FLOOR * floorRate, 1);
    // Missed: why. Where the app's time goes (one more round under --cpu-prof).
    let why = '';
    if (!ctx.quick && goal !== null && real.rate < goal) {
      const dir = mkdtempSync(join(tmpdir(), 'logisynapse-bench-b2-prof-'));
      try {
        await throughputVariant('B2 real (profiled)', realServerEnv('b2p')!, 1, total, ctx.log, { warmUp, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
        const profile = topCostsByThread(dir);
        ctx.log(`B2 real profile (self time by package, whole run of the app): ${profile.join('; ')}`);
        why = ` Why it is missed: --cpu-prof of the real app over one more round (whole process life), self time by package: ${profile.join('; ')}.`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const floorWhat = `bench/variants/temporal-floor.ts: the product's CreateShipmentWorkflow with the same bundle and worker options on the same Temporal server (own task queue), activities that only wait the carrier's ${CARRIER_LATENCY_MS} ms, no app, no database, Kafka or RabbitMQ; ${IN_FLIGHT} in flight, a warm-up of ${IN_FLIGHT} runs, then ${floorTotal} runs (as many as B2's measured rounds complete in all), done when the last step (queue the welcome email) runs`;
    return [
      row(
        'B2',
        'shipments/s completed, 64 in flight',
        round(real.rate, 1),
        round(embedded.rate, 1),
        goal === null ? `real ≥ ${SHARE_OF_FLOOR} × floor (B2-floor; not measured in this run)` : `real ≥ ${SHARE_OF_FLOOR} × floor (B2-floor ${floorRate}/s: ≥ ${goal}/s); embedded reported`,
        (a) => goal !== null && a >= goal,
        {
          variantA: 'real infrastructure: Temporal (own task queue), Kafka (own topic prefix), RabbitMQ, PostgreSQL (.env.infra)',
          variantB: 'embedded defaults: DBOS Transact, pg-boss event log and task queue, PGlite',
          detail: `${total} shipments per round, created over gRPC with ${IN_FLIGHT} in flight, done when LABEL_CREATED with the welcome notification recorded (real: read from PostgreSQL; embedded: over GraphQL, the LABEL_CREATED list then the notifications of those, every 200 ms); rounds real: ${real.rates.map((v) => v.toFixed(1)).join(', ')}/s, embedded: ${embedded.rates.map((v) => v.toFixed(1)).join(', ')}/s. The goal is against the Temporal floor of the same run (row B2-floor): on 2 cores the Temporal dev server itself bounds the throughput. All servers share the machine's 2 cores with the app and the load generator. Real: ${real.cpuLine}. Embedded: ${embedded.cpuLine}.${why}`,
        },
      ),
      row('B2-floor', 'Temporal floor: workflow runs/s completed, 64 in flight', floorRate, null, `reported (B2's goal: real ≥ ${SHARE_OF_FLOOR} × this)`, () => true, {
        variantA: floorWhat,
        variantB: '—',
        detail: floor
          ? `${floorTotal} runs in ${floor.seconds.toFixed(1)} s, measured right after B2's real variant; CPU during them: ${floor.cpu.join(', ')}`
          : `the floor could not be measured in this run: ${floorError}`,
      }),
    ];
  },
};
