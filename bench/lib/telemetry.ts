// B7's two telemetry settings of the app under test, and what stands in for the backends' side.
import { infraSettings } from './env';
import { freePort } from '../../test/support/ports';
import type { ThroughputPlatform } from './throughput';

/** Prometheus's scrape interval in infra:up (infra/observability/prometheus/prometheus.yml). */
export const SCRAPE_INTERVAL_MS = 5_000;

/** The service name the bench's apps export under, so their traces stay apart from others'. */
export const BENCH_SERVICE_NAME = 'logisynapse-bench';

/** Where telemetry goes, from `.env.infra` (written by `npm run infra:up`). */
export interface TelemetryBackends {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: Jaeger's OTLP/HTTP (traces). */
  otlp: string;
  /** VICTORIA_LOGS_OTLP_LOGS_URL: VictoriaLogs' OTLP logs endpoint, when configured. */
  logs: string | null;
  /** JAEGER_URL: Jaeger's query API, to check that traces arrived, when configured. */
  jaeger: string | null;
}

/**
 * The backends of `.env.infra`, each checked to answer (any HTTP status); throws a clear error
 * when the OTLP endpoint is not configured or does not answer.
 */
export async function telemetryBackends(): Promise<TelemetryBackends> {
  const settings = infraSettings();
  const otlp = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!otlp) throw new Error('the telemetry backends are not configured: no OTEL_EXPORTER_OTLP_ENDPOINT in .env.infra (npm run infra:up)');
  const answers = async (url: string) => (await fetch(url, { method: 'POST', body: '', signal: AbortSignal.timeout(5_000) }).catch(() => null)) !== null;
  if (!(await answers(`${otlp.replace(/\/$/, '')}/v1/traces`))) throw new Error(`nothing answers at ${otlp} (OTEL_EXPORTER_OTLP_ENDPOINT of .env.infra; npm run infra:up starts Jaeger)`);
  const logs = settings.VICTORIA_LOGS_OTLP_LOGS_URL || null;
  if (logs && !(await answers(logs))) throw new Error(`nothing answers at ${logs} (VICTORIA_LOGS_OTLP_LOGS_URL of .env.infra; npm run infra:up starts VictoriaLogs)`);
  return { otlp, logs, jaeger: settings.JAEGER_URL || null };
}

/** `env` without any telemetry setting (OTEL_*, METRICS_PORT). */
function withoutTelemetry(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('OTEL_') && key !== 'METRICS_PORT'));
}

/**
 * Telemetry on (B7's A): traces over OTLP/HTTP to Jaeger, logs over OTLP to VictoriaLogs (when
 * configured), metrics for Prometheus at GET /metrics on a port of its own (which `scrapeMetrics`
 * scrapes as Prometheus would).
 */
export async function telemetryOn(env: Record<string, string>, backends: TelemetryBackends): Promise<Record<string, string>> {
  return {
    ...withoutTelemetry(env),
    OTEL_SERVICE_NAME: BENCH_SERVICE_NAME,
    OTEL_EXPORTER_OTLP_ENDPOINT: backends.otlp,
    OTEL_METRICS_EXPORTER: 'prometheus',
    ...(backends.logs ? { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: backends.logs } : {}),
    METRICS_PORT: String(await freePort()),
  };
}

/** Telemetry off (B7's B): `OTEL_SDK_DISABLED=true`, so no SDK starts (src/platform/telemetry/tracing.ts). */
export function telemetryOff(env: Record<string, string>): Record<string, string> {
  return { ...withoutTelemetry(env), OTEL_SDK_DISABLED: 'true', METRICS_PORT: 'off' };
}

/**
 * GET /metrics of the app every SCRAPE_INTERVAL_MS while it runs, as Prometheus does (the bench
 * does not register the app with the real Prometheus). The stop, safe to call twice, answers a note.
 */
export function scrapeMetrics(env: Record<string, string>): (platform: ThroughputPlatform) => () => Promise<string> {
  return () => {
    const port = Number(env.METRICS_PORT);
    let scrapes = 0;
    let failures = 0;
    let bytes = 0;
    let current: Promise<void> = Promise.resolve();
    const scrape = () => {
      current = fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(SCRAPE_INTERVAL_MS) })
        .then(async (res) => {
          const text = await res.text();
          if (!res.ok) throw new Error(String(res.status));
          scrapes += 1;
          bytes = text.length;
        })
        .catch(() => void (failures += 1));
    };
    const timer = setInterval(scrape, SCRAPE_INTERVAL_MS);
    scrape();
    let stopped: Promise<string> | null = null;
    return () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await current;
        return `GET /metrics every ${SCRAPE_INTERVAL_MS / 1000} s: ${scrapes} scrapes (${Math.round(bytes / 1024)} KB each)${failures ? `, ${failures} failed` : ''}`;
      })());
  };
}

/** Whether Jaeger holds a trace of BENCH_SERVICE_NAME that started after `sinceMs` (epoch ms); null when it cannot be asked. */
export async function jaegerHasTraces(backends: TelemetryBackends, sinceMs: number): Promise<boolean | null> {
  if (!backends.jaeger) return null;
  const url = `${backends.jaeger.replace(/\/$/, '')}/api/traces?service=${encodeURIComponent(BENCH_SERVICE_NAME)}&start=${sinceMs * 1000}&limit=1`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
  if (!res?.ok) return null;
  const body = (await res.json()) as { data?: unknown[] };
  return (body.data?.length ?? 0) > 0;
}
