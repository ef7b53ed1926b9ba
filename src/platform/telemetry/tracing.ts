import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { metricReaders, type MetricReaders } from './metrics';

export interface Telemetry {
  sdk: NodeSDK;
  metrics: MetricReaders;
}

/**
 * OpenTelemetry, started before Nest loads so instrumentations can patch modules. Metrics are on
 * (served for Prometheus at /metrics by main.ts, pushed over OTLP when an OTLP endpoint is set);
 * traces are exported over OTLP when an OTLP endpoint is set, logs only when the standard OTEL_*
 * variables ask for it. Only local
 * resource detectors run: nothing calls out of the machine.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): Telemetry | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  // Traces go over OTLP when an OTLP endpoint is set (Jaeger takes it on 4318), otherwise nowhere.
  env.OTEL_TRACES_EXPORTER ??= env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none';
  // The metric readers are given below; the SDK must not add its own from the environment.
  env.OTEL_METRICS_EXPORTER = 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_NODE_RESOURCE_DETECTORS ??= 'env,host,os,process';
  env.OTEL_SERVICE_NAME ??= 'logisynapse';
  const metrics = metricReaders(env);
  const sdk = new NodeSDK({
    metricReaders: metrics.all,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true }),
      new GrpcInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return { sdk, metrics };
}
