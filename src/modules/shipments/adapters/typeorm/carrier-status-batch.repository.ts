import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ShipmentStatus } from '../../domain/shipment-status';

/** A tracking event to insert, as `planCarrierUpdates` decided it. */
export interface TrackingEventRecord {
  shipmentId: string;
  eventId: string;
  status: ShipmentStatus;
  carrierStatus: string;
  occurredAt: string;
  location: string | null;
  description: string | null;
  applied: boolean;
}

/**
 * The set-based statements of a batch of carrier updates (one per step, whatever the batch size),
 * over the tenant transaction's EntityManager; row-level security scopes every statement.
 */
@Injectable()
export class CarrierStatusBatchRepository {
  /** Locks the shipments with these tracking numbers, in id order (two batches never deadlock). */
  async lockByTrackingNumbers(tx: EntityManager, trackingNumbers: readonly string[]): Promise<{ id: string; status: ShipmentStatus; tracking_number: string }[]> {
    return tx.query(`SELECT id, status, tracking_number FROM shipments WHERE tracking_number = ANY($1::text[]) ORDER BY id FOR UPDATE`, [trackingNumbers]);
  }

  /** Which of these event ids are recorded already. */
  async recordedEventIds(tx: EntityManager, eventIds: readonly string[]): Promise<string[]> {
    const rows: { event_id: string }[] = await tx.query(`SELECT event_id FROM tracking_events WHERE event_id = ANY($1::text[])`, [eventIds]);
    return rows.map((r) => r.event_id);
  }

  async insertTrackingEvents(tx: EntityManager, tenantId: string, events: readonly TrackingEventRecord[]): Promise<void> {
    const e = events;
    await tx.query(
      `INSERT INTO tracking_events (tenant_id, shipment_id, event_id, status, carrier_status, occurred_at, location, description, applied)
       SELECT $1::uuid, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::boolean[])
       ON CONFLICT (tenant_id, event_id) DO NOTHING`,
      [
        tenantId,
        e.map((x) => x.shipmentId),
        e.map((x) => x.eventId),
        e.map((x) => x.status),
        e.map((x) => x.carrierStatus),
        e.map((x) => x.occurredAt),
        e.map((x) => x.location),
        e.map((x) => x.description),
        e.map((x) => x.applied),
      ],
    );
  }

  async updateStatuses(tx: EntityManager, statuses: ReadonlyMap<string, ShipmentStatus>): Promise<void> {
    await tx.query(
      `UPDATE shipments AS s SET status = v.status, updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS v(id, status) WHERE s.id = v.id`,
      [[...statuses.keys()], [...statuses.values()]],
    );
  }
}
