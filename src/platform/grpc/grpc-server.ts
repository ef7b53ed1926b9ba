import type { Server } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { withProtocMapEntryNames } from './map-entry-names';

/** One module's gRPC service, served by this process. */
export interface HostedGrpcService {
  /** The proto package, e.g. `logisynapse.shipments.v1`. */
  readonly pkg: string;
  readonly proto: string;
  /** The service's name in its package, e.g. `ShipmentService`. */
  readonly service: string;
}

export const GRPC_LOADER_OPTIONS: Options = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * The gRPC server of the modules this process hosts, on one port, with the standard health
 * service (SERVING for the server and for each service while the process is alive) and reflection. Reflection describes
 * the health service too, so `grpcurl list` shows it and grpcurl can call it: grpc-health-check
 * adds its handlers but not its descriptor to the package definition reflection reads (whose
 * map entries withProtocMapEntryNames names as grpcurl requires).
 */
export function grpcServerOptions(
  address: string,
  services: readonly HostedGrpcService[],
  watchLiveness?: (listener: (alive: boolean) => void) => void,
): GrpcOptions {
  const names = ['', ...services.map((s) => `${s.pkg}.${s.service}`)];
  const health = new HealthImplementation(Object.fromEntries(names.map((name) => [name, 'SERVING' as const])));
  // Health answers from its map: liveness (e.g. the embedded database's thread answers) updates it.
  watchLiveness?.((alive) => names.forEach((name) => health.setStatus(name, alive ? 'SERVING' : 'NOT_SERVING')));
  return {
    transport: Transport.GRPC,
    options: {
      url: address,
      package: services.map((s) => s.pkg),
      protoPath: services.map((s) => s.proto),
      loader: GRPC_LOADER_OPTIONS,
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Pick<Server, 'addService'>) => {
        new ReflectionService(withProtocMapEntryNames({ ...pkg, ...loadSync(healthProtoPath, GRPC_LOADER_OPTIONS) })).addToServer(server);
        health.addToServer(server);
      },
    },
  };
}
