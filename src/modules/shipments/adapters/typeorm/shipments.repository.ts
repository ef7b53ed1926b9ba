import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LabelRefund, LabelRefundStatus, PurchasedLabel } from '../../../carriers';
import type { ShipmentStatus } from '../../domain/shipment-status';
import { badInput } from '../../../../platform/errors/domain-error';
import { isUuid } from '../../../../platform/identifiers/uuid';
import type {
  ListShipmentsQuery,
  NewShipmentRecord,
  ShipmentPage,
  ShipmentView,
  TrackingEventsByShipment,
  TrackingEventView,
} from '../../contracts/shipment.contracts';

interface ShipmentRow {
  id: string;
  tenant_id: string;
  status: ShipmentStatus;
  carrier: string | null;
  tracking_number: string | null;
  label_url: string | null;
  workflow_id: string;
  failure_reason: string | null;
  carrier_transaction_id: string | null;
  label_refund_id: string | null;
  label_refund_status: LabelRefundStatus | null;
  customer_email: string;
  created_at: Date;
  updated_at: Date;
}

interface TrackingEventRow {
  status: ShipmentStatus;
  occurred_at: Date;
  location: string | null;
  description: string | null;
}

const eventView = (r: TrackingEventRow): TrackingEventView => ({
  status: r.status,
  occurredAt: r.occurred_at.toISOString(),
  location: r.location,
  description: r.description,
});

const COLUMNS = `id, tenant_id, status, carrier, tracking_number, label_url, workflow_id, failure_reason, carrier_transaction_id,
  label_refund_id, label_refund_status, customer_email, created_at, updated_at`;

function toView(row: ShipmentRow): ShipmentView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    status: row.status,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    labelUrl: row.label_url,
    workflowId: row.workflow_id,
    failureReason: row.failure_reason,
    labelRefund: labelRefundOf(row),
    customerEmail: row.customer_email,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function labelRefundOf(row: ShipmentRow): LabelRefund | null {
  if (!row.label_refund_id || !row.carrier_transaction_id || !row.label_refund_status) return null;
  return { refundId: row.label_refund_id, labelId: row.carrier_transaction_id, status: row.label_refund_status };
}

/** Cursor: the position of the last row in the list order (created_at desc, id desc). */
export function encodeCursor(view: Pick<ShipmentView, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([view.createdAt, view.id])).toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      if (Number.isNaN(Date.parse(value[0])) || !isUuid(value[1])) return null;
      return [value[0], value[1]];
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return null;
}

/** SQL over the tenant transaction's EntityManager; row-level security scopes every statement. */
@Injectable()
export class ShipmentsRepository {
  /** Inserts the shipment with its label; a repeated call for the same shipment changes nothing. */
  async insertWithLabel(tx: EntityManager, input: NewShipmentRecord, label: PurchasedLabel): Promise<void> {
    await tx.query(
      `INSERT INTO shipments (id, tenant_id, idempotency_key, request_hash, status, carrier, tracking_number, label_url,
         carrier_transaction_id, workflow_id, from_address, to_address, parcel, customer_email, created_at)
       VALUES ($1, $2, $3, $4, 'LABEL_CREATED', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO NOTHING`,
      [
        input.shipmentId, input.tenantId, input.idempotencyKey, input.requestHash, label.carrier, label.trackingNumber,
        label.labelUrl, label.carrierTransactionId, input.workflowId, input.fromAddress, input.toAddress, input.parcel,
        input.customerEmail, input.requestedAt,
      ],
    );
  }

  async insertFailed(tx: EntityManager, input: NewShipmentRecord, reason: string): Promise<void> {
    await tx.query(
      `INSERT INTO shipments (id, tenant_id, idempotency_key, request_hash, status, failure_reason, workflow_id,
         from_address, to_address, parcel, customer_email, created_at)
       VALUES ($1, $2, $3, $4, 'FAILED', $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO NOTHING`,
      [
        input.shipmentId, input.tenantId, input.idempotencyKey, input.requestHash, reason, input.workflowId, input.fromAddress,
        input.toAddress, input.parcel, input.customerEmail, input.requestedAt,
      ],
    );
  }

  /**
   * FAILED after a step failed for good once the label `labelId` was bought, with its refund when
   * it was voided. Whether the row exists yet or not (the failure may come after the save), and
   * repeatable: the same call again writes the same values. A new row gets no tracking number or
   * label URL: the label is void, and its number may be what broke the save. A shipment cancelled
   * meanwhile stays CANCELLED (its label was voided by the cancellation).
   */
  async upsertCompensatedFailure(
    tx: EntityManager,
    input: NewShipmentRecord,
    reason: string,
    compensation: { labelId: string; refund: LabelRefund | null },
  ): Promise<void> {
    const { refund } = compensation;
    await tx.query(
      `INSERT INTO shipments (id, tenant_id, idempotency_key, request_hash, status, failure_reason, carrier_transaction_id,
         label_refund_id, label_refund_status, workflow_id, from_address, to_address, parcel, customer_email, created_at)
       VALUES ($1, $2, $3, $4, 'FAILED', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (id) DO UPDATE SET status = 'FAILED', failure_reason = EXCLUDED.failure_reason,
         carrier_transaction_id = EXCLUDED.carrier_transaction_id, label_refund_id = EXCLUDED.label_refund_id,
         label_refund_status = EXCLUDED.label_refund_status, updated_at = now()
       WHERE shipments.status <> 'CANCELLED'`,
      [
        input.shipmentId, input.tenantId, input.idempotencyKey, input.requestHash, reason, compensation.labelId, refund?.refundId ?? null,
        refund?.status ?? null, input.workflowId, input.fromAddress, input.toAddress, input.parcel, input.customerEmail, input.requestedAt,
      ],
    );
  }

  /** The status and the label (its purchase id) of a shipment to cancel. */
  async labelOf(tx: EntityManager, id: string): Promise<{ status: ShipmentStatus; labelId: string | null } | null> {
    const rows: { status: ShipmentStatus; carrier_transaction_id: string | null }[] = await tx.query(
      `SELECT status, carrier_transaction_id FROM shipments WHERE id = $1`,
      [id],
    );
    return rows[0] ? { status: rows[0].status, labelId: rows[0].carrier_transaction_id } : null;
  }

  /**
   * CANCELLED with the refund of its voided label; a shipment already cancelled keeps its first
   * refund. Returns the shipment as it now is (null when there is none to see).
   */
  async markCancelled(tx: EntityManager, id: string, refund: LabelRefund): Promise<ShipmentView | null> {
    const result: [ShipmentRow[], number] | ShipmentRow[] = await tx.query(
      `UPDATE shipments SET status = 'CANCELLED', label_refund_id = coalesce(label_refund_id, $2),
         label_refund_status = coalesce(label_refund_status, $3), updated_at = CASE WHEN status = 'CANCELLED' THEN updated_at ELSE now() END
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, refund.refundId, refund.status],
    );
    // TypeORM answers an UPDATE as [rows, count].
    const rows = Array.isArray(result[0]) ? result[0] : (result as ShipmentRow[]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async findById(tx: EntityManager, id: string): Promise<ShipmentView | null> {
    const rows: ShipmentRow[] = await tx.query(`SELECT ${COLUMNS} FROM shipments WHERE id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async list(tx: EntityManager, query: ListShipmentsQuery): Promise<ShipmentPage> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.status) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.after) {
      const cursor = decodeCursor(query.after);
      // A cursor this API did not hand out is the caller's mistake, not a request for page one.
      if (!cursor) throw badInput('after is not a cursor from this API');
      params.push(cursor[0], cursor[1]);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(query.first + 1);
    const rows: ShipmentRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM shipments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.first).map(toView);
    const last = items.at(-1);
    return { items, cursors: items.map(encodeCursor), hasNextPage: rows.length > query.first, endCursor: last ? encodeCursor(last) : null };
  }

  async lockByTrackingNumber(tx: EntityManager, trackingNumber: string): Promise<{ id: string; status: ShipmentStatus } | null> {
    const rows: { id: string; status: ShipmentStatus }[] = await tx.query(
      `SELECT id, status FROM shipments WHERE tracking_number = $1 FOR UPDATE`,
      [trackingNumber],
    );
    return rows[0] ?? null;
  }

  /** Records the event once (by its id); returns false when it was already recorded. */
  async insertTrackingEvent(
    tx: EntityManager,
    event: { tenantId: string; shipmentId: string; eventId: string; status: ShipmentStatus; carrierStatus: string; occurredAt: string; location?: string; description?: string; applied: boolean },
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO tracking_events (tenant_id, shipment_id, event_id, status, carrier_status, occurred_at, location, description, applied)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING id`,
      [event.tenantId, event.shipmentId, event.eventId, event.status, event.carrierStatus, event.occurredAt, event.location ?? null, event.description ?? null, event.applied],
    );
    return rows.length === 1;
  }

  async updateStatus(tx: EntityManager, id: string, status: ShipmentStatus): Promise<void> {
    await tx.query(`UPDATE shipments SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  }

  async trackingEvents(tx: EntityManager, shipmentId: string): Promise<TrackingEventView[]> {
    const rows: TrackingEventRow[] = await tx.query(
      `SELECT status, occurred_at, location, description FROM tracking_events WHERE shipment_id = $1 ORDER BY occurred_at, id`,
      [shipmentId],
    );
    return rows.map(eventView);
  }

  /**
   * The events of several shipments in one statement (`= ANY($1)`, served by the
   * (tenant_id, shipment_id, occurred_at) index); row-level security keeps other tenants' out.
   * `shipmentIds` are UUIDs (see idsToLookUp).
   */
  async trackingEventsOf(tx: EntityManager, shipmentIds: readonly string[]): Promise<TrackingEventsByShipment> {
    const rows: (TrackingEventRow & { shipment_id: string })[] = await tx.query(
      `SELECT shipment_id, status, occurred_at, location, description FROM tracking_events
       WHERE shipment_id = ANY($1::uuid[]) ORDER BY shipment_id, occurred_at, id`,
      [shipmentIds],
    );
    const events: TrackingEventsByShipment = new Map();
    for (const row of rows) {
      const list = events.get(row.shipment_id);
      if (list) list.push(eventView(row));
      else events.set(row.shipment_id, [eventView(row)]);
    }
    return events;
  }
}
