import { Inject, Injectable } from '@nestjs/common';
import { EVENT_LOG, TOPICS, type EventLogPort } from '../../../platform/messaging';
import { badInput } from '../../../platform/errors/domain-error';
import type { TrackingUpdateSink } from '../ports/carrier.port';
import { TrackUpdateParseError, parseTrackUpdated } from '../domain/track-updated.parser';

/**
 * Turns a carrier's `track_updated` notification into a `carrier.status.updates` event. The
 * webhook and the sandbox carrier's simulated journeys both come through here.
 */
@Injectable()
export class TrackingIngestService implements TrackingUpdateSink {
  constructor(@Inject(EVENT_LOG) private readonly eventLog: EventLogPort) {}

  async deliverTrackUpdated(tenantId: string, body: unknown): Promise<void> {
    let update;
    try {
      update = parseTrackUpdated(tenantId, body);
    } catch (error) {
      if (error instanceof TrackUpdateParseError) throw badInput(error.message);
      throw error;
    }
    await this.eventLog.publish(TOPICS.carrierStatusUpdates, {
      key: update.trackingNumber,
      payload: update,
      headers: { 'tenant-id': tenantId, 'event-id': update.eventId },
    });
  }
}
