import { CarrierValidationError } from '../../contracts/carrier.errors';
import { ShippoCarrierAdapter } from './shippo-carrier.adapter';

// voidLabel's requests and its reading of Shippo's Refund objects (spec: CreateRefund,
// ListRefunds); the whole exchange over HTTP is in test/contracts/carrier.shippo.spec.ts.

const TRANSACTION = '915d94940ea54c3a80cbfa328722f5a1';
const voiding = { reference: '3f0c1c52-9c1e-4d8e-a7a5-0d2b1f8b6e11', carrierTransactionId: TRANSACTION };
const refund = (status: string, id = 'adcfdddf8ec64b84ad22772bce3ea37a', transaction = TRANSACTION) => ({
  object_created: '2026-11-24T10:00:00Z',
  object_id: id,
  object_owner: 'shippotle@shippo.com',
  status,
  test: true,
  transaction,
});
const page = (results: unknown[], next: string | null = null) => ({ count: results.length, next, previous: null, results });

/** Answers each call with the next reply and records `METHOD path` and the JSON body. */
function shippo(...replies: Array<{ status: number; body: unknown }>) {
  const calls: Array<{ call: string; body: unknown }> = [];
  const fetchFn = jest.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push({ call: `${init?.method ?? 'GET'} ${url.pathname}${url.search}`, body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined });
    const reply = replies.shift();
    if (!reply) throw new Error(`unexpected call ${calls.at(-1)!.call}`);
    return new Response(JSON.stringify(reply.body), { status: reply.status });
  });
  const adapter = new ShippoCarrierAdapter({ apiKey: 'shippo_test_key', fetch: fetchFn as typeof fetch, lookupPages: 2 });
  return { adapter, calls };
}

describe('ShippoCarrierAdapter.voidLabel', () => {
  it('looks for an earlier refund, then asks for one synchronously: POST /refunds {transaction, async: false}', async () => {
    const { adapter, calls } = shippo({ status: 200, body: page([refund('SUCCESS', 'other', 'another-transaction')]) }, { status: 201, body: refund('QUEUED') });
    await expect(adapter.voidLabel(voiding)).resolves.toEqual({ refundId: 'adcfdddf8ec64b84ad22772bce3ea37a', labelId: TRANSACTION, status: 'QUEUED' });
    expect(calls).toEqual([
      { call: 'GET /refunds/?results=100&page=1', body: undefined },
      { call: 'POST /refunds', body: { transaction: TRANSACTION, async: false } },
    ]);
  });

  it('answers the refund already made, found on a later page, without asking again', async () => {
    const { adapter, calls } = shippo(
      { status: 200, body: page([refund('SUCCESS', 'x', 'another-transaction')], 'https://api.goshippo.com/refunds/?page=2') },
      { status: 200, body: page([refund('PENDING')]) },
    );
    await expect(adapter.voidLabel(voiding)).resolves.toMatchObject({ labelId: TRANSACTION, status: 'PENDING' });
    expect(calls.map((c) => c.call)).toEqual(['GET /refunds/?results=100&page=1', 'GET /refunds/?results=100&page=2']);
  });

  it('asks again when the earlier refund failed (ERROR), and refuses a refund that comes back in ERROR', async () => {
    const { adapter } = shippo({ status: 200, body: page([refund('ERROR', 'failed-before')]) }, { status: 201, body: refund('ERROR', 'failed-again') });
    const error = await adapter.voidLabel(voiding).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect((error as CarrierValidationError).reason).toContain('failed-again is ERROR');
  });

  it('answers a refund made meanwhile when Shippo refuses a duplicate (400), and refuses otherwise', async () => {
    const duplicate = { status: 400, body: { transaction: ['A refund for this transaction already exists.'] } };
    const raced = shippo({ status: 200, body: page([]) }, duplicate, { status: 200, body: page([refund('SUCCESS')]) });
    await expect(raced.adapter.voidLabel(voiding)).resolves.toMatchObject({ status: 'SUCCESS' });

    const refused = shippo({ status: 200, body: page([]) }, duplicate, { status: 200, body: page([]) });
    const error = await refused.adapter.voidLabel(voiding).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierValidationError);
    expect((error as CarrierValidationError).reason).toContain('transaction: A refund for this transaction already exists.');
  });

  it('needs the label id', async () => {
    const { adapter, calls } = shippo();
    await expect(adapter.voidLabel({ ...voiding, carrierTransactionId: '' })).rejects.toBeInstanceOf(CarrierValidationError);
    expect(calls).toEqual([]);
  });
});
