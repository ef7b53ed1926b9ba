import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppProcess } from '../support/app-process';
import { dashboardExpressions } from '../support/dashboards';
import { shipmentServiceClient } from '../support/grpc-client';
import { realServerOrSkip } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';

const RULES = join(__dirname, '..', '..', 'infra', 'observability', 'prometheus', 'rules', 'logisynapse.yml');

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

/** Every expression of the rules file: recording rules and alerts. */
function ruleExpressions(): { name: string; expr: string }[] {
  const file = parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { record?: string; alert?: string; expr: string }[] }[] };
  return file.groups.flatMap((g) => g.rules.map((r) => ({ name: (r.record ?? r.alert)!, expr: r.expr.trim() })));
}

/** The metric names and label matchers a PromQL expression selects (`name{a="b"}`). */
function selectors(expr: string): string[] {
  return [...new Set(expr.match(/\b(?:logisynapse_[a-z_]+|up)(?:\{[^}]*\})?/g) ?? [])];
}

/**
 * The live Prometheus of `infra:up` scrapes a started app (registered as a target file) and
 * finds the platform's series; every selector in every rule names series that exist after a
 * workload that exercises them (shipments, carrier failures and retries, a dead letter), and
 * every rule expression is valid PromQL on that server.
 */
realServerOrSkip(['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR'], 'Prometheus (`npm run infra:up`)')(
  'Prometheus scrapes the app, and the alert rules find their series',
  ({ PROMETHEUS_URL: prometheus, PROMETHEUS_TARGETS_DIR: targetsDir }) => {
    const run = randomUUID().slice(0, 8);
    const targetFile = join(targetsDir, `e2e-${run}.json`);
    let app: AppProcess;

    const query = async (expr: string): Promise<QueryResult> => {
      const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (await res.json()) as QueryResult;
    };

    beforeAll(async () => {
      // Half the carrier calls fail (the seed of restart.e2e's flaky carrier): retries and carrier errors.
      app = await AppProcess.start({ CARRIER_SANDBOX_FAILURE_RATE: '0.5', CARRIER_SANDBOX_SEED: '7', CARRIER_SANDBOX_JOURNEY_STEP_MS: '100' });
      writeFileSync(targetFile, JSON.stringify([{ targets: [`127.0.0.1:${app.metricsPort}`], labels: { test_run: run } }]));
    }, 90_000);

    afterAll(async () => {
      rmSync(targetFile, { force: true });
      await app?.stop();
      app?.dispose();
    });

    it('scrapes the app and sees its shipments, and every rule selector finds its series', async () => {
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push((await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput(`prom-${i}`) })).data!.createShipment.id);
      }
      // One the carrier refuses (ZIP 00000): a failed shipment.
      const refused = (
        await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, {
          input: shipmentInput('prom-refused', { toAddress: { ...shipmentInput('x').toAddress, zip: '00000' } }),
        })
      ).data!.createShipment.id;
      await eventually(
        'the refused shipment failed',
        async () => ((await app.graphql<{ shipment: { status: string } }>(token, GET_SHIPMENT, { id: refused })).data?.shipment?.status === 'FAILED' ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      await eventually(
        'every shipment delivered',
        async () => {
          const all = await Promise.all(ids.map(async (id) => (await app.graphql<{ shipment: { status: string } }>(token, GET_SHIPMENT, { id })).data?.shipment?.status));
          return all.every((s) => s === 'DELIVERED') ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
      try {
        await grpc.call('ListShipments', { first: 5 }, token);
      } finally {
        grpc.close();
      }
      // A tracking number no shipment has: dead-lettered after the consumer's retries.
      const webhook = await fetch(`${app.baseUrl}/webhooks/carrier-tracking`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
        body: JSON.stringify(trackUpdated('SBX00000000000000000000', 'TRANSIT', new Date().toISOString())),
      });
      expect(webhook.status).toBeLessThan(300);

      const scoped = (selector: string) =>
        selector.includes('{') ? selector.replace('{', `{test_run="${run}", `) : `${selector}{test_run="${run}"}`;
      await eventually(
        'Prometheus to have scraped the delivered shipments and the dead letter',
        async () => {
          const [delivered, dead] = await Promise.all([
            query(`sum(${scoped('logisynapse_shipments_delivered_total')})`),
            query(`sum(${scoped('logisynapse_dead_letters_total')})`),
          ]);
          const value = (r: QueryResult) => Number(r.data?.result[0]?.value[1] ?? 0);
          return value(delivered) === ids.length && value(dead) >= 1 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(Number((await query(scoped('up'))).data?.result[0]?.value[1])).toBe(1);

      const rules = ruleExpressions();
      expect(rules.length).toBeGreaterThanOrEqual(12);
      const empty: string[] = [];
      for (const rule of rules) {
        const valid = await query(rule.expr);
        expect({ rule: rule.name, status: valid.status, error: valid.error }).toEqual({ rule: rule.name, status: 'success', error: undefined });
        for (const selector of selectors(rule.expr)) {
          const found = await query(`count(${scoped(selector)})`);
          if (!(found.data?.result.length ?? 0)) empty.push(`${rule.name}: ${selector}`);
        }
      }
      expect(empty).toEqual([]);

      // Every dashboard panel shows data after this workload (a panel that shows nothing is a failure).
      const panels = dashboardExpressions();
      expect(panels.length).toBeGreaterThanOrEqual(20);
      let blank: string[] = [];
      // Recording rules are evaluated every 5 s, and a rate needs two scrapes of a new series:
      // the last panels fill within a few evaluations.
      await eventually(
        'every dashboard panel to show data',
        async () => {
          blank = [];
          for (const panel of panels) {
            const result = await query(panel.expr);
            expect({ panel: panel.name, status: result.status, error: result.error }).toEqual({ panel: panel.name, status: 'success', error: undefined });
            // The real-server panels are valid here and show data in jaeger-trace.e2e (real servers).
            if (!panel.realServersOnly && !(result.data?.result.length ?? 0)) blank.push(`${panel.name}: ${panel.expr}`);
          }
          return blank.length === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1_000 },
      ).catch(() => undefined);
      expect(blank).toEqual([]);
    }, 240_000);
  },
);
