import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { TenantsService } from '../../tenancy';
import { unauthenticated } from '../../../platform/errors/domain-error';
import { TrackingIngestService } from '../application/tracking-ingest.service';

/** Shippo's `track_updated` webhook; `X-Webhook-Token` names the tenant. */
@Controller('webhooks')
export class CarrierWebhookController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly ingest: TrackingIngestService,
  ) {}

  @Post('carrier-tracking')
  @HttpCode(202)
  async trackUpdated(@Headers('x-webhook-token') token: string | undefined, @Body() body: unknown) {
    const tenantId = token ? await this.tenants.findByWebhookToken(token) : null;
    if (!tenantId) throw unauthenticated('X-Webhook-Token is missing or unknown');
    await this.ingest.deliverTrackUpdated(tenantId, body);
    return { accepted: true };
  }
}
