import { context, type Context } from '@opentelemetry/api';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, hostDetector, osDetector, processDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { metricReaders, type MetricReaders } from './metrics';
import { QuietDatabaseSampler } from './sampler';

export interface Telemetry {
  sdk: NodeSDK;
  metrics: MetricReaders;
  /**
   * Where finished spans go: the OTLP export (batched) when traces are exported, otherwise a
   * processor that drops them. Spans made outside the SDK's tracers (the workflow sandbox's,
   * handed over by Temporal's sink) are given to it too.
   */
  spans: SpanProcessor;
  /** Whether spans are recorded at all (only when they go somewhere: an OTLP endpoint, shipped logs). */
  recordsSpans: boolean;
  resource: Resource;
}

let started: Telemetry | null = null;

/** The telemetry this process started (null before `startTelemetry`, or when it is disabled). */
export function activeTelemetry(): Telemetry | null {
  return started;
}

/**
 * The instrumentations of `@opentelemetry/auto-instrumentations-node` that the app's libraries
 * load (HTTP, undici for fetch, Express, Nest, GraphQL, gRPC, pg, kafkajs, amqplib, pino, the
 * runtime's metrics), minus those that only add noise: a span per DNS look-up, socket or file.
 */
function instrumentations(env: NodeJS.ProcessEnv) {
  const all = getNodeAutoInstrumentations({
    '@opentelemetry/instrumentation-http': {
      ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false,
    },
    // No span per field a default resolver reads: a list of 50 shipments is not 500 spans.
    '@opentelemetry/instrumentation-graphql': { mergeItems: true, ignoreTrivialResolveSpans: true },
    // A query is traced inside a trace only (the background pollers' queries are not each a
    // trace), and a pool checkout is not a span of its own.
    '@opentelemetry/instrumentation-pg': { requireParentSpan: true, ignoreConnectSpans: true },
    // Express's middleware layers (body parsers, Nest's adapters) are a span each otherwise;
    // the route handlers stay.
    '@opentelemetry/instrumentation-express': { ignoreLayersType: [ExpressLayerType.MIDDLEWARE] },
    // pino's lines as OpenTelemetry log records (with their span), when logs are shipped; the
    // trace ids in the JSON lines themselves come from the logger's own mixin (logger.module.ts).
    '@opentelemetry/instrumentation-pino': { disableLogCorrelation: true, disableLogSending: env.OTEL_LOGS_EXPORTER !== 'otlp' },
    '@opentelemetry/instrumentation-dns': { enabled: false },
    '@opentelemetry/instrumentation-net': { enabled: false },
    '@opentelemetry/instrumentation-fs': { enabled: false },
  });
  for (const instrumentation of all) if (instrumentation.instrumentationName === ROUTER_INSTRUMENTATION) routeHandlerSpansOnly(instrumentation);
  return all;
}

export const ROUTER_INSTRUMENTATION = '@opentelemetry/instrumentation-router';

/** What the router instrumentation's span set-up answers for one layer (its `_setupSpan`). */
interface LayerSpanSetup {
  context: Context;
  wrappedNext: (error?: unknown) => unknown;
  ensureFallbackListener: () => void;
}
type SetupSpan = (layer: { method?: string }, req: unknown, res: unknown, next: (error?: unknown) => unknown) => LayerSpanSetup;

/**
 * Express 5 routes through the `router` package, whose instrumentation makes a span for every
 * middleware layer a request passes (body parsers, Nest's adapters, Apollo's: five of the nine
 * layer spans of a GraphQL request) and has no option to leave them out; the Express instrumentation's
 * `ignoreLayersType` above does not reach them. This keeps the route handlers' spans
 * (`request handler - /webhooks/carrier-tracking`) and makes none for a middleware layer, which
 * then runs in its caller's context: what a middleware span would have held hangs from the
 * request's span instead (ADR 0045). An instrumentation of another shape is left as it is.
 */
export function routeHandlerSpansOnly(instrumentation: object): boolean {
  const target = instrumentation as { _setupSpan?: SetupSpan };
  const setupSpan = target._setupSpan;
  if (typeof setupSpan !== 'function') return false;
  target._setupSpan = function (this: unknown, layer, req, res, next) {
    if (layer.method) return setupSpan.call(this, layer, req, res, next);
    return { context: context.active(), wrappedNext: next, ensureFallbackListener: () => undefined };
  };
  return true;
}

/**
 * The process's resource from local detectors only (environment, host, OS, process): the cloud
 * detectors of the auto-instrumentations package ask metadata endpoints, and nothing here calls
 * out of the machine.
 */
function localResource(env: NodeJS.ProcessEnv): Resource {
  const detected = detectResources({ detectors: [envDetector, hostDetector, osDetector, processDetector] });
  return resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'logisynapse' }).merge(detected);
}

/**
 * OpenTelemetry, started before Nest loads so instrumentations can patch modules. Metrics are on
 * (served for Prometheus at /metrics by main.ts, pushed over OTLP when an OTLP endpoint is set);
 * traces are exported over OTLP (protobuf over HTTP: Jaeger takes it on 4318) when an OTLP
 * endpoint is set, logs when an OTLP logs endpoint is (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): Telemetry | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  const exportTraces = env.OTEL_TRACES_EXPORTER !== 'none' && Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const metrics = metricReaders(env);
  // The span processor and the metric readers are given below; the SDK must not add its own.
  env.OTEL_TRACES_EXPORTER = 'none';
  env.OTEL_METRICS_EXPORTER = 'none';
  // Logs go over OTLP only to an endpoint named for them (a log store such as VictoriaLogs): the
  // general endpoint is usually a trace store, which takes no logs.
  env.OTEL_LOGS_EXPORTER ??= env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ? 'otlp' : 'none';
  const resource = localResource(env);
  const spans: SpanProcessor = exportTraces ? new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }) : new NoopSpanProcessor();
  // Without a span processor the SDK registers no tracer, and spans cost nothing: so one is given
  // only when spans go somewhere, or when shipped logs must carry their trace.
  const recordSpans = exportTraces || env.OTEL_LOGS_EXPORTER === 'otlp';
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    ...(recordSpans ? { spanProcessors: [spans], sampler: new QuietDatabaseSampler() } : {}),
    metricReaders: metrics.all,
    instrumentations: instrumentations(env),
  });
  sdk.start();
  started = { sdk, metrics, spans, recordsSpans: recordSpans, resource };
  return started;
}
