import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { TenantsService } from '../../tenancy';
import { unauthenticated } from '../../../platform/errors/domain-error';
import { withDeadline } from '../../../platform/errors/dependency-outage';
import { TrackingIngestService } from '../application/tracking-ingest.service';

/**
 * Shippo wants a 2XX within 3 s and retries otherwise: past this the update is refused with 503
 * `UNAVAILABLE` (the carrier retries) rather than answered late. Should the write still commit
 * after that, the retry is one more copy of the same event, which the consumer de-duplicates.
 */
export const WEBHOOK_ACCEPT_DEADLINE_MS = 2_500;

/** Shippo's `track_updated` webhook; `X-Webhook-Token` names the tenant. */
@Controller('webhooks')
export class CarrierWebhookController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly ingest: TrackingIngestService,
  ) {}

  /** 202 once the update is in the outbox (ADR 0031): the broker is not asked. */
  @Post('carrier-tracking')
  @HttpCode(202)
  async trackUpdated(@Headers('x-webhook-token') token: string | undefined, @Body() body: unknown) {
    await withDeadline('the database', WEBHOOK_ACCEPT_DEADLINE_MS, this.accept(token, body));
    return { accepted: true };
  }

  private async accept(token: string | undefined, body: unknown): Promise<void> {
    const tenantId = token ? await this.tenants.findByWebhookToken(token) : null;
    if (!tenantId) throw unauthenticated('X-Webhook-Token is missing or unknown');
    await this.ingest.deliverTrackUpdated(tenantId, body);
  }
}
