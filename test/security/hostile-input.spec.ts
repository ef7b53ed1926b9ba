import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { AppProcess, TEST_ADMIN, type DemoCredentials } from '../support/app-process';
import { authorizationServiceClient, notificationServiceClient, shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';
import { errorCodeOf, expectNoLeak, grpcErrorText, grpcOutcome, http, type HttpAnswer } from './security-support';

const ADDRESS_FIELDS = ['name', 'company', 'street1', 'street2', 'city', 'state', 'zip', 'country', 'phone', 'email'] as const;
const SIDES = ['fromAddress', 'toAddress'] as const;
const NUL = 'Nul\u0000Co';
const LONE_SURROGATE = 'Lone\uD800Surrogate';
/** Under the 100 kB body limit of /graphql, far over any field's own limit. */
const BIG = 'B'.repeat(90_000);
/** Under gRPC's 4 MB message limit. */
const THREE_MB = 'x'.repeat(3 * 1024 * 1024);
/** Longest answer a refused request may give: the client's values are cut, never echoed whole. */
const SHORT_ANSWER = 2_000;

type Input = ReturnType<typeof shipmentInput>;

function withAddressField(input: Input, side: (typeof SIDES)[number], field: (typeof ADDRESS_FIELDS)[number], value: string): Input {
  return { ...input, [side]: { ...input[side], [field]: value } };
}

/**
 * Text PostgreSQL cannot hold (NUL, lone UTF-16 surrogates), huge values and wrong types, sent
 * to every edge: GraphQL (every text argument), gRPC (every text field of every request), the
 * token endpoint. Each is refused with the client's code, naming the field, before anything
 * starts (no workflow, no label), with a short message and no stack in the log (issue 13, ADR 0030).
 */
describe('security: hostile input (embedded defaults)', () => {
  let app: AppProcess;
  let creds: DemoCredentials;
  let grpcTenant: DemoCredentials;
  let token: string;
  let grpcToken: string;
  let adminToken: string;
  let grpc: ReturnType<typeof shipmentServiceClient>;
  let notifications: ReturnType<typeof notificationServiceClient>;
  let authorization: ReturnType<typeof authorizationServiceClient>;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    app = await AppProcess.start();
    creds = await app.newTenant(`Hostile GraphQL ${run}`);
    grpcTenant = await app.newTenant(`Hostile gRPC ${run}`);
    token = await app.token(creds.clientId, creds.clientSecret);
    grpcToken = await app.token(grpcTenant.clientId, grpcTenant.clientSecret);
    adminToken = await app.token(TEST_ADMIN.clientId, TEST_ADMIN.clientSecret);
    const address = `127.0.0.1:${app.grpcPort}`;
    grpc = shipmentServiceClient(address);
    notifications = notificationServiceClient(address);
    authorization = authorizationServiceClient(address);
  });

  afterAll(async () => {
    grpc?.close();
    notifications?.close();
    authorization?.close();
    await app?.stop();
    app?.dispose();
  });

  const secrets = () => [creds.clientSecret, creds.webhookToken, grpcTenant.clientSecret, grpcTenant.webhookToken, TEST_ADMIN.clientSecret];

  const gql = (query: string, variables?: Record<string, unknown>, bearer = token, requestId = randomUUID()) =>
    http(app, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'x-request-id': requestId },
      body: JSON.stringify({ query, variables }),
    });

  /** Refused: BAD_USER_INPUT, the message naming `field`, nothing of it executed, a short answer, nothing leaked. */
  const expectGraphqlRefused = (answer: HttpAnswer, field?: string) => {
    expect(errorCodeOf(answer.json)).toBe('BAD_USER_INPUT');
    const body = answer.json as { data?: Record<string, unknown> | null; errors: { message: string }[] };
    for (const value of Object.values(body.data ?? {})) expect(value).toBeNull();
    if (field) expect(body.errors[0]!.message).toContain(field);
    expect(answer.text.length).toBeLessThan(SHORT_ANSWER);
    expectNoLeak(answer.text, secrets());
  };

  /**
   * The log lines written while a request was served: waits for its own completion line (by
   * x-request-id), then none of what came since may be an error or carry a stack.
   */
  const expectNothingLoggedAsError = async (since: number, requestId: string) => {
    await eventually(`the completion line of request ${requestId}`, async () =>
      app.jsonLogs().some((line) => line.reqId === requestId && /^request (completed|errored)$/.test(String(line.msg))) ? true : undefined,
    );
    for (const line of app.logs.slice(since)) {
      expect(line).not.toMatch(/"stack"|\bat [\w$.<>]+ \(|\bat \/|"level":(?:[56]\d|"error"|"fatal")/);
    }
  };

  const listGraphql = async () => {
    const res = await app.graphql<{ shipments: { edges: { node: { id: string } }[] } }>(token, `{ shipments(first: 100) { edges { node { id } } } }`);
    expect(res.errors).toBeUndefined();
    return res.data!.shipments.edges.map((e) => e.node.id);
  };

  describe('GraphQL', () => {
    it('refuses NUL in each address field of createShipment (BAD_USER_INPUT naming it); nothing starts', async () => {
      for (const side of SIDES) {
        for (const field of ADDRESS_FIELDS) {
          const input = withAddressField(shipmentInput(`gql-nul-${side}-${field}-${run}`), side, field, NUL);
          expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input }), `${side}.${field}`);
        }
      }
      expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input: shipmentInput(`gql-nul-email-${run}`, { customerEmail: 'nul\u0000@example.com' }) }), 'customerEmail');
      expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input: shipmentInput(`gql-nul-key\u0000-${run}`) }), 'idempotencyKey');
      const parcel = { ...shipmentInput('x').parcel, massUnit: 'lb\u0000' };
      expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input: shipmentInput(`gql-nul-unit-${run}`, { parcel }) }), 'parcel.massUnit');
      expect(await listGraphql()).toEqual([]);
    });

    it('never started a workflow for a refused key: the same key with a clean request is a new shipment', async () => {
      const created: string[] = [];
      for (const [side, field] of [['fromAddress', 'name'], ['fromAddress', 'street2'], ['toAddress', 'zip'], ['toAddress', 'email']] as const) {
        const res = await app.graphql<{ createShipment: { id: string; status: string } }>(token, CREATE_SHIPMENT, {
          input: shipmentInput(`gql-nul-${side}-${field}-${run}`),
        });
        expect(res.errors).toBeUndefined();
        expect(res.data?.createShipment.status).toBe('PENDING');
        created.push(res.data!.createShipment.id);
      }
      // Recorded once labelled, so later counts of this tenant's shipments stay put.
      await eventually('the clean shipments to be recorded', async () => {
        const ids = await listGraphql();
        return created.every((id) => ids.includes(id)) ? true : undefined;
      });
    });

    it('refuses lone UTF-16 surrogates (no UTF-8 form) the same way', async () => {
      for (const side of SIDES) {
        const input = withAddressField(shipmentInput(`gql-lone-${side}-${run}`), side, 'street1', LONE_SURROGATE);
        expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input }), `${side}.street1`);
      }
      expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input: shipmentInput(`gql-lone-low-${run}`, { customerEmail: 'a\uDC00@example.com' }) }), 'customerEmail');
    });

    it('refuses createTenant with NUL or a lone surrogate (literal or variable): BAD_USER_INPUT, no stack in the log', async () => {
      const literal = `mutation { createTenant(name: "Nul\\u0000Co") { tenantId } }`;
      const byVariable = `mutation($name: String!) { createTenant(name: $name) { tenantId } }`;
      for (const [query, variables] of [
        [literal, undefined],
        [byVariable, { name: NUL }],
        [byVariable, { name: LONE_SURROGATE }],
      ] as const) {
        const since = app.logs.length;
        const requestId = randomUUID();
        expectGraphqlRefused(await gql(query, variables, adminToken, requestId), 'name');
        await expectNothingLoggedAsError(since, requestId);
      }
    });

    it('refuses NUL in every other text argument: shipment(id), shipments(after), cancelShipment(id), retireSigningKey(kid)', async () => {
      expectGraphqlRefused(await gql(`query($id: ID!) { shipment(id: $id) { id } }`, { id: NUL }), 'id');
      expectGraphqlRefused(await gql(`query($after: String) { shipments(first: 1, after: $after) { edges { cursor } } }`, { after: NUL }), 'after');
      expectGraphqlRefused(await gql(`mutation { cancelShipment(id: "\\u0000") { id } }`), 'id');
      expectGraphqlRefused(await gql(`mutation($kid: String!) { retireSigningKey(kid: $kid) }`, { kid: NUL }, adminToken), 'kid');
    });

    it('bounds huge values: refused with a short answer that does not repeat them', async () => {
      const big = withAddressField(shipmentInput(`gql-big-${run}`), 'toAddress', 'name', BIG);
      expectGraphqlRefused(await gql(CREATE_SHIPMENT, { input: big }), 'toAddress.name');
      expectGraphqlRefused(await gql(`mutation($name: String!) { createTenant(name: $name) { tenantId } }`, { name: BIG }, adminToken));
      expectGraphqlRefused(await gql(`query($first: Int) { shipments(first: $first) { edges { cursor } } }`, { first: BIG }));
      expectGraphqlRefused(await gql(`query($id: ID!) { shipment(id: $id) { id } }`, { id: { nested: BIG } }));
      const cancelled = await gql(`mutation($id: ID!) { cancelShipment(id: $id) { id } }`, { id: BIG });
      expect(errorCodeOf(cancelled.json)).toMatch(/^(BAD_USER_INPUT|NOT_FOUND)$/);
      expect(cancelled.text.length).toBeLessThan(SHORT_ANSWER);
    });

    it('answers a wrong type with BAD_USER_INPUT, never a 500, and creates nothing', async () => {
      const before = (await listGraphql()).length;
      const base = shipmentInput(`gql-types-${run}`);
      for (const input of [
        { ...base, parcel: { ...base.parcel, length: 'ten' } },
        { ...base, parcel: 'a parcel' },
        { ...base, fromAddress: 42 },
        { ...base, toAddress: [base.toAddress] },
        { ...base, idempotencyKey: { $ne: '' } },
        { ...base, parcel: { ...base.parcel, weight: 1e308 } },
      ]) {
        const answer = await gql(CREATE_SHIPMENT, { input });
        expect(answer.status).toBeLessThan(500);
        expectGraphqlRefused(answer);
      }
      expectGraphqlRefused(await gql(`query($first: Int) { shipments(first: $first) { edges { cursor } } }`, { first: 1e20 }));
      expectGraphqlRefused(await gql(`mutation($name: String!) { createTenant(name: $name) { tenantId } }`, { name: ['a', 'b'] }, adminToken));
      expect((await listGraphql()).length).toBe(before);
    });
  });

  describe('gRPC', () => {
    const grpcInput = (key: string) => shipmentInput(key);

    /** Refused: INVALID_ARGUMENT, the details naming `field`, short, nothing leaked. */
    const expectGrpcRefused = async (call: Promise<unknown>, field?: string) => {
      const outcome = await grpcOutcome(call);
      expect(outcome.code).toBe(status.INVALID_ARGUMENT);
      if (field) expect(outcome.error!.details).toContain(field);
      expect(outcome.error!.details.length).toBeLessThan(300);
      expectNoLeak(grpcErrorText(outcome.error), secrets());
    };

    it('refuses NUL in each address field of CreateShipment (INVALID_ARGUMENT naming it); nothing is recorded', async () => {
      for (const side of SIDES) {
        for (const field of ADDRESS_FIELDS) {
          const request = withAddressField(grpcInput(`grpc-nul-${side}-${field}-${run}`), side, field, NUL);
          await expectGrpcRefused(grpc.call('CreateShipment', request, grpcToken), `${side}.${field}`);
        }
      }
      const listed = await grpc.call<{ shipments: unknown[] }>('ListShipments', { first: 100 }, grpcToken);
      expect(listed.shipments).toEqual([]);
      // Nothing started for those keys: the same key with a clean request is a new shipment.
      for (const key of [`grpc-nul-fromAddress-city-${run}`, `grpc-nul-toAddress-phone-${run}`]) {
        await expect(grpc.call('CreateShipment', grpcInput(key), grpcToken)).resolves.toMatchObject({ status: 'PENDING' });
      }
    });

    it('refuses NUL in every other text field of every request message', async () => {
      const base = grpcInput(`grpc-nul-other-${run}`);
      await expectGrpcRefused(grpc.call('CreateShipment', { ...base, idempotencyKey: `k\u0000${run}` }, grpcToken), 'idempotencyKey');
      await expectGrpcRefused(grpc.call('CreateShipment', { ...base, customerEmail: 'a\u0000@example.com' }, grpcToken), 'customerEmail');
      await expectGrpcRefused(grpc.call('CreateShipment', { ...base, parcel: { ...base.parcel, distanceUnit: 'in\u0000' } }, grpcToken), 'parcel.distanceUnit');
      await expectGrpcRefused(grpc.call('GetShipment', { id: NUL }, grpcToken), 'id');
      await expectGrpcRefused(grpc.call('CancelShipment', { id: NUL }, grpcToken), 'id');
      await expectGrpcRefused(grpc.call('ListShipments', { first: 1, after: NUL }, grpcToken), 'after');
      await expectGrpcRefused(grpc.call('ListShipments', { first: 1, status: 'PENDING\u0000' }, grpcToken), 'status');
      const update = { trackingNumber: 'SHIPPO_TRANSIT', status: 'TRANSIT', substatus: '', occurredAt: '', location: '', statusDetails: '', eventId: '', carrier: '' };
      for (const field of Object.keys(update)) {
        await expectGrpcRefused(grpc.call('UpdateShipmentStatus', { ...update, [field]: `${field === 'status' ? 'TRANSIT' : 'v'}\u0000` }, grpcToken), field);
      }
      await expectGrpcRefused(grpc.call('BatchGetTrackingEvents', { shipmentIds: [randomUUID(), NUL] }, grpcToken), 'shipmentIds[1]');
      await expectGrpcRefused(notifications.call('BatchGetNotifications', { shipmentIds: [NUL] }, grpcToken), 'shipmentIds[0]');
      await expectGrpcRefused(authorization.call('Authorize', { action: 'shipment:read\u0000', object: { type: 'Shipment', tenantId: '' } }, grpcToken), 'action');
      await expectGrpcRefused(authorization.call('Authorize', { action: 'shipment:read', object: { type: 'Shipment', tenantId: NUL } }, grpcToken), 'object.tenantId');
    });

    it('checks ids: a 3 MB id or one that is no UUID is INVALID_ARGUMENT, with a short message', async () => {
      for (const method of ['GetShipment', 'CancelShipment']) {
        await expectGrpcRefused(grpc.call(method, { id: THREE_MB }, grpcToken), 'id');
        await expectGrpcRefused(grpc.call(method, { id: 'not-a-shipment' }, grpcToken), 'id');
      }
      // Control: a well-formed id that names nothing is still NOT_FOUND.
      expect((await grpcOutcome(grpc.call('GetShipment', { id: randomUUID() }, grpcToken))).code).toBe(status.NOT_FOUND);
    });

    it('bounds every other huge value with a short message', async () => {
      const update = { trackingNumber: 'SHIPPO_TRANSIT', status: 'TRANSIT', occurredAt: '2026-11-20T10:00:00Z' };
      await expectGrpcRefused(grpc.call('UpdateShipmentStatus', { ...update, location: THREE_MB }, grpcToken), 'location');
      await expectGrpcRefused(grpc.call('UpdateShipmentStatus', { ...update, trackingNumber: THREE_MB }, grpcToken), 'trackingNumber');
      await expectGrpcRefused(grpc.call('ListShipments', { first: 1, status: THREE_MB }, grpcToken), 'status');
      await expectGrpcRefused(grpc.call('ListShipments', { first: 1, after: THREE_MB }, grpcToken), 'after');
      const base = grpcInput(`grpc-big-${run}`);
      await expectGrpcRefused(grpc.call('CreateShipment', withAddressField(base, 'toAddress', 'street1', THREE_MB), grpcToken), 'toAddress.street1');
      await expectGrpcRefused(authorization.call('Authorize', { action: THREE_MB, object: { type: 'Shipment', tenantId: '' } }, grpcToken), 'action');
    });
  });

  describe('token endpoint', () => {
    const tokenRequest = (body: Record<string, string>, as: 'form' | 'json', requestId: string, headers: Record<string, string> = {}) =>
      http(app, '/oauth/token', {
        method: 'POST',
        headers: {
          'content-type': as === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
          'x-request-id': requestId,
          ...headers,
        },
        body: as === 'form' ? new URLSearchParams(body).toString() : JSON.stringify(body),
      });

    const expectInvalidRequest = (answer: HttpAnswer, field?: string) => {
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_request', code: 'BAD_USER_INPUT' });
      expect(answer.json).not.toHaveProperty('access_token');
      if (field) expect((answer.json as { error_description: string }).error_description).toContain(field);
      expect(answer.text.length).toBeLessThan(SHORT_ANSWER);
      expectNoLeak(answer.text, secrets());
    };

    it('answers NUL in client_id, client_secret, scope or grant_type with 400 invalid_request, and logs no stack', async () => {
      const valid = { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: 'shipments:read' };
      for (const field of Object.keys(valid) as (keyof typeof valid)[]) {
        for (const as of ['form', 'json'] as const) {
          for (const value of [`${valid[field]}\u0000`, ...(as === 'json' ? [`${valid[field]}\uD800`] : [])]) {
            const since = app.logs.length;
            const requestId = randomUUID();
            expectInvalidRequest(await tokenRequest({ ...valid, [field]: value }, as, requestId), field);
            await expectNothingLoggedAsError(since, requestId);
          }
        }
      }
      // Control: the same client still gets its token (these requests did not count as failures).
      expect((await tokenRequest(valid, 'form', randomUUID())).status).toBe(200);
    });

    it('answers NUL or broken escapes in HTTP Basic credentials with 400 invalid_request', async () => {
      const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
      const body = { grant_type: 'client_credentials' };
      expectInvalidRequest(await tokenRequest(body, 'form', randomUUID(), basic(`${creds.clientId}%00`, creds.clientSecret)), 'client_id');
      expectInvalidRequest(await tokenRequest(body, 'form', randomUUID(), basic(creds.clientId, `${creds.clientSecret}%00`)), 'client_secret');
      expectInvalidRequest(await tokenRequest(body, 'form', randomUUID(), basic(creds.clientId, '%E0%A4%A')));
      expect((await tokenRequest(body, 'form', randomUUID(), basic(creds.clientId, creds.clientSecret))).status).toBe(200);
    });
  });
});
