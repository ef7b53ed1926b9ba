import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ROOT } from './env';

export const SHIPMENTS_PROTO = join(ROOT, 'src', 'modules', 'shipments', 'api', 'grpc', 'shipments.proto');
export const PROTO_LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true } as const;

type Unary = (request: unknown, metadata: Metadata, callback: (error: ServiceError | null, response: unknown) => void) => void;

export interface ShipmentMessage {
  id: string;
  status: string;
  trackingNumber: string;
}

/** A plain grpc-js client of ShipmentService, as an outside caller uses it (one HTTP/2 connection). */
export class ShipmentsClient {
  private readonly client: Client;
  private readonly metadata = new Metadata();

  constructor(address: string, token: string) {
    const definition = loadSync(SHIPMENTS_PROTO, PROTO_LOADER_OPTIONS);
    const pkg = loadPackageDefinition(definition) as unknown as {
      logisynapse: { shipments: { v1: { ShipmentService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client } } };
    };
    this.client = new pkg.logisynapse.shipments.v1.ShipmentService(address, credentials.createInsecure());
    this.metadata.set('authorization', `Bearer ${token}`);
  }

  call<T>(method: string, request: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      ((this.client as unknown as Record<string, Unary>)[method] as Unary).call(this.client, request, this.metadata, (error, response) =>
        error ? reject(error) : resolve(response as T),
      );
    });
  }

  createShipment(idempotencyKey: string): Promise<ShipmentMessage> {
    return this.call<ShipmentMessage>('CreateShipment', shipmentRequest(idempotencyKey));
  }

  close(): void {
    this.client.close();
  }
}

const FROM = { name: 'Shawn Ippotle', street1: '215 Clayton St.', city: 'San Francisco', state: 'CA', zip: '94117', country: 'US' };
const TO = { name: 'Mr Hippo', street1: '1092 Indian Summer Ct', city: 'San Jose', state: 'CA', zip: '95122', country: 'US' };
const PARCEL = { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' };

/** The README's example shipment, with the given idempotency key. */
export function shipmentRequest(idempotencyKey: string) {
  return { idempotencyKey, fromAddress: FROM, toAddress: TO, parcel: PARCEL, customerEmail: 'hippo@example.com' };
}

let counter = 0;
/** An idempotency key no other request of this run uses. */
export function uniqueKey(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
