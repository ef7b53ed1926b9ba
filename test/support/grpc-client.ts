import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const PROTO = join(__dirname, '..', '..', 'src', 'modules', 'shipments', 'api', 'grpc', 'shipments.proto');

type Unary = (request: unknown, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;

/** A plain grpc-js client of ShipmentService, as an outside caller would use it. */
export function shipmentServiceClient(address: string) {
  const definition = loadSync(PROTO, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
  const pkg = loadPackageDefinition(definition) as unknown as {
    logisynapse: { shipments: { v1: { ShipmentService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client } } };
  };
  const client = new pkg.logisynapse.shipments.v1.ShipmentService(address, credentials.createInsecure());
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
