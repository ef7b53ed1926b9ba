import { BenchApp } from './lib/app';
import { row, type Bench, type BenchRow } from './lib/context';
import { realServerEnv } from './lib/env';
import { CONNECTIONS, graphqlRound } from './lib/gateway';
import { median, round, sleep } from './lib/stats';
import { jaegerHasTraces, scrapeMetrics, telemetryBackends, telemetryOff, telemetryOn, type TelemetryBackends } from './lib/telemetry';
import { IN_FLIGHT, throughputVariant } from './lib/throughput';

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

/** B4's GraphQL rounds (createShipment, embedded defaults) against an app started with `env`. */
async function gatewayVariant(name: string, env: Record<string, string>, rounds: number, seconds: number, log: (m: string) => void, scrape: boolean) {
  const app = await BenchApp.start({ env });
  const stopScrape = scrape ? scrapeMetrics(env)(app) : null;
  try {
    const { token } = await app.tenantToken(`Bench ${name}`);
    await graphqlRound(app, token, Math.max(1, Math.round(seconds / 3)));
    await sleep(2000);
    const rates: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      rates.push(await graphqlRound(app, token, seconds));
      log(`${name} round ${r + 1}: ${rates.at(-1)!.toFixed(0)} requests/s`);
      // The workflows a round starts keep the app busy for a while; both variants wait the same.
      await sleep(2000);
    }
    return { rate: median(rates), rates, scraped: (await stopScrape?.()) ?? '' };
  } finally {
    await stopScrape?.();
    await app.close();
  }
}

export const b7Telemetry: Bench = {
  id: 'B7',
  title: 'telemetry exporting to the backends (A) vs telemetry off (B): B2 shipments/s (real servers) and B4 GraphQL requests/s',
  async run(ctx): Promise<BenchRow[]> {
    if (!realServerEnv('b7')) throw new Error('the real servers are not configured (npm run infra:up)');
    const backends = await telemetryBackends();

    // B2's measurement on the real servers, telemetry on then off.
    const total = ctx.quick ? IN_FLIGHT : 5 * IN_FLIGHT;
    const warmUp = ctx.quick ? IN_FLIGHT / 2 : IN_FLIGHT;
    const b2EnvA = await telemetryOn(realServerEnv('b7a')!, backends);
    const b2SinceA = Date.now();
    const b2A = await throughputVariant('B7-B2 telemetry on', b2EnvA, ctx.rounds, total, ctx.log, { warmUp, alongside: scrapeMetrics(b2EnvA) });
    const b2Traces = await tracesNote(backends, b2SinceA);
    const b2B = await throughputVariant('B7-B2 telemetry off', telemetryOff(realServerEnv('b7b')!), ctx.rounds, total, ctx.log, { warmUp });

    // B4's GraphQL gateway measurement (embedded defaults), telemetry on then off.
    const seconds = ctx.quick ? 3 : 8;
    const b4EnvA = await telemetryOn({}, backends);
    const b4SinceA = Date.now();
    const b4A = await gatewayVariant('B7-B4 telemetry on', b4EnvA, ctx.rounds, seconds, ctx.log, true);
    const b4Traces = await tracesNote(backends, b4SinceA);
    const b4B = await gatewayVariant('B7-B4 telemetry off', telemetryOff({}), ctx.rounds, seconds, ctx.log, false);

    const met = (_a: number, _b: number | null, ratio: number | null) => ratio !== null && ratio >= GOAL;
    return [
      row('B7-B2', 'B2 shipments/s completed (real servers), telemetry on vs off', round(b2A.rate, 1), round(b2B.rate, 1), `A/B ≥ ${GOAL}`, met, {
        variantA: A_WHAT(backends),
        variantB: B_WHAT,
        detail: `B2's measurement on the real servers (Temporal, Kafka, RabbitMQ, PostgreSQL; each app its own task queue and topic prefix): ${total} shipments per round, ${IN_FLIGHT} in flight, carrier latency 50 ms, done when LABEL_CREATED with the welcome notification recorded; A first, then B, each its own app process; rounds A: ${b2A.rates.map((v) => v.toFixed(1)).join(', ')}/s, B: ${b2B.rates.map((v) => v.toFixed(1)).join(', ')}/s. A: ${b2A.alongside}; ${b2Traces}. A: ${b2A.cpuLine}. B: ${b2B.cpuLine}.`,
      }),
      row('B7-B4', 'B4 GraphQL createShipment requests/s, telemetry on vs off', round(b4A.rate, 0), round(b4B.rate, 0), `A/B ≥ ${GOAL}`, met, {
        variantA: A_WHAT(backends),
        variantB: B_WHAT,
        detail: `B4's variant A (POST /graphql createShipment through the full gateway), embedded defaults, autocannon with ${CONNECTIONS} connections in a closed loop for ${seconds} s per round after a warm-up; A first, then B, each its own app process; rounds A: ${b4A.rates.map((v) => v.toFixed(0)).join(', ')}/s, B: ${b4B.rates.map((v) => v.toFixed(0)).join(', ')}/s. A: ${b4A.scraped}; ${b4Traces}.`,
      }),
    ];
  },
};
