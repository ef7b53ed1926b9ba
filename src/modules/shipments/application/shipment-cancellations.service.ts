import { Inject, Injectable, Logger } from '@nestjs/common';
import { CARRIER, CarrierUnavailableError, CarrierValidationError, type CarrierPort, type LabelRefund } from '../../carriers';
import { failedPrecondition, notFound, unavailable } from '../../../platform/errors/domain-error';
import { clientValue } from '../../../platform/validation/postgres-text';
import type { ShipmentView } from '../contracts/shipment.contracts';
import { cancelDecision } from '../domain/shipment-cancellation';
import { ShipmentRequestsService } from './shipment-requests.service';
import { ShipmentsService } from './shipments.service';

/**
 * Cancels a shipment whose label is still unused: the carrier voids the label (a refund), then
 * the shipment is CANCELLED with that refund. Idempotent: a cancelled shipment answers as it is,
 * and the carrier's void is idempotent per label too, so a retry after a lost answer or a second
 * concurrent cancel records one refund. Runs in the caller's tenant: another tenant's shipment is
 * NOT_FOUND, like one that does not exist.
 *
 * No transaction is held across the carrier's call (on the embedded database that would hold
 * every other statement back): the state is checked, the label voided, then the result written.
 * A scan reported in between does not undo the cancellation: the carrier accepted the void, and
 * it is the carrier that refuses to void a label in use.
 */
@Injectable()
export class ShipmentCancellationsService {
  private readonly logger = new Logger('ShipmentCancellations');

  constructor(
    private readonly requests: ShipmentRequestsService,
    private readonly shipments: ShipmentsService,
    @Inject(CARRIER) private readonly carrier: CarrierPort,
  ) {}

  async cancel(id: string): Promise<ShipmentView> {
    // Through the front door's read, so a shipment still PENDING (no row yet) is refused, not missing.
    const shipment = await this.requests.get(id);
    if (!shipment) throw notFound(`No shipment ${clientValue(id)}`);
    const decision = cancelDecision(shipment.status);
    if (decision.kind === 'already-cancelled') return shipment;
    if (decision.kind === 'refused') throw failedPrecondition(decision.message, { reason: decision.reason, status: shipment.status });

    const label = await this.shipments.labelOf(shipment.id);
    if (!label?.labelId) throw failedPrecondition('The shipment has no label to void', { reason: 'label-not-bought-yet', status: shipment.status });
    const refund = await this.voidLabel(shipment.id, label.labelId);
    const cancelled = await this.shipments.recordCancellation(shipment.id, refund);
    if (!cancelled) throw notFound(`No shipment ${clientValue(id)}`);
    this.logger.log({ shipmentId: shipment.id, labelId: refund.labelId, refundId: refund.refundId }, 'shipment cancelled, label voided');
    return cancelled;
  }

  private async voidLabel(shipmentId: string, labelId: string): Promise<LabelRefund> {
    try {
      return await this.carrier.voidLabel({ reference: shipmentId, carrierTransactionId: labelId });
    } catch (error) {
      if (error instanceof CarrierValidationError) {
        throw failedPrecondition(`The carrier refused to void the label: ${error.reason}`, { reason: 'carrier-refused' });
      }
      if (error instanceof CarrierUnavailableError) {
        this.logger.warn({ shipmentId, labelId, err: error }, 'the carrier could not void the label');
        throw unavailable('The carrier cannot void the label right now; cancelling again later is safe');
      }
      throw error;
    }
  }
}
