import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CARRIER_TRACKING_STATUSES, type CarrierStatusUpdate } from '../../carriers';
import { DeadLetterRecorder, EVENT_LOG, TOPICS, type EventLogPort, type EventMessage } from '../../../platform/messaging';
import { ShipmentsService } from './shipments.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/** Applies `carrier.status.updates` to shipments; what cannot be applied is dead-lettered. */
@Injectable()
export class CarrierStatusConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(CarrierStatusConsumer.name);

  constructor(
    @Inject(EVENT_LOG) private readonly eventLog: EventLogPort,
    private readonly shipments: ShipmentsService,
    private readonly deadLetters: DeadLetterRecorder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.eventLog.subscribe<unknown>(TOPICS.carrierStatusUpdates, 'shipments', (batch) => this.handleBatch(batch));
  }

  async handleBatch(batch: EventMessage<unknown>[]): Promise<void> {
    for (const message of batch) await this.handle(message);
  }

  private async handle(message: EventMessage<unknown>): Promise<void> {
    const problem = problemWithUpdate(message.payload);
    if (problem) {
      await this.deadLetters.record(TOPICS.carrierStatusUpdates, message, `malformed: ${problem}`);
      return;
    }
    const update = message.payload as CarrierStatusUpdate;
    const outcome = await this.shipments.applyCarrierUpdate(update);
    if (outcome === 'unknown_tracking_number') {
      await this.deadLetters.record(TOPICS.carrierStatusUpdates, message, `unknown tracking number ${update.trackingNumber}`, update.tenantId);
      return;
    }
    this.logger.log({ trackingNumber: update.trackingNumber, status: update.status, outcome }, 'carrier status update');
  }
}
