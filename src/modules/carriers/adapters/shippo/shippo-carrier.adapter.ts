import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';
import type { Address, LabelRequest, Parcel, PurchasedLabel } from '../../contracts/carrier.types';
import type { CarrierPort } from '../../ports/carrier.port';

export interface ShippoCarrierAdapterOptions {
  apiKey: string;
  /** Default `https://api.goshippo.com`. */
  baseUrl?: string;
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  /** Per HTTP call; a synchronous label purchase can take several seconds. Default 30 s. */
  timeoutMs?: number;
  /** Pages of 100 transactions searched for an earlier purchase of a reference. Default 5. */
  lookupPages?: number;
}

/** The responses are read against this version of the spec, so pin it instead of the account default. */
const SHIPPO_API_VERSION = '2018-02-08';
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
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly lookupPages: number;

  constructor(options: ShippoCarrierAdapterOptions) {
    if (!options.apiKey) throw new Error('ShippoCarrierAdapter needs an apiKey');
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? 'https://api.goshippo.com').replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
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

    const shipment = await this.call<ShippoShipment>('POST', '/shipments', {
      address_from: toShippoAddress(request.fromAddress),
      address_to: toShippoAddress(request.toAddress),
      parcels: [toShippoParcel(request.parcel)],
      async: false,
      metadata: reference,
    });
    const rate = cheapestRate(shipment);

    const transaction = await this.call<ShippoTransaction>('POST', '/transactions', {
      rate: rate.object_id,
      label_file_type: 'PDF',
      async: false,
      metadata: reference,
    });
    return labelFrom(transaction, rate.provider, rate.servicelevel?.token ?? undefined);
  }

  /** The newest transaction bought for `reference` that is successful or still in flight. */
  private async findExistingTransaction(reference: string): Promise<ShippoTransaction | undefined> {
    for (let page = 1; page <= this.lookupPages; page++) {
      const list = await this.call<ShippoPage<ShippoTransaction>>(
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
    const rate = await this.call<ShippoRate>('GET', `/rates/${encodeURIComponent(rateId)}`);
    return labelFrom(transaction, rate.provider, rate.servicelevel?.token ?? undefined);
  }

  /** One HTTP call, with every failure mapped onto the port's two error types. */
  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const what = `Shippo ${method} ${path.split('?')[0]}`;
    let status: number;
    let text: string;
    try {
      const response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `ShippoToken ${this.apiKey}`,
          Accept: 'application/json',
          'SHIPPO-API-VERSION': SHIPPO_API_VERSION,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // Connection refused, DNS, reset, or our own timeout: all worth a retry.
      // Duck-typed: the abort reason is a DOMException, possibly from another realm.
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      const detail = timedOut ? `timed out after ${this.timeoutMs} ms` : errorDetail(error);
      throw new CarrierUnavailableError(`${what} failed: ${detail}`, { cause: error });
    }

    if (status === 400 || status === 422) {
      throw new CarrierValidationError(`${what} rejected the request: ${reasonFromBody(text, status)}`);
    }
    if (status < 200 || status >= 300) {
      // 429 and 5xx are transient. 401/403 mean a bad API key: not the shipment's fault, so we
      // let it retry until an operator fixes the key rather than failing shipments for good.
      throw new CarrierUnavailableError(`${what} answered HTTP ${status}: ${truncate(text)}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CarrierUnavailableError(`${what} answered with invalid JSON`, { cause: error });
    }
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

/**
 * Shippo's 400 body is free-form (`BadRequest` allows any properties); usually field → messages,
 * e.g. `{"address_to": {"zip": ["This field is required."]}}` → `address_to.zip: This field...`.
 */
function reasonFromBody(text: string, status: number): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return truncate(text) || `HTTP ${status}`;
  }
  const lines: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      const strings = value.filter((v) => typeof v !== 'object' || v === null);
      if (strings.length > 0) lines.push(`${path || 'request'}: ${strings.join(' ')}`);
      value.forEach((v, i) => typeof v === 'object' && v !== null && walk(v, `${path}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) walk(v, path ? `${path}.${key}` : key);
    } else if (value !== undefined && value !== null && value !== '') {
      lines.push(path === 'detail' || path === '' ? String(value) : `${path}: ${String(value)}`);
    }
  };
  walk(body, '');
  return truncate(lines.join('; ')) || `HTTP ${status}`;
}

function truncate(text: string, max = 500): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function errorDetail(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  if (typeof message !== 'string') return String(error);
  return typeof cause?.message === 'string' ? `${message} (${cause.message})` : message;
}
