import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const MODULES = join(__dirname, '..', '..', 'src', 'modules');
const SHIPMENTS_PROTO = join(MODULES, 'shipments', 'api', 'grpc', 'shipments.proto');
const NOTIFICATIONS_PROTO = join(MODULES, 'communications', 'api', 'grpc', 'notifications.proto');
const AUTHORIZATION_PROTO = join(MODULES, 'authorization', 'api', 'grpc', 'authorization.proto');

type Unary = (request: unknown, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;
type ClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client;

/** A plain grpc-js client of one service (`package.Service`) of `proto`, as an outside caller would use it. */
function serviceClient(proto: string, qualifiedName: string, address: string) {
  const definition = loadSync(proto, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  let node: unknown = loadPackageDefinition(definition);
  for (const part of qualifiedName.split('.')) node = (node as Record<string, unknown>)[part];
  const client = new (node as ClientConstructor)(address, credentials.createInsecure());
  const call = <T>(method: string, request: unknown, token?: string, extra: Record<string, string> = {}): Promise<T> => {
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
    return new Promise<T>((resolve, reject) => {
      ((client as unknown as Record<string, Unary>)[method] as Unary).call(client, request, metadata, (error, response) =>
        error ? reject(error) : resolve(response as T),
      );
    });
  };
  return { call, close: () => client.close() };
}

/** A plain grpc-js client of ShipmentService, as an outside caller would use it. */
export function shipmentServiceClient(address: string) {
  return serviceClient(SHIPMENTS_PROTO, 'logisynapse.shipments.v1.ShipmentService', address);
}

/** A plain grpc-js client of the communications module's NotificationService. */
export function notificationServiceClient(address: string) {
  return serviceClient(NOTIFICATIONS_PROTO, 'logisynapse.communications.v1.NotificationService', address);
}

/** A plain grpc-js client of the authorization module's AuthorizationService. */
export function authorizationServiceClient(address: string) {
  return serviceClient(AUTHORIZATION_PROTO, 'logisynapse.authorization.v1.AuthorizationService', address);
}

/** A plain grpc-js client of the auth module's AuthAdminService. */
export function authAdminServiceClient(address: string) {
  return serviceClient(join(MODULES, 'auth', 'api', 'grpc', 'auth-admin.proto'), 'logisynapse.auth.v1.AuthAdminService', address);
}
