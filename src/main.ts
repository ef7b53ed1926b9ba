// Telemetry first: instrumentations must patch modules before anything else loads them.
import { telemetry } from './platform/telemetry/register';

import 'reflect-metadata';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { NestFactory } from '@nestjs/core';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './platform/config/app-config';
import { AUTHORIZATION_GRPC_PACKAGE, AUTHORIZATION_PROTO_PATH } from './modules/authorization';
import { SHIPMENTS_GRPC_PACKAGE, SHIPMENTS_PROTO_PATH } from './modules/shipments';

async function bootstrap(): Promise<void> {
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
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.enableShutdownHooks();

  // The gRPC services of the modules this process hosts, on one server (reflection lists them all).
  const services = [
    ...(config.modules.includes('shipments') ? [{ pkg: SHIPMENTS_GRPC_PACKAGE, proto: SHIPMENTS_PROTO_PATH, service: 'ShipmentService' }] : []),
    ...(config.modules.includes('authorization')
      ? [{ pkg: AUTHORIZATION_GRPC_PACKAGE, proto: AUTHORIZATION_PROTO_PATH, service: 'AuthorizationService' }]
      : []),
  ];
  const grpcHealth = new HealthImplementation({
    '': 'SERVING',
    ...Object.fromEntries(services.map((s) => [`${s.pkg}.${s.service}`, 'SERVING' as const])),
  });
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
