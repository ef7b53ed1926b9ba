// Telemetry first: instrumentations must patch modules before anything else loads them.
import { telemetry } from './platform/telemetry/register';

import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { ALL_MODULES, ConfigError, loadConfig } from './platform/config/app-config';
import { servedServices, type GrpcServiceName } from './platform/config/module-descriptors';
import { startDatabaseEarly } from './platform/database/database.factory';
import type { HostedGrpcService } from './platform/grpc/grpc-server';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from './platform/config/app-config';
import { serveMetrics } from './platform/telemetry/metrics';
import { describeError } from './platform/errors/describe-error';

/**
 * V8 lets the old generation grow to up to 4 times what survived the last full collection before
 * collecting again. With 50-70 MB live, that let the embedded app's heap reach 200 MB of mostly
 * garbage while it worked through 1,000 shipments (and idle timers kept V8's memory reducer from
 * ever giving it back). Growing by 30% collects sooner: measured on the bench machine, the main
 * heap after those shipments went from 209 to 117 MB committed, in the same time within noise
 * (ADR 0020). V8 reads the factor at each collection, so setting it here, before the modules
 * load, covers every way the app is started.
 */
function keepTheHeapNearItsLiveSize(): void {
  setFlagsFromString('--heap-growing-percent=30');
}

/** GET /metrics on METRICS_PORT (unless `off`, or telemetry is disabled); its URL, for the start lines. */
async function serveMetricsIfAsked(config: AppConfig, host: string, logger: { log(message: string, context: string): void }): Promise<string | null> {
  const exporter = telemetry?.metrics.prometheus;
  if (!exporter || config.metrics.port === null) return null;
  const server = await serveMetrics(exporter, config.host, config.metrics.port).catch((error: unknown) => {
    throw new Error(`cannot serve /metrics on ${config.host}:${config.metrics.port} (METRICS_PORT): ${describeError(error)}`);
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}/metrics`;
  logger.log(`metrics: ${url}`, 'Bootstrap');
  return url;
}

async function bootstrap(): Promise<void> {
  keepTheHeapNearItsLiveSize();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // The embedded database opens (or creates) its cluster in its own thread while the app's
  // modules load below: they are imported only now, after it was started. (Relative paths name
  // the compiled `.js` files; TypeScript maps them to the sources.)
  startDatabaseEarly(config);
  const [{ NestFactory }, { Logger }, { AppModule }, grpcServer, logging, auth, authorization, shipments, communications, { Liveness }] = await Promise.all([
    import('@nestjs/core'),
    import('nestjs-pino'),
    import('./app.module.js'),
    import('./platform/grpc/grpc-server.js'),
    import('./platform/logging/index.js'),
    import('./modules/auth/index.js'),
    import('./modules/authorization/index.js'),
    import('./modules/shipments/index.js'),
    import('./modules/communications/index.js'),
    import('./platform/health/liveness.js'),
  ]);
  const format = logging.logFormatOf(config);
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  const logger = new logging.StartupLogger(app.get(Logger), format);
  app.useLogger(logger);
  app.enableShutdownHooks();

  // The gRPC services of the modules this process hosts, on one server (reflection lists them all).
  const protos: Record<GrpcServiceName, Omit<HostedGrpcService, 'service'>> = {
    ShipmentService: { pkg: shipments.SHIPMENTS_GRPC_PACKAGE, proto: shipments.SHIPMENTS_PROTO_PATH },
    NotificationService: { pkg: communications.NOTIFICATIONS_GRPC_PACKAGE, proto: communications.NOTIFICATIONS_PROTO_PATH },
    AuthorizationService: { pkg: authorization.AUTHORIZATION_GRPC_PACKAGE, proto: authorization.AUTHORIZATION_PROTO_PATH },
    AuthAdminService: { pkg: auth.AUTH_ADMIN_GRPC_PACKAGE, proto: auth.AUTH_ADMIN_PROTO_PATH },
  };
  const services: HostedGrpcService[] = servedServices(config.modules).map((service) => ({ ...protos[service], service }));
  if (services.length > 0) {
    app.connectMicroservice(
      grpcServer.grpcServerOptions(`${config.host}:${config.grpcPort}`, services, (listener) => app.get(Liveness).watch(listener)),
    );
  }
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);

  const host = logging.reachableHost(config.host);
  const metricsUrl = await serveMetricsIfAsked(config, host, logger);
  const base = `http://${host}:${config.port}`;
  const gateway = config.modules.includes('gateway');
  const grpc = services.length > 0 ? { address: `${host}:${config.grpcPort}`, services: services.map((s) => s.service) } : null;
  if (format === 'pretty') {
    process.stdout.write(
      logging.startBanner({
        modules: config.modules,
        allModules: config.modules.length === ALL_MODULES.length,
        httpBase: base,
        graphql: gateway,
        playground: gateway && config.graphql.playground,
        tokenEndpoint: config.modules.includes('auth'),
        grpc,
        metrics: metricsUrl,
        adapters: logger.adapters,
        credentials: auth.readDemoCredentials(config.dataDir),
      }),
    );
  } else {
    const graphql = gateway ? `GraphQL${config.graphql.playground ? ' and playground' : ''} ${base}/graphql, ` : '';
    const grpcText = grpc ? `, gRPC ${grpc.address} (${grpc.services.join(', ')})` : '';
    const metricsText = metricsUrl ? `, metrics ${metricsUrl}` : '';
    logger.log(`Logisynapse ready (modules: ${config.modules.join(', ')}): ${graphql}health ${base}/health/ready${grpcText}${metricsText}`, 'Bootstrap');
  }

  const shutdown = async () => {
    await telemetry?.sdk.shutdown().catch(() => undefined);
  };
  process.once('beforeExit', () => void shutdown());
}

bootstrap().catch((error: unknown) => {
  // A wrong key-encryption key is the operator's to fix, not a bug: its message says what to do, no stack.
  const operatorError = error instanceof Error && error.name === 'KeyEncryptionError';
  process.stderr.write(`Logisynapse failed to start: ${error instanceof Error ? (operatorError ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  process.exit(1);
});
