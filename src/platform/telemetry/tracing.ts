import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry, started before Nest loads so instrumentations can patch modules. Nothing is
 * exported unless the standard OTEL_* variables ask for it (OTEL_TRACES_EXPORTER defaults to
 * none here), and only local resource detectors run: nothing calls out of the machine.
 */
export function startTelemetry(): NodeSDK | null {
  if (process.env.OTEL_SDK_DISABLED === 'true') return null;
  process.env.OTEL_TRACES_EXPORTER ??= 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  process.env.OTEL_NODE_RESOURCE_DETECTORS ??= 'env,host,os,process';
  process.env.OTEL_SERVICE_NAME ??= 'logisynapse';
  const sdk = new NodeSDK();
  sdk.start();
  return sdk;
}
