import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { CARRIER_TRACKING_STATUSES, type CarrierStatusUpdate } from '../../carriers';
import { TenantTransactions } from '../../tenancy';
import { DeadLetterRecorder, EVENT_LOG, TOPICS, type EventLogPort, type EventMessage } from '../../../platform/messaging';
import type { StatusUpdateOutcome } from '../contracts/shipment.contracts';
import { applyCarrierUpdatesIn, groupByTenant } from './carrier-status-batch';
import { isUuid } from '../../../platform/identifiers/uuid';
import { boundedAttributes, platformMetrics, withTenant } from '../../../platform/telemetry/instruments';


/**
 * The most updates one handler call gets (and so one tenant transaction applies). Larger batches
 * save round trips but hold the shipments' row locks longer; 100 keeps a batch well under 100 ms.
 */
export const CARRIER_STATUS_BATCH_SIZE = 100;

/**
 * A carrier may report a label's first tracking step before the workflow has recorded the label
 * (the purchase and the record are two steps). An unknown tracking number is looked up again
 * after these pauses (3.75 s in all) before it is dead-lettered. The pauses hold this consumer's
 * partition, so a tenant that sends unknown numbers slows its own updates by that much each.
 */
export const UNKNOWN_TRACKING_RETRY_DELAYS_MS = Symbol('UNKNOWN_TRACKING_RETRY_DELAYS_MS');
const DEFAULT_UNKNOWN_TRACKING_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000];

/** Checks the shape of a `carrier.status.updates` payload; returns the problem, or null. */
export function problemWithUpdate(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'payload is not an object';
  const u = value as Partial<CarrierStatusUpdate>;
  if (!isUuid(u.tenantId)) return 'tenantId is not a UUID';
  if (typeof u.trackingNumber !== 'string' || !u.trackingNumber) return 'trackingNumber is missing';
  if (typeof u.eventId !== 'string' || !u.eventId) return 'eventId is missing';
  if (!CARRIER_TRACKING_STATUSES.includes(u.status as never)) return `status "${String(u.status)}" is not a tracking status`;
  if (typeof u.occurredAt !== 'string' || Number.isNaN(Date.parse(u.occurredAt))) return 'occurredAt is not a date';
  return null;
}

/**
 * Applies `carrier.status.updates` to shipments; what cannot be applied is dead-lettered.
 *
 * Batched: the event log hands over up to CARRIER_STATUS_BATCH_SIZE updates at once, and each
 * tenant's updates of a batch are applied in one tenant transaction of a few set-based statements
 * (row-level security still scopes every statement), with the rules of applying them one by one
 * in delivery order (see `planCarrierUpdates`). Idempotent by event id, so a redelivered batch (or
 * the one-at-a-time redelivery that follows a failed batch) changes nothing twice. The event log
 * commits the offsets only after this handler resolved.
 */
@Injectable()
export class CarrierStatusConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(CarrierStatusConsumer.name);
  private readonly metrics = platformMetrics();

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLogPort,
    private readonly tx: TenantTransactions,
    private readonly deadLetters: DeadLetterRecorder,
    @Optional()
    @Inject(UNKNOWN_TRACKING_RETRY_DELAYS_MS)
    private readonly unknownRetryDelaysMs: readonly number[] = DEFAULT_UNKNOWN_TRACKING_RETRY_DELAYS_MS,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.eventLog.subscribe<unknown>(TOPICS.carrierStatusUpdates, 'shipments', (batch) => this.handleBatch(batch), {
      maxBatchSize: CARRIER_STATUS_BATCH_SIZE,
    });
  }

  async handleBatch(batch: EventMessage<unknown>[]): Promise<void> {
    const valid: { message: EventMessage<unknown>; update: CarrierStatusUpdate }[] = [];
    for (const message of batch) {
      const problem = problemWithUpdate(message.payload);
      if (problem) {
        await this.deadLetters.record(TOPICS.carrierStatusUpdates, message, `malformed: ${problem}`);
        this.metrics.statusUpdates.add(1, withTenant(null, boundedAttributes({ 'status_update.outcome': 'malformed' })));
      } else {
        valid.push({ message, update: message.payload as CarrierStatusUpdate });
      }
    }
    for (const [tenantId, items] of groupByTenant(valid)) {
      const outcomes = await this.tx.runFor(tenantId, (tx) => applyCarrierUpdatesIn(tx, tenantId, items.map((i) => i.update)));
      await this.retryUnknown(tenantId, items, outcomes);
      const counts: Partial<Record<StatusUpdateOutcome, number>> = {};
      for (const [index, outcome] of outcomes.entries()) {
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        this.metrics.statusUpdates.add(1, withTenant(tenantId, boundedAttributes({ 'status_update.outcome': outcome })));
        if (outcome === 'applied' && items[index]!.update.status === 'DELIVERED') this.metrics.shipmentsDelivered.add(1, withTenant(tenantId));
        if (outcome === 'unknown_tracking_number') {
          const { message, update } = items[index]!;
          await this.deadLetters.record(TOPICS.carrierStatusUpdates, message, `unknown tracking number ${update.trackingNumber}`, tenantId);
        }
      }
      if (items.length === 1) {
        const update = items[0]!.update;
        this.logger.log({ trackingNumber: update.trackingNumber, status: update.status, outcome: outcomes[0] }, 'carrier status update');
      } else {
        this.logger.log({ tenantId, updates: items.length, ...counts }, 'carrier status updates');
      }
    }
  }

  /**
   * Looks unknown tracking numbers up again after short pauses (see UNKNOWN_TRACKING_RETRY_DELAYS_MS),
   * updating `outcomes` in place. Only the updates still unknown are applied again; updates of a
   * tracking number that was unknown were not applied at all, so delivery order is kept.
   */
  private async retryUnknown(tenantId: string, items: { update: CarrierStatusUpdate }[], outcomes: StatusUpdateOutcome[]): Promise<void> {
    for (const delayMs of this.unknownRetryDelaysMs) {
      const pending = [...outcomes.keys()].filter((i) => outcomes[i] === 'unknown_tracking_number');
      if (pending.length === 0) return;
      await sleep(delayMs);
      const again = await this.tx.runFor(tenantId, (tx) => applyCarrierUpdatesIn(tx, tenantId, pending.map((i) => items[i]!.update)));
      for (const [k, index] of pending.entries()) outcomes[index] = again[k]!;
    }
  }
}
