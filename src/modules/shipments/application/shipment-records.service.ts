import { Injectable } from '@nestjs/common';
import type { LabelRefund, PurchasedLabel } from '../../carriers';
import { TenantTransactions } from '../../tenancy';
import { ShipmentsRepository } from '../adapters/typeorm/shipments.repository';
import type { NewShipmentRecord } from '../contracts/shipment.contracts';
import type { ShipmentRecordsPort } from '../ports/shipment-records.port';

/** The shipment records the workflow writes, each in its tenant's transaction. */
@Injectable()
export class ShipmentRecordsService implements ShipmentRecordsPort {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly repository: ShipmentsRepository,
  ) {}

  recordLabel(record: NewShipmentRecord, label: PurchasedLabel): Promise<void> {
    return this.tx.runFor(record.tenantId, (tx) => this.repository.insertWithLabel(tx, record, label));
  }

  recordFailure(record: NewShipmentRecord, reason: string, compensation?: { labelId: string; refund: LabelRefund | null }): Promise<void> {
    return this.tx.runFor(record.tenantId, (tx) =>
      compensation ? this.repository.upsertCompensatedFailure(tx, record, reason, compensation) : this.repository.insertFailed(tx, record, reason),
    );
  }
}
