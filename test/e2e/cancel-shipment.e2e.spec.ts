import { status, type ServiceError } from '@grpc/grpc-js';
import type { DemoCredentials } from '../support/app-process';
import { shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';
import { deploymentTargets, type PlatformUnderTest } from '../support/split-deployment';

interface LabelRefund {
  refundId: string;
  labelId: string;
  status: string;
}
interface ShipmentData {
  id: string;
  status: string;
  trackingNumber: string | null;
  updatedAt: string;
  labelRefund: LabelRefund | null;
  trackingEvents: { status: string }[];
}
interface GrpcShipment {
  id: string;
  status: string;
  trackingNumber: string;
  labelRefund: LabelRefund | null;
  trackingEvents: { status: string }[];
}
type Errors = { errors?: { message: string; extensions?: { code?: string; reason?: string; status?: string } }[] };

const FIELDS = 'id status trackingNumber updatedAt labelRefund { refundId labelId status } trackingEvents { status }';
const CANCEL = `mutation Cancel($id: ID!) { cancelShipment(id: $id) { ${FIELDS} } }`;
const GET = `query Get($id: ID!) { shipment(id: $id) { ${FIELDS} } }`;

/**
 * cancelShipment over GraphQL and ShipmentService/CancelShipment over gRPC, on the built app (the
 * sandbox carrier voids the label): the shipment ends CANCELLED with the refund, a second cancel
 * answers the same, a shipment the carrier has scanned is refused with a clear code, and an id the
 * caller cannot see is NOT_FOUND. Also on two processes, where the gateway reaches the shipments
 * module over gRPC.
 */
for (const target of deploymentTargets()) {
  target.describe(`cancel a shipment (${target.name})`, () => {
    let app: PlatformUnderTest;
    let creds: DemoCredentials;
    let token: string;
    let grpc: ReturnType<typeof shipmentServiceClient>;
    const run = Date.now().toString(36);

    beforeAll(async () => {
      app = await target.start();
      creds = await app.newTenant();
      token = await app.token(creds.clientId, creds.clientSecret);
      grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
    });

    afterAll(async () => {
      grpc?.close();
      await app?.stop();
      app?.dispose();
    });

    const get = async (id: string) => (await app.graphql<{ shipment: ShipmentData | null }>(token, GET, { id })).data?.shipment ?? null;
    const inStatus = (id: string, wanted: string) =>
      eventually(`shipment ${id} to be ${wanted}`, async () => {
        const shipment = await get(id);
        return shipment?.status === wanted ? shipment : undefined;
      });
    const labelled = async (key: string) => {
      const created = await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput(`${key}-${run}`) });
      expect(created.errors).toBeUndefined();
      return inStatus(created.data!.createShipment.id, 'LABEL_CREATED');
    };
    const carrierReports = async (trackingNumber: string, carrierStatus: string, at: string, substatus?: string) => {
      const res = await fetch(`${app.webhookBaseUrl}/webhooks/carrier-tracking`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
        body: JSON.stringify(trackUpdated(trackingNumber, carrierStatus, at, substatus)),
      });
      expect(res.status).toBe(202);
    };
    const cancel = (id: string) => app.graphql<{ cancelShipment: ShipmentData }>(token, CANCEL, { id });
    const grpcCode = (promise: Promise<unknown>) => promise.then(() => 'OK', (e: ServiceError) => e.code);

    it('cancels over GraphQL: CANCELLED with the refund of its label; a second cancel answers the same; a later scan does not move it', async () => {
      const shipment = await labelled('cancel-gql');
      const first = await cancel(shipment.id);
      expect(first.errors).toBeUndefined();
      const cancelled = first.data!.cancelShipment;
      expect(cancelled).toMatchObject({ id: shipment.id, status: 'CANCELLED', labelRefund: { refundId: expect.stringMatching(/^[0-9a-f]{32}$/), labelId: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'SUCCESS' } });

      const again = await cancel(shipment.id);
      expect(again).toEqual({ data: { cancelShipment: cancelled } });
      expect(await get(shipment.id)).toEqual(cancelled);

      // The carrier reports a scan after all: recorded in the history, the shipment stays CANCELLED.
      await carrierReports(shipment.trackingNumber!, 'TRANSIT', '2026-11-20T12:00:00Z');
      const scanned = await eventually('the late scan to be recorded', async () => {
        const s = await get(shipment.id);
        return s && s.trackingEvents.length === 1 ? s : undefined;
      });
      expect(scanned).toMatchObject({ status: 'CANCELLED', labelRefund: cancelled.labelRefund });
    });

    it('cancels a PRE_TRANSIT shipment over gRPC, idempotently, with the same refund GetShipment and GraphQL show', async () => {
      const shipment = await labelled('cancel-grpc');
      await carrierReports(shipment.trackingNumber!, 'PRE_TRANSIT', '2026-11-20T10:00:00Z');
      await inStatus(shipment.id, 'PRE_TRANSIT');

      const cancelled = await grpc.call<GrpcShipment>('CancelShipment', { id: shipment.id }, token);
      expect(cancelled).toMatchObject({ id: shipment.id, status: 'CANCELLED', labelRefund: { refundId: expect.any(String), labelId: expect.any(String), status: 'SUCCESS' } });
      expect(cancelled.trackingEvents.map((e) => e.status)).toEqual(['PRE_TRANSIT']);
      await expect(grpc.call<GrpcShipment>('CancelShipment', { id: shipment.id }, token)).resolves.toEqual(cancelled);
      await expect(grpc.call<GrpcShipment>('GetShipment', { id: shipment.id }, token)).resolves.toMatchObject({ status: 'CANCELLED', labelRefund: cancelled.labelRefund });
      expect((await get(shipment.id))?.labelRefund).toEqual(cancelled.labelRefund);
    });

    it('refuses to cancel a shipment in transit or delivered (BAD_USER_INPUT over GraphQL, FAILED_PRECONDITION over gRPC), changing nothing', async () => {
      const shipment = await labelled('cancel-refused');
      const tn = shipment.trackingNumber!;
      await carrierReports(tn, 'TRANSIT', '2026-11-20T12:00:00Z');
      await inStatus(shipment.id, 'IN_TRANSIT');
      const inTransit = await cancel(shipment.id);
      expect(inTransit.data ?? null).toBeNull();
      expect((inTransit as Errors).errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'label-in-use', status: 'IN_TRANSIT' });
      expect((inTransit as Errors).errors?.[0]?.message).toContain('can no longer be voided');
      expect(await grpcCode(grpc.call('CancelShipment', { id: shipment.id }, token))).toBe(status.FAILED_PRECONDITION);

      await carrierReports(tn, 'DELIVERED', '2026-11-21T15:00:00Z');
      const delivered = await inStatus(shipment.id, 'DELIVERED');
      expect((await cancel(shipment.id) as Errors).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'label-in-use', status: 'DELIVERED' });
      const refused = await grpc.call('CancelShipment', { id: shipment.id }, token).then(() => null, (e: ServiceError) => e);
      expect(refused?.code).toBe(status.FAILED_PRECONDITION);
      expect(refused?.details).toContain('The shipment is DELIVERED');
      expect(await get(shipment.id)).toEqual({ ...delivered, labelRefund: null });
    });

    it('answers NOT_FOUND for an id that names no shipment (gRPC: INVALID_ARGUMENT for no UUID), and refuses a read-only token', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-shipment']) {
        expect((await cancel(id) as Errors).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      expect(await grpcCode(grpc.call('CancelShipment', { id: '00000000-0000-4000-8000-000000000000' }, token))).toBe(status.NOT_FOUND);
      // gRPC checks the id's format (ADR 0030).
      expect(await grpcCode(grpc.call('CancelShipment', { id: 'not-a-shipment' }, token))).toBe(status.INVALID_ARGUMENT);
      const res = await fetch(`${app.tokenBaseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: 'shipments:read' }),
      });
      const readOnly = ((await res.json()) as { access_token: string }).access_token;
      const shipment = await labelled('cancel-read-only');
      const answer = await app.graphql(readOnly, CANCEL, { id: shipment.id });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'missing-scope' });
      expect(await grpcCode(grpc.call('CancelShipment', { id: shipment.id }, readOnly))).toBe(status.PERMISSION_DENIED);
      expect((await get(shipment.id))?.status).toBe('LABEL_CREATED');
    });
  });
}
