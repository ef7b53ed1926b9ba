// Telemetry first: instrumentations must patch modules before anything else loads them.
import { telemetry } from './platform/telemetry/register';

import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import type { GrpcOptions } from '@nestjs/microservices';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { startDatabaseEarly } from './platform/database/database.factory';

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
  const [{ ReflectionService }, { HealthImplementation }, { NestFactory }, { Transport }, { Logger }, { AppModule }, authorization, shipments, communications, { Liveness }] = await Promise.all([
    import('@grpc/reflection'),
    import('grpc-health-check'),
    import('@nestjs/core'),
    import('@nestjs/microservices'),
    import('nestjs-pino'),
    import('./app.module.js'),
    import('./modules/authorization/index.js'),
    import('./modules/shipments/index.js'),
    import('./modules/communications/index.js'),
    import('./platform/health/liveness.js'),
  ]);
  const { AUTHORIZATION_GRPC_PACKAGE, AUTHORIZATION_PROTO_PATH } = authorization;
  const { SHIPMENTS_GRPC_PACKAGE, SHIPMENTS_PROTO_PATH } = shipments;
  const { NOTIFICATIONS_GRPC_PACKAGE, NOTIFICATIONS_PROTO_PATH } = communications;
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();

  // The gRPC services of the modules this process hosts, on one server (reflection lists them all).
  const services = [
    ...(config.modules.includes('shipments') ? [{ pkg: SHIPMENTS_GRPC_PACKAGE, proto: SHIPMENTS_PROTO_PATH, service: 'ShipmentService' }] : []),
    ...(config.modules.includes('communications')
      ? [{ pkg: NOTIFICATIONS_GRPC_PACKAGE, proto: NOTIFICATIONS_PROTO_PATH, service: 'NotificationService' }]
      : []),
    ...(config.modules.includes('authorization')
      ? [{ pkg: AUTHORIZATION_GRPC_PACKAGE, proto: AUTHORIZATION_PROTO_PATH, service: 'AuthorizationService' }]
      : []),
  ];
  const grpcServiceNames = ['', ...services.map((s) => `${s.pkg}.${s.service}`)];
  const grpcHealth = new HealthImplementation(Object.fromEntries(grpcServiceNames.map((name) => [name, 'SERVING' as const])));
  // gRPC health answers from its map: liveness (the embedded database's thread answers) updates it.
  app.get(Liveness).watch((alive) => grpcServiceNames.forEach((name) => grpcHealth.setStatus(name, alive ? 'SERVING' : 'NOT_SERVING')));
  if (services.length > 0) {
    app.connectMicroservice<GrpcOptions>({
      transport: Transport.GRPC,
      options: {
        url: `${config.host}:${config.grpcPort}`,
        package: services.map((s) => s.pkg),
        protoPath: services.map((s) => s.proto),
        loader: { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
        onLoadPackageDefinition: (pkg, server) => {
          new ReflectionService(pkg).addToServer(server);
          grpcHealth.addToServer(server);
        },
      },
    });
  }
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);

  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  const graphql = config.modules.includes('gateway') ? `GraphQL and playground ${base}/graphql, ` : '';
  const grpc = services.length > 0 ? `, gRPC ${config.host}:${config.grpcPort} (${services.map((s) => s.service).join(', ')})` : '';
  logger.log(`Logisynapse ready (modules: ${config.modules.join(', ')}): ${graphql}health ${base}/health/ready${grpc}`, 'Bootstrap');

  const shutdown = async () => {
    await telemetry?.shutdown().catch(() => undefined);
  };
  process.once('beforeExit', () => void shutdown());
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Logisynapse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
