import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { metricReaders, type MetricReaders } from './metrics';

export interface Telemetry {
  sdk: NodeSDK;
  metrics: MetricReaders;
}

/**
 * OpenTelemetry, started before Nest loads so instrumentations can patch modules. Metrics are on
 * (served for Prometheus at /metrics by main.ts, pushed over OTLP when an OTLP endpoint is set);
 * traces are exported over OTLP when an OTLP endpoint is set, logs when an OTLP logs endpoint is
 * (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT). Only local
 * resource detectors run: nothing calls out of the machine.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): Telemetry | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  // Traces go over OTLP when an OTLP endpoint is set (Jaeger takes it on 4318), otherwise nowhere.
  env.OTEL_TRACES_EXPORTER ??= env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none';
  // The metric readers are given below; the SDK must not add its own from the environment.
  env.OTEL_METRICS_EXPORTER = 'none';
  // Logs go over OTLP only to an endpoint named for them (a log store such as VictoriaLogs): the
  // general endpoint is usually a trace store, which takes no logs.
  const shipLogs = Boolean(env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT);
  env.OTEL_LOGS_EXPORTER ??= shipLogs ? 'otlp' : 'none';
  env.OTEL_NODE_RESOURCE_DETECTORS ??= 'env,host,os,process';
  env.OTEL_SERVICE_NAME ??= 'logisynapse';
  const metrics = metricReaders(env);
  // Shipped logs carry their trace: spans must be recorded even when none are exported (the SDK
  // registers no tracer at all without a span processor).
  const recordUnexportedSpans = shipLogs && env.OTEL_TRACES_EXPORTER === 'none';
  const sdk = new NodeSDK({
    ...(recordUnexportedSpans ? { spanProcessors: [new NoopSpanProcessor()] } : {}),
    metricReaders: metrics.all,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true }),
      new GrpcInstrumentation(),
      new PgInstrumentation(),
      // pino's lines as OpenTelemetry log records (with their span), when logs are shipped; the
      // trace ids in the JSON lines themselves come from the logger's own mixin (logger.module.ts).
      new PinoInstrumentation({ disableLogCorrelation: true, disableLogSending: env.OTEL_LOGS_EXPORTER !== 'otlp' }),
    ],
  });
  sdk.start();
  return { sdk, metrics };
}
