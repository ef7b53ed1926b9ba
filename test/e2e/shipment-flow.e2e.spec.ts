import { status, type ServiceError } from '@grpc/grpc-js';
import type { DemoCredentials } from '../support/app-process';
import { notificationServiceClient, shipmentServiceClient } from '../support/grpc-client';
import { ownLoopbackAddress, postFrom } from '../support/loopback-source';
import type { ModulePerProcessDeployment } from '../support/module-deployment';
import { deploymentTargets, type PlatformUnderTest, type SplitDeployment } from '../support/split-deployment';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';

interface ShipmentData {
  id: string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
  labelUrl: string | null;
  workflowId: string;
  failureReason: string | null;
  trackingEvents: { status: string; occurredAt: string; location: string | null }[];
  notifications: { template: string; to: string; sentAt: string }[];
}

for (const target of deploymentTargets()) {
  target.describe(`shipment flow (${target.name})`, () => {
    let app: PlatformUnderTest;
    let creds: DemoCredentials;
    let token: string;

    beforeAll(async () => {
      app = await target.start();
      creds = await app.newTenant();
      token = await app.token(creds.clientId, creds.clientSecret);
    });

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    const getShipment = async (id: string, as = token) =>
      (await app.graphql<{ shipment: ShipmentData | null }>(as, GET_SHIPMENT, { id })).data?.shipment ?? null;

    const waitForStatus = (id: string, status: string) =>
      eventually(`shipment ${id} to be ${status}`, async () => {
        const shipment = await getShipment(id);
        return shipment?.status === status ? shipment : undefined;
      });

    const postWebhook = (body: unknown, webhookToken = creds.webhookToken) =>
      fetch(`${app.webhookBaseUrl}/webhooks/carrier-tracking`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': webhookToken },
        body: JSON.stringify(body),
      });

    if (target.name === 'embedded defaults') {
      it('writes demo credentials on a fresh data directory, and they work', async () => {
        const demo = app.credentials();
        expect(demo).toMatchObject({ tenantId: expect.any(String), webhookToken: expect.stringMatching(/^whk_/), admin: expect.any(Object) });
        await expect(app.token(demo.clientId, demo.clientSecret)).resolves.toMatch(/^ey/);
        await expect(app.token(demo.admin.clientId, demo.admin.clientSecret)).resolves.toMatch(/^ey/);
      });
    }

    it('creates a shipment at once, buys its label, sends one welcome email, and follows it to DELIVERED', async () => {
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('flow-1') });
      expect(created.errors).toBeUndefined();
      const shipment = created.data!.createShipment;
      expect(shipment.status).toBe('PENDING');
      expect(shipment.workflowId).toBe(`shipment-${shipment.id}`);

      // Visible at once, never a miss.
      const immediately = await getShipment(shipment.id);
      expect(immediately?.id).toBe(shipment.id);

      const labelled = await waitForStatus(shipment.id, 'LABEL_CREATED');
      expect(labelled.carrier).toBe('USPS');
      expect(labelled.trackingNumber).toMatch(/^SBX\d{20}$/);
      expect(labelled.labelUrl).toContain(labelled.trackingNumber);
      const withEmail = await eventually('the welcome email', async () => {
        const s = await getShipment(shipment.id);
        return s && s.notifications.length > 0 ? s : undefined;
      });
      expect(withEmail.notifications).toEqual([expect.objectContaining({ template: 'welcome', to: 'hippo@example.com' })]);

      const tn = labelled.trackingNumber!;
      const steps = [
        trackUpdated(tn, 'PRE_TRANSIT', '2026-11-20T10:00:00Z'),
        trackUpdated(tn, 'TRANSIT', '2026-11-20T12:00:00Z'),
        trackUpdated(tn, 'TRANSIT', '2026-11-21T08:00:00Z', 'out_for_delivery'),
        trackUpdated(tn, 'DELIVERED', '2026-11-21T15:00:00Z'),
      ];
      for (const body of steps) expect((await postWebhook(body)).status).toBe(202);
      // Updates may be applied in any order; wait for all four, then read again: a status and its
      // event commit together, but one read takes the status before the events (two look-ups).
      await eventually('all four updates to be recorded', async () => {
        const s = await getShipment(shipment.id);
        return s && s.trackingEvents.length === 4 ? s : undefined;
      });
      const delivered = (await getShipment(shipment.id))!;
      expect(delivered.status).toBe('DELIVERED');
      expect(delivered.trackingEvents.map((e) => e.status)).toEqual(['PRE_TRANSIT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
      expect(delivered.trackingEvents[0]!.location).toContain('San Jose');

      // Shippo sends duplicates: the same update twice is recorded once.
      expect((await postWebhook(steps[1])).status).toBe(202);
      // A late IN_TRANSIT after DELIVERED joins the history but does not rewind the status.
      expect((await postWebhook(trackUpdated(tn, 'TRANSIT', '2026-11-21T09:00:00Z'))).status).toBe(202);
      const final = await eventually('the late update to be recorded', async () => {
        const s = await getShipment(shipment.id);
        return s && s.trackingEvents.length === 5 ? s : undefined;
      });
      expect(final.status).toBe('DELIVERED');
      expect(final.notifications).toHaveLength(1);
      const sent = app.jsonLogs().filter((l) => l.event === 'email.sent' && String(l.messageId).endsWith(shipment.id));
      expect(sent).toHaveLength(1);
    });

    it('returns the same shipment for a repeated idempotency key, and refuses the key for another request', async () => {
      const input = shipmentInput('idem-1');
      const first = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input });
      const again = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input });
      expect(again.data!.createShipment.id).toBe(first.data!.createShipment.id);
      await waitForStatus(first.data!.createShipment.id, 'LABEL_CREATED');
      const afterwards = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input });
      expect(afterwards.data!.createShipment).toMatchObject({ id: first.data!.createShipment.id, status: 'LABEL_CREATED' });

      const changed = await app.graphql(token, CREATE_SHIPMENT, { input: { ...input, customerEmail: 'other@example.com' } });
      expect(changed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('ends a shipment the carrier rejects in FAILED with the reason, without retrying', async () => {
      const input = shipmentInput('invalid-address-1');
      input.toAddress = { ...input.toAddress, zip: '00000' };
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input });
      const failed = await waitForStatus(created.data!.createShipment.id, 'FAILED');
      expect(failed.failureReason).toMatch(/zip|address/i);
      expect(failed.trackingNumber).toBeNull();
      expect(failed.notifications).toEqual([]);
    });

    it('keeps tenants apart: a second tenant sees nothing of the first', async () => {
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('tenant-a-1') });
      const idOfA = created.data!.createShipment.id;
      await waitForStatus(idOfA, 'LABEL_CREATED');

      const adminToken = await app.token(creds.admin.clientId, creds.admin.clientSecret);
      const tenantB = await app.graphql<{ createTenant: { tenantId: string; clientId: string; clientSecret: string; webhookToken: string } }>(
        adminToken,
        `mutation { createTenant(name: "Tenant B") { tenantId clientId clientSecret webhookToken } }`,
      );
      expect(tenantB.errors).toBeUndefined();
      const b = tenantB.data!.createTenant;
      expect(b.tenantId).not.toBe(creds.tenantId);
      const tokenB = await app.token(b.clientId, b.clientSecret);

      expect(await getShipment(idOfA, tokenB)).toBeNull();
      const list = await app.graphql<{ shipments: { edges: unknown[] } }>(tokenB, `{ shipments(first: 50) { edges { node { id } } } }`);
      expect(list.data!.shipments.edges).toEqual([]);
      // B reusing A's idempotency key makes B's own shipment, not A's.
      const mine = await app.graphql<{ createShipment: ShipmentData }>(tokenB, CREATE_SHIPMENT, { input: shipmentInput('tenant-a-1') });
      expect(mine.data!.createShipment.id).not.toBe(idOfA);
      // B's webhook token cannot move A's parcel.
      const tnOfA = (await getShipment(idOfA))!.trackingNumber!;
      expect((await postWebhook(trackUpdated(tnOfA, 'DELIVERED', '2026-11-22T10:00:00Z'), b.webhookToken)).status).toBe(202);
      const listA = await app.graphql<{ shipments: { edges: { node: { id: string } }[] } }>(token, `{ shipments(first: 100) { edges { node { id } } } }`);
      expect(listA.data!.shipments.edges.map((e) => e.node.id)).toContain(idOfA);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await getShipment(idOfA))!.status).toBe('LABEL_CREATED');
    });

    it('pages through shipments Relay-style and filters by status', async () => {
      for (let i = 0; i < 3; i++) await app.graphql(token, CREATE_SHIPMENT, { input: shipmentInput(`page-${i}`) });
      const query = `query($after: String) { shipments(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
      type Page = { shipments: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 50; guard++) {
        const page: Page = (await app.graphql<Page>(token, query, { after })).data!;
        seen.push(...page.shipments.edges.map((e) => e.node.id));
        if (!page.shipments.pageInfo.hasNextPage) break;
        after = page.shipments.pageInfo.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      const failedOnly = await app.graphql<{ shipments: { edges: { node: { status: string } }[] } }>(
        token,
        `{ shipments(first: 50, status: FAILED) { edges { node { status } } } }`,
      );
      expect(failedOnly.data!.shipments.edges.every((e) => e.node.status === 'FAILED')).toBe(true);
    });

    it("lists a page with each shipment's own tracking events and notifications (looked up in batches)", async () => {
      // A tenant of its own: the page holds exactly these shipments.
      const own = await app.newTenant('List page');
      const ownToken = await app.token(own.clientId, own.clientSecret);
      const ids: string[] = [];
      for (const key of ['list-1', 'list-2', 'list-3']) {
        const created = await app.graphql<{ createShipment: ShipmentData }>(ownToken, CREATE_SHIPMENT, { input: shipmentInput(key) });
        expect(created.errors).toBeUndefined();
        ids.push(created.data!.createShipment.id);
      }
      const labelled: ShipmentData[] = [];
      for (const id of ids) {
        labelled.push(
          await eventually(`shipment ${id} labelled, with its welcome email`, async () => {
            const s = await getShipment(id, ownToken);
            return s?.status === 'LABEL_CREATED' && s.notifications.length === 1 ? s : undefined;
          }),
        );
      }
      // Different histories: two updates for the first, one for the second, none for the third.
      const history: Record<string, string[]> = { [ids[0]!]: ['PRE_TRANSIT', 'IN_TRANSIT'], [ids[1]!]: ['DELIVERED'], [ids[2]!]: [] };
      const [first, second] = labelled;
      for (const body of [
        trackUpdated(first!.trackingNumber!, 'PRE_TRANSIT', '2026-11-20T10:00:00Z'),
        trackUpdated(first!.trackingNumber!, 'TRANSIT', '2026-11-20T12:00:00Z'),
        trackUpdated(second!.trackingNumber!, 'DELIVERED', '2026-11-21T15:00:00Z'),
      ]) {
        expect((await postWebhook(body, own.webhookToken)).status).toBe(202);
      }
      type Node = { id: string; status: string; trackingEvents: { status: string; location: string | null }[]; notifications: { template: string; to: string }[] };
      const query = `{ shipments(first: 50) { edges { node { id status trackingEvents { status location } notifications { template to } } } } }`;
      const nodes = await eventually('the updates to be recorded', async () => {
        const res = await app.graphql<{ shipments: { edges: { node: Node }[] } }>(ownToken, query);
        expect(res.errors).toBeUndefined();
        const listed = res.data!.shipments.edges.map((e) => e.node);
        // A status and its event commit together, but a read takes the statuses before the events.
        const settled = listed.every((n) => n.trackingEvents.length === history[n.id]!.length && n.status === (history[n.id]!.at(-1) ?? 'LABEL_CREATED'));
        return settled ? listed : undefined;
      });
      expect(nodes.map((n) => n.id).sort()).toEqual([...ids].sort());
      for (const node of nodes) {
        expect(node.trackingEvents.map((e) => e.status)).toEqual(history[node.id]);
        expect(node.trackingEvents.every((e) => e.location?.includes('San Jose'))).toBe(true);
        expect(node.notifications).toEqual([{ template: 'welcome', to: 'hippo@example.com' }]);
        // The list answers what the single shipment answers.
        const single = (await getShipment(node.id, ownToken))!;
        expect(node.trackingEvents).toEqual(single.trackingEvents.map((e) => ({ status: e.status, location: e.location })));
        expect(node.notifications).toEqual(single.notifications.map((n) => ({ template: n.template, to: n.to })));
      }
      expect(nodes.map((n) => n.status).sort()).toEqual(['DELIVERED', 'IN_TRANSIT', 'LABEL_CREATED']);

      // Another tenant lists none of them, and none of their events.
      const stranger = await app.newTenant('List stranger');
      const strangerList = await app.graphql<{ shipments: { edges: unknown[] } }>(await app.token(stranger.clientId, stranger.clientSecret), query);
      expect(strangerList.data!.shipments.edges).toEqual([]);
    });

    it('answers bad input with the contract codes, never a 500', async () => {
      const noToken = await app.graphql(null, `{ shipments { edges { cursor } } }`);
      expect(noToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const badToken = await app.graphql('not-a-jwt', `{ shipments { edges { cursor } } }`);
      expect(badToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const notAdmin = await app.graphql(token, `mutation { createTenant(name: "x") { tenantId } }`);
      expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

      const input = shipmentInput('bad-1', { customerEmail: 'nope' });
      input.toAddress = { ...input.toAddress, country: 'USA' };
      const invalid = await app.graphql(token, CREATE_SHIPMENT, { input });
      expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(invalid.errors?.[0]?.message).toMatch(/toAddress.country/);
      expect(await getShipment('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await getShipment('not-a-uuid')).toBeNull();

      const missingField = await app.graphql(token, CREATE_SHIPMENT, { input: { idempotencyKey: 'x' } });
      expect(missingField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const syntax = await app.graphql(token, `{ shipments(first: `);
      expect(syntax.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const tooMany = await app.graphql(token, `{ shipments(first: 1000) { edges { cursor } } }`);
      expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      const unknownWebhook = await postWebhook(trackUpdated('X', 'TRANSIT', '2026-11-20T10:00:00Z'), 'whk_wrong');
      expect(unknownWebhook.status).toBe(401);
      expect(await unknownWebhook.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      const malformed = await postWebhook({ event: 'track_updated', data: { tracking_number: 'X' } });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ code: 'BAD_USER_INPUT' });

      // From an address of its own: failures count per address in the database other test files share.
      const wrongSecret = await postFrom(
        ownLoopbackAddress(),
        `${app.tokenBaseUrl}/oauth/token`,
        { 'content-type': 'application/json' },
        JSON.stringify({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: 'wrong' }),
      );
      expect(wrongSecret.status).toBe(401);
      expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client', code: 'UNAUTHENTICATED' });
      const wrongGrant = await fetch(`${app.tokenBaseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&username=a&password=b',
      });
      expect(wrongGrant.status).toBe(400);
      expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    });

    it('refuses oversized, wide and batched GraphQL before executing it', async () => {
      // This schema has no recursive type, so depth is covered by the rule's unit test.
      const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: shipments(first: 1) { pageInfo { hasNextPage } }`).join(' ');
      const wide = await app.graphql(token, `{ ${aliases} }`);
      expect(wide.errors?.[0]).toMatchObject({ message: expect.stringContaining('aliases exceed'), extensions: { code: 'BAD_USER_INPUT' } });

      const batched = await fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify([{ query: '{ shipments { pageInfo { hasNextPage } } }' }, { query: '{ shipments { pageInfo { hasNextPage } } }' }]),
      });
      expect(batched.status).toBe(400);

      const oversized = await fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `{ shipments { pageInfo { hasNextPage } } } # ${'x'.repeat(200_000)}` }),
      });
      expect(oversized.status).toBe(413);
    });

    it('slows brute force on the token endpoint: 429 with Retry-After after ten failures', async () => {
      const victim = await app.newTenant('Brute force target');
      // One attacker address (not 127.0.0.1, which the other test files' apps share the failure counts of).
      const attacker = ownLoopbackAddress();
      const attempt = (secret: string) =>
        postFrom(
          attacker,
          `${app.tokenBaseUrl}/oauth/token`,
          { 'content-type': 'application/x-www-form-urlencoded' },
          new URLSearchParams({ grant_type: 'client_credentials', client_id: victim.clientId, client_secret: secret }).toString(),
        );
      for (let i = 0; i < 10; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
      const limited = await attempt(victim.clientSecret);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    });

    // Embedded only: retiring a key on the shared real database would pull it from under the
    // other test files' apps running at the same time.
    if (target.name === 'embedded defaults') it('rotates signing keys: old tokens work until their key is retired', async () => {
      const adminToken = await app.token(creds.admin.clientId, creds.admin.clientSecret);
      const before = await app.token(creds.clientId, creds.clientSecret);
      const query = `{ shipments(first: 1) { pageInfo { hasNextPage } } }`;
      const rotated = await app.graphql<{ rotateSigningKey: string }>(adminToken, `mutation { rotateSigningKey }`);
      const newKid = rotated.data!.rotateSigningKey;
      const jwks = (await (await fetch(`${app.tokenBaseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(newKid);
      expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
      const after = await app.token(creds.clientId, creds.clientSecret);
      const kidOf = (t: string) => (JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
      expect(kidOf(after)).toBe(newKid);
      expect((await app.graphql(before, query)).errors).toBeUndefined();

      const retired = await app.graphql(adminToken, `mutation($kid: String!) { retireSigningKey(kid: $kid) }`, { kid: kidOf(before) });
      expect(retired.errors).toBeUndefined();
      expect((await app.graphql(before, query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await app.graphql(after, query)).errors).toBeUndefined();
      token = after; // the suite's token was signed with the retired key
      const last = await app.graphql(await app.token(creds.admin.clientId, creds.admin.clientSecret), `mutation($kid: String!) { retireSigningKey(kid: $kid) }`, { kid: newKid });
      expect(last.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('keeps consuming after an update for an unknown tracking number', async () => {
      expect((await postWebhook(trackUpdated('SBX00000000000000000000', 'TRANSIT', '2026-11-20T10:00:00Z'))).status).toBe(202);
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('after-poison') });
      const labelled = await waitForStatus(created.data!.createShipment.id, 'LABEL_CREATED');
      expect((await postWebhook(trackUpdated(labelled.trackingNumber!, 'PRE_TRANSIT', '2026-11-20T11:00:00Z'))).status).toBe(202);
      await waitForStatus(labelled.id, 'PRE_TRANSIT');
      // Dead-lettered once its look-ups again (a few seconds, for a label not yet recorded) are over.
      await eventually('the unknown update to be dead-lettered', async () =>
        app.jsonLogs().some((l) => l.msg === 'message dead-lettered' && String(l.reason).includes('SBX00000000000000000000')) ? true : undefined,
      );
    });

    if (target.name === 'real servers, split into two processes') {
      it("reaches the shipments process over gRPC with the caller's token, which that process verifies itself", async () => {
        const split = app as SplitDeployment;
        expect(split.edge.logs.some((l) => l.includes(`shipments api: grpc (127.0.0.1:${split.core.grpcPort}`))).toBe(true);
        const codeOf = (call: Promise<unknown>) => call.then(() => null, (e: ServiceError) => e.code);
        // The edge hosts no ShipmentService: its shipment operations all went over the wire.
        const edgeClient = shipmentServiceClient(`127.0.0.1:${split.edge.grpcPort}`);
        expect(await codeOf(edgeClient.call('ListShipments', {}, token))).toBe(status.UNIMPLEMENTED);
        edgeClient.close();

        const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('split-1') });
        expect(created.errors).toBeUndefined();
        const id = created.data!.createShipment.id;
        const core = shipmentServiceClient(`127.0.0.1:${split.core.grpcPort}`);
        try {
          // Recorded in the caller's tenant, as the token says.
          await expect(core.call('GetShipment', { id }, token)).resolves.toMatchObject({ id, tenantId: creds.tenantId });
          // The shipments process trusts no caller: no token, a forged one, or another tenant's
          // token naming this tenant in metadata get nothing.
          expect(await codeOf(core.call('GetShipment', { id }))).toBe(status.UNAUTHENTICATED);
          expect(await codeOf(core.call('GetShipment', { id }, `${token.slice(0, -4)}AAAA`))).toBe(status.UNAUTHENTICATED);
          const other = await app.newTenant('Split B');
          const tokenB = await app.token(other.clientId, other.clientSecret);
          expect(await codeOf(core.call('GetShipment', { id }, tokenB, { 'x-tenant-id': creds.tenantId }))).toBe(status.NOT_FOUND);
          expect(await getShipment(id, tokenB)).toBeNull();
          // The batched look-up behind the list verifies the token the same way, and answers
          // nothing of another tenant's.
          const { trackingNumber } = await waitForStatus(id, 'LABEL_CREATED');
          expect((await postWebhook(trackUpdated(trackingNumber!, 'TRANSIT', '2026-11-20T10:00:00Z'))).status).toBe(202);
          type Batch = { shipments: { shipmentId: string; trackingEvents: { status: string }[] }[] };
          const batch = await eventually('the update to be recorded', async () => {
            const answer = await core.call<Batch>('BatchGetTrackingEvents', { shipmentIds: [id, '00000000-0000-4000-8000-000000000000'] }, token);
            return answer.shipments.length > 0 ? answer : undefined;
          });
          expect(batch).toEqual({ shipments: [{ shipmentId: id, trackingEvents: [expect.objectContaining({ status: 'IN_TRANSIT' })] }] });
          expect(await core.call<Batch>('BatchGetTrackingEvents', { shipmentIds: [id] }, tokenB, { 'x-tenant-id': creds.tenantId })).toEqual({ shipments: [] });
          expect(await codeOf(core.call('BatchGetTrackingEvents', { shipmentIds: [id] }))).toBe(status.UNAUTHENTICATED);
          const tooMany = Array.from({ length: 101 }, () => id);
          expect(await codeOf(core.call('BatchGetTrackingEvents', { shipmentIds: tooMany }, token))).toBe(status.INVALID_ARGUMENT);
        } finally {
          core.close();
        }
        // Errors of the shipments process come back through the gateway with their codes.
        const invalid = await app.graphql(token, CREATE_SHIPMENT, { input: { ...shipmentInput('split-bad'), customerEmail: 'nope' } });
        expect(invalid.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        const badCursor = await app.graphql(token, `{ shipments(first: 5, after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`);
        expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      });

      it("reaches the communications process over gRPC for a shipment's notifications, with the caller's token", async () => {
        const split = app as SplitDeployment;
        expect(split.edge.logs.some((l) => l.includes(`notifications api: grpc (127.0.0.1:${split.core.grpcPort}`))).toBe(true);
        const codeOf = (call: Promise<unknown>) => call.then(() => null, (e: ServiceError) => e.code);
        // The edge hosts no NotificationService (nor the emails): it asked the core process.
        const edgeClient = notificationServiceClient(`127.0.0.1:${split.edge.grpcPort}`);
        expect(await codeOf(edgeClient.call('BatchGetNotifications', { shipmentIds: [] }, token))).toBe(status.UNIMPLEMENTED);
        edgeClient.close();

        const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('split-notifications') });
        expect(created.errors).toBeUndefined();
        const id = created.data!.createShipment.id;
        const withEmail = await eventually('the welcome email, through the gateway', async () => {
          const s = await getShipment(id);
          return s && s.notifications.length > 0 ? s : undefined;
        });
        expect(withEmail.notifications).toEqual([expect.objectContaining({ template: 'welcome', to: 'hippo@example.com' })]);

        const core = notificationServiceClient(`127.0.0.1:${split.core.grpcPort}`);
        try {
          type Batch = { shipments: { shipmentId: string; notifications: { template: string; to: string; sentAt: string }[] }[] };
          const unknown = '00000000-0000-4000-8000-000000000000';
          expect(await core.call<Batch>('BatchGetNotifications', { shipmentIds: [id, unknown] }, token)).toEqual({
            shipments: [{ shipmentId: id, notifications: [{ template: 'welcome', to: 'hippo@example.com', sentAt: withEmail.notifications[0]!.sentAt }] }],
          });
          // It trusts no caller: no token, a forged one, or another tenant's token naming this tenant get nothing.
          expect(await codeOf(core.call('BatchGetNotifications', { shipmentIds: [id] }))).toBe(status.UNAUTHENTICATED);
          expect(await codeOf(core.call('BatchGetNotifications', { shipmentIds: [id] }, `${token.slice(0, -4)}AAAA`))).toBe(status.UNAUTHENTICATED);
          const other = await app.newTenant('Split notifications B');
          const tokenB = await app.token(other.clientId, other.clientSecret);
          expect(await core.call<Batch>('BatchGetNotifications', { shipmentIds: [id] }, tokenB, { 'x-tenant-id': creds.tenantId })).toEqual({ shipments: [] });
          const tooMany = Array.from({ length: 101 }, () => id);
          expect(await codeOf(core.call('BatchGetNotifications', { shipmentIds: tooMany }, token))).toBe(status.INVALID_ARGUMENT);
        } finally {
          core.close();
        }
      });
    }

    if (target.name === 'real servers, one process per module') {
      it('runs the workflows in the worker process only: the shipments process starts them, a shipment waits for the worker', async () => {
        const { shipments, 'workflow-orchestrator': worker } = (app as ModulePerProcessDeployment).processes;
        const polls = (logs: string[]) => logs.some((l) => l.includes('Temporal worker polling task queue'));
        expect(shipments.logs.some((l) => l.includes('client only (the worker runs in the workflow-orchestrator process)'))).toBe(true);
        expect(polls(shipments.logs)).toBe(false);
        expect(polls(worker.logs)).toBe(true);

        // Without the worker a request is still accepted (the API does not run workflows) and
        // waits; the worker, back, buys its label.
        await worker.stop();
        const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('worker-apart') });
        expect(created.errors).toBeUndefined();
        const id = created.data!.createShipment.id;
        expect((await getShipment(id))?.status).toBe('PENDING');
        await worker.launch();
        const labelled = await waitForStatus(id, 'LABEL_CREATED');
        expect(labelled.trackingNumber).toMatch(/^SBX\d{20}$/);
      });

      it("asks the authorization process for every GraphQL decision, with the caller's token: allowed and denied alike", async () => {
        const { gateway, authorization } = (app as ModulePerProcessDeployment).processes;
        expect(gateway.logs.some((l) => l.includes(`authorization api: grpc (127.0.0.1:${authorization.grpcPort}`))).toBe(true);
        // a tenant's token may not create tenants: the remote decision comes back as FORBIDDEN with its reason
        const denied = await app.graphql(token, `mutation { createTenant(name: "not mine") { tenantId } }`);
        expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'missing-scope' });
        expect((await app.graphql<{ shipments: unknown }>(token, `{ shipments(first: 1) { edges { cursor } } }`)).errors).toBeUndefined();
        // without the authorization process the gateway is not ready, and decides nothing: UNAVAILABLE, never a 500
        await authorization.stop();
        await eventually('the gateway to report the authorization module down', async () =>
          (await fetch(`${gateway.baseUrl}/health/ready`)).status === 503 ? true : undefined,
        );
        const unavailable = await app.graphql(token, `{ shipments(first: 1) { edges { cursor } } }`);
        expect(unavailable.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
        await authorization.launch({ samePorts: true });
        await eventually('the gateway to be ready again', async () => ((await fetch(`${gateway.baseUrl}/health/ready`)).status === 200 ? true : undefined));
        expect((await app.graphql(token, `{ shipments(first: 1) { edges { cursor } } }`)).errors).toBeUndefined();
      });
    }

    if (target.name === 'real servers, one process per module') {
      it("verifies tokens with the auth process's JWKS, administers through its gRPC API, and stays ready while it is away", async () => {
        const { gateway, auth, shipments } = (app as ModulePerProcessDeployment).processes;
        const jwksUrl = `${auth.baseUrl}/.well-known/jwks.json`;
        for (const process of [gateway, shipments]) expect(process.logs.some((l) => l.includes(`token verifier: the auth module's JWKS (${jwksUrl})`))).toBe(true);
        expect(gateway.logs.some((l) => l.includes(`auth api: grpc (127.0.0.1:${auth.grpcPort}`))).toBe(true);
        // the gateway issues no tokens: /oauth/token is the auth process's
        expect((await fetch(`${gateway.baseUrl}/oauth/token`, { method: 'POST' })).status).toBe(404);
        // a key rotated through the gateway (AuthAdminService) signs the next tokens, which the
        // gateway and the shipments process accept once they read the JWKS again (an unknown kid, at most once a second)
        const adminToken = await app.token(creds.admin.clientId, creds.admin.clientSecret);
        const rotated = await app.graphql<{ rotateSigningKey: string }>(adminToken, `mutation { rotateSigningKey }`);
        expect(rotated.errors).toBeUndefined();
        const fresh = await app.token(creds.clientId, creds.clientSecret);
        expect((JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid).toBe(rotated.data!.rotateSigningKey);
        await eventually('the new key to verify at the gateway and the shipments process', async () => {
          const res = await app.graphql(fresh, `{ shipments(first: 1) { edges { node { id status } } } }`);
          return res.errors === undefined ? true : undefined;
        }, { timeoutMs: 15_000, intervalMs: 250 });
        // a tenant's token may not rotate keys: the auth process decides so too
        const denied = await app.graphql(fresh, `mutation { rotateSigningKey }`);
        expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

        // the auth process away: tokens already issued keep working, the gateway stays ready, and
        // an administrator's mutation is UNAVAILABLE (never a 500)
        await auth.stop();
        expect((await fetch(`${gateway.baseUrl}/health/ready`)).status).toBe(200);
        expect((await app.graphql(fresh, `{ shipments(first: 1) { edges { cursor } } }`)).errors).toBeUndefined();
        const away = await app.graphql(adminToken, `mutation($name: String!) { createTenant(name: $name) { tenantId } }`, { name: 'While auth is away' });
        expect(away.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
        await auth.launch({ samePorts: true });
        // the gateway's channel reconnects with gRPC's backoff (a second or so): until then the
        // call is refused UNAVAILABLE before it is sent, so nothing is made twice
        const back = await eventually('the gateway to reach the auth process again', async () => {
          const res = await app.graphql<{ createTenant: { tenantId: string } }>(adminToken, `mutation($name: String!) { createTenant(name: $name) { tenantId } }`, { name: 'Auth is back' });
          if (res.errors?.[0]?.extensions?.code === 'UNAVAILABLE') return undefined;
          return res;
        }, { timeoutMs: 20_000, intervalMs: 250 });
        expect(back.errors).toBeUndefined();
        expect(back.data!.createTenant.tenantId).toMatch(/^[0-9a-f-]{36}$/);
        token = fresh;
      });
    }

    it('serves a GraphiQL playground that needs no CDN, and the JWKS', async () => {
      const page = await fetch(`${app.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/graphiql/i);
      expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
      expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
      const jwks = (await (await fetch(`${app.tokenBaseUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string; alg: string }[] };
      expect(jwks.keys[0]).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    });

    if (target.name === 'real servers, split into two processes') {
      // Last: it stops the shipments process.
      it('is not ready without the shipments process, and answers UNAVAILABLE rather than a 500', async () => {
        const split = app as SplitDeployment;
        expect((await fetch(`${split.edge.baseUrl}/health/ready`)).status).toBe(200);
        await split.core.stop();
        const ready = await eventually('the edge to report the shipments module down', async () => {
          const res = await fetch(`${split.edge.baseUrl}/health/ready`);
          return res.status === 503 ? ((await res.json()) as Record<string, unknown>) : undefined;
        });
        expect(JSON.stringify(ready)).toContain(`shipments module (grpc 127.0.0.1:${split.core.grpcPort})`);
        const list = await app.graphql(token, `{ shipments(first: 5) { edges { cursor } } }`);
        expect(list.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
      });
    }
  });
}
