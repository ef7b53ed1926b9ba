import { loadPackageDefinition, Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { GRPC_LOADER_OPTIONS } from '../../src/platform/grpc/grpc-server';

export interface GrpcTestServer {
  readonly server: Server;
  /** `127.0.0.1:<port>`, a random free port. */
  readonly address: string;
  stop(): Promise<void>;
}

/**
 * A real grpc-js server on loopback serving `service` (fully qualified, e.g.
 * `logisynapse.shipments.v1.ShipmentService`) of `protoPath` with `handlers`, loaded with the app's
 * loader options: what a client adapter's spec stands in for the other module's process with.
 * `configure` adds more to the server before it binds (the health service, say).
 */
export async function startGrpcTestServer(
  protoPath: string,
  service: string,
  handlers: UntypedServiceImplementation,
  configure: (server: Server) => void = () => undefined,
): Promise<GrpcTestServer> {
  let node: unknown = loadPackageDefinition(loadSync(protoPath, GRPC_LOADER_OPTIONS));
  for (const part of service.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const definition = (node as { service?: Parameters<Server['addService']>[0] } | undefined)?.service;
  if (!definition) throw new Error(`${service} is not in ${protoPath}`);
  const server = new Server();
  server.addService(definition, handlers);
  configure(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { server, address: `127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}
