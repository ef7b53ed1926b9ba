import { createServer, type Server } from 'node:http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';

/** The metric readers telemetry starts with: Prometheus's pull reader, and OTLP's push when asked. */
export interface MetricReaders {
  /** Serves `/metrics` once `serveMetrics` gave it a port; null when METRICS_PORT=off. */
  prometheus: PrometheusExporter | null;
  all: IMetricReader[];
}

/**
 * Read from the environment before the configuration is loaded (telemetry starts first, so its
 * instrumentations patch modules before they load); `loadConfig` validates the same variables.
 */
export function metricReaders(env: NodeJS.ProcessEnv): MetricReaders {
  const prometheus = env.METRICS_PORT?.trim().toLowerCase() === 'off' ? null : new PrometheusExporter({ preventServerStart: true });
  const all: IMetricReader[] = prometheus ? [prometheus] : [];
  // OTEL_METRICS_EXPORTER, as OpenTelemetry defines it, may leave OTLP out (`prometheus`): the
  // endpoint is then a trace store's (Jaeger takes no metrics), as in .env.infra.
  const exporters = (env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((name) => name.trim());
  const pushOtlp = exporters.includes('otlp') && Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
  if (pushOtlp) {
    // The exporter reads its endpoint, headers and protocol from the standard OTEL_* variables.
    all.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 15_000 }));
  }
  return { prometheus, all };
}

/**
 * Serves Prometheus's text format at GET /metrics on its own port (METRICS_PORT), apart from the
 * API: a scraper never goes through authentication, and the API's port never shows metrics. Only
 * GET and HEAD of /metrics answer; the rest is 404 or 405 with nothing else said.
 */
export async function serveMetrics(exporter: PrometheusExporter, host: string, port: number): Promise<Server> {
  const server = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    } else {
      exporter.getMetricsRequestHandler(req, res);
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  return server;
}
