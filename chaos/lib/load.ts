import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../../test/support/shipment-fixtures';
import type { GraphqlResult } from '../../test/support/app-process';
import type { PlatformUnderTest } from '../../test/support/split-deployment';
import { sleep } from './env';

export type Phase = 'before' | 'fault' | 'after';

/** One answer of the gateway that was not a shipment: its HTTP status and GraphQL error code. */
export interface RefusedAnswer {
  httpStatus: number;
  code: string;
  message: string;
}

/** Codes a client retries with the same idempotency key: the request may not have been done. */
const RETRYABLE_CODES = new Set(['UNAVAILABLE']);
/** Backoff of a createShipment retry: 100 ms, doubling, at most 1.6 s; given up after 40 tries. */
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 1_600;
const MAX_CREATE_ATTEMPTS = 40;

/** A shipment the load created, followed to the end of its flow. */
export interface TrackedShipment {
  idempotencyKey: string;
  phase: Phase;
  /** The scenario's name for the fault's step it was made in (`10%`, `50%`), if any. */
  step?: string;
  requestedAt: number;
  /** createShipment calls made for it: more than 1 when it was answered UNAVAILABLE and retried. */
  createAttempts: number;
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
 *
 * A createShipment answered UNAVAILABLE is retried with the same idempotency key (backoff 100 ms,
 * doubling) until it is answered with the shipment, as a client must: the request may or may not
 * have been done. Every answer that is not a shipment is kept (`refusedCreates`, `refusedReads`):
 * any other code, an INTERNAL_SERVER_ERROR above all, or an HTTP status other than 200, is a bug.
 */
export class SteadyLoad {
  readonly shipments: TrackedShipment[] = [];
  phase: Phase = 'before';
  step: string | undefined;
  /** Every createShipment answer that was not a shipment, and every failed read of a shipment. */
  readonly refusedCreates: RefusedAnswer[] = [];
  readonly refusedReads: RefusedAnswer[] = [];
  private creating: NodeJS.Timeout | null = null;
  private tracking: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private trackingRound: Promise<void> = Promise.resolve();
  private sequence = 0;
  readonly views = new Map<string, ShipmentView>();

  constructor(
    private readonly platform: Pick<PlatformUnderTest, 'baseUrl' | 'webhookBaseUrl'>,
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

  /** createShipment retries: the calls made beyond the first of each shipment. */
  get createRetries(): number {
    return this.shipments.reduce((sum, s) => sum + Math.max(0, s.createAttempts - 1), 0);
  }

  /**
   * Reads a shipment as the client sees it (GraphQL `shipment`); with `retries`, an UNAVAILABLE
   * answer is asked again (after the fault, the final reads) that many times.
   */
  async read(id: string, retries = 0): Promise<ShipmentView | null> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.post<{ shipment: ShipmentView | null }>(GET_SHIPMENT, { id });
      if (!answer.refused) return answer.data?.shipment ?? null;
      this.refusedReads.push(answer.refused);
      if (attempt >= retries || !RETRYABLE_CODES.has(answer.refused.code)) throw new Error(`shipment(${id}): ${answer.refused.httpStatus} ${answer.refused.code} ${answer.refused.message}`);
      await sleep(RETRY_BASE_MS);
    }
  }

  /** One GraphQL request to the gateway: its data, or why it was refused. */
  private async post<T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; refused?: RefusedAnswer }> {
    const res = await fetch(`${this.platform.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: GraphqlResult<T> | null = null;
    try {
      body = JSON.parse(text) as GraphqlResult<T>;
    } catch {
      // not JSON: refused below
    }
    const error = body?.errors?.[0];
    if (res.status === 200 && body && !error) return { data: body.data };
    return { refused: { httpStatus: res.status, code: error?.extensions?.code ?? 'none', message: (error?.message ?? text).slice(0, 200) } };
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async createOne(): Promise<void> {
    const shipment: TrackedShipment = {
      idempotencyKey: `${this.options.keyPrefix}-${++this.sequence}`,
      phase: this.phase,
      ...(this.step === undefined ? {} : { step: this.step }),
      requestedAt: Date.now(),
      createAttempts: 0,
    };
    this.shipments.push(shipment);
    const input = shipmentInput(shipment.idempotencyKey);
    try {
      for (;;) {
        shipment.createAttempts += 1;
        const answer = await this.post<{ createShipment: { id: string; workflowId: string } | null }>(CREATE_SHIPMENT, { input });
        const created = answer.data?.createShipment;
        if (created) {
          shipment.id = created.id;
          shipment.workflowId = created.workflowId;
          return;
        }
        const refused = answer.refused ?? { httpStatus: 200, code: 'none', message: 'no shipment in the answer' };
        this.refusedCreates.push(refused);
        if (!RETRYABLE_CODES.has(refused.code) || shipment.createAttempts >= MAX_CREATE_ATTEMPTS) {
          throw new Error(`${refused.httpStatus} ${refused.code}: ${refused.message} (attempt ${shipment.createAttempts})`);
        }
        await sleep(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (shipment.createAttempts - 1)));
      }
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
