import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry, started before Nest loads so instrumentations can patch modules. Nothing is
 * exported unless the standard OTEL_* variables ask for it (the exporters default to none
 * here), and only local resource detectors run: nothing calls out of the machine.
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): NodeSDK | null {
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  env.OTEL_TRACES_EXPORTER ??= 'none';
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_NODE_RESOURCE_DETECTORS ??= 'env,host,os,process';
  env.OTEL_SERVICE_NAME ??= 'logisynapse';
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health') ?? false }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({ mergeItems: true }),
      new GrpcInstrumentation(),
      new PgInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}
