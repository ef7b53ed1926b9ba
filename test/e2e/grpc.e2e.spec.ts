import { credentials, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { e2eTargets } from '../support/e2e-targets';
import { AppProcess, type DemoCredentials } from '../support/app-process';
import { shipmentServiceClient } from '../support/grpc-client';
import { eventually } from '../support/poll';
import { shipmentInput } from '../support/shipment-fixtures';

interface GrpcShipment {
  id: string;
  status: string;
  trackingNumber: string;
  workflowId: string;
  trackingEvents: { status: string }[];
}

for (const target of e2eTargets()) {
  target.describe(`gRPC ShipmentService (${target.name})`, () => {
    let app: AppProcess;
    let creds: DemoCredentials;
    let token: string;
    let client: ReturnType<typeof shipmentServiceClient>;

    beforeAll(async () => {
      app = await AppProcess.start(target.env);
      creds = await app.newTenant();
      token = await app.token(creds.clientId, creds.clientSecret);
      client = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
    });

    afterAll(async () => {
      client?.close();
      await app?.stop();
      app?.dispose();
    });

    const grpcInput = (key: string) => {
      const input = shipmentInput(key);
      return { ...input, parcel: input.parcel };
    };

    it('creates, gets, lists and updates shipments', async () => {
      const created = await client.call<GrpcShipment>('CreateShipment', grpcInput('grpc-1'), token);
      expect(created.status).toBe('PENDING');
      expect(created.workflowId).toBe(`shipment-${created.id}`);
      const again = await client.call<GrpcShipment>('CreateShipment', grpcInput('grpc-1'), token);
      expect(again.id).toBe(created.id);

      const labelled = await eventually('LABEL_CREATED over gRPC', async () => {
        const s = await client.call<GrpcShipment>('GetShipment', { id: created.id }, token);
        return s.status === 'LABEL_CREATED' ? s : undefined;
      });
      const list = await client.call<{ shipments: GrpcShipment[] }>('ListShipments', { first: 10 }, token);
      expect(list.shipments.map((s) => s.id)).toContain(created.id);

      const update = { trackingNumber: labelled.trackingNumber, status: 'TRANSIT', occurredAt: '2026-11-20T10:00:00Z', eventId: 'grpc-evt-1' };
      expect(await client.call<{ outcome: string }>('UpdateShipmentStatus', update, token)).toEqual({ outcome: 'applied' });
      expect(await client.call<{ outcome: string }>('UpdateShipmentStatus', update, token)).toEqual({ outcome: 'duplicate' });
      const moved = await client.call<GrpcShipment>('GetShipment', { id: created.id }, token);
      expect(moved.status).toBe('IN_TRANSIT');
      expect(moved.trackingEvents.map((e) => e.status)).toEqual(['IN_TRANSIT']);
    });

    it('answers with gRPC status codes', async () => {
      const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e: ServiceError) => e.code);
      expect(await codeOf(client.call('ListShipments', {}, undefined))).toBe(status.UNAUTHENTICATED);
      expect(await codeOf(client.call('ListShipments', {}, 'garbage'))).toBe(status.UNAUTHENTICATED);
      expect(await codeOf(client.call('GetShipment', { id: '00000000-0000-4000-8000-000000000000' }, token))).toBe(status.NOT_FOUND);
      const bad = { ...grpcInput('grpc-bad'), customerEmail: 'nope' };
      expect(await codeOf(client.call('CreateShipment', bad, token))).toBe(status.INVALID_ARGUMENT);
      expect(await codeOf(client.call('ListShipments', { first: 1000 }, token))).toBe(status.INVALID_ARGUMENT);
      const adminToken = await app.token(creds.admin.clientId, creds.admin.clientSecret);
      expect(await codeOf(client.call('ListShipments', {}, adminToken))).toBe(status.PERMISSION_DENIED);
    });

    it('ignores a tenant named in metadata: the token decides', async () => {
      const created = await client.call<GrpcShipment>('CreateShipment', grpcInput('grpc-meta'), token);
      const adminToken = await app.token(creds.admin.clientId, creds.admin.clientSecret);
      const b = await app.graphql<{ createTenant: { clientId: string; clientSecret: string; tenantId: string } }>(
        adminToken,
        `mutation { createTenant(name: "gRPC B") { tenantId clientId clientSecret } }`,
      );
      const tokenB = await app.token(b.data!.createTenant.clientId, b.data!.createTenant.clientSecret);
      const err = await client
        .call('GetShipment', { id: created.id }, tokenB, { 'x-tenant-id': creds.tenantId })
        .then(() => null, (e: ServiceError) => e);
      expect(err?.code).toBe(status.NOT_FOUND);
    });

    it('serves health and reflection', async () => {
      const health = loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as {
        grpc: { health: { v1: { Health: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => HealthClient } } };
      };
      interface HealthClient extends Client {
        check(request: { service: string }, callback: (error: ServiceError | null, response: unknown) => void): void;
      }
      const healthClient = new health.grpc.health.v1.Health(`127.0.0.1:${app.grpcPort}`, credentials.createInsecure());
      const answer = await new Promise<{ status: string }>((resolve, reject) =>
        healthClient.check({ service: 'logisynapse.shipments.v1.ShipmentService' }, (e, r) => (e ? reject(e) : resolve(r as { status: string }))),
      );
      healthClient.close();
      expect(answer.status).toBe('SERVING');

      const reflectionProto = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
      const reflection = loadPackageDefinition(loadSync(reflectionProto)) as unknown as {
        grpc: { reflection: { v1: { ServerReflection: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => import('@grpc/grpc-js').Client } } };
      };
      const reflectionClient = new reflection.grpc.reflection.v1.ServerReflection(`127.0.0.1:${app.grpcPort}`, credentials.createInsecure());
      const services = await new Promise<string[]>((resolve, reject) => {
        const stream = (reflectionClient as unknown as { serverReflectionInfo: () => import('node:stream').Duplex }).serverReflectionInfo();
        stream.on('data', (msg: { listServicesResponse?: { service: { name: string }[] } }) => {
          resolve(msg.listServicesResponse?.service.map((s) => s.name) ?? []);
          stream.end();
        });
        stream.on('error', reject);
        stream.write({ listServices: '*' });
      });
      reflectionClient.close();
      expect(services).toContain('logisynapse.shipments.v1.ShipmentService');
    });
  });
}
