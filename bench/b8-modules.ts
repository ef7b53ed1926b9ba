import { row, type Bench, type BenchRow } from './lib/context';
import { realServerEnv } from './lib/env';
import { B2_MODULE_PROCESSES, ModuleDeployment } from './lib/modules';
import { withBoth } from './lib/rounds';
import { median, round } from './lib/stats';
import { CARRIER_LATENCY_MS, IN_FLIGHT, sideBySideRounds, ThroughputSession } from './lib/throughput';

/** B8's goal: one process per module keeps at least this share of one process's throughput. */
const GOAL = 0.8;

const A_WHAT = `one process per module: the processes of test/support/module-deployment.ts that B2's shipments go through, ${Object.entries(B2_MODULE_PROCESSES)
  .filter(([name]) => name !== 'gateway')
  .map(([name, modules]) => `${name} (LOGISYNAPSE_MODULES=${modules})`)
  .join(', ')}: the auth process issues the tokens and publishes the keys the others verify them with (its JWKS), the shipments process serves ShipmentService and starts the workflows through a Temporal client, the worker process runs them, the communications process consumes the emails; plus a gateway (${B2_MODULE_PROCESSES.gateway}, reaching the others over gRPC) that only makes the bench's tenant before the rounds; all five share one task queue, topic prefix and database; the deployment's other processes (the carriers' webhooks, the gateway's policy service) are not in B2's path and not started`;
const B_WHAT = "one process with every module: B2's real-server variant";

export const b8Modules: Bench = {
  id: 'B8',
  title: "B2's shipments/s on the real servers: one process per module (A) vs one process (B)",
  async run(ctx): Promise<BenchRow[]> {
    // Each deployment its own task queue and topic prefix (A's processes all the same one), so
    // neither takes the other's work; the database is the one both always share.
    const envA = realServerEnv('b8a');
    if (!envA) throw new Error('the real servers are not configured (npm run infra:up)');
    const envB = realServerEnv('b8b')!;
    const total = ctx.quick ? IN_FLIGHT : 5 * IN_FLIGHT;
    const warmUp = ctx.quick ? IN_FLIGHT / 2 : IN_FLIGHT;
    const waits: number[] = [];
    const { result } = await withBoth(
      () => ThroughputSession.start('B8 one process per module', envA, { platform: (env, nodeArgs) => ModuleDeployment.start(env, nodeArgs) }),
      () => ThroughputSession.start('B8 one process', envB),
      async (a, b) => {
        waits.push(...(await sideBySideRounds(a, b, { warmUp, rounds: ctx.rounds, total, log: ctx.log })));
        const named = (s: ThroughputSession, label: string) => Object.fromEntries(s.pids.map((pid) => [pid, label]));
        const shipments = ctx.rounds * total;
        const perShipment = (s: ThroughputSession) => (s.platformCpuSeconds * 1000) / shipments;
        return {
          a: a.rate,
          b: b.rate,
          ratesA: a.rates.map((v) => v.toFixed(1)).join(', '),
          ratesB: b.rates.map((v) => v.toFixed(1)).join(', '),
          cpuA: a.cpuLine(named(b, "B's app (other variant)")),
          cpuB: b.cpuLine(named(a, `A's ${a.pids.length} processes (other variant)`)),
          msA: perShipment(a),
          msB: perShipment(b),
        };
      },
    );
    ctx.log(`B8 A: ${result.cpuA}`);
    ctx.log(`B8 B: ${result.cpuB}`);
    const overhead = `CPU of the deployment's own processes per shipment during its rounds: A ${result.msA.toFixed(1)} ms (its processes summed), B ${result.msB.toFixed(1)} ms`;
    ctx.log(`B8 ${overhead}`);
    return [
      row('B8', "B2's shipments/s completed (real servers), one process per module vs one process", round(result.a, 1), round(result.b, 1), `A/B ≥ ${GOAL}`, (_a, _b, ratio) => ratio !== null && ratio >= GOAL, {
        variantA: A_WHAT,
        variantB: B_WHAT,
        detail: `B2's measurement (Temporal, Kafka, RabbitMQ, PostgreSQL): ${total} shipments per round created over gRPC at ShipmentService, ${IN_FLIGHT} in flight, carrier latency ${CARRIER_LATENCY_MS} ms, done when LABEL_CREATED with the welcome notification recorded (read from PostgreSQL); both deployments up at once, warmed up (${warmUp} shipments each), then ${ctx.rounds} rounds each alternating which goes first (A B, B A, …), each once every process of both used under 15 % of a core for 1 s (waited ${waits.map((w) => (w / 1000).toFixed(1)).join(', ')} s; median ${(median(waits) / 1000).toFixed(1)} s), so what else the shared machine runs falls on both; rounds A: ${result.ratesA}/s, B: ${result.ratesB}/s; ${overhead}. A: ${result.cpuA}. B: ${result.cpuB}.`,
      }),
    ];
  },
};
