import { BenchApp } from './lib/app';
import { accumulateCpu, cpuBetween, cpuSnapshot, untilIdle } from './lib/cpu';
import { row, type Bench, type BenchRow } from './lib/context';
import { realServerEnv } from './lib/env';
import { CONNECTIONS, graphqlRound } from './lib/gateway';
import { median, round } from './lib/stats';
import { jaegerHasTraces, scrapeMetrics, telemetryBackends, telemetryOff, telemetryOn, type TelemetryBackends } from './lib/telemetry';
import { IN_FLIGHT, sideBySideRounds, ThroughputSession } from './lib/throughput';
import { alternate, withBoth } from './lib/rounds';

/** B7's goal: with telemetry exporting, at least this share of the throughput without it. */
const GOAL = 0.9;

const A_WHAT = (backends: TelemetryBackends) =>
  `telemetry exporting to the backends of .env.infra: traces over OTLP/HTTP to ${backends.otlp} (Jaeger)${backends.logs ? `, logs over OTLP to ${backends.logs} (VictoriaLogs)` : ''}, OTEL_METRICS_EXPORTER=prometheus with GET /metrics on its own port, scraped by the bench as Prometheus would`;
const B_WHAT = 'telemetry off: OTEL_SDK_DISABLED=true (no OpenTelemetry SDK starts, no instrumentation, no /metrics)';

/** Whether Jaeger got the variant's traces, as a note. */
async function tracesNote(backends: TelemetryBackends, sinceMs: number): Promise<string> {
  const seen = await jaegerHasTraces(backends, sinceMs);
  return seen === null ? 'Jaeger could not be asked whether the traces arrived' : seen ? 'Jaeger holds its traces' : 'Jaeger shows **no** trace of it (the export did not arrive)';
}

/** An app for B4's GraphQL rounds (createShipment, embedded defaults), started with `env`. */
async function gatewayApp(name: string, env: Record<string, string>, scrape: boolean) {
  const app = await BenchApp.start({ env });
  const stopScrape = scrape ? scrapeMetrics(env)(app) : null;
  try {
    const { token } = await app.tenantToken(`Bench ${name}`);
    const rates: number[] = [];
    const cpu: ReturnType<typeof cpuSnapshot> = new Map();
    let roundsMs = 0;
    return {
      name,
      pid: app.pid,
      rates,
      /** A round of `seconds`; measured (its rate and the CPU kept) when given `log`. */
      round: async (seconds: number, log?: (m: string) => void) => {
        const before = cpuSnapshot();
        const t0 = Date.now();
        const rate = await graphqlRound(app, token, seconds);
        if (log) {
          roundsMs += Date.now() - t0;
          accumulateCpu(cpu, before, cpuSnapshot());
          rates.push(rate);
          log(`${name} round ${rates.length}: ${rate.toFixed(0)} requests/s`);
        }
      },
      cpuLine: () =>
        `CPU used during the ${Math.round(roundsMs / 1000)} s of rounds (2 cores = 2 s per s): ${cpuBetween(new Map(), cpu, { [app.pid]: 'app (node)', [process.pid]: 'bench (node)' }).join(', ')}`,
      close: async () => {
        try {
          return (await stopScrape?.()) ?? '';
        } finally {
          await app.close();
        }
      },
    };
  } catch (error) {
    await stopScrape?.();
    await app.close();
    throw error;
  }
}

export const b7Telemetry: Bench = {
  id: 'B7',
  title: 'telemetry exporting to the backends (A) vs telemetry off (B): B2 shipments/s (real servers) and B4 GraphQL requests/s',
  async run(ctx): Promise<BenchRow[]> {
    if (!realServerEnv('b7')) throw new Error('the real servers are not configured (npm run infra:up)');
    const backends = await telemetryBackends();

    // B2's measurement on the real servers: both apps up (each its own task queue and topic
    // prefix), both warmed up, then their rounds alternate.
    const total = ctx.quick ? IN_FLIGHT : 5 * IN_FLIGHT;
    const warmUp = ctx.quick ? IN_FLIGHT / 2 : IN_FLIGHT;
    const b2EnvA = await telemetryOn(realServerEnv('b7a')!, backends);
    const b2SinceA = Date.now();
    const rates = (values: number[], digits: number) => values.map((v) => v.toFixed(digits)).join(', ');
    const { result: b2, noteA: b2Scraped } = await withBoth(
      () => ThroughputSession.start('B7-B2 telemetry on', b2EnvA, { alongside: scrapeMetrics(b2EnvA) }),
      () => ThroughputSession.start('B7-B2 telemetry off', telemetryOff(realServerEnv('b7b')!)),
      async (a, b) => {
        await sideBySideRounds(a, b, { warmUp, rounds: ctx.rounds, total, log: ctx.log });
        return { a: a.rate, b: b.rate, ratesA: rates(a.rates, 1), ratesB: rates(b.rates, 1), cpuA: a.cpuLine(), cpuB: b.cpuLine() };
      },
    );
    const b2Traces = await tracesNote(backends, b2SinceA);

    // B4's GraphQL gateway measurement (embedded defaults): both apps up, rounds alternating, each
    // after both apps are idle again (the workflows a round started keep its app busy for a while).
    const seconds = ctx.quick ? 3 : 8;
    const b4EnvA = await telemetryOn({}, backends);
    const b4SinceA = Date.now();
    const { result: b4, noteA: b4Scraped } = await withBoth(
      () => gatewayApp('B7-B4 telemetry on', b4EnvA, true),
      () => gatewayApp('B7-B4 telemetry off', telemetryOff({}), false),
      async (a, b) => {
        await a.round(ctx.quick ? 1 : 2);
        await b.round(ctx.quick ? 1 : 2);
        await alternate(
          ctx.rounds,
          () => a.round(seconds, ctx.log),
          () => b.round(seconds, ctx.log),
          async () => ctx.log(`B7-B4: both apps idle after ${((await untilIdle([a.pid, b.pid])) / 1000).toFixed(1)} s`),
        );
        return { a: median(a.rates), b: median(b.rates), ratesA: rates(a.rates, 0), ratesB: rates(b.rates, 0), cpuA: a.cpuLine(), cpuB: b.cpuLine() };
      },
    );
    const b4Traces = await tracesNote(backends, b4SinceA);

    const met = (_a: number, _b: number | null, ratio: number | null) => ratio !== null && ratio >= GOAL;
    const order = `both apps up at once, warmed up, then ${ctx.rounds} rounds each, alternating which goes first (A B, B A, …), so what else the shared machine runs falls on both; in each variant's CPU line, "node" is mostly the other, idle app`;
    return [
      row('B7-B2', 'B2 shipments/s completed (real servers), telemetry on vs off', round(b2.a, 1), round(b2.b, 1), `A/B ≥ ${GOAL}`, met, {
        variantA: A_WHAT(backends),
        variantB: B_WHAT,
        detail: `B2's measurement on the real servers (Temporal, Kafka, RabbitMQ, PostgreSQL; each app its own task queue and topic prefix): ${total} shipments per round, ${IN_FLIGHT} in flight, carrier latency 50 ms, done when LABEL_CREATED with the welcome notification recorded; ${order}; rounds A: ${b2.ratesA}/s, B: ${b2.ratesB}/s. A: ${b2Scraped}; ${b2Traces}. A: ${b2.cpuA}. B: ${b2.cpuB}.`,
      }),
      row('B7-B4', 'B4 GraphQL createShipment requests/s, telemetry on vs off', round(b4.a, 0), round(b4.b, 0), `A/B ≥ ${GOAL}`, met, {
        variantA: A_WHAT(backends),
        variantB: B_WHAT,
        detail: `B4's variant A (POST /graphql createShipment through the full gateway), embedded defaults, autocannon with ${CONNECTIONS} connections in a closed loop for ${seconds} s per round, each started once both apps were idle (under 15 % of a core for 1 s, at most 30 s of waiting); ${order}; rounds A: ${b4.ratesA}/s, B: ${b4.ratesB}/s. A: ${b4Scraped}; ${b4Traces}. A: ${b4.cpuA}. B: ${b4.cpuB}.`,
      }),
    ];
  },
};
