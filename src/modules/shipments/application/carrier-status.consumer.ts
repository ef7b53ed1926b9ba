import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CARRIER_TRACKING_STATUSES, type CarrierStatusUpdate } from '../../carriers';
import { TenantTransactions } from '../../tenancy';
import { DeadLetterRecorder, EVENT_LOG, TOPICS, type EventLogPort, type EventMessage } from '../../../platform/messaging';
import type { StatusUpdateOutcome } from '../contracts/shipment.contracts';
import { applyCarrierUpdatesIn, groupByTenant } from './carrier-status-batch';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The most updates one handler call gets (and so one tenant transaction applies). Larger batches
 * save round trips but hold the shipments' row locks longer; 100 keeps a batch well under 100 ms.
 */
export const CARRIER_STATUS_BATCH_SIZE = 100;

/** Checks the shape of a `carrier.status.updates` payload; returns the problem, or null. */
export function problemWithUpdate(value: unknown): string | null {
  if (!value || typeof value !== 'object') return 'payload is not an object';
  const u = value as Partial<CarrierStatusUpdate>;
  if (typeof u.tenantId !== 'string' || !UUID.test(u.tenantId)) return 'tenantId is not a UUID';
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

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLogPort,
    private readonly tx: TenantTransactions,
    private readonly deadLetters: DeadLetterRecorder,
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
      if (problem) await this.deadLetters.record(TOPICS.carrierStatusUpdates, message, `malformed: ${problem}`);
      else valid.push({ message, update: message.payload as CarrierStatusUpdate });
    }
    for (const [tenantId, items] of groupByTenant(valid)) {
      const outcomes = await this.tx.runFor(tenantId, (tx) => applyCarrierUpdatesIn(tx, tenantId, items.map((i) => i.update)));
      const counts: Partial<Record<StatusUpdateOutcome, number>> = {};
      for (const [index, outcome] of outcomes.entries()) {
        counts[outcome] = (counts[outcome] ?? 0) + 1;
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
}
