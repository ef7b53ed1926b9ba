import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { unknownAdapter } from '../../platform/config/adapter-config';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { OutboxRelay } from '../../platform/messaging';
import { TenancyModule } from '../tenancy';
import { CarrierWebhookController } from './api/carrier-webhook.controller';
import { TrackingIngestService } from './application/tracking-ingest.service';
import { SandboxCarrierAdapter } from './adapters/sandbox/sandbox-carrier.adapter';
import { ShippoCarrierAdapter } from './adapters/shippo/shippo-carrier.adapter';
import { CARRIER, type CarrierPort } from './ports/carrier.port';

const logger = new Logger('Ports');

/** mulberry32: a small, good enough PRNG for reproducible sandbox failures. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The carrier adapter the configuration chose: Shippo when SHIPPO_API_KEY is set, the sandbox carrier otherwise. */
export function createCarrier(config: AppConfig, sink: TrackingIngestService): CarrierPort {
  const choice = config.adapters.carrier;
  let carrier: CarrierPort;
  switch (choice.kind) {
    case 'shippo':
      carrier = new ShippoCarrierAdapter({ apiKey: choice.apiKey, baseUrl: choice.baseUrl });
      break;
    case 'sandbox':
      carrier = new SandboxCarrierAdapter({
        latencyMs: choice.latencyMs,
        failureRate: choice.failureRate,
        journeyStepMs: choice.journeyStepMs,
        sink,
        ...(choice.seed !== null ? { random: seededRandom(choice.seed) } : {}),
        onError: (error: unknown) => logger.warn(`sandbox journey update failed: ${String(error)}`),
      });
      break;
    default:
      return unknownAdapter(choice);
  }
  logger.log(`carrier: ${carrier.adapterName}`);
  return carrier;
}

@Module({
  imports: [TenancyModule],
  controllers: [CarrierWebhookController],
  providers: [
    TrackingIngestService,
    { provide: CARRIER, inject: [APP_CONFIG, TrackingIngestService], useFactory: createCarrier },
  ],
  exports: [CARRIER, TrackingIngestService],
})
export class CarriersModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(CARRIER) private readonly carrier: CarrierPort,
    private readonly relay: OutboxRelay,
  ) {}

  /** The process that takes carrier updates into the outbox relays them (ADR 0031). */
  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.carrier.stop();
    await this.relay.stop();
  }
}
