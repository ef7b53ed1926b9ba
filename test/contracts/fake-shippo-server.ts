import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A small Shippo on 127.0.0.1, following Shippo's public OpenAPI specification for the
 * calls the Shippo adapter makes:
 *
 * - `POST /shipments` (CreateShipment) → 201 Shipment with `rates`; an address with ZIP `00000`
 *   comes back with `validation_results.is_valid = false` and no rates, as Shippo's validator
 *   answers an address that does not exist;
 * - `POST /transactions` (CreateTransaction, by rate) → 201 Transaction, SUCCESS, with a
 *   tracking number and label URL, carrying the request's `metadata`;
 * - `GET /transactions?results&page` (ListTransactions) → TransactionPaginatedList, newest first;
 * - `GET /rates/{RateId}` (GetRate) → Rate;
 * - `POST /refunds` (CreateRefund, `{transaction, async}`) → 201 Refund, SUCCESS, and the
 *   transaction becomes REFUNDED; a second refund of it, an unknown transaction, or a label
 *   already scanned by the carrier (`useLabel`) → 400;
 * - `GET /refunds/?results&page` (ListRefunds) → RefundPaginatedList, newest first;
 * - a missing field → 400 BadRequest (field → messages); a wrong token → 401;
 * - `outage = true` → 503 for every call, as a carrier-side outage looks.
 */
export class FakeShippoServer {
  /** While true, every request gets 503 Service Unavailable. */
  outage = false;
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers']; body: unknown }[] = [];

  private server: Server | null = null;
  private port = 0;
  private readonly rates = new Map<string, Rate>();
  /** Newest last; listed newest first. */
  private readonly transactions: Transaction[] = [];
  /** Newest last; listed newest first. */
  private readonly refunds: Refund[] = [];
  /** Transactions whose parcel the carrier has scanned: no longer refundable. */
  private readonly used = new Set<string>();
  private trackingSeq = 9_400_100_000_000;

  constructor(readonly apiKey: string) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Labels bought (POST /transactions that succeeded, refunded since or not) whose metadata is `reference`. */
  purchasesFor(reference: string): number {
    return this.transactions.filter((t) => t.metadata === reference).length;
  }

  /** Refunds made (POST /refunds that succeeded) of the transaction `transactionId`. */
  refundsFor(transactionId: string): number {
    return this.refunds.filter((r) => r.transaction === transactionId).length;
  }

  /** The carrier scans the parcel of this label: from now on it is in use and cannot be refunded. */
  useLabel(transactionId: string): void {
    this.used.add(transactionId);
    const transaction = this.transactions.find((t) => t.object_id === transactionId);
    if (transaction) transaction.tracking_status = 'TRANSIT';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, 400, { detail: 'JSON parse error' });
    }
    this.requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: req.headers, body });

    if (this.outage) return send(res, 503, '<html><body><h1>503 Service Unavailable</h1></body></html>', 'text/html');
    if (req.headers.authorization !== `ShippoToken ${this.apiKey}`) {
      return send(res, 401, { detail: 'Invalid token.' });
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/shipments') return this.createShipment(res, body);
    if (req.method === 'POST' && path === '/transactions') return this.createTransaction(res, body);
    if (req.method === 'GET' && path === '/transactions') return this.listTransactions(res, url);
    if (req.method === 'POST' && path === '/refunds') return this.createRefund(res, body);
    if (req.method === 'GET' && path === '/refunds') return send(res, 200, this.page(this.refunds, url, 'refunds'));
    const rate = /^\/rates\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && rate) {
      const found = this.rates.get(decodeURIComponent(rate[1]!));
      return found ? send(res, 200, found) : send(res, 404, { detail: 'Not found.' });
    }
    return send(res, 404, { detail: 'Not found.' });
  }

  private createShipment(res: ServerResponse, body: unknown): void {
    const request = (body ?? {}) as { address_from?: AddressIn; address_to?: AddressIn; parcels?: unknown[]; metadata?: string };
    const missing: Record<string, unknown> = {};
    for (const side of ['address_from', 'address_to'] as const) {
      const address = request[side];
      if (!address || typeof address !== 'object') missing[side] = ['This field is required.'];
      else {
        const fields = (['name', 'street1', 'city', 'zip', 'country'] as const).filter((f) => !address[f]);
        if (fields.length > 0) missing[side] = Object.fromEntries(fields.map((f) => [f, ['This field is required.']]));
      }
    }
    if (!Array.isArray(request.parcels) || request.parcels.length === 0) missing.parcels = ['This field is required.'];
    if (Object.keys(missing).length > 0) return send(res, 400, missing);

    const shipmentId = objectId();
    const now = new Date().toISOString();
    const invalid = (address: AddressIn) => address.zip?.trim() === '00000';
    const anyInvalid = invalid(request.address_from!) || invalid(request.address_to!);
    const address = (a: AddressIn) => ({
      object_id: objectId(),
      is_complete: !invalid(a),
      ...a,
      test: true,
      validation_results: invalid(a)
        ? {
            is_valid: false,
            messages: [
              {
                source: 'Shippo Address Validator',
                code: 'verification_error',
                type: 'address_error',
                text: `The ZIP code ${a.zip} does not exist.`,
              },
            ],
          }
        : { is_valid: true, messages: [] },
    });
    const rates: Rate[] = anyInvalid
      ? []
      : [
          rate(shipmentId, '26.80', 'USPS', 'Priority Mail Express', 'usps_priority_express', 1),
          rate(shipmentId, '5.50', 'USPS', 'Priority Mail', 'usps_priority', 2),
          rate(shipmentId, '9.14', 'UPS', 'Ground', 'ups_ground', 3),
        ];
    for (const r of rates) this.rates.set(r.object_id, r);
    send(res, 201, {
      object_created: now,
      object_updated: now,
      object_id: shipmentId,
      object_owner: 'contract@example.com',
      status: 'SUCCESS',
      address_from: address(request.address_from!),
      address_to: address(request.address_to!),
      parcels: request.parcels,
      rates,
      messages: anyInvalid ? [{ source: 'USPS', code: '', text: 'Address could not be validated.' }] : [],
      metadata: request.metadata ?? '',
      test: true,
    });
  }

  private createTransaction(res: ServerResponse, body: unknown): void {
    const request = (body ?? {}) as { rate?: string; metadata?: string; label_file_type?: string };
    if (!request.rate) return send(res, 400, { rate: ['This field is required.'] });
    const rate = this.rates.get(request.rate);
    if (!rate) return send(res, 400, { rate: [`Rate with object_id ${request.rate} does not exist.`] });
    const id = objectId();
    const now = new Date().toISOString();
    const trackingNumber = String(this.trackingSeq++).padStart(22, '92');
    const transaction: Transaction = {
      object_state: 'VALID',
      status: 'SUCCESS',
      object_created: now,
      object_updated: now,
      object_id: id,
      object_owner: 'contract@example.com',
      test: true,
      rate: rate.object_id,
      tracking_number: trackingNumber,
      tracking_status: 'UNKNOWN',
      tracking_url_provider: `https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=${trackingNumber}`,
      label_file_type: request.label_file_type ?? 'PDF',
      label_url: `https://deliver.goshippo.com/${id}.pdf?Expires=1747238514&Signature=example`,
      messages: [],
      metadata: request.metadata ?? '',
    };
    this.transactions.push(transaction);
    send(res, 201, transaction);
  }

  private listTransactions(res: ServerResponse, url: URL): void {
    send(res, 200, this.page(this.transactions, url, 'transactions'));
  }

  private createRefund(res: ServerResponse, body: unknown): void {
    const request = (body ?? {}) as { transaction?: string; async?: boolean };
    if (!request.transaction) return send(res, 400, { transaction: ['This field is required.'] });
    const transaction = this.transactions.find((t) => t.object_id === request.transaction);
    if (!transaction) return send(res, 400, { transaction: [`Transaction with object_id ${request.transaction} does not exist.`] });
    if (this.refunds.some((r) => r.transaction === transaction.object_id)) {
      return send(res, 400, { transaction: ['A refund for this transaction already exists.'] });
    }
    if (this.used.has(transaction.object_id)) {
      return send(res, 400, { transaction: ['This label has been scanned by the carrier and can no longer be refunded.'] });
    }
    const now = new Date().toISOString();
    const refund: Refund = {
      object_created: now,
      object_updated: now,
      object_id: objectId(),
      object_owner: 'contract@example.com',
      status: 'SUCCESS',
      test: true,
      transaction: transaction.object_id,
    };
    this.refunds.push(refund);
    transaction.status = 'REFUNDED';
    send(res, 201, refund);
  }

  /** A PaginatedList of `items` (newest last), newest first, as Shippo pages with `results` and `page`. */
  private page<T>(items: T[], url: URL, resource: string) {
    const results = Math.min(100, Math.max(1, Number(url.searchParams.get('results') ?? 25) || 25));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const newestFirst = [...items].reverse();
    const slice = newestFirst.slice((page - 1) * results, page * results);
    const link = (p: number) => `${this.baseUrl}/${resource}/?results=${results}&page=${p}`;
    return {
      count: newestFirst.length,
      next: page * results < newestFirst.length ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: slice,
    };
  }
}

interface AddressIn {
  name?: string;
  street1?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
}

interface Rate {
  object_id: string;
  shipment: string;
  amount: string;
  currency: string;
  provider: string;
  servicelevel: { name: string; token: string };
  estimated_days: number;
  test: boolean;
}

interface Refund {
  object_id: string;
  status: 'SUCCESS';
  transaction: string;
  [field: string]: unknown;
}

interface Transaction {
  object_id: string;
  status: 'SUCCESS' | 'REFUNDED';
  metadata: string;
  rate: string;
  tracking_number: string;
  label_url: string;
  [field: string]: unknown;
}

function rate(shipment: string, amount: string, provider: string, name: string, token: string, days: number): Rate {
  return {
    object_id: objectId(),
    shipment,
    amount,
    currency: 'USD',
    provider,
    servicelevel: { name, token },
    estimated_days: days,
    test: true,
  };
}

function objectId(): string {
  return randomBytes(16).toString('hex');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
