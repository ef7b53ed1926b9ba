import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPackageDefinition, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { inMemoryMetrics } from '../../../test/support/in-memory-metrics';
import { GrpcServiceClient } from './grpc-service-client';

/** A service of the same name as the shipments module's, so its labels are listed ones. */
const PROTO = `syntax = "proto3";
package logisynapse.shipments.v1;
message GetShipmentRequest { string id = 1; }
message Shipment { string id = 1; }
service ShipmentService { rpc GetShipment (GetShipmentRequest) returns (Shipment); }
`;

/** GrpcServiceClient against a real grpc-js server on loopback: what each call records. */
describe('GrpcServiceClient metrics', () => {
  let dir: string;
  let server: Server;
  let client: GrpcServiceClient;
  const metrics = inMemoryMetrics();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'grpc-client-'));
    const protoPath = join(dir, 'shipments.proto');
    writeFileSync(protoPath, PROTO);
    const pkg = loadPackageDefinition(loadSync(protoPath)) as unknown as {
      logisynapse: { shipments: { v1: { ShipmentService: { service: Parameters<Server['addService']>[0] } } } };
    };
    server = new Server();
    server.addService(pkg.logisynapse.shipments.v1.ShipmentService.service, {
      GetShipment: (call: ServerUnaryCall<{ id: string }, unknown>, callback: sendUnaryData<unknown>) =>
        call.request.id === 'missing' ? callback({ code: status.NOT_FOUND, details: 'NOT_FOUND: no such shipment' }) : callback(null, { id: call.request.id }),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    client = new GrpcServiceClient({ address: `127.0.0.1:${port}`, protoPath, service: 'logisynapse.shipments.v1.ShipmentService', bearerToken: () => 't', metrics: metrics.instruments });
  });

  afterAll(async () => {
    client?.close();
    await new Promise<void>((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('records rpc.client.duration by service, method and the status the call ended with', async () => {
    await expect(client.call('getShipment', 'GetShipment', { id: 'a' })).resolves.toEqual({ id: 'a' });
    await expect(client.call('getShipment', 'GetShipment', { id: 'b' })).resolves.toEqual({ id: 'b' });
    await expect(client.call('getShipment', 'GetShipment', { id: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const points = (await metrics.collect()).filter((p) => p.name === 'rpc.client.duration');
    expect(points).toEqual(
      expect.arrayContaining([
        { name: 'rpc.client.duration', attributes: { 'rpc.service': 'ShipmentService', 'rpc.method': 'GetShipment', 'rpc.grpc.status_code': 'OK' }, value: 2 },
        { name: 'rpc.client.duration', attributes: { 'rpc.service': 'ShipmentService', 'rpc.method': 'GetShipment', 'rpc.grpc.status_code': 'NOT_FOUND' }, value: 1 },
      ]),
    );
    expect(points).toHaveLength(2);
  });

  it('records a call that found nobody listening as UNAVAILABLE, and refuses an unknown method without calling', async () => {
    const nobody = new GrpcServiceClient({
      address: '127.0.0.1:1',
      protoPath: join(dir, 'shipments.proto'),
      service: 'logisynapse.shipments.v1.ShipmentService',
      bearerToken: () => 't',
      metrics: metrics.instruments,
    });
    try {
      await expect(nobody.call('getShipment', 'GetShipment', { id: 'a' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      await expect(nobody.call('noSuchMethod', 'NoSuchMethod', {})).rejects.toThrow(/has no method noSuchMethod/);
    } finally {
      nobody.close();
    }
    const unavailable = (await metrics.collect()).filter((p) => p.name === 'rpc.client.duration' && p.attributes['rpc.grpc.status_code'] === 'UNAVAILABLE');
    expect(unavailable).toEqual([{ name: 'rpc.client.duration', attributes: { 'rpc.service': 'ShipmentService', 'rpc.method': 'GetShipment', 'rpc.grpc.status_code': 'UNAVAILABLE' }, value: 1 }]);
  });
});
