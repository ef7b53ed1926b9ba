import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { e2eTargets } from '../support/e2e-targets';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';
import { PROBE_QUERY, expectNoLeak, grpcErrorText, grpcOutcome, http } from './security-support';

interface ShipmentData {
  id: string;
  status: string;
  trackingNumber: string | null;
  updatedAt: string;
  trackingEvents: { status: string; occurredAt: string }[];
  notifications: { template: string }[];
}
interface GrpcShipment {
  id: string;
  status: string;
  trackingNumber: string;
  trackingEvents: { status: string }[];
}
type Codes = { errors?: { extensions?: { code?: string } }[] };

/**
 * Tenant B (and a tenant token in general) attacking tenant A's data and the platform
 * operations, over GraphQL, gRPC and the carrier webhook. Runs on the embedded defaults and on
 * the real servers (PostgreSQL row-level security, Kafka, Temporal), like the e2e suites.
 */
for (const target of e2eTargets()) {
  target.describe(`security: tenant isolation (${target.name})`, () => {
    let app: AppProcess;
    let a: DemoCredentials;
    let b: DemoCredentials;
    let tokenA: string;
    let tokenB: string;
    let grpc: ReturnType<typeof shipmentServiceClient>;
    let shipmentA: ShipmentData;
    let shipmentB: ShipmentData;
    const run = randomUUID().slice(0, 8);
    const keyA = `sec-a-${run}`;

    const get = async (id: string, token: string) => (await app.graphql<{ shipment: ShipmentData | null }>(token, GET_SHIPMENT, { id })).data?.shipment ?? null;
    const create = async (token: string, key: string, overrides: Record<string, unknown> = {}) => {
      const res = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput(key, overrides) });
      if (!res.data) throw new Error(`createShipment failed: ${JSON.stringify(res.errors)}`);
      return res.data.createShipment;
    };
    const labelled = (id: string, token: string) =>
      eventually(`shipment ${id} to be LABEL_CREATED`, async () => {
        const s = await get(id, token);
        return s?.status === 'LABEL_CREATED' ? s : undefined;
      });
    const listIds = async (token: string, args = 'first: 100') => {
      const res = await app.graphql<{ shipments: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string | null } } }>(
        token,
        `{ shipments(${args}) { edges { node { id } } pageInfo { endCursor } } }`,
      );
      expect(res.errors).toBeUndefined();
      return { ids: res.data!.shipments.edges.map((e) => e.node.id), endCursor: res.data!.shipments.pageInfo.endCursor };
    };
    const webhook = (body: unknown, headers: Record<string, string>) =>
      http(app, '/webhooks/carrier-tracking', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const secrets = () => [a.clientSecret, b.clientSecret, a.webhookToken, b.webhookToken, a.admin.clientSecret];

    /** A's shipment is exactly as it was: same status, no new tracking event, not touched. */
    const expectAUnchanged = async () => {
      const now = await get(shipmentA.id, tokenA);
      expect(now).toMatchObject({ id: shipmentA.id, status: shipmentA.status, trackingNumber: shipmentA.trackingNumber, updatedAt: shipmentA.updatedAt });
      expect(now!.trackingEvents).toEqual(shipmentA.trackingEvents);
    };

    beforeAll(async () => {
      app = await AppProcess.start(target.env);
      a = await app.newTenant(`Security A ${run}`);
      b = await app.newTenant(`Security B ${run}`);
      tokenA = await app.token(a.clientId, a.clientSecret);
      tokenB = await app.token(b.clientId, b.clientSecret);
      grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
      const createdA = await create(tokenA, keyA);
      const createdB = await create(tokenB, `sec-b-${run}`);
      shipmentA = await labelled(createdA.id, tokenA);
      shipmentB = await labelled(createdB.id, tokenB);
      expect(shipmentA.trackingNumber).toBeTruthy();
    }, 120_000);

    afterAll(async () => {
      grpc?.close();
      await app?.stop();
      app?.dispose();
    });

    describe('GraphQL', () => {
      it("answers B's shipment(id) of A's shipment with null, exactly as for an id that does not exist", async () => {
        const ofA = await http(app, '/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenB}` },
          body: JSON.stringify({ query: GET_SHIPMENT, variables: { id: shipmentA.id } }),
        });
        const missing = await http(app, '/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenB}` },
          body: JSON.stringify({ query: GET_SHIPMENT, variables: { id: randomUUID() } }),
        });
        expect(ofA.status).toBe(200);
        expect(ofA.json).toEqual({ data: { shipment: null } });
        expect(ofA.json).toEqual(missing.json);
        expectNoLeak(ofA.text, secrets());
        // Control: A sees it.
        expect((await get(shipmentA.id, tokenA))?.id).toBe(shipmentA.id);
      });

      it("never lists A's shipments to B, whatever the filter or cursor", async () => {
        const mine = await listIds(tokenB);
        expect(mine.ids).toContain(shipmentB.id);
        expect(mine.ids).not.toContain(shipmentA.id);
        expect((await listIds(tokenB, 'first: 100, status: LABEL_CREATED')).ids).not.toContain(shipmentA.id);
        // A cursor taken from A's own listing gives B nothing of A's.
        const cursorOfA = (await listIds(tokenA, 'first: 1')).endCursor;
        expect(cursorOfA).toBeTruthy();
        const paged = await app.graphql<{ shipments: { edges: { node: { id: string } }[] } }>(
          tokenB,
          `query($after: String) { shipments(first: 100, after: $after) { edges { node { id } } } }`,
          { after: cursorOfA },
        );
        expect(JSON.stringify(paged)).not.toContain(shipmentA.id);
      });

      it("gives B its own shipment for A's idempotency key, even with a different request (no existence oracle)", async () => {
        const same = await create(tokenB, keyA);
        expect(same.id).not.toBe(shipmentA.id);
        expect((await get(same.id, tokenB))?.id).toBe(same.id);
        expect(await get(same.id, tokenA)).toBeNull();
        // A different request under A's key is a new key for B, not a conflict that would reveal A used it.
        const otherKey = `sec-a2-${run}`;
        await create(tokenA, otherKey);
        const different = await app.graphql<{ createShipment: ShipmentData }>(tokenB, CREATE_SHIPMENT, {
          input: shipmentInput(otherKey, { customerEmail: 'someone-else@example.com' }),
        });
        expect(different.errors).toBeUndefined();
        expect(different.data!.createShipment.id).toBeTruthy();
        await expectAUnchanged();
      });

      it("answers B's cancelShipment of A's shipment with NOT_FOUND, exactly as for an id that does not exist, voiding nothing", async () => {
        const cancel = `mutation($id: ID!) { cancelShipment(id: $id) { id status labelRefund { refundId } } }`;
        const missingId = randomUUID();
        const [ofA, missing] = await Promise.all(
          [shipmentA.id, missingId].map((id) =>
            http(app, '/graphql', {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenB}`, 'x-tenant-id': a.tenantId },
              body: JSON.stringify({ query: cancel, variables: { id } }),
            }),
          ),
        );
        expect(ofA!.status).toBe(200);
        const codes = (res: typeof ofA) => (res!.json as Codes).errors?.map((e) => e.extensions?.code);
        expect(codes(ofA)).toEqual(['NOT_FOUND']);
        expect(ofA!.text.replace(shipmentA.id, '<id>')).toBe(missing!.text.replace(missingId, '<id>'));
        expectNoLeak(ofA!.text, secrets());
        await expectAUnchanged();
        expect((await get(shipmentA.id, tokenA))?.status).toBe('LABEL_CREATED');
      });

      it('ignores an x-tenant-id header: the token decides the tenant', async () => {
        const res = await http(app, '/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenB}`, 'x-tenant-id': a.tenantId },
          body: JSON.stringify({ query: GET_SHIPMENT, variables: { id: shipmentA.id } }),
        });
        expect(res.json).toEqual({ data: { shipment: null } });
      });
    });

    describe('gRPC', () => {
      it("answers B's GetShipment of A's id with NOT_FOUND, the same answer as for an id that does not exist", async () => {
        const ofA = await grpcOutcome(grpc.call('GetShipment', { id: shipmentA.id }, tokenB));
        const missingId = randomUUID();
        const missing = await grpcOutcome(grpc.call('GetShipment', { id: missingId }, tokenB));
        expect(ofA.code).toBe(status.NOT_FOUND);
        expect(missing.code).toBe(status.NOT_FOUND);
        expect(ofA.error!.details.replace(shipmentA.id, '<id>')).toBe(missing.error!.details.replace(missingId, '<id>'));
        expectNoLeak(grpcErrorText(ofA.error), secrets());
        expect(((await grpc.call<GrpcShipment>('GetShipment', { id: shipmentA.id }, tokenA)) as GrpcShipment).id).toBe(shipmentA.id);
      });

      it("never lists A's shipments to B", async () => {
        const list = await grpc.call<{ shipments: GrpcShipment[] }>('ListShipments', { first: 100 }, tokenB);
        expect(list.shipments.map((s) => s.id)).toContain(shipmentB.id);
        expect(list.shipments.map((s) => s.id)).not.toContain(shipmentA.id);
      });

      it("does not let B's UpdateShipmentStatus touch A's shipment by its tracking number", async () => {
        const update = { trackingNumber: shipmentA.trackingNumber, status: 'DELIVERED', occurredAt: new Date().toISOString(), eventId: `sec-grpc-${run}` };
        const answer = await grpc.call<{ outcome: string }>('UpdateShipmentStatus', update, tokenB);
        // The same outcome as a tracking number that exists nowhere: nothing to tell B that A has it.
        expect(answer).toEqual({ outcome: 'unknown_tracking_number' });
        const nowhere = await grpc.call<{ outcome: string }>('UpdateShipmentStatus', { ...update, trackingNumber: 'SBX99999999999999999999', eventId: `sec-grpc-x-${run}` }, tokenB);
        expect(nowhere).toEqual(answer);
        await expectAUnchanged();
      });

      it("answers B's CancelShipment of A's shipment with NOT_FOUND, the same answer as for a missing id, and A's label stays", async () => {
        const ofA = await grpcOutcome(grpc.call('CancelShipment', { id: shipmentA.id }, tokenB, { 'x-tenant-id': a.tenantId }));
        const missingId = randomUUID();
        const missing = await grpcOutcome(grpc.call('CancelShipment', { id: missingId }, tokenB));
        expect(ofA.code).toBe(status.NOT_FOUND);
        expect(missing.code).toBe(status.NOT_FOUND);
        expect(ofA.error!.details.replace(shipmentA.id, '<id>')).toBe(missing.error!.details.replace(missingId, '<id>'));
        expectNoLeak(grpcErrorText(ofA.error), secrets());
        await expectAUnchanged();
      });

      it('ignores x-tenant-id metadata: tenant A with x-tenant-id B still sees and writes only A', async () => {
        const extra = { 'x-tenant-id': b.tenantId };
        const list = await grpc.call<{ shipments: GrpcShipment[] }>('ListShipments', { first: 100 }, tokenA, extra);
        const ids = list.shipments.map((s) => s.id);
        expect(ids).toContain(shipmentA.id);
        expect(ids).not.toContain(shipmentB.id);
        expect((await grpcOutcome(grpc.call('GetShipment', { id: shipmentB.id }, tokenA, extra))).code).toBe(status.NOT_FOUND);
        const created = await grpc.call<GrpcShipment>('CreateShipment', shipmentInput(`sec-meta-${run}`), tokenA, extra);
        expect(await get(created.id, tokenA)).not.toBeNull();
        expect(await get(created.id, tokenB)).toBeNull();
        // And B with x-tenant-id A, the other way round.
        expect((await grpcOutcome(grpc.call('GetShipment', { id: shipmentA.id }, tokenB, { 'x-tenant-id': a.tenantId }))).code).toBe(status.NOT_FOUND);
      });
    });

    describe('carrier webhook', () => {
      it("accepts B's update for A's tracking number but applies it to nobody: dead-lettered under B, A unchanged", async () => {
        const tn = shipmentA.trackingNumber!;
        const res = await webhook(trackUpdated(tn, 'DELIVERED', new Date().toISOString()), { 'x-webhook-token': b.webhookToken });
        expect(res.status).toBe(202);
        // Positive signal that the update was processed, in B's tenant, and found nothing there.
        await eventually('the update to be dead-lettered as unknown in tenant B', async () =>
          app.jsonLogs().some((l) => l.msg === 'message dead-lettered' && String(l.reason).includes(tn) && l.tenantId === b.tenantId) ? true : undefined,
        );
        await expectAUnchanged();
        // Nothing found in B: no log line reports any other outcome for that tracking number.
        expect(app.jsonLogs().filter((l) => l.msg === 'carrier status update' && l.trackingNumber === tn && l.outcome !== 'unknown_tracking_number')).toEqual([]);
      });

      it('refuses a webhook without a token, with an unknown token, or with an API token instead (401 UNAUTHENTICATED)', async () => {
        const body = trackUpdated(shipmentA.trackingNumber!, 'DELIVERED', new Date().toISOString());
        for (const headers of [{}, { 'x-webhook-token': '' }, { 'x-webhook-token': 'whk_wrong' }, { 'x-webhook-token': tokenA }, { authorization: `Bearer ${tokenA}` }, { 'x-webhook-token': `${a.webhookToken}x` }] as Record<string, string>[]) {
          const res = await webhook(body, headers);
          expect(res.status).toBe(401);
          expect(res.json).toMatchObject({ code: 'UNAUTHENTICATED' });
          expectNoLeak(res.text, secrets());
        }
        await expectAUnchanged();
      });

      it('does not take a webhook token as an API token', async () => {
        const answer = await app.graphql(b.webhookToken, PROBE_QUERY);
        expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect((await grpcOutcome(grpc.call('ListShipments', { first: 1 }, b.webhookToken))).code).toBe(status.UNAUTHENTICATED);
      });
    });

    describe('privilege', () => {
      it('refuses platform-administrator mutations to a tenant token (FORBIDDEN), with no effect', async () => {
        const jwksBefore = (await http(app, '/.well-known/jwks.json')).text;
        const kid = (JSON.parse(jwksBefore) as { keys: { kid: string }[] }).keys[0]!.kid;
        for (const [query, variables] of [
          [`mutation { createTenant(name: "Evil ${run}") { tenantId clientId clientSecret webhookToken } }`, undefined],
          [`mutation { rotateSigningKey }`, undefined],
          [`mutation($kid: String!) { retireSigningKey(kid: $kid) }`, { kid }],
        ] as const) {
          const answer = await app.graphql<Record<string, unknown>>(tokenA, query, variables);
          expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
          expect(answer.data ?? null).toBeNull();
          expectNoLeak(answer, secrets());
        }
        // No key was added or retired (embedded only: on the shared real database other apps may rotate).
        if (target.name === 'embedded defaults') expect((await http(app, '/.well-known/jwks.json')).text).toBe(jwksBefore);
      });

      it('refuses a token request for scopes the client was not granted (400 invalid_scope)', async () => {
        const res = await http(app, '/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: a.clientId, client_secret: a.clientSecret, scope: 'shipments:read platform:admin' }),
        });
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_scope', code: 'BAD_USER_INPUT' });
      });

      it('holds a read-only token to reads (FORBIDDEN / PERMISSION_DENIED on writes)', async () => {
        const res = await http(app, '/oauth/token', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: a.clientId, client_secret: a.clientSecret, scope: 'shipments:read' }),
        });
        expect(res.status).toBe(200);
        const readOnly = (res.json as { access_token: string }).access_token;
        expect((await app.graphql(readOnly, PROBE_QUERY)).errors).toBeUndefined();
        const write = await app.graphql<Codes>(readOnly, CREATE_SHIPMENT, { input: shipmentInput(`sec-ro-${run}`) });
        expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect((await grpcOutcome(grpc.call('CreateShipment', shipmentInput(`sec-ro-${run}`), readOnly))).code).toBe(status.PERMISSION_DENIED);
        const update = { trackingNumber: shipmentA.trackingNumber, status: 'DELIVERED', eventId: `sec-ro-${run}` };
        expect((await grpcOutcome(grpc.call('UpdateShipmentStatus', update, readOnly))).code).toBe(status.PERMISSION_DENIED);
        const cancel = await app.graphql<Codes>(readOnly, `mutation($id: ID!) { cancelShipment(id: $id) { id } }`, { id: shipmentA.id });
        expect(cancel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect((await grpcOutcome(grpc.call('CancelShipment', { id: shipmentA.id }, readOnly))).code).toBe(status.PERMISSION_DENIED);
        await expectAUnchanged();
      });

      it("gives the platform administrator's token (no tenant) no tenant data (FORBIDDEN / PERMISSION_DENIED)", async () => {
        const admin = await app.token(a.admin.clientId, a.admin.clientSecret);
        const read = await app.graphql(admin, GET_SHIPMENT, { id: shipmentA.id });
        expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(JSON.stringify(read)).not.toContain(String(shipmentA.trackingNumber));
        expect((await grpcOutcome(grpc.call('GetShipment', { id: shipmentA.id }, admin))).code).toBe(status.PERMISSION_DENIED);
        expect((await grpcOutcome(grpc.call('ListShipments', { first: 1 }, admin))).code).toBe(status.PERMISSION_DENIED);
      });
    });
  });
}
