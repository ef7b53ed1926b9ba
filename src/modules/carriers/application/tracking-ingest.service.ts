import { Injectable } from '@nestjs/common';
import { OutboxRelay, OutboxRepository, TOPICS } from '../../../platform/messaging';
import { badInput } from '../../../platform/errors/domain-error';
import { TenantTransactions } from '../../tenancy';
import type { TrackingUpdateSink } from '../ports/carrier.port';
import { TrackUpdateParseError, parseTrackUpdated } from '../domain/track-updated.parser';

/**
 * Turns a carrier's `track_updated` notification into a `carrier.status.updates` event. The
 * webhook and the sandbox carrier's simulated journeys both come through here. The event is
 * written to the outbox in the tenant's transaction, not published: an accepted update is durable
 * whether the broker answers or not, and the relay publishes it (ADR 0031).
 */
@Injectable()
export class TrackingIngestService implements TrackingUpdateSink {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  async deliverTrackUpdated(tenantId: string, body: unknown): Promise<void> {
    let update;
    try {
      update = parseTrackUpdated(tenantId, body);
    } catch (error) {
      if (error instanceof TrackUpdateParseError) throw badInput(error.message, { field: error.field });
      throw error;
    }
    const message = { key: update.trackingNumber, payload: update, headers: { 'tenant-id': tenantId, 'event-id': update.eventId } };
    await this.transactions.runFor(tenantId, (tx) => this.outbox.add(tx, tenantId, TOPICS.carrierStatusUpdates, message));
    this.relay.wake();
  }
}
