import { randomUUID } from 'node:crypto';
import { AppProcess } from '../support/app-process';
import { realServerOrSkip } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { tracedGraphqlRequestLine } from '../support/traced-request-line';
import { CREATE_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';

/**
 * Logs shipped to the log store of `infra:up` (VictoriaLogs, over OTLP) and found there by the
 * trace id a log line printed: an operator goes from a request's line to every line of its
 * trace. No secret of the request (its token) is in what was shipped.
 */
realServerOrSkip(['VICTORIA_LOGS_URL', 'VICTORIA_LOGS_OTLP_LOGS_URL'], 'VictoriaLogs (`npm run infra:up`)')(
  'logs in the log store, searchable by trace id',
  ({ VICTORIA_LOGS_URL: store, VICTORIA_LOGS_OTLP_LOGS_URL: otlpLogs }) => {
    const service = `logisynapse-e2e-${randomUUID().slice(0, 8)}`;
    let app: AppProcess;

    const logsql = async (query: string): Promise<Record<string, string>[]> => {
      const res = await fetch(`${store}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query, limit: '100' }) });
      expect(res.status).toBe(200);
      return (await res.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, string>);
    };

    beforeAll(async () => {
      app = await AppProcess.start({ OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: otlpLogs, OTEL_BLRP_SCHEDULE_DELAY: '200' });
    }, 90_000);

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it("finds a GraphQL request's lines by the trace id its log line carries", async () => {
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      await app.graphql(token, CREATE_SHIPMENT, { input: shipmentInput('logged-1') });
      const line = await tracedGraphqlRequestLine(app);
      const traceId = String(line.trace_id);
      const found = await eventually(
        'the line in the log store',
        async () => {
          const rows = await logsql(`trace_id:"${traceId}"`);
          return rows.some((r) => r._msg === 'request completed') ? rows : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250 },
      );
      expect(found.every((r) => r.trace_id === traceId && r['service.name'] === service)).toBe(true);
      // Everything this process shipped is there under its service name, and none carries the token.
      const all = await logsql(`"service.name":"${service}"`);
      expect(all.length).toBeGreaterThan(found.length);
      expect(JSON.stringify(all)).not.toContain(token);
      expect(JSON.stringify(all)).not.toContain(creds.clientSecret);
    }, 60_000);
  },
);
