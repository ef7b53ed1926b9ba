import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { OnModuleDestroy } from '@nestjs/common';
import { CallerCredentials } from '../../../auth';
import { DomainError } from '../../../../platform/errors/domain-error';
import { fromRpcError } from '../../../../platform/grpc/grpc-errors';
import { SHIPMENTS_PROTO_PATH } from '../../api/grpc/shipments.grpc-controller';
import type {
  CreateShipmentCommand,
  ListShipmentsQuery,
  ShipmentPage,
  ShipmentStatus,
  ShipmentView,
  TrackingEventsByShipment,
  TrackingEventView,
} from '../../contracts/shipment.contracts';
import type { ShipmentsApi } from '../../ports/shipments-api.port';

/** How long one call to the shipments module may take before the caller gets UNAVAILABLE. */
const CALL_DEADLINE_MS = 10_000;
/** How long a readiness probe waits for the shipments process's gRPC health answer. */
const PING_DEADLINE_MS = 2_000;
const SERVICE_NAME = 'logisynapse.shipments.v1.ShipmentService';

type HealthCheck = (request: { service: string }, options: { deadline: Date }, callback: (error: ServiceError | null, response?: { status: string }) => void) => void;

export interface ShipmentMessage {
  id: string;
  status: string;
  carrier: string;
  trackingNumber: string;
  labelUrl: string;
  workflowId: string;
  createdAt: string;
  updatedAt: string;
  failureReason: string;
  trackingEvents: { status: string; occurredAt: string; location: string; description: string }[];
  tenantId: string;
  customerEmail: string;
}

/** A `BatchGetTrackingEventsResponse` as grpc-js decodes it (camelCase, defaults filled in). */
export interface BatchGetTrackingEventsMessage {
  shipments: { shipmentId: string; trackingEvents: ShipmentMessage['trackingEvents'] }[];
}

type Unary = (request: unknown, metadata: Metadata, options: { deadline: Date }, callback: (error: ServiceError | null, response: unknown) => void) => void;

const orNull = (value: string) => (value === '' ? null : value);

/** A `Shipment` message as a view; with `withEvents`, the tracking events it carries too (GetShipment's answer). */
export function shipmentViewFromMessage(message: ShipmentMessage, withEvents = false): ShipmentView {
  return {
    id: message.id,
    tenantId: message.tenantId,
    status: message.status as ShipmentStatus,
    carrier: orNull(message.carrier),
    trackingNumber: orNull(message.trackingNumber),
    labelUrl: orNull(message.labelUrl),
    workflowId: message.workflowId,
    failureReason: orNull(message.failureReason),
    customerEmail: message.customerEmail,
    createdAt: message.createdAt,
    updatedAt: message.updatedAt,
    ...(withEvents ? { trackingEvents: message.trackingEvents.map(trackingEventView) } : {}),
  };
}

function trackingEventView(event: ShipmentMessage['trackingEvents'][number]): TrackingEventView {
  return { status: event.status as ShipmentStatus, occurredAt: event.occurredAt, location: orNull(event.location), description: orNull(event.description) };
}

/** A BatchGetTrackingEvents answer as the port's map, with empty strings as nulls. */
export function trackingEventsFromMessage(message: BatchGetTrackingEventsMessage): TrackingEventsByShipment {
  return new Map(message.shipments.map((s) => [s.shipmentId, s.trackingEvents.map(trackingEventView)]));
}

/**
 * The shipments module in another process, over gRPC `logisynapse.shipments.v1.ShipmentService`.
 * Every call carries the caller's own bearer token (CallerCredentials) in the `authorization`
 * metadata and nothing else about the caller: the shipments module verifies the token, asks
 * the policy, and takes the tenant from the token itself. Its status codes come back as the
 * same domain errors the in-process adapter throws.
 */
export class GrpcShipmentsApi implements ShipmentsApi, OnModuleDestroy {
  private readonly client: Client;
  private readonly health: Client;

  constructor(readonly address: string) {
    const definition = loadSync(SHIPMENTS_PROTO_PATH, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
    const pkg = loadPackageDefinition(definition) as unknown as {
      logisynapse: { shipments: { v1: { ShipmentService: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client } } };
    };
    this.client = new pkg.logisynapse.shipments.v1.ShipmentService(address, credentials.createInsecure());
    const healthPkg = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options: object) => Client } } };
    };
    // Same channel as the calls: readiness tells whether those would get through.
    this.health = new healthPkg.grpc.health.v1.Health(address, credentials.createInsecure(), { channelOverride: this.client.getChannel() });
  }

  /** Resolves when the shipments process answers SERVING for ShipmentService (readiness). */
  ping(): Promise<void> {
    const check = (this.health as unknown as { check: HealthCheck }).check.bind(this.health);
    return new Promise<void>((resolve, reject) =>
      check({ service: SERVICE_NAME }, { deadline: new Date(Date.now() + PING_DEADLINE_MS) }, (error, response) => {
        if (error) reject(fromRpcError(error, 'ShipmentService health'));
        else if (response?.status !== 'SERVING') reject(new Error(`ShipmentService at ${this.address} is ${response?.status ?? 'unknown'}`));
        else resolve();
      }),
    );
  }

  async create(command: CreateShipmentCommand): Promise<ShipmentView> {
    return shipmentViewFromMessage(await this.call<ShipmentMessage>('createShipment', 'CreateShipment', command));
  }

  async get(id: string): Promise<ShipmentView | null> {
    // GetShipment answers the events too: the view carries them, so a query for the shipment and
    // its events makes one call, not a second one for the events.
    const message = await this.getShipment(id);
    return message ? shipmentViewFromMessage(message, true) : null;
  }

  async list(query: ListShipmentsQuery): Promise<ShipmentPage> {
    const page = await this.call<{ shipments: ShipmentMessage[]; hasNextPage: boolean; endCursor: string }>('listShipments', 'ListShipments', {
      first: query.first,
      after: query.after ?? '',
      status: query.status ?? '',
    });
    return { items: page.shipments.map((m) => shipmentViewFromMessage(m)), hasNextPage: page.hasNextPage, endCursor: orNull(page.endCursor) };
  }

  async trackingEventsOf(shipmentIds: readonly string[]): Promise<TrackingEventsByShipment> {
    // Nothing to ask: no call (and no token needed).
    if (shipmentIds.length === 0) return new Map();
    const answer = await this.call<BatchGetTrackingEventsMessage>('batchGetTrackingEvents', 'BatchGetTrackingEvents', { shipmentIds: [...shipmentIds] });
    return trackingEventsFromMessage(answer);
  }

  /** The service answers NOT_FOUND for a shipment that is missing or another tenant's alike: null. */
  private async getShipment(id: string): Promise<ShipmentMessage | null> {
    try {
      return await this.call<ShipmentMessage>('getShipment', 'GetShipment', { id });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** Nest calls this at shutdown: the channel is closed, no call is left pending. */
  onModuleDestroy(): void {
    this.health.close();
    this.client.close();
  }

  private call<T>(method: string, rpc: string, request: unknown): Promise<T> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${CallerCredentials.requireBearerToken()}`);
    const deadline = new Date(Date.now() + CALL_DEADLINE_MS);
    return new Promise<T>((resolve, reject) => {
      const unary = (this.client as unknown as Record<string, Unary>)[method] as Unary;
      unary.call(this.client, request, metadata, { deadline }, (error, response) =>
        error ? reject(fromRpcError(error, `ShipmentService/${rpc}`)) : resolve(response as T),
      );
    });
  }
}
