import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';
import type { Address, LabelRefund, LabelRequest, Parcel, PurchasedLabel, VoidLabelRequest } from '../../contracts/carrier.types';
import type { CarrierPort } from '../../ports/carrier.port';
import { ShippoClient } from './shippo-client';

export interface ShippoCarrierAdapterOptions {
  apiKey: string;
  /** Default `https://api.goshippo.com`. */
  baseUrl?: string;
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Per HTTP call; a synchronous label purchase can take several seconds. Default 30 s. */
  timeoutMs?: number;
  /** Pages of 100 transactions (or refunds) searched for an earlier purchase (or refund). Default 5. */
  lookupPages?: number;
}

/** Shippo's maximum page size (`results` query parameter). */
const PAGE_SIZE = 100;
/** Shippo's limit on `metadata`, where the reference travels. */
const METADATA_MAX_LENGTH = 100;

// The subset of Shippo's schemas (shippo-public-api.yaml) this adapter reads.
interface ShippoMessage {
  source?: string;
  code?: string;
  text?: string;
}
interface ShippoRate {
  object_id: string;
  amount: string;
  provider: string;
  servicelevel?: { token?: string; name?: string } | null;
}
interface ShippoAddress {
  validation_results?: { is_valid?: boolean; messages?: ShippoMessage[] } | null;
}
interface ShippoShipment {
  object_id: string;
  status: string;
  rates?: ShippoRate[];
  messages?: ShippoMessage[];
  address_from?: ShippoAddress;
  address_to?: ShippoAddress;
}
interface ShippoCoreRate {
  object_id?: string;
  provider?: string;
  servicelevel_token?: string;
}
interface ShippoTransaction {
  object_id: string;
  status: string;
  metadata?: string;
  rate?: string | ShippoCoreRate | null;
  tracking_number?: string | null;
  label_url?: string | null;
  messages?: ShippoMessage[];
}
interface ShippoRefund {
  object_id: string;
  status: string;
  transaction: string;
}
interface ShippoPage<T> {
  next?: string | null;
  results?: T[];
}

/**
 * The real carrier: Shippo's REST API (shipment → cheapest rate → transaction).
 *
 * Idempotency: Shippo has no idempotency key, so the reference (our shipment id) goes into the
 * `metadata` of the shipment and of the transaction, and every purchase first looks for a
 * transaction with that metadata. The spec offers no metadata filter (ListTransactions filters
 * only by rate, object_status and tracking_status), so we page through GET /transactions
 * (Shippo lists newest first, 100 a page) up to `lookupPages` pages. That bound is sound because
 * a retry follows its failed attempt within minutes, so an earlier purchase is among the newest.
 * The listing is not filtered on SUCCESS so that a purchase still in flight (QUEUED/WAITING) is
 * seen too: we then report "unavailable" and let the retry find it finished, never buying twice.
 * (Two concurrent purchases of one reference could both miss; the workflow engine runs one
 * activity per shipment at a time, so that does not happen.)
 */
export class ShippoCarrierAdapter implements CarrierPort {
  readonly adapterName = 'shippo';

  /** Nothing of its own to end: each call has its own timeout, and fetch keeps no pool to close. */
  stop(): Promise<void> {
    return Promise.resolve();
  }
  private readonly client: ShippoClient;
  private readonly lookupPages: number;

  constructor(options: ShippoCarrierAdapterOptions) {
    if (!options.apiKey) throw new Error('ShippoCarrierAdapter needs an apiKey');
    this.client = new ShippoClient({
      apiKey: options.apiKey,
      baseUrl: (options.baseUrl ?? 'https://api.goshippo.com').replace(/\/+$/, ''),
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    this.lookupPages = options.lookupPages ?? 5;
  }

  async purchaseLabel(request: LabelRequest): Promise<PurchasedLabel> {
    const { reference } = request;
    if (!reference || reference.length > METADATA_MAX_LENGTH) {
      // A reference that does not fit Shippo's metadata would make the purchase un-findable.
      throw new CarrierValidationError(`reference must be 1..${METADATA_MAX_LENGTH} characters`);
    }

    const existing = await this.findExistingTransaction(reference);
    if (existing) return this.labelFromExisting(existing);

    const shipment = await this.client.call<ShippoShipment>('POST', '/shipments', {
      address_from: toShippoAddress(request.fromAddress),
      address_to: toShippoAddress(request.toAddress),
      parcels: [toShippoParcel(request.parcel)],
      async: false,
      metadata: reference,
    });
    const rate = cheapestRate(shipment);

    const transaction = await this.client.call<ShippoTransaction>('POST', '/transactions', {
      rate: rate.object_id,
      label_file_type: 'PDF',
      async: false,
      metadata: reference,
    });
    return labelFrom(transaction, rate.provider, rate.servicelevel?.token ?? undefined);
  }

  /**
   * Voids the label through Shippo's refund API (`POST /refunds`). Shippo refuses a second
   * refund of one transaction, and has no idempotency key, so a refund already made for the
   * transaction (newest first, like the purchase lookup) is answered instead of a new request.
   */
  async voidLabel(request: VoidLabelRequest): Promise<LabelRefund> {
    const transaction = request.carrierTransactionId;
    if (!transaction) throw new CarrierValidationError('carrierTransactionId is required to void a label');
    const existing = await this.findRefund(transaction);
    if (existing) return refundFrom(existing, transaction);
    let refund: ShippoRefund;
    try {
      refund = await this.client.call<ShippoRefund>('POST', '/refunds', { transaction, async: false });
    } catch (error) {
      // A refund made meanwhile (a concurrent void) is refused as a duplicate: answer that one.
      const made = error instanceof CarrierValidationError ? await this.findRefund(transaction) : undefined;
      if (made) return refundFrom(made, transaction);
      throw error;
    }
    return refundFrom(refund, transaction);
  }

  /** The newest refund of `transaction` that did not fail, if any. */
  private async findRefund(transaction: string): Promise<ShippoRefund | undefined> {
    for (let page = 1; page <= this.lookupPages; page++) {
      const list = await this.client.call<ShippoPage<ShippoRefund>>('GET', `/refunds/?results=${PAGE_SIZE}&page=${page}`);
      const results = list.results ?? [];
      // A refund in ERROR is no refund: asking again is the right move.
      const found = results.find((refund) => refund.transaction === transaction && refund.status !== 'ERROR');
      if (found) return found;
      if (!list.next || results.length === 0) return undefined;
    }
    return undefined;
  }

  /** The newest transaction bought for `reference` that is successful or still in flight. */
  private async findExistingTransaction(reference: string): Promise<ShippoTransaction | undefined> {
    for (let page = 1; page <= this.lookupPages; page++) {
      const list = await this.client.call<ShippoPage<ShippoTransaction>>(
        'GET',
        `/transactions?results=${PAGE_SIZE}&page=${page}`,
      );
      const results = list.results ?? [];
      for (const transaction of results) {
        if (transaction.metadata !== reference) continue;
        if (transaction.status === 'SUCCESS') return transaction;
        if (transaction.status === 'QUEUED' || transaction.status === 'WAITING') {
          throw new CarrierUnavailableError(
            `Shippo transaction ${transaction.object_id} for ${reference} is still ${transaction.status}`,
          );
        }
        // ERROR and refunded transactions are dead ends: a new purchase is the right move.
      }
      // We ask for pages by number rather than following `next`, so the API key is never
      // sent to a URL taken from a response body.
      if (!list.next || results.length === 0) return undefined;
    }
    return undefined;
  }

  private async labelFromExisting(transaction: ShippoTransaction): Promise<PurchasedLabel> {
    // Listings usually carry the rate as an id; the rate tells us the carrier and service level.
    if (typeof transaction.rate === 'object' && transaction.rate?.provider) {
      return labelFrom(transaction, transaction.rate.provider, transaction.rate.servicelevel_token);
    }
    const rateId = typeof transaction.rate === 'string' ? transaction.rate : transaction.rate?.object_id;
    if (!rateId) {
      throw new CarrierUnavailableError(`Shippo transaction ${transaction.object_id} has no rate`);
    }
    const rate = await this.client.call<ShippoRate>('GET', `/rates/${encodeURIComponent(rateId)}`);
    return labelFrom(transaction, rate.provider, rate.servicelevel?.token ?? undefined);
  }
}

function toShippoAddress(address: Address): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    name: address.name,
    company: address.company,
    street1: address.street1,
    street2: address.street2,
    city: address.city,
    state: address.state,
    zip: address.zip,
    country: address.country,
    phone: address.phone,
    email: address.email,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Shippo types dimensions and weight as decimal strings. */
function toShippoParcel(parcel: Parcel): Record<string, string> {
  return {
    length: String(parcel.length),
    width: String(parcel.width),
    height: String(parcel.height),
    distance_unit: parcel.distanceUnit,
    weight: String(parcel.weight),
    mass_unit: parcel.massUnit,
  };
}

function cheapestRate(shipment: ShippoShipment): ShippoRate {
  for (const side of ['address_from', 'address_to'] as const) {
    const validation = shipment[side]?.validation_results;
    if (validation?.is_valid === false) {
      throw new CarrierValidationError(
        `invalid ${side}: ${joinMessages(validation.messages) || 'address validation failed'}`,
      );
    }
  }
  // Amounts are decimal strings; a rate without a readable price cannot be compared.
  const rates = (shipment.rates ?? []).filter((rate) => Number.isFinite(Number.parseFloat(rate.amount)));
  if (rates.length === 0) {
    const messages = shipment.messages ?? [];
    const reason = joinMessages(messages);
    // async:false should return final rates; anything still pending, or a carrier that timed
    // out, is worth a retry (a new shipment costs nothing). Otherwise the input is the problem.
    if (shipment.status === 'QUEUED' || shipment.status === 'WAITING' || messages.some(isTransient)) {
      throw new CarrierUnavailableError(`Shippo returned no rates yet (${shipment.status}): ${reason}`);
    }
    throw new CarrierValidationError(`no rates available for this shipment${reason ? `: ${reason}` : ''}`);
  }
  return rates.reduce((best, rate) =>
    Number.parseFloat(rate.amount) < Number.parseFloat(best.amount) ? rate : best,
  );
}

function labelFrom(
  transaction: ShippoTransaction,
  carrier: string,
  serviceLevel: string | undefined,
): PurchasedLabel {
  switch (transaction.status) {
    case 'SUCCESS':
      break;
    case 'ERROR': {
      const messages = transaction.messages ?? [];
      const reason = joinMessages(messages) || 'label purchase failed';
      if (messages.some(isTransient)) throw new CarrierUnavailableError(`Shippo: ${reason}`);
      throw new CarrierValidationError(reason);
    }
    default:
      // QUEUED/WAITING despite async:false: the retry's lookup will find it finished.
      throw new CarrierUnavailableError(
        `Shippo transaction ${transaction.object_id} is ${transaction.status}`,
      );
  }
  if (!transaction.tracking_number || !transaction.label_url) {
    // Retrying would find this same transaction again, so this cannot be "unavailable".
    throw new CarrierValidationError(
      `Shippo transaction ${transaction.object_id} has no tracking number or label URL`,
    );
  }
  return {
    carrier,
    trackingNumber: transaction.tracking_number,
    labelUrl: transaction.label_url,
    carrierTransactionId: transaction.object_id,
    ...(serviceLevel && { serviceLevel }),
  };
}

/** Carrier-side hiccups Shippo reports as messages (the spec's example is `carrier_timeout`). */
function isTransient(message: ShippoMessage): boolean {
  return /timeout|timed out|unavailable|try again/i.test(`${message.code ?? ''} ${message.text ?? ''}`);
}

function joinMessages(messages: ShippoMessage[] | undefined): string {
  return (messages ?? [])
    .map((m) => [m.source, m.text || m.code].filter(Boolean).join(': '))
    .filter(Boolean)
    .join('; ');
}

function refundFrom(refund: ShippoRefund, transaction: string): LabelRefund {
  switch (refund.status) {
    case 'QUEUED':
    case 'PENDING':
    case 'SUCCESS':
      return { refundId: refund.object_id, labelId: transaction, status: refund.status };
    default:
      // ERROR (or a status this spec does not know): Shippo did not take the refund.
      throw new CarrierValidationError(`Shippo refused to refund label ${transaction} (refund ${refund.object_id} is ${refund.status})`);
  }
}
