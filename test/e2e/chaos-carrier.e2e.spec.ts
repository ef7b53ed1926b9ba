import { CHAOS_SETTINGS, REAL_SERVER_SETTINGS } from '../../chaos/lib/env';
import { formatReport, type ChaosReport } from '../../chaos/lib/scenario';
import { runCarrierErrors } from '../../chaos/scenarios/carrier-errors';
import { realServerOrSkip } from '../support/embedded-postgres';

/**
 * The chaos scenario `carrier-errors` (`npm run chaos -- carrier-errors`, docs/chaos.md): the
 * one-process-per-module deployment on the real servers, the carrier behind Toxiproxy answering
 * 503 to every eighth call and 150 ms late for a bounded time, the project's alert rules
 * evaluated by a Prometheus of the run and routed by Alertmanager to the run's webhook.
 */
realServerOrSkip([...REAL_SERVER_SETTINGS, ...CHAOS_SETTINGS], 'the real servers, Toxiproxy and Alertmanager (`npm run infra:up`)')(
  'chaos: the carrier fails part of its calls for a while',
  () => {
    let report: ChaosReport;

    beforeAll(async () => {
      report = await runCarrierErrors({ log: (line) => void process.stderr.write(`${line}\n`) });
      process.stderr.write(`${formatReport(report)}\n`);
    }, 240_000);

    it('completes every shipment exactly once, the retries visible in Temporal and the metrics', () => {
      const named = (prefix: string) => report.checks.filter((c) => c.name.startsWith(prefix));
      for (const check of [
        ...named('every createShipment'),
        ...named('shipments were created'),
        ...named('every shipment completed'),
        ...named('no duplicates'),
        ...named('the carrier answered'),
        ...named('the latency toxic'),
        ...named('retries are in Temporal'),
        ...named('carrier errors in the metrics'),
        ...named('retryable callShippoApi'),
      ]) {
        expect(check).toEqual(expect.objectContaining({ ok: true }));
      }
      expect(report.figures.duplicates).toBe(0);
      expect(report.figures.completed).toBe(report.figures['shipments created']);
    });

    it('fires the carrier error-rate alert within its window, resolves it after, fires no other, and Alertmanager notifies the webhook', () => {
      const alerts = report.checks.filter((c) => c.name.startsWith('alert: '));
      expect(alerts).toHaveLength(4);
      for (const check of alerts) expect(check).toEqual(expect.objectContaining({ ok: true }));
      // And nothing else the scenario measured failed.
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    });
  },
);
