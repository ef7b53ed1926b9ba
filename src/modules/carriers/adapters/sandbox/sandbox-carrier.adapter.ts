import { createHash } from 'node:crypto';
import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';
import {
  DISTANCE_UNITS,
  MASS_UNITS,
  type Address,
  type CarrierTrackingStatus,
  type LabelRefund,
  type LabelRequest,
  type Parcel,
  type PurchasedLabel,
  type VoidLabelRequest,
} from '../../contracts/carrier.types';
import type { CarrierPort, TrackingUpdateSink } from '../../ports/carrier.port';

/** Cancels a timer scheduled with `setTimer`. */
export type CancelTimer = () => void;

export interface SandboxJourneyErrorContext {
  tenantId: string;
  reference: string;
  trackingNumber: string;
  status: CarrierTrackingStatus;
  substatus: string;
}

export interface SandboxCarrierOptions {
  /** Simulated round trip of each purchase. */
  latencyMs: number;
  /** Probability (0..1) that a purchase (or a void) fails with `CarrierUnavailableError`. */
  failureRate: number;
  /** Pause between simulated tracking steps; `0` turns the journey off. */
  journeyStepMs: number;
  /** Receives the journey's `track_updated` bodies; no journey without it. */
  sink?: TrackingUpdateSink;
  /** Source of the failure draw, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Clock of the tracking events. Default the system clock. */
  now?: () => Date;
  /** Schedules `callback` after `ms`; returns its cancel function. Default: an unref'd setTimeout. */
  setTimer?: (callback: () => void, ms: number) => CancelTimer;
  /** Told when the sink rejects a tracking update; the journey goes on. */
  onError?: (error: unknown, context: SandboxJourneyErrorContext) => void;
}

export const SANDBOX_CARRIER = 'USPS';
export const SANDBOX_SERVICE_LEVEL = 'usps_priority';
export const SANDBOX_LABEL_BASE_URL = 'https://sandbox.logisynapse.local/labels';

/** Unref'd so a pending journey never keeps the process alive on shutdown. */
function defaultSetTimer(callback: () => void, ms: number): CancelTimer {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/** `SBX` + 20 digits derived from the reference: the same reference gets the same number, even after a restart. */
export function sandboxTrackingNumber(reference: string): string {
  const digits = BigInt(`0x${sha256(`tracking:${reference}`)}`) % 10n ** 20n;
  return `SBX${digits.toString().padStart(20, '0')}`;
}

/** The purchase id of the label bought for `reference`: 32 hex like a Shippo object_id, deterministic like the tracking number. */
export function sandboxTransactionId(reference: string): string {
  return sha256(`transaction:${reference}`).slice(0, 32);
}

interface JourneyStep {
  status: CarrierTrackingStatus;
  substatus: { code: string; text: string; action_required: boolean };
  details: string;
  at: 'from' | 'to';
}

// Substatus codes and texts are Shippo's (tracking event definitions).
const JOURNEY: readonly JourneyStep[] = [
  {
    status: 'PRE_TRANSIT',
    substatus: { code: 'information_received', text: 'Information about the package received.', action_required: false },
    details: 'Shipping label created, USPS awaiting item.',
    at: 'from',
  },
  {
    status: 'TRANSIT',
    substatus: {
      code: 'package_accepted',
      text: 'Package has been accepted into the carrier network for delivery.',
      action_required: false,
    },
    details: 'Accepted at USPS origin facility.',
    at: 'from',
  },
  {
    status: 'TRANSIT',
    substatus: { code: 'out_for_delivery', text: 'Package is out for delivery.', action_required: false },
    details: 'Out for delivery.',
    at: 'to',
  },
  {
    status: 'DELIVERED',
    substatus: { code: 'delivered', text: 'Package has been delivered.', action_required: false },
    details: 'Delivered, in/at mailbox.',
    at: 'to',
  },
];

/**
 * The embedded carrier: behaves like Shippo (latency, transient failures, address rejections,
 * idempotent purchases, `track_updated` webhooks) with no network, so the whole workflow can
 * run and be demonstrated on a laptop.
 */
export class SandboxCarrierAdapter implements CarrierPort {
  readonly adapterName = 'sandbox';
  /** Labels bought by this process; also the "journey already started" marker. */
  private readonly labels = new Map<string, PurchasedLabel>();
  /** Pending journey step per reference. */
  private readonly journeys = new Map<string, CancelTimer>();
  /** Refunds of voided labels, by label (transaction) id: what a test asks `refundOf`. */
  private readonly refunds = new Map<string, LabelRefund>();
  /** References whose parcel the journey has put into the carrier's network: no longer voidable. */
  private readonly inNetwork = new Set<string>();
  /** Purchases waiting out their latency, so stop() can end them. */
  private readonly waits = new Set<{ cancel: CancelTimer; reject: (error: Error) => void }>();
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly setTimer: (callback: () => void, ms: number) => CancelTimer;
  private stopped = false;

  constructor(private readonly options: SandboxCarrierOptions) {
    const { latencyMs, failureRate, journeyStepMs } = options;
    if (!(latencyMs >= 0) || !(journeyStepMs >= 0) || !(failureRate >= 0 && failureRate <= 1)) {
      throw new Error(
        `Invalid sandbox carrier options: latencyMs=${latencyMs}, failureRate=${failureRate}, journeyStepMs=${journeyStepMs}`,
      );
    }
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.setTimer = options.setTimer ?? defaultSetTimer;
  }

  async purchaseLabel(request: LabelRequest): Promise<PurchasedLabel> {
    if (this.stopped) throw new CarrierUnavailableError('sandbox carrier is stopped');
    await this.wait(this.options.latencyMs);

    // Fail before recording anything, so the retry starts from a clean slate.
    if (this.random() < this.options.failureRate) {
      throw new CarrierUnavailableError('sandbox carrier: simulated outage (503 Service Unavailable)');
    }
    const problems = [
      ...addressProblems('fromAddress', request.fromAddress),
      ...addressProblems('toAddress', request.toAddress),
      ...parcelProblems(request.parcel),
    ];
    if (problems.length > 0) throw new CarrierValidationError(problems.join('; '));

    const existing = this.labels.get(request.reference);
    if (existing) return { ...existing };

    const trackingNumber = sandboxTrackingNumber(request.reference);
    const label: PurchasedLabel = {
      carrier: SANDBOX_CARRIER,
      trackingNumber,
      labelUrl: `${SANDBOX_LABEL_BASE_URL}/${trackingNumber}.pdf`,
      carrierTransactionId: sandboxTransactionId(request.reference),
      serviceLevel: SANDBOX_SERVICE_LEVEL,
    };
    this.labels.set(request.reference, label);
    this.startJourney(request, label);
    return { ...label };
  }

  /**
   * Voids a label this carrier sold (recognised by its deterministic id, so also one sold before
   * a restart) while its parcel has not entered the network; the journey stops there. The refund
   * is immediate (SUCCESS) and recorded: voiding again answers the same refund.
   */
  async voidLabel(request: VoidLabelRequest): Promise<LabelRefund> {
    if (this.stopped) throw new CarrierUnavailableError('sandbox carrier is stopped');
    await this.wait(this.options.latencyMs);
    if (this.random() < this.options.failureRate) {
      throw new CarrierUnavailableError('sandbox carrier: simulated outage (503 Service Unavailable)');
    }
    const labelId = request.carrierTransactionId;
    const existing = this.refunds.get(labelId);
    if (existing) return { ...existing };
    if (!labelId || labelId !== sandboxTransactionId(request.reference)) {
      throw new CarrierValidationError(`sandbox carrier sold no label ${labelId} for reference ${request.reference}`);
    }
    if (this.inNetwork.has(request.reference)) {
      throw new CarrierValidationError(`label ${labelId} is already in use (the parcel is in the carrier's network) and cannot be voided`);
    }
    this.journeys.get(request.reference)?.();
    this.journeys.delete(request.reference);
    const refund: LabelRefund = { refundId: sha256(`refund:${labelId}`).slice(0, 32), labelId, status: 'SUCCESS' };
    this.refunds.set(labelId, refund);
    return { ...refund };
  }

  /** The refund recorded for a voided label, if it was voided here. */
  refundOf(labelId: string): LabelRefund | undefined {
    const refund = this.refunds.get(labelId);
    return refund && { ...refund };
  }

  /** Cancels pending journeys and purchases (the app calls it on shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.journeys.values()) cancel();
    this.journeys.clear();
    for (const wait of this.waits) {
      wait.cancel();
      wait.reject(new CarrierUnavailableError('sandbox carrier stopped during the purchase'));
    }
    this.waits.clear();
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry = { cancel: (() => undefined) as CancelTimer, reject };
      this.waits.add(entry);
      entry.cancel = this.setTimer(() => {
        this.waits.delete(entry);
        resolve();
      }, ms);
    });
  }

  private startJourney(request: LabelRequest, label: PurchasedLabel): void {
    const { sink } = this.options;
    if (!sink || this.options.journeyStepMs <= 0 || this.stopped) return;
    const history: unknown[] = [];

    const schedule = (index: number): void => {
      this.journeys.set(
        request.reference,
        this.setTimer(() => void play(index), this.options.journeyStepMs),
      );
    };
    const voided = () => this.refunds.has(label.carrierTransactionId);
    const play = async (index: number): Promise<void> => {
      if (voided()) return;
      const step = JOURNEY[index]!;
      // From the first scan on (TRANSIT), the label has been used.
      if (step.status !== 'PRE_TRANSIT') this.inNetwork.add(request.reference);
      const trackingStatus = this.trackingStatus(request, label, step, index);
      history.push(trackingStatus);
      const body = {
        event: 'track_updated',
        test: true,
        data: {
          carrier: 'usps',
          tracking_number: label.trackingNumber,
          address_from: location(request.fromAddress),
          address_to: location(request.toAddress),
          servicelevel: { token: SANDBOX_SERVICE_LEVEL, name: 'Priority Mail' },
          transaction: label.carrierTransactionId,
          metadata: request.reference,
          messages: [],
          tracking_status: trackingStatus,
          tracking_history: [...history],
        },
      };
      try {
        await sink.deliverTrackUpdated(request.tenantId, body);
      } catch (error) {
        this.report(error, {
          tenantId: request.tenantId,
          reference: request.reference,
          trackingNumber: label.trackingNumber,
          status: step.status,
          substatus: step.substatus.code,
        });
      }
      // The next step is scheduled only after this one is delivered, so updates arrive in order.
      if (!this.stopped && !voided() && index + 1 < JOURNEY.length) schedule(index + 1);
      else this.journeys.delete(request.reference);
    };
    schedule(0);
  }

  private trackingStatus(request: LabelRequest, label: PurchasedLabel, step: JourneyStep, index: number) {
    const at = this.now().toISOString();
    return {
      // Deterministic per (tracking number, step): a replayed journey de-duplicates downstream.
      object_id: sha256(`${label.trackingNumber}:${index}`).slice(0, 32),
      object_created: at,
      object_updated: at,
      status: step.status,
      substatus: { ...step.substatus },
      status_details: step.details,
      status_date: at,
      location: location(step.at === 'from' ? request.fromAddress : request.toAddress),
    };
  }

  private report(error: unknown, context: SandboxJourneyErrorContext): void {
    try {
      this.options.onError?.(error, context);
    } catch {
      // A broken error handler must not crash the process from a timer callback either.
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function location(address: Address): { city: string; state?: string; zip: string; country: string } {
  return {
    city: address.city,
    ...(address.state && { state: address.state }),
    zip: address.zip,
    country: address.country,
  };
}

/** What a carrier would reject in an address; `00000` and `INVALID` simulate unknown addresses. */
function addressProblems(field: string, address: Address | undefined): string[] {
  if (!address) return [`${field} is required`];
  const problems: string[] = [];
  for (const key of ['street1', 'city', 'zip', 'country'] as const) {
    const value = address[key];
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${field}.${key} is required`);
  }
  if (problems.length > 0) return problems;
  if (!/^[A-Za-z]{2}$/.test(address.country.trim())) {
    problems.push(`${field}.country must be a 2-letter ISO 3166 code, got "${address.country}"`);
  }
  if (address.zip.trim() === '00000') {
    problems.push(`${field} is an invalid address: ZIP code 00000 does not exist`);
  }
  if (address.street1.includes('INVALID')) {
    problems.push(`${field} is an invalid address: street "${address.street1}" could not be found`);
  }
  return problems;
}

function parcelProblems(parcel: Parcel | undefined): string[] {
  if (!parcel) return ['parcel is required'];
  const problems: string[] = [];
  for (const key of ['length', 'width', 'height', 'weight'] as const) {
    const value = parcel[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      problems.push(`parcel.${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (!(DISTANCE_UNITS as readonly string[]).includes(parcel.distanceUnit)) {
    problems.push(`parcel.distanceUnit must be one of ${DISTANCE_UNITS.join(', ')}`);
  }
  if (!(MASS_UNITS as readonly string[]).includes(parcel.massUnit)) {
    problems.push(`parcel.massUnit must be one of ${MASS_UNITS.join(', ')}`);
  }
  return problems;
}
