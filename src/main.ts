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
import { SHIPMENTS_GRPC_PACKAGE, SHIPMENTS_PROTO_PATH } from './modules/shipments/api/grpc/shipments.grpc-controller';

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

  const grpcHealth = new HealthImplementation({
    '': 'SERVING',
    [`${SHIPMENTS_GRPC_PACKAGE}.ShipmentService`]: 'SERVING',
    [`${AUTHORIZATION_GRPC_PACKAGE}.AuthorizationService`]: 'SERVING',
  });
  app.connectMicroservice<GrpcOptions>({
    transport: Transport.GRPC,
    options: {
      url: `${config.host}:${config.grpcPort}`,
      // One server, every service: reflection (below) lists them all.
      package: [SHIPMENTS_GRPC_PACKAGE, AUTHORIZATION_GRPC_PACKAGE],
      protoPath: [SHIPMENTS_PROTO_PATH, AUTHORIZATION_PROTO_PATH],
      loader: { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true },
      onLoadPackageDefinition: (pkg, server) => {
        new ReflectionService(pkg).addToServer(server);
        grpcHealth.addToServer(server);
      },
    },
  });
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);

  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  logger.log(`Logisynapse ready: GraphQL and playground ${base}/graphql, health ${base}/health/ready, gRPC ${config.host}:${config.grpcPort}`, 'Bootstrap');

  const shutdown = async () => {
    await telemetry?.shutdown().catch(() => undefined);
  };
  process.once('beforeExit', () => void shutdown());
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Logisynapse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
