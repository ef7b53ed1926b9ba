import type { EntityManager } from 'typeorm';
import type { CarrierStatusUpdate } from '../../carriers';
import { CarrierStatusBatchRepository, type TrackingEventRecord } from '../adapters/typeorm/carrier-status-batch.repository';
import type { StatusUpdateOutcome } from '../contracts/shipment.contracts';
import { shouldApply, statusFromCarrier, type ShipmentStatus } from '../domain/shipment-status';
import { tagActiveSpan } from '../../../platform/telemetry/spans';

export interface LockedShipment {
  id: string;
  status: ShipmentStatus;
}

/** A tracking event to insert, as the plan decided it (the repository's record). */
export type PlannedTrackingEvent = TrackingEventRecord;

export interface CarrierUpdatePlan {
  /** One per update, in order. */
  outcomes: StatusUpdateOutcome[];
  /** Tracking events to record (each event id once). */
  events: PlannedTrackingEvent[];
  /** The status each changed shipment ends with. */
  statuses: Map<string, ShipmentStatus>;
}

/**
 * What a batch of one tenant's carrier updates does, decided in memory, in delivery order, with
 * the same rules as applying them one by one: an update is recorded once (by event id; also when
 * the batch holds it twice), and moves its shipment's status only forward, from the status the
 * earlier updates of the batch left.
 */
export function planCarrierUpdates(
  updates: CarrierStatusUpdate[],
  shipments: ReadonlyMap<string, LockedShipment>,
  recordedEventIds: ReadonlySet<string>,
): CarrierUpdatePlan {
  const seen = new Set(recordedEventIds);
  const current = new Map<string, ShipmentStatus>();
  const plan: CarrierUpdatePlan = { outcomes: [], events: [], statuses: new Map() };
  for (const update of updates) {
    const shipment = shipments.get(update.trackingNumber);
    if (!shipment) {
      plan.outcomes.push('unknown_tracking_number');
      continue;
    }
    if (seen.has(update.eventId)) {
      plan.outcomes.push('duplicate');
      continue;
    }
    seen.add(update.eventId);
    const status = current.get(shipment.id) ?? shipment.status;
    const next = statusFromCarrier(update);
    const applies = next !== null && shouldApply(status, next);
    plan.events.push({
      shipmentId: shipment.id,
      eventId: update.eventId,
      status: next ?? status,
      carrierStatus: update.substatus ? `${update.status}/${update.substatus}` : update.status,
      occurredAt: update.occurredAt,
      location: update.location ?? null,
      description: update.statusDetails ?? null,
      applied: applies,
    });
    if (applies && next !== null) {
      current.set(shipment.id, next);
      plan.statuses.set(shipment.id, next);
      plan.outcomes.push('applied');
    } else {
      plan.outcomes.push('recorded');
    }
  }
  return plan;
}

/** Stateless: one instance serves every call (the consumer calls this as a plain function). */
const batchStatements = new CarrierStatusBatchRepository();

/**
 * Applies one tenant's batch of carrier updates inside the caller's tenant transaction, in four
 * statements whatever the batch size: lock the shipments (in id order, so two batches never
 * deadlock), read which event ids are already recorded, insert the new tracking events, update
 * the statuses. Row-level security scopes every statement to the transaction's tenant. Holding
 * the shipments' locks makes the "already recorded" read safe against a concurrent delivery of
 * the same events (every applier locks the shipment first).
 */
export async function applyCarrierUpdatesIn(
  tx: EntityManager,
  tenantId: string,
  updates: CarrierStatusUpdate[],
  repository: CarrierStatusBatchRepository = batchStatements,
): Promise<StatusUpdateOutcome[]> {
  if (updates.length === 0) return [];
  const trackingNumbers = [...new Set(updates.map((u) => u.trackingNumber))];
  const rows = await repository.lockByTrackingNumbers(tx, trackingNumbers);
  const shipments = new Map(rows.map((r) => [r.tracking_number, { id: r.id, status: r.status }]));
  // The consumer's span names the shipment it updates (a batch of several names none).
  if (rows.length === 1) tagActiveSpan({ shipmentId: rows[0]!.id, tenantId });
  const known = updates.filter((u) => shipments.has(u.trackingNumber)).map((u) => u.eventId);
  const recorded = known.length ? await repository.recordedEventIds(tx, [...new Set(known)]) : [];
  const plan = planCarrierUpdates(updates, shipments, new Set(recorded));
  if (plan.events.length > 0) await repository.insertTrackingEvents(tx, tenantId, plan.events);
  if (plan.statuses.size > 0) await repository.updateStatuses(tx, plan.statuses);
  return plan.outcomes;
}

/** Valid updates grouped by tenant, in delivery order within each tenant. */
export function groupByTenant<T extends { update: CarrierStatusUpdate }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.update.tenantId);
    if (group) group.push(item);
    else groups.set(item.update.tenantId, [item]);
  }
  return groups;
}
