import { createHash } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier, type Principal } from '../../../auth';
import { AuthorizationService, RequireAction, tenantRpcCaller } from '../../../authorization';
import { CARRIER_TRACKING_STATUSES, type CarrierTrackingStatus, type DistanceUnit, type MassUnit } from '../../../carriers';
import { TenantContext } from '../../../tenancy';
import { badInput, notFound } from '../../../../platform/errors/domain-error';
import { toRpcException } from '../../../../platform/grpc/grpc-errors';
import { assertGrpcRequestText } from '../../../../platform/grpc/request-text';
import { isUuid } from '../../../../platform/identifiers/uuid';
import { clientValue } from '../../../../platform/validation/postgres-text';
import { ShipmentCancellationsService } from '../../application/shipment-cancellations.service';
import { ShipmentRequestsService } from '../../application/shipment-requests.service';
import { ShipmentsService } from '../../application/shipments.service';
import { MAX_SHIPMENTS_PAGE_SIZE, SHIPMENT_STATUSES, type ShipmentStatus, type ShipmentView, type TrackingEventView } from '../../contracts/shipment.contracts';
import { GrpcMetricsInterceptor } from '../../../../platform/grpc/grpc-metrics.interceptor';
import type { Address } from '../../../carriers';
// The messages' types, generated from shipments.proto (npm run generate:grpc).
import type { Address__Output } from './generated/logisynapse/shipments/v1/Address';
import type { BatchGetTrackingEventsRequest__Output } from './generated/logisynapse/shipments/v1/BatchGetTrackingEventsRequest';
import type { BatchGetTrackingEventsResponse } from './generated/logisynapse/shipments/v1/BatchGetTrackingEventsResponse';
import type { CancelShipmentRequest__Output } from './generated/logisynapse/shipments/v1/CancelShipmentRequest';
import type { CreateShipmentRequest__Output } from './generated/logisynapse/shipments/v1/CreateShipmentRequest';
import type { GetShipmentRequest__Output } from './generated/logisynapse/shipments/v1/GetShipmentRequest';
import type { ListShipmentsRequest__Output } from './generated/logisynapse/shipments/v1/ListShipmentsRequest';
import type { ListShipmentsResponse } from './generated/logisynapse/shipments/v1/ListShipmentsResponse';
import type { Shipment } from './generated/logisynapse/shipments/v1/Shipment';
import type { TrackingEvent } from './generated/logisynapse/shipments/v1/TrackingEvent';
import type { UpdateShipmentStatusRequest__Output } from './generated/logisynapse/shipments/v1/UpdateShipmentStatusRequest';
import type { UpdateShipmentStatusResponse } from './generated/logisynapse/shipments/v1/UpdateShipmentStatusResponse';

export const SHIPMENTS_GRPC_PACKAGE = 'logisynapse.shipments.v1';
export const SHIPMENTS_PROTO_PATH = `${__dirname}/shipments.proto`;

type RpcMethod = 'createShipment' | 'getShipment' | 'listShipments' | 'updateShipmentStatus' | 'batchGetTrackingEvents' | 'cancelShipment';


const blank = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** Shipment ids are UUIDs: anything else is the caller's mistake, refused before any look-up. */
function shipmentId(id: string): string {
  if (!isUuid(id)) throw badInput('id must be a UUID', { field: 'id' });
  return id;
}

/** Longest value of each UpdateShipmentStatus field (tracking numbers are ~40 characters; Shippo's details a sentence). */
const STATUS_UPDATE_LIMITS = { trackingNumber: 200, status: 32, substatus: 200, occurredAt: 64, location: 500, statusDetails: 2000, eventId: 200, carrier: 100 } as const;

function assertStatusUpdateLengths(request: Partial<Record<keyof typeof STATUS_UPDATE_LIMITS, string>>): void {
  for (const [field, max] of Object.entries(STATUS_UPDATE_LIMITS) as [keyof typeof STATUS_UPDATE_LIMITS, number][]) {
    if ((request[field]?.length ?? 0) > max) throw badInput(`${field} must be at most ${max} characters`, { field });
  }
}

/** A request's address as the command's; a missing one stays missing, for validation to report. */
function address(a: Address__Output | null): Address | null {
  if (!a) return null;
  return {
    name: a.name, company: blank(a.company), street1: a.street1, street2: blank(a.street2), city: a.city,
    state: blank(a.state), zip: a.zip, country: a.country, phone: blank(a.phone), email: blank(a.email),
  };
}

function toMessage(view: ShipmentView, trackingEvents: TrackingEvent[] = []): Shipment {
  return {
    id: view.id, status: view.status, carrier: view.carrier ?? '', trackingNumber: view.trackingNumber ?? '',
    labelUrl: view.labelUrl ?? '', workflowId: view.workflowId, createdAt: view.createdAt, updatedAt: view.updatedAt,
    failureReason: view.failureReason ?? '', trackingEvents, tenantId: view.tenantId, customerEmail: view.customerEmail,
    labelRefund: view.labelRefund,
  };
}

/** A `TrackingEvent` message: proto3 strings have no null, so a missing value is ''. */
const eventMessage = (e: TrackingEventView): TrackingEvent => ({ ...e, location: e.location ?? '', description: e.description ?? '' });

/**
 * gRPC `logisynapse.shipments.v1.ShipmentService`. Each call verifies the caller's token from
 * the `authorization` metadata itself, asks the authorization service whether the caller may
 * perform the method's declared action (`@RequireAction`), and runs in that token's tenant;
 * tenant metadata sent by the caller (such as `x-tenant-id`) is never read.
 */
@Controller()
// Every call measured by service, method and status (rpc.server.duration).
@UseInterceptors(GrpcMetricsInterceptor)
export class ShipmentsGrpcController {
  constructor(
    @Inject(ACCESS_TOKEN_VERIFIER) private readonly tokens: AccessTokenVerifier,
    private readonly requests: ShipmentRequestsService,
    private readonly shipments: ShipmentsService,
    private readonly authorization: AuthorizationService,
    private readonly cancellations: ShipmentCancellationsService,
  ) {}

  @GrpcMethod('ShipmentService', 'CreateShipment')
  @RequireAction('shipment:create')
  createShipment(request: CreateShipmentRequest__Output, metadata: Metadata): Promise<Shipment> {
    return this.call(request, metadata, 'createShipment', async () => {
      const view = await this.requests.create({
        idempotencyKey: request.idempotencyKey,
        fromAddress: address(request.fromAddress),
        toAddress: address(request.toAddress),
        // The units are checked by the validation, which reports every problem at once.
        parcel: request.parcel && {
          ...request.parcel,
          distanceUnit: request.parcel.distanceUnit as DistanceUnit,
          massUnit: request.parcel.massUnit as MassUnit,
        },
        customerEmail: request.customerEmail,
      });
      return toMessage(view);
    });
  }

  @GrpcMethod('ShipmentService', 'GetShipment')
  @RequireAction('shipment:read')
  getShipment(request: GetShipmentRequest__Output, metadata: Metadata): Promise<Shipment> {
    return this.call(request, metadata, 'getShipment', async () => {
      const id = shipmentId(request.id);
      const view = await this.requests.get(id);
      if (!view) throw notFound(`No shipment ${id}`);
      const events = view.status === 'PENDING' ? [] : await this.shipments.trackingEvents(view.id);
      return toMessage(view, events.map(eventMessage));
    });
  }

  @GrpcMethod('ShipmentService', 'ListShipments')
  @RequireAction('shipment:list')
  listShipments(request: ListShipmentsRequest__Output, metadata: Metadata): Promise<ListShipmentsResponse> {
    return this.call(request, metadata, 'listShipments', async () => {
      const first = request.first || 20;
      if (first < 1 || first > MAX_SHIPMENTS_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_SHIPMENTS_PAGE_SIZE}`);
      const status = blank(request.status);
      if (status && !SHIPMENT_STATUSES.includes(status as ShipmentStatus)) throw badInput(`Unknown status ${clientValue(status)}`, { field: 'status' });
      const page = await this.shipments.list({ first, after: blank(request.after), status: status as ShipmentStatus | undefined });
      return { shipments: page.items.map((v) => toMessage(v)), cursors: page.cursors, hasNextPage: page.hasNextPage, endCursor: page.endCursor ?? '' };
    });
  }

  @GrpcMethod('ShipmentService', 'UpdateShipmentStatus')
  @RequireAction('shipment:update-status')
  updateShipmentStatus(request: UpdateShipmentStatusRequest__Output, metadata: Metadata): Promise<UpdateShipmentStatusResponse> {
    return this.call(request, metadata, 'updateShipmentStatus', async (principal) => {
      assertStatusUpdateLengths(request);
      if (!request.trackingNumber) throw badInput('trackingNumber is required');
      if (!CARRIER_TRACKING_STATUSES.includes(request.status as CarrierTrackingStatus)) {
        throw badInput(`status must be one of ${CARRIER_TRACKING_STATUSES.join(', ')}`);
      }
      const occurredAt = blank(request.occurredAt) ?? new Date().toISOString();
      if (Number.isNaN(Date.parse(occurredAt))) throw badInput('occurredAt is not a date');
      const eventId =
        blank(request.eventId) ??
        createHash('sha256').update([request.trackingNumber, request.status, request.substatus, occurredAt].join('|')).digest('hex');
      const outcome = await this.shipments.applyCarrierUpdate({
        tenantId: principal.tenantId!,
        carrier: blank(request.carrier) ?? 'unknown',
        trackingNumber: request.trackingNumber,
        status: request.status as CarrierTrackingStatus,
        substatus: blank(request.substatus),
        statusDetails: blank(request.statusDetails),
        occurredAt: new Date(occurredAt).toISOString(),
        location: blank(request.location),
        eventId,
      });
      return { outcome };
    });
  }

  @GrpcMethod('ShipmentService', 'CancelShipment')
  @RequireAction('shipment:cancel')
  cancelShipment(request: CancelShipmentRequest__Output, metadata: Metadata): Promise<Shipment> {
    return this.call(request, metadata, 'cancelShipment', async () => {
      const view = await this.cancellations.cancel(shipmentId(request.id));
      const events = await this.shipments.trackingEvents(view.id);
      return toMessage(view, events.map(eventMessage));
    });
  }

  @GrpcMethod('ShipmentService', 'BatchGetTrackingEvents')
  @RequireAction('shipment:read')
  batchGetTrackingEvents(request: BatchGetTrackingEventsRequest__Output, metadata: Metadata): Promise<BatchGetTrackingEventsResponse> {
    return this.call(request, metadata, 'batchGetTrackingEvents', async () => {
      const events = await this.shipments.trackingEventsOf(request.shipmentIds ?? []);
      return { shipments: [...events].map(([shipmentId, list]) => ({ shipmentId, trackingEvents: list.map(eventMessage) })) };
    });
  }

  /**
   * Checks the request's text (ADR 0030), authenticates, authorizes the action `method` declares
   * (refused when it declares none), then works in the caller's tenant.
   */
  private async call<T>(request: unknown, metadata: Metadata, method: RpcMethod, work: (principal: Principal) => Promise<T>): Promise<T> {
    try {
      assertGrpcRequestText(request);
      const principal = await tenantRpcCaller(this.tokens, this.authorization, metadata, ShipmentsGrpcController.prototype[method], method);
      return await TenantContext.run(principal.tenantId, () => work(principal));
    } catch (error) {
      throw toRpcException(error);
    }
  }

}
