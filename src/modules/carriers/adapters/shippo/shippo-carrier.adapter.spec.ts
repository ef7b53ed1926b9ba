import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';
import type { LabelRequest } from '../../contracts/carrier.types';
import { ShippoCarrierAdapter } from './shippo-carrier.adapter';

// Recorded responses shaped like the spec's schemas; tests tweak copies of them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const fixture = (name: string): Loose =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'));

const API_KEY = 'shippo_test_3a47d23c032ca626fce863c48d0f93d63a394396';
const REFERENCE = '3f0c1c52-9c1e-4d8e-a7a5-0d2b1f8b6e11';

const request: LabelRequest = {
  reference: REFERENCE,
  tenantId: 'tenant-1',
  fromAddress: {
    name: 'Mrs Hippo',
    street1: '1092 Indian Summer Ct',
    city: 'San Jose',
    state: 'CA',
    zip: '95122',
    country: 'US',
    phone: '4159876543',
    email: 'mrshippo@shippo.com',
  },
  toAddress: {
    name: 'Mr Hippo',
    company: 'Shippo',
    street1: '965 Mission St #572',
    city: 'San Francisco',
    state: 'CA',
    zip: '94103',
    country: 'US',
    phone: '4151234567',
    email: 'mrhippo@shippo.com',
  },
  parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' },
};

interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Loose;
}

type Reply = { status: number; body: unknown } | Error;

/**
 * A fake `fetch` that plays Shippo: it answers the expected calls in order, records what it
 * was sent, and fails the test on any call it did not expect.
 */
function fakeShippo(script: Array<{ method: string; path: string; reply: Reply }>) {
  const calls: RecordedCall[] = [];
  const fetchFn = jest.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const step = script[calls.length];
    const call: RecordedCall = {
      method: init?.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    if (!step) throw new Error(`unexpected call ${call.method} ${call.path}`);
    expect(url.origin).toBe('https://api.goshippo.com');
    expect(`${call.method} ${call.path}`).toBe(`${step.method} ${step.path}`);
    expect(call.headers.Authorization).toBe(`ShippoToken ${API_KEY}`);
    expect(call.headers['SHIPPO-API-VERSION']).toBe('2018-02-08');
    const { reply } = step;
    if (reply instanceof Error) throw reply;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(text, { status: reply.status, headers: { 'Content-Type': 'application/json' } });
  });
  const adapter = new ShippoCarrierAdapter({ apiKey: API_KEY, fetch: fetchFn as typeof fetch });
  return { adapter, calls, fetchFn, done: () => expect(calls).toHaveLength(script.length) };
}

const LOOKUP = { method: 'GET', path: '/transactions?results=100&page=1' } as const;
const noPriorPurchase = { ...LOOKUP, reply: { status: 200, body: fixture('transactions-empty') } };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('ShippoCarrierAdapter', () => {
  it('is named shippo', () => {
    expect(new ShippoCarrierAdapter({ apiKey: API_KEY }).adapterName).toBe('shippo');
  });

  it('buys the cheapest rate: lookup, shipment, transaction', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: fixture('shipment-created') } },
      { method: 'POST', path: '/transactions', reply: { status: 201, body: fixture('transaction-created') } },
    ]);

    const label = await shippo.adapter.purchaseLabel(request);

    expect(label).toEqual({
      carrier: 'USPS',
      trackingNumber: '9499907123456123456781',
      labelUrl: expect.stringMatching(/^https:\/\/deliver\.goshippo\.com\/915d94940ea54c3a80cbfa328722f5a1\.pdf/),
      carrierTransactionId: '915d94940ea54c3a80cbfa328722f5a1',
      serviceLevel: 'usps_priority',
    });
    shippo.done();

    const [, shipment, transaction] = shippo.calls;
    expect(shipment!.headers['Content-Type']).toBe('application/json');
    expect(shipment!.body).toEqual({
      address_from: {
        name: 'Mrs Hippo',
        street1: '1092 Indian Summer Ct',
        city: 'San Jose',
        state: 'CA',
        zip: '95122',
        country: 'US',
        phone: '4159876543',
        email: 'mrshippo@shippo.com',
      },
      address_to: {
        name: 'Mr Hippo',
        company: 'Shippo',
        street1: '965 Mission St #572',
        city: 'San Francisco',
        state: 'CA',
        zip: '94103',
        country: 'US',
        phone: '4151234567',
        email: 'mrhippo@shippo.com',
      },
      parcels: [{ length: '10', width: '15', height: '10', distance_unit: 'in', weight: '1', mass_unit: 'lb' }],
      async: false,
      metadata: REFERENCE,
    });
    // The cheapest of the three rates (5.50 USPS Priority), not the first one.
    expect(transaction!.body).toEqual({
      rate: 'ec9f0d3adc9441449c85d315f0997fd5',
      label_file_type: 'PDF',
      async: false,
      metadata: REFERENCE,
    });
  });

  it('returns the transaction already bought for the same reference instead of buying again', async () => {
    const shippo = fakeShippo([
      { ...LOOKUP, reply: { status: 200, body: fixture('transactions-existing') } },
      { method: 'GET', path: '/rates/ec9f0d3adc9441449c85d315f0997fd5', reply: { status: 200, body: fixture('rate') } },
    ]);

    const label = await shippo.adapter.purchaseLabel(request);

    // The earlier ERROR attempt for this reference and someone else's label are skipped.
    expect(label).toEqual({
      carrier: 'USPS',
      trackingNumber: '9499907123456123456781',
      labelUrl: expect.stringContaining('915d94940ea54c3a80cbfa328722f5a1.pdf'),
      carrierTransactionId: '915d94940ea54c3a80cbfa328722f5a1',
      serviceLevel: 'usps_priority',
    });
    shippo.done();
    expect(shippo.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('uses an expanded rate on the existing transaction without fetching it', async () => {
    const listing = fixture('transactions-existing');
    listing.results[2].rate = {
      object_id: 'ec9f0d3adc9441449c85d315f0997fd5',
      provider: 'USPS',
      servicelevel_token: 'usps_priority',
      servicelevel_name: 'Priority Mail',
      amount: '5.50',
      currency: 'USD',
    };
    const shippo = fakeShippo([{ ...LOOKUP, reply: { status: 200, body: listing } }]);
    await expect(shippo.adapter.purchaseLabel(request)).resolves.toMatchObject({
      carrier: 'USPS',
      serviceLevel: 'usps_priority',
    });
    shippo.done();
  });

  it('pages through the transaction list to find an earlier purchase', async () => {
    const first = fixture('transactions-existing');
    const ours = first.results.pop();
    first.next = 'https://api.goshippo.com/transactions/?page=2&results=100';
    const second = { next: null, previous: 'https://api.goshippo.com/transactions/?page=1&results=100', results: [ours] };
    const shippo = fakeShippo([
      { ...LOOKUP, reply: { status: 200, body: first } },
      { method: 'GET', path: '/transactions?results=100&page=2', reply: { status: 200, body: second } },
      { method: 'GET', path: '/rates/ec9f0d3adc9441449c85d315f0997fd5', reply: { status: 200, body: fixture('rate') } },
    ]);
    await expect(shippo.adapter.purchaseLabel(request)).resolves.toMatchObject({
      carrierTransactionId: '915d94940ea54c3a80cbfa328722f5a1',
    });
    shippo.done();
  });

  it('reports a purchase still in flight as unavailable rather than buying a second label', async () => {
    const listing = fixture('transactions-existing');
    Object.assign(listing.results[2], { status: 'QUEUED', tracking_number: '', label_url: '' });
    const shippo = fakeShippo([{ ...LOOKUP, reply: { status: 200, body: listing } }]);
    await expect(shippo.adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
    shippo.done();
  });

  it('maps a 400 to a validation error naming the fields', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 400, body: fixture('bad-request') } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect((error as CarrierValidationError).reason).toContain('address_to.zip: This field is required.');
    expect((error as CarrierValidationError).reason).toContain('parcels[0].weight: A valid number is required.');
    shippo.done();
  });

  it('maps a 422 with a plain-text body to a validation error', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 422, body: 'Unprocessable parcel' } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect(error.message).toContain('Unprocessable parcel');
  });

  it('maps an address Shippo validated as invalid to a validation error', async () => {
    const shipment = fixture('shipment-created');
    shipment.address_to.validation_results = {
      is_valid: false,
      messages: [
        {
          source: 'Shippo Address Validator',
          code: 'Unknown Street',
          text: 'City, State and ZIP Code are valid, but street address is not a match.',
          type: 'address_warning',
        },
      ],
    };
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: shipment } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect(error.message).toMatch(/^invalid address_to: .*street address is not a match/);
    shippo.done();
  });

  it('maps an empty rate list to a validation error with the carriers’ messages', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: fixture('shipment-no-rates') } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect(error.message).toContain('no rates available');
    expect(error.message).toContain('UPS: The postal code 00000 is invalid');
    shippo.done();
  });

  it('treats an empty rate list caused by a carrier timeout as unavailable', async () => {
    const shipment = fixture('shipment-no-rates');
    shipment.messages = [
      { source: 'UPS', code: 'carrier_timeout', text: 'UPS API did not respond. Please try again in a few minutes.' },
    ];
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: shipment } },
    ]);
    await expect(shippo.adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('maps a transaction in status ERROR to a validation error with its messages', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: fixture('shipment-created') } },
      { method: 'POST', path: '/transactions', reply: { status: 201, body: fixture('transaction-error') } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect((error as CarrierValidationError).reason).toMatch(/^USPS: Recipient address invalid/);
    shippo.done();
  });

  it.each([429, 500, 502, 503, 401])('maps HTTP %i to unavailable', async (status) => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status, body: { detail: 'Service Unavailable' } } },
    ]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierUnavailableError);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('maps a 503 on the transaction purchase to unavailable', async () => {
    const shippo = fakeShippo([
      noPriorPurchase,
      { method: 'POST', path: '/shipments', reply: { status: 201, body: fixture('shipment-created') } },
      { method: 'POST', path: '/transactions', reply: { status: 503, body: '<html>Service Unavailable</html>' } },
    ]);
    await expect(shippo.adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
    shippo.done();
  });

  it('maps a network error to unavailable', async () => {
    const network = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:443') });
    const shippo = fakeShippo([{ ...LOOKUP, reply: network }]);
    const error = await rejection(shippo.adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierUnavailableError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps a timeout to unavailable', async () => {
    // Never answers; only the abort signal ends it, as with a stalled connection.
    const hanging = (async (_url: string, init?: RequestInit) => {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }) as unknown as typeof fetch;
    const adapter = new ShippoCarrierAdapter({ apiKey: API_KEY, fetch: hanging, timeoutMs: 20 });
    const error = await rejection(adapter.purchaseLabel(request));
    expect(error).toBeInstanceOf(CarrierUnavailableError);
    expect(error.message).toContain('timed out after 20 ms');
  });

  it('maps a 2xx answer that is not JSON to unavailable', async () => {
    const shippo = fakeShippo([{ ...LOOKUP, reply: { status: 200, body: '<html>maintenance</html>' } }]);
    await expect(shippo.adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('honours a custom base URL', async () => {
    const fetchFn = jest.fn(async () => new Response(JSON.stringify(fixture('transactions-existing'))));
    fetchFn.mockResolvedValueOnce(new Response(JSON.stringify(fixture('transactions-existing'))));
    fetchFn.mockResolvedValueOnce(new Response(JSON.stringify(fixture('rate'))));
    const adapter = new ShippoCarrierAdapter({
      apiKey: API_KEY,
      baseUrl: 'http://shippo.test/',
      fetch: fetchFn as unknown as typeof fetch,
    });
    await adapter.purchaseLabel(request);
    expect(fetchFn.mock.calls.map((c: unknown[]) => c[0])).toEqual([
      'http://shippo.test/transactions?results=100&page=1',
      'http://shippo.test/rates/ec9f0d3adc9441449c85d315f0997fd5',
    ]);
  });

  it('refuses a reference that does not fit Shippo metadata', async () => {
    const shippo = fakeShippo([]);
    await expect(shippo.adapter.purchaseLabel({ ...request, reference: 'x'.repeat(101) })).rejects.toBeInstanceOf(
      CarrierValidationError,
    );
    expect(shippo.fetchFn).not.toHaveBeenCalled();
  });
});
