import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeShippoServer } from '../contracts/fake-shippo-server';
import { AppProcess } from '../support/app-process';
import { dashboardExpressions } from '../support/dashboards';
import { e2eTargets } from '../support/e2e-targets';
import { realServerOrSkip } from '../support/embedded-postgres';
import { eventually } from '../support/poll';
import { parentOf, spanNamed, tagOf, tracedEnv, tracesOfShipment as tracesOf, type JaegerSpan } from '../support/jaeger';
import { freePort } from '../support/ports';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput, trackUpdated } from '../support/shipment-fixtures';
import { SplitDeployment } from '../support/split-deployment';

const real = e2eTargets().find((t) => t.name === 'real servers')!;
/** The servers of the real-server runs, and the trace store. */
const REAL_SERVERS = ['DATABASE_TEST_URL', 'KAFKA_BROKERS', 'AMQP_URL', 'TEMPORAL_ADDRESS', 'OPA_URL', 'JAEGER_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/**
 * One createShipment is one trace in Jaeger (`npm run infra:up`), from the GraphQL request over
 * the workflow engine (Temporal), the carrier's HTTP call, Kafka and RabbitMQ to the email
 * consumer; a later carrier webhook is a trace of its own, linked to the shipment by its id.
 * The spans are asked of Jaeger's own HTTP API, as its UI asks them.
 */
realServerOrSkip([...REAL_SERVERS, 'PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR'], 'the real servers, Jaeger and Prometheus (`npm run infra:up`)')(
  'one trace per shipment, across the workflow engine and the brokers (Jaeger), and their metrics (Prometheus)',
  ({ JAEGER_URL: jaeger, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, PROMETHEUS_URL: prometheus, PROMETHEUS_TARGETS_DIR: targetsDir }) => {
    const run = randomUUID().slice(0, 8);
    const service = `logisynapse-e2e-${run}`;
    const targetFile = join(targetsDir, `e2e-traced-${run}.json`);
    const shippo = new FakeShippoServer(`shippo_test_${randomUUID()}`);
    let app: AppProcess;
    let temporalMetricsPort: number;

    beforeAll(async () => {
      await shippo.start();
      temporalMetricsPort = await freePort();
      app = await AppProcess.start({
        TEMPORAL_METRICS_PORT: String(temporalMetricsPort),
        ...real.env,
        SHIPPO_API_KEY: shippo.apiKey,
        SHIPPO_BASE_URL: shippo.baseUrl,
        ...tracedEnv(service, otlp),
      });
      writeFileSync(
        targetFile,
        JSON.stringify([{ targets: [`127.0.0.1:${app.metricsPort}`, `127.0.0.1:${temporalMetricsPort}`], labels: { test_run: run } }]),
      );
    }, 90_000);

    afterAll(async () => {
      rmSync(targetFile, { force: true });
      await app?.stop();
      app?.dispose();
      await shippo.stop();
    });

    const tracesOfShipment = (shipmentId: string) => tracesOf(jaeger, service, shipmentId);
    const tag = tagOf;

    let shipment: { id: string; trackingNumber: string };
    let creds: Awaited<ReturnType<AppProcess['newTenant']>>;
    let creationTraceId: string;

    it('has every hop of createShipment in one trace, each span under its caller', async () => {
      creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const created = await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput(`traced-${randomUUID()}`) });
      const shipmentId = created.data!.createShipment.id;

      // The email consumer's span ends last: wait until it is in the shipment's trace.
      const t = await eventually(
        'the trace of the shipment, up to the email consumer',
        async () => {
          const [found, ...others] = await tracesOfShipment(shipmentId);
          if (others.length) throw new Error(`the shipment is in ${others.length + 1} traces`);
          return found?.spans.some((s) => / process$/.test(s.operationName) && s.operationName.includes('email')) ? found : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      creationTraceId = t.traceID;

      // GraphQL operation under the HTTP request, and the workflow started from its resolver.
      const root = t.spans.filter((s) => !parentOf(t, s));
      expect(root.map((s) => s.operationName)).toEqual(['POST']);
      expect(root[0]!.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'url.path', value: '/graphql' })]));
      const resolver = spanNamed(t, 'graphql.resolve createShipment');
      expect(parentOf(t, resolver)?.operationName).toBe('mutation Create');
      const start = spanNamed(t, 'StartWorkflow:CreateShipmentWorkflow');
      expect(parentOf(t, start)).toBe(resolver);
      const run = spanNamed(t, 'RunWorkflow:CreateShipmentWorkflow');
      expect(parentOf(t, run)).toBe(start);

      // Each activity: scheduled by the run (in the sandbox), executed by the worker under it.
      const executed: Record<string, JaegerSpan> = {};
      for (const activity of ['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']) {
        const scheduled = spanNamed(t, `StartActivity:${activity}`);
        expect(parentOf(t, scheduled)).toBe(run);
        executed[activity] = spanNamed(t, `RunActivity:${activity}`);
        expect(parentOf(t, executed[activity]!)).toBe(scheduled);
        expect(tag(executed[activity]!, 'logisynapse.shipment_id')).toBe(shipmentId);
      }

      // The carrier's HTTP calls (Shippo's API: rates, then the transaction), the database write,
      // the Kafka produce, the RabbitMQ publish and its consumer.
      const carrierCalls = t.spans.filter((s) => parentOf(t, s) === executed.callShippoApi && tag(s, 'span.kind') === 'client');
      expect(carrierCalls.map((s) => String(tag(s, 'url.full'))).every((url) => url.startsWith(shippo.baseUrl))).toBe(true);
      expect(carrierCalls.map((s) => new URL(String(tag(s, 'url.full'))).pathname)).toEqual(expect.arrayContaining(['/shipments', '/transactions']));
      expect(t.spans.some((s) => parentOf(t, s) === executed.saveShipmentToDb && s.operationName.startsWith('pg.query:INSERT'))).toBe(true);
      const produce = spanNamed(t, /^send .*shipment\.created$/);
      expect(parentOf(t, produce)).toBe(executed.publishShipmentCreated);
      expect(tag(produce, 'messaging.system')).toBe('kafka');
      const publish = spanNamed(t, /^publish /);
      expect(parentOf(t, publish)).toBe(executed.queueWelcomeEmail);
      expect(tag(publish, 'messaging.system')).toBe('rabbitmq');
      const consume = spanNamed(t, /tasks\.email\.send process$/);
      expect(parentOf(t, consume)).toBe(publish);
      expect(t.spans.some((s) => parentOf(t, s) === consume && s.operationName.startsWith('pg.query:INSERT'))).toBe(true);
      // Every span is one process's (this app's), none lost its parent.
      expect(new Set(t.spans.map((s) => t.processes[s.processID]!.serviceName))).toEqual(new Set([service]));
      for (const s of t.spans) if (s !== root[0]) expect(parentOf(t, s)).toBeDefined();

      // The logs of the request and of the email carry the trace's id: from a line to its trace.
      const lines = app.jsonLogs().filter((l) => l.trace_id === t.traceID);
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['request completed', 'email sent']));

      const got = await app.graphql<{ shipment: { id: string; trackingNumber: string } }>(token, GET_SHIPMENT, { id: shipmentId });
      shipment = got.data!.shipment;
    }, 60_000);

    it('makes a carrier webhook its own trace, through Kafka to the status consumer, linked to the shipment by its id', async () => {
      const res = await fetch(`${app.baseUrl}/webhooks/carrier-tracking`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-token': creds.webhookToken },
        body: JSON.stringify(trackUpdated(shipment.trackingNumber, 'TRANSIT', new Date().toISOString())),
      });
      expect(res.status).toBeLessThan(300);
      const t = await eventually(
        'the webhook trace, tagged with the shipment',
        async () => (await tracesOfShipment(shipment.id)).find((x) => x.traceID !== creationTraceId),
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const root = t.spans.filter((s) => !parentOf(t, s));
      expect(root.map((s) => s.operationName)).toEqual(['POST']);
      expect(root[0]!.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'url.path', value: '/webhooks/carrier-tracking' })]));
      const produce = spanNamed(t, /^send .*carrier\.status\.updates$/);
      expect(parentOf(t, produce)?.operationName).toBe('request handler - /webhooks/carrier-tracking');
      // The status consumer's span is under the produce of the webhook's event, names the
      // shipment, and holds the update's queries.
      const consumer = spanNamed(t, /carrier\.status\.updates process$/);
      expect(parentOf(t, consumer)).toBe(produce);
      expect(tag(consumer, 'logisynapse.shipment_id')).toBe(shipment.id);
      expect(tag(consumer, 'messaging.consumer.group.name')).toBe('shipments');
      expect(t.spans.some((s) => parentOf(t, s) === consumer && s.operationName.startsWith('pg.query:UPDATE'))).toBe(true);
    }, 60_000);

    it("has the HTTP, GraphQL, database, Kafka, RabbitMQ and workflow series in Prometheus, Temporal's SDK metrics and the brokers' backlog among them", async () => {
      const series = async (selector: string): Promise<number> => {
        const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(`count(${selector})`)}`);
        const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
        return Number(body.data.result[0]?.value[1] ?? 0);
      };
      const expected = [
        'http_server_request_duration_count',
        'logisynapse_graphql_request_duration_count',
        'db_client_operation_duration_count',
        'db_client_connection_count',
        'logisynapse_event_log_publish_duration_count{messaging_destination_name="shipment.created"}',
        'logisynapse_event_log_consumed_total{messaging_destination_name="carrier.status.updates"}',
        'logisynapse_event_log_consumer_lag{messaging_destination_name="carrier.status.updates",messaging_consumer_group_name="shipments"}',
        'logisynapse_task_queue_enqueue_duration_count{messaging_destination_name="tasks.email.send"}',
        'logisynapse_task_queue_depth{messaging_destination_name="tasks.email.send"}',
        'logisynapse_workflow_activity_duration_count{activity_name="callShippoApi"}',
        'logisynapse_shipments_created_total',
        'logisynapse_carrier_request_duration_count{carrier="shippo"}',
        // Temporal's native core, through its Runtime's Prometheus option
        '{__name__=~"temporal_.+"}',
      ].map((selector) => selector.replace(/(\{|$)/, (m) => (m === '{' ? `{test_run="${run}",` : `{test_run="${run}"}`)).replace(',}', '}'));
      const found = await eventually(
        'every series scraped',
        async () => {
          const counts = await Promise.all(expected.map(async (selector) => [selector, await series(selector)] as const));
          return counts.every(([, n]) => n > 0) ? counts : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000 },
      ).catch(async (error: unknown) => {
        const counts = await Promise.all(expected.map(async (selector) => `${selector}: ${await series(selector)}`));
        throw new Error(`${String(error)}\n${counts.join('\n')}`);
      });
      expect(found.length).toBe(expected.length);

      // The dashboard panels that only a real-server deployment fills (backlog gauges, Temporal's SDK) show data.
      const panels = dashboardExpressions().filter((p) => p.realServersOnly);
      expect(panels.length).toBeGreaterThanOrEqual(4);
      await eventually(
        'every real-server dashboard panel to show data',
        async () => {
          const blank: string[] = [];
          for (const panel of panels) {
            const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(panel.expr)}`);
            const body = (await res.json()) as { status: string; data?: { result: unknown[] } };
            expect({ panel: panel.name, status: body.status }).toEqual({ panel: panel.name, status: 'success' });
            if (!body.data?.result.length) blank.push(panel.name);
          }
          return blank.length === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 1000 },
      );
    }, 90_000);
  },
);

/**
 * The embedded defaults (DBOS on PGlite, pg-boss) trace too: DBOS's workflow and step spans go
 * through the app's tracer provider, under the request that started the workflow.
 */
realServerOrSkip(['JAEGER_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'], 'Jaeger (`npm run infra:up`)')(
  'the embedded engine in the trace of its request (Jaeger)',
  ({ JAEGER_URL: jaeger, OTEL_EXPORTER_OTLP_ENDPOINT: otlp }) => {
    const service = `logisynapse-e2e-embedded-${randomUUID().slice(0, 8)}`;
    let app: AppProcess;

    beforeAll(async () => {
      app = await AppProcess.start(tracedEnv(service, otlp));
    }, 90_000);

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it("has DBOS's workflow and its steps under the createShipment resolver, and the email consumer", async () => {
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const created = await app.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput(`traced-${randomUUID()}`) });
      const shipmentId = created.data!.createShipment.id;
      const t = await eventually(
        'the shipment trace, up to the email step',
        async () => {
          const [found] = await tracesOf(jaeger, service, shipmentId);
          return found?.spans.some((s) => s.operationName === 'process tasks.email.send') ? found : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const byName = (name: string) => t.spans.find((s) => s.operationName === name);
      const parentName = (name: string) => {
        const span = byName(name);
        return span && parentOf(t, span)?.operationName;
      };
      expect(parentName('CreateShipmentWorkflow')).toBe('graphql.resolve createShipment');
      for (const step of ['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']) {
        expect(parentName(step)).toBe('CreateShipmentWorkflow');
        expect(tagOf(byName(step)!, 'logisynapse.shipment_id')).toBe(shipmentId);
      }
      // pg-boss keeps each job's trace context: the email consumer is in the shipment's trace.
      expect(parentName('send tasks.email.send')).toBe('queueWelcomeEmail');
      expect(parentName('process tasks.email.send')).toBe('send tasks.email.send');
    }, 60_000);
  },
);

/**
 * In a split deployment the trace crosses the gRPC hop: the gateway's process calls the
 * shipments module's over gRPC, and the workflow starts under that call's server span.
 */
realServerOrSkip(REAL_SERVERS, 'the real servers and Jaeger (`npm run infra:up`)')(
  'one trace per shipment across two processes (Jaeger)',
  ({ JAEGER_URL: jaeger, OTEL_EXPORTER_OTLP_ENDPOINT: otlp }) => {
    const service = `logisynapse-e2e-split-${randomUUID().slice(0, 8)}`;
    let platform: SplitDeployment;

    beforeAll(async () => {
      platform = await SplitDeployment.start({ ...real.env, ...tracedEnv(service, otlp) });
    }, 120_000);

    afterAll(async () => {
      await platform?.stop();
      platform?.dispose();
    });

    it('has the gRPC call from the gateway to the shipments module, and the workflow under its server span', async () => {
      const creds = await platform.newTenant();
      const token = await platform.token(creds.clientId, creds.clientSecret);
      const created = await platform.graphql<{ createShipment: { id: string } }>(token, CREATE_SHIPMENT, { input: shipmentInput(`traced-${randomUUID()}`) });
      const shipmentId = created.data!.createShipment.id;
      const t = await eventually(
        'the shipment trace, up to the email consumer',
        async () => {
          const [found] = await tracesOf(jaeger, service, shipmentId);
          return found?.spans.some((s) => / process$/.test(s.operationName) && s.operationName.includes('email')) ? found : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const parent = (span: JaegerSpan) => parentOf(t, span);
      const kind = (span: JaegerSpan) => tagOf(span, 'span.kind');
      const rpc = t.spans.filter((s) => s.operationName.endsWith('ShipmentService/CreateShipment'));
      const client = rpc.find((s) => kind(s) === 'client')!;
      const server = rpc.find((s) => kind(s) === 'server')!;
      expect(parent(server)).toBe(client);
      expect(parent(client)?.operationName).toBe('graphql.resolve createShipment');
      // two processes: the client's span is the gateway's, the server's the shipments module's
      expect(client.processID).not.toBe(server.processID);
      const start = t.spans.find((s) => s.operationName === 'StartWorkflow:CreateShipmentWorkflow')!;
      let up: JaegerSpan | undefined = start;
      while (up && up !== server) up = parent(up);
      expect(up).toBe(server);
      expect(t.spans.some((s) => s.operationName === 'RunActivity:callShippoApi')).toBe(true);
    }, 60_000);
  },
);
