import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../../test/support/shipment-fixtures';
import type { PlatformUnderTest } from '../../test/support/split-deployment';
import { sleep } from './env';

export type Phase = 'before' | 'fault' | 'after';

/** A shipment the load created, followed to the end of its flow. */
export interface TrackedShipment {
  idempotencyKey: string;
  phase: Phase;
  requestedAt: number;
  id?: string;
  workflowId?: string;
  /** Why createShipment did not answer with a shipment. */
  createError?: string;
  labelledAt?: number;
  trackingNumber?: string;
  /** When the carrier's status update (posted twice, as a carrier redelivers) was accepted. */
  statusPostedAt?: number;
  /** Label recorded, welcome email sent and the status update applied. */
  completedAt?: number;
  failedReason?: string;
}

export interface ShipmentView {
  id: string;
  status: string;
  trackingNumber: string | null;
  failureReason: string | null;
  trackingEvents: { status: string; occurredAt: string }[];
  notifications: { template: string; to: string; sentAt: string | null }[];
}

export interface LoadOptions {
  /** One createShipment every this many ms. Default 600. */
  intervalMs?: number;
  /** Prefix of the idempotency keys (the run id). */
  keyPrefix: string;
  /** The tenant's webhook token (X-Webhook-Token of the carrier webhook). */
  webhookToken: string;
}

/** The status update each labelled shipment gets. */
const STATUS_DATE = '2026-12-01T12:00:00Z';

/**
 * A steady load through the gateway: a createShipment (GraphQL) every `intervalMs`, each tagged
 * with the phase of the run it was made in, and for each shipment that gets its label one carrier
 * status update (the webhook, posted twice with the same event, as a carrier redelivers). Every
 * half second the shipments not yet complete are read again (GraphQL `shipment`).
 */
export class SteadyLoad {
  readonly shipments: TrackedShipment[] = [];
  phase: Phase = 'before';
  private creating: NodeJS.Timeout | null = null;
  private tracking: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private trackingRound: Promise<void> = Promise.resolve();
  private sequence = 0;
  readonly views = new Map<string, ShipmentView>();

  constructor(
    private readonly platform: Pick<PlatformUnderTest, 'graphql' | 'webhookBaseUrl'>,
    private readonly token: string,
    private readonly options: LoadOptions,
  ) {}

  start(): void {
    this.creating = setInterval(() => this.track(this.createOne()), this.options.intervalMs ?? 600);
    this.tracking = setInterval(() => {
      this.trackingRound = this.trackingRound.then(() => this.followUp());
    }, 500);
  }

  /** Stops making shipments; waits for the createShipment calls in flight. */
  async stopCreating(): Promise<void> {
    if (this.creating) clearInterval(this.creating);
    this.creating = null;
    await Promise.all([...this.inFlight]);
  }

  /**
   * Waits until every shipment made is complete or failed (or `timeoutMs` passed); returns
   * whether all are complete.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    await this.stopCreating();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.shipments.every((s) => s.completedAt !== undefined || s.failedReason !== undefined || s.createError !== undefined)) break;
      await sleep(250);
    }
    return this.shipments.every((s) => s.completedAt !== undefined);
  }

  async stop(): Promise<void> {
    await this.stopCreating();
    if (this.tracking) clearInterval(this.tracking);
    this.tracking = null;
    await this.trackingRound;
  }

  /** Reads a shipment as the client sees it (GraphQL `shipment`). */
  async read(id: string): Promise<ShipmentView | null> {
    const res = await this.platform.graphql<{ shipment: ShipmentView | null }>(this.token, GET_SHIPMENT, { id });
    if (res.errors?.length) throw new Error(`shipment(${id}): ${JSON.stringify(res.errors)}`);
    return res.data?.shipment ?? null;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async createOne(): Promise<void> {
    const shipment: TrackedShipment = { idempotencyKey: `${this.options.keyPrefix}-${++this.sequence}`, phase: this.phase, requestedAt: Date.now() };
    this.shipments.push(shipment);
    try {
      const res = await this.platform.graphql<{ createShipment: { id: string; workflowId: string } }>(this.token, CREATE_SHIPMENT, { input: shipmentInput(shipment.idempotencyKey) });
      if (!res.data?.createShipment) throw new Error(JSON.stringify(res.errors));
      shipment.id = res.data.createShipment.id;
      shipment.workflowId = res.data.createShipment.workflowId;
    } catch (error) {
      shipment.createError = error instanceof Error ? error.message : String(error);
    }
  }

  /** One round over the shipments not yet complete, a few at a time. */
  private async followUp(): Promise<void> {
    const open = this.shipments.filter((s) => s.id && s.completedAt === undefined && s.failedReason === undefined);
    for (let i = 0; i < open.length; i += 8) {
      await Promise.all(open.slice(i, i + 8).map((s) => this.followOne(s).catch(() => undefined)));
    }
  }

  private async followOne(s: TrackedShipment): Promise<void> {
    const view = await this.read(s.id!);
    if (!view) return;
    this.views.set(view.id, view);
    if (view.status === 'FAILED') {
      s.failedReason = view.failureReason ?? 'FAILED';
      return;
    }
    if (view.status === 'PENDING' || !view.trackingNumber) return;
    s.labelledAt ??= Date.now();
    s.trackingNumber = view.trackingNumber;
    if (s.statusPostedAt === undefined) {
      const event = trackUpdated(view.trackingNumber, 'TRANSIT', STATUS_DATE);
      for (let copy = 0; copy < 2; copy++) {
        const res = await fetch(`${this.platform.webhookBaseUrl}/webhooks/carrier-tracking`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-webhook-token': this.options.webhookToken },
          body: JSON.stringify(event),
        });
        if (res.status !== 202) throw new Error(`carrier webhook answered ${res.status}: ${await res.text()}`);
      }
      s.statusPostedAt = Date.now();
      return;
    }
    const emailed = view.notifications.some((n) => n.template === 'welcome' && n.sentAt);
    if (emailed && view.trackingEvents.length > 0) s.completedAt = Date.now();
  }
}
