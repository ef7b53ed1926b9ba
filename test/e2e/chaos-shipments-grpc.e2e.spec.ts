import { status, type ServiceError } from '@grpc/grpc-js';
import { join } from 'node:path';
import { CHAOS_SETTINGS, REAL_SERVER_SETTINGS } from '../../chaos/lib/env';
import { GrpcFaultFront } from '../../chaos/lib/grpc-fault-front';
import { formatReport, type ChaosReport } from '../../chaos/lib/scenario';
import { ERRORS_ALERT, runShipmentsGrpc, SLOW_ALERT, type ShipmentsGrpcVariant } from '../../chaos/scenarios/shipments-grpc';
import { realServerOrSkip } from '../support/embedded-postgres';
import { shipmentServiceClient } from '../support/grpc-client';
import { startGrpcTestServer } from '../support/grpc-test-server';

const SHIPMENTS_PROTO = join(__dirname, '..', '..', 'src', 'modules', 'shipments', 'api', 'grpc', 'shipments.proto');

/** The front of the errors variant, on a grpc-js server of ShipmentService: no real servers needed. */
describe('the gRPC fault front of the chaos runs', () => {
  it('forwards every call, answers the share it is given UNAVAILABLE (refused, or served and lost), and passes statuses through', async () => {
    const served: string[] = [];
    type Callback = (error: Partial<ServiceError> | null, response?: unknown) => void;
    const server = await startGrpcTestServer(SHIPMENTS_PROTO, 'logisynapse.shipments.v1.ShipmentService', {
      GetShipment: (call: { request: { id: string } }, callback: Callback) => {
        served.push(call.request.id);
        if (call.request.id === 'missing') callback({ code: status.NOT_FOUND, details: 'NOT_FOUND: no shipment missing' });
        else callback(null, { id: call.request.id, status: 'PENDING' });
      },
    });
    const front = await GrpcFaultFront.start(server.address);
    const client = shipmentServiceClient(front.address);
    const ask = (id: string) =>
      client.call<{ id: string; status: string }>('getShipment', { id }).then(
        (answer) => `${answer.id} ${answer.status}`,
        (error: ServiceError) => `${status[error.code]} ${error.details}`,
      );
    try {
      expect([await ask('a'), await ask('missing')]).toEqual(['a PENDING', 'NOT_FOUND NOT_FOUND: no shipment missing']);
      front.failShare(0.5);
      const during: string[] = [];
      for (let i = 1; i <= 6; i++) during.push(await ask(`b${i}`));
      front.failShare(0);
      expect(during).toEqual([
        'b1 PENDING',
        'UNAVAILABLE refused by the chaos front',
        'b3 PENDING',
        'UNAVAILABLE answer lost by the chaos front',
        'b5 PENDING',
        'UNAVAILABLE refused by the chaos front',
      ]);
      // Concurrent calls on the one connection, after the fault.
      expect(await Promise.all(['c1', 'c2', 'missing'].map(ask))).toEqual(['c1 PENDING', 'c2 PENDING', 'NOT_FOUND NOT_FOUND: no shipment missing']);
      // The refused calls never reached the server; the lost one did.
      expect(served).toEqual(['a', 'missing', 'b1', 'b3', 'b4', 'b5', 'c1', 'c2', 'missing']);
      expect(front.countsOf('GetShipment')).toEqual({ calls: 11, refused: 2, lost: 1 });
      expect(front.unavailableAnswers).toBe(3);
    } finally {
      client.close();
      await front.stop();
      await server.stop();
    }
  });
});

/**
 * The chaos scenarios `shipments-grpc-latency` and `shipments-grpc-errors` (`npm run chaos --
 * shipments-grpc-...`, docs/chaos.md): the one-process-per-module deployment on the real servers,
 * the gateway's calls into the shipments process through Toxiproxy (500 ms late) and a gRPC front
 * (10%, then 50% UNAVAILABLE), the project's alert rules evaluated by a Prometheus of the run and
 * routed by Alertmanager to the run's webhook.
 */
realServerOrSkip([...REAL_SERVER_SETTINGS, ...CHAOS_SETTINGS], 'the real servers, Toxiproxy and Alertmanager (`npm run infra:up`)')(
  'chaos: faults on the calls into the shipments module (gRPC)',
  () => {
    const reports: Partial<Record<ShipmentsGrpcVariant, ChaosReport>> = {};
    const run = async (variant: ShipmentsGrpcVariant) => {
      const report = await runShipmentsGrpc({ log: (line) => void process.stderr.write(`${line}\n`) }, variant);
      process.stderr.write(`${formatReport(report)}\n`);
      reports[variant] = report;
    };
    const shipmentsChecks = (report: ChaosReport) => {
      const named = (prefix: string) => report.checks.filter((c) => c.name.startsWith(prefix));
      const checks = [...named('every createShipment'), ...named('shipments were created'), ...named('every shipment completed'), ...named('no duplicates'), ...report.checks.filter((c) => c.name.includes('never a 500 or INTERNAL'))];
      expect(checks).toHaveLength(5);
      for (const check of checks) expect(check).toEqual(expect.objectContaining({ ok: true }));
      expect(report.figures.duplicates).toBe(0);
      expect(report.figures.completed).toBe(report.figures['shipments created']);
    };
    const alertChecks = (report: ChaosReport, alert: string) => {
      const alerts = report.checks.filter((c) => c.name.startsWith('alert: '));
      expect(alerts.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringContaining(alert)]));
      expect(alerts).toHaveLength(4);
      for (const check of alerts) expect(check).toEqual(expect.objectContaining({ ok: true }));
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    };

    describe('500 ms on every answer of the shipments process', () => {
      beforeAll(() => run('latency'), 240_000);

      it('completes every shipment exactly once, the latency in the gateway’s metrics and not in the server’s', () => {
        const report = reports.latency!;
        shipmentsChecks(report);
        expect(report.checks.find((c) => c.name.startsWith('the latency was on the path'))).toEqual(expect.objectContaining({ ok: true }));
        expect(report.figures['createShipment retries (answered UNAVAILABLE, asked again with the same key)']).toBe(0);
      });

      it(`fires ${SLOW_ALERT} within its window, resolves it after, fires no other, and Alertmanager notifies the webhook`, () => {
        alertChecks(reports.latency!, SLOW_ALERT);
      });
    });

    describe('10%, then 50% of the calls answered UNAVAILABLE', () => {
      beforeAll(() => run('errors'), 240_000);

      it('completes every shipment exactly once, createShipment retried with its key, the retries in the metrics', () => {
        const report = reports.errors!;
        shipmentsChecks(report);
        expect(Number(report.figures['createShipment retries (answered UNAVAILABLE, asked again with the same key)'])).toBeGreaterThan(0);
        for (const prefix of ['the front answered', 'UNAVAILABLE calls in the metrics', 'createShipment retries in the metrics', 'the shipments process served', 'a createShipment whose answer was lost', ERRORS_ALERT]) {
          expect(report.checks.find((c) => c.name.startsWith(prefix))).toEqual(expect.objectContaining({ ok: true }));
        }
      });

      it(`fires ${ERRORS_ALERT} during the 10% step, keeps it through the 50% step, resolves it after, fires no other, and Alertmanager notifies the webhook`, () => {
        alertChecks(reports.errors!, ERRORS_ALERT);
      });
    });
  },
);
