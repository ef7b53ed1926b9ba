import { AppProcess, type DemoCredentials } from '../support/app-process';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';
import { errorCodeOf, expectNoLeak, http } from './security-support';

/**
 * Hostile bodies on `POST /webhooks/carrier-tracking` (issue 13): text PostgreSQL cannot store
 * (NUL, lone surrogates) in any field or key, wrong types and huge values are refused with 400
 * `BAD_USER_INPUT` before anything is stored or published, no stack in the log; a valid update
 * sent after them is the only one the shipment ever records. Before the fix a NUL in
 * `status_details` was a 500 from the publish (an AggregateError, with its stack in the log).
 */
describe('security: webhook input (embedded defaults)', () => {
  let app: AppProcess;
  let creds: DemoCredentials;
  let token: string;
  let shipmentId: string;
  let trackingNumber: string;

  beforeAll(async () => {
    app = await AppProcess.start();
    creds = await app.newTenant('Webhook input');
    token = await app.token(creds.clientId, creds.clientSecret);
    const created = await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput('webhook-input-1') });
    shipmentId = created.data!.createShipment.id;
    trackingNumber = await eventually('the label', async () => {
      const res = await app.graphql<{ shipment: { status: string; trackingNumber: string | null } }>(token, GET_SHIPMENT, { id: shipmentId });
      return res.data?.shipment.status === 'LABEL_CREATED' ? res.data.shipment.trackingNumber! : undefined;
    });
  });

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
  });

  // Each attack rewrites one field to a hostile value of any type (numbers, arrays, NUL keys),
  // which a typed body would not allow.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Loose = any;
  const body = (mutate: (b: Loose) => void) => {
    const b: Loose = trackUpdated(trackingNumber, 'DELIVERED', '2026-11-22T10:00:00Z');
    mutate(b);
    return b;
  };
  // Built in the test (the tracking number is known only after beforeAll). JSON.stringify writes
  // JSON's own escapes: what a client sends on the wire for a NUL or a lone surrogate.
  const cases: [string, (b: Loose) => void][] = [
    ['a NUL in status_details', (b) => (b.data.tracking_status.status_details = 'Delivered\u0000')],
    ['a NUL in the tracking number', (b) => (b.data.tracking_number = `${trackingNumber}\u0000`)],
    ['a NUL in a field the parser ignores', (b) => (b.data.metadata = '\u0000')],
    ['a NUL in a key', (b) => (b.data['x\u0000'] = 1)],
    ['a lone surrogate in the location', (b) => (b.data.tracking_status.location.city = 'San \ud800Jose')],
    ['a lone surrogate in the object id', (b) => (b.data.tracking_status.object_id = '\udfff')],
    ['a numeric status', (b) => (b.data.tracking_status.status = 3)],
    ['an array as tracking number', (b) => (b.data.tracking_number = [trackingNumber])],
    ['an object as status date', (b) => (b.data.tracking_status.status_date = { $gt: '' })],
    ['status_details of 50,000 characters', (b) => (b.data.tracking_status.status_details = 'x'.repeat(50_000))],
    ['a tracking number of 5,000 characters', (b) => (b.data.tracking_number = '9'.repeat(5_000))],
  ];

  it('builds each hostile body on a valid one (control: the unmodified body is a valid update for this shipment)', () => {
    const valid = body(() => undefined);
    expect(valid.data.tracking_number).toBe(trackingNumber);
    expect(trackingNumber).toMatch(/^SBX\d+$/);
  });

  it.each(cases)('refuses %s with 400 BAD_USER_INPUT and leaks nothing', async (_label, mutate) => {
    const raw = JSON.stringify(body(mutate));
    expect(raw).toContain(`"carrier":"usps"`);
    const answer = await http(app, '/webhooks/carrier-tracking', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
      body: raw,
    });
    expect(answer.status).toBe(400);
    expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
    expectNoLeak(answer.text, [creds.clientSecret, creds.webhookToken]);
  });

  it('stored and published none of them: a valid update afterwards is the only one recorded; no stack in the log', async () => {
    const answer = await http(app, '/webhooks/carrier-tracking', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
      body: JSON.stringify(trackUpdated(trackingNumber, 'TRANSIT', '2026-11-21T10:00:00Z')),
    });
    expect(answer.status).toBe(202);
    const shipment = await eventually('the valid update to be applied', async () => {
      const res = await app.graphql<{ shipment: { status: string; trackingEvents: { status: string; description: string | null }[] } }>(token, GET_SHIPMENT, { id: shipmentId });
      return res.data?.shipment.status === 'IN_TRANSIT' ? res.data.shipment : undefined;
    });
    expect(shipment.trackingEvents.map((e) => e.status)).toEqual(['IN_TRANSIT']);
    const log = app.logs.join('\n');
    expect(log).not.toMatch(/AggregateError|unsupported Unicode escape|"statusCode":500|\n\s+at /);
  });
});
