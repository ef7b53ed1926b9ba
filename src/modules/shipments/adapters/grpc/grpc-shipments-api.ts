import type { OnModuleDestroy } from '@nestjs/common';
import { CallerCredentials } from '../../../auth';
import type { LabelRefundStatus } from '../../../carriers';
import { DomainError, notFound } from '../../../../platform/errors/domain-error';
import { GrpcServiceClient } from '../../../../platform/grpc/grpc-service-client';
import { isUuid } from '../../../../platform/identifiers/uuid';
import { clientValue } from '../../../../platform/validation/postgres-text';
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

import type { BatchGetTrackingEventsResponse__Output } from '../../api/grpc/generated/logisynapse/shipments/v1/BatchGetTrackingEventsResponse';
import type { ListShipmentsResponse__Output } from '../../api/grpc/generated/logisynapse/shipments/v1/ListShipmentsResponse';
import type { Shipment__Output } from '../../api/grpc/generated/logisynapse/shipments/v1/Shipment';

const SERVICE_NAME = 'logisynapse.shipments.v1.ShipmentService';

/** A `Shipment` as grpc-js decodes it (camelCase, defaults filled in; an unset message is null). Generated from shipments.proto. */
export type ShipmentMessage = Shipment__Output;

/** A `BatchGetTrackingEventsResponse` as grpc-js decodes it. */
export type BatchGetTrackingEventsMessage = BatchGetTrackingEventsResponse__Output;

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
    labelRefund: message.labelRefund ? { ...message.labelRefund, status: message.labelRefund.status as LabelRefundStatus } : null,
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
  private readonly remote: GrpcServiceClient;

  constructor(address: string) {
    this.remote = new GrpcServiceClient({ address, protoPath: SHIPMENTS_PROTO_PATH, service: SERVICE_NAME, bearerToken: () => CallerCredentials.requireBearerToken() });
  }

  /** Resolves when the shipments process answers SERVING for ShipmentService (readiness). */
  ping(): Promise<void> {
    return this.remote.ping();
  }

  async create(command: CreateShipmentCommand): Promise<ShipmentView> {
    return shipmentViewFromMessage(await this.call<ShipmentMessage>('createShipment', 'CreateShipment', command));
  }

  async get(id: string): Promise<ShipmentView | null> {
    // GetShipment answers the events too: the view carries them, so a query for the shipment and
    // its events makes one call, not a second one for the events.
    // The service refuses an id that is no UUID (INVALID_ARGUMENT); in-process it names no shipment.
    if (!isUuid(id)) return null;
    const message = await this.getShipment(id);
    return message ? shipmentViewFromMessage(message, true) : null;
  }

  async list(query: ListShipmentsQuery): Promise<ShipmentPage> {
    const page = await this.call<ListShipmentsResponse__Output>('listShipments', 'ListShipments', {
      first: query.first,
      after: query.after ?? '',
      status: query.status ?? '',
    });
    return { items: page.shipments.map((m) => shipmentViewFromMessage(m)), cursors: page.cursors, hasNextPage: page.hasNextPage, endCursor: orNull(page.endCursor) };
  }

  async cancel(id: string): Promise<ShipmentView> {
    // CancelShipment answers with the tracking events, as GetShipment does. An id that is no UUID
    // names no shipment, as in-process (the service itself refuses it as INVALID_ARGUMENT).
    if (!isUuid(id)) throw notFound(`No shipment ${clientValue(id)}`);
    return shipmentViewFromMessage(await this.call<ShipmentMessage>('cancelShipment', 'CancelShipment', { id }), true);
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
    this.remote.close();
  }

  private call<T>(method: string, rpc: string, request: unknown): Promise<T> {
    return this.remote.call<T>(method, rpc, request);
  }
}
