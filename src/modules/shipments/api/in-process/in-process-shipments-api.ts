import { Injectable } from '@nestjs/common';
import { ShipmentCancellationsService } from '../../application/shipment-cancellations.service';
import { ShipmentRequestsService } from '../../application/shipment-requests.service';
import { ShipmentsService } from '../../application/shipments.service';
import type {
  CreateShipmentCommand,
  ListShipmentsQuery,
  ShipmentPage,
  ShipmentView,
  TrackingEventsByShipment,
} from '../../contracts/shipment.contracts';
import type { ShipmentsApi } from '../../ports/shipments-api.port';

/** The shipments module in this process: the tenant comes from the caller's TenantContext. */
@Injectable()
export class InProcessShipmentsApi implements ShipmentsApi {
  constructor(
    private readonly requests: ShipmentRequestsService,
    private readonly shipments: ShipmentsService,
    private readonly cancellations: ShipmentCancellationsService,
  ) {}

  create(command: CreateShipmentCommand): Promise<ShipmentView> {
    return this.requests.create(command);
  }

  get(id: string): Promise<ShipmentView | null> {
    return this.requests.get(id);
  }

  list(query: ListShipmentsQuery): Promise<ShipmentPage> {
    return this.shipments.list(query);
  }

  cancel(id: string): Promise<ShipmentView> {
    return this.cancellations.cancel(id);
  }

  trackingEventsOf(shipmentIds: readonly string[]): Promise<TrackingEventsByShipment> {
    return this.shipments.trackingEventsOf(shipmentIds);
  }
}
