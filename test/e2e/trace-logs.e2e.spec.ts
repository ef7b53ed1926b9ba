import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppProcess } from '../support/app-process';
import { eventually } from '../support/poll';
import { tracedGraphqlRequestLine } from '../support/traced-request-line';
import { CREATE_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';

interface Received {
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set, the app exports traces and metrics over OTLP/HTTP, and
 * its log lines made while serving a request carry that request's trace_id and span_id: the
 * trace id of a logged GraphQL request is in an exported batch of spans. The endpoint is a
 * loopback HTTP server of the test that keeps what it is sent (no collector is needed to see
 * that the export happens and what it carries).
 */
describe('trace ids in logs, traces and metrics over OTLP', () => {
  let sink: Server;
  const received: Received[] = [];
  let app: AppProcess;

  beforeAll(async () => {
    sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const { port } = sink.address() as AddressInfo;
    app = await AppProcess.start({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    });
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    app?.dispose();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  });

  it('a logged GraphQL request has a trace_id, and that trace is exported', async () => {
    const creds = await app.newTenant();
    const token = await app.token(creds.clientId, creds.clientSecret);
    await app.graphql(token, CREATE_SHIPMENT, { input: shipmentInput('traced-1') });
    const line = await tracedGraphqlRequestLine(app);
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    // The span ids travel as raw bytes in the protobuf batch.
    const traceBytes = Buffer.from(String(line.trace_id), 'hex');
    await eventually(
      'the trace exported to /v1/traces',
      async () => (received.some((r) => r.path === '/v1/traces' && r.body.includes(traceBytes)) ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    await eventually('metrics exported to /v1/metrics', async () => (received.some((r) => r.path === '/v1/metrics') ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    expect(received.find((r) => r.path === '/v1/traces')?.contentType).toBe('application/x-protobuf');
  }, 60_000);
});
