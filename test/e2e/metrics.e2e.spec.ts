import { AppProcess } from '../support/app-process';
import { shipmentServiceClient } from '../support/grpc-client';
import { e2eTargets } from '../support/e2e-targets';
import { eventually } from '../support/poll';
import { parsePrometheusText, total, type Sample } from '../support/prometheus-text';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';

interface ShipmentData {
  id: string;
  status: string;
  notifications: { template: string }[];
}

/**
 * GET /metrics on METRICS_PORT, on the built app: after one shipment's journey, the business
 * counters, the workflow's activity attempts, the carrier's calls, the GraphQL and HTTP requests
 * and the database calls are there, and no label carries an id, an email or a token.
 */
for (const target of e2eTargets()) {
  target.describe(`metrics at /metrics (${target.name})`, () => {
    let app: AppProcess;

    beforeAll(async () => {
      app = await AppProcess.start({ ...target.env, CARRIER_SANDBOX_JOURNEY_STEP_MS: '100' });
    }, 90_000);

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    const scrape = async (): Promise<Sample[]> => {
      const res = await fetch(`http://127.0.0.1:${app.metricsPort}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      return parsePrometheusText(await res.text());
    };

    it('counts a shipment from created to delivered, with the requests and calls that carried it', async () => {
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('metrics-1') });
      const id = created.data!.createShipment.id;
      // A repeat of the idempotency key is the same shipment: not counted again.
      await app.graphql(token, CREATE_SHIPMENT, { input: shipmentInput('metrics-1') });
      await eventually(
        'the shipment delivered, with its welcome email',
        async () => {
          const s = (await app.graphql<{ shipment: ShipmentData }>(token, GET_SHIPMENT, { id })).data?.shipment;
          return s?.status === 'DELIVERED' && s.notifications.length === 1 ? s : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );

      // Two gRPC calls: one answered, one NOT_FOUND.
      const grpc = shipmentServiceClient(`127.0.0.1:${app.grpcPort}`);
      try {
        await grpc.call('ListShipments', { first: 5 }, token);
        await expect(grpc.call('GetShipment', { id: '00000000-0000-4000-8000-000000000000' }, token)).rejects.toMatchObject({ code: 5 });
      } finally {
        grpc.close();
      }

      const samples = await eventually(
        'the delivery counted',
        async () => {
          const all = await scrape();
          return total(all, 'logisynapse_shipments_delivered_total') >= 1 && total(all, 'logisynapse_emails_sent_total') >= 1 ? all : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(total(samples, 'logisynapse_shipments_created_total')).toBe(1);
      expect(total(samples, 'logisynapse_shipments_labelled_total')).toBe(1);
      expect(total(samples, 'logisynapse_shipments_delivered_total')).toBe(1);
      expect(total(samples, 'logisynapse_shipments_failed_total')).toBe(0);
      expect(total(samples, 'logisynapse_emails_sent_total', { email_template: 'welcome' })).toBe(1);
      expect(total(samples, 'logisynapse_status_updates_total', { status_update_outcome: 'applied' })).toBeGreaterThanOrEqual(1);
      for (const activity of ['callShippoApi', 'saveShipmentToDb', 'publishShipmentCreated', 'queueWelcomeEmail']) {
        expect(total(samples, 'logisynapse_workflow_activity_duration_count', { activity_name: activity, outcome: 'ok' })).toBe(1);
      }
      expect(total(samples, 'logisynapse_carrier_request_duration_count', { carrier: 'sandbox', carrier_operation: 'purchase_label', outcome: 'ok' })).toBe(1);
      // createTenant (newTenant), then createShipment twice.
      expect(total(samples, 'logisynapse_graphql_request_duration_count', { graphql_operation_type: 'mutation', outcome: 'ok' })).toBe(3);
      expect(total(samples, 'logisynapse_graphql_request_duration_count', { graphql_operation_type: 'query' })).toBeGreaterThanOrEqual(1);
      expect(total(samples, 'http_server_request_duration_count', { http_request_method: 'POST', http_response_status_code: '200' })).toBeGreaterThanOrEqual(3);
      expect(total(samples, 'db_client_operation_duration_count')).toBeGreaterThan(0);
      expect(total(samples, 'rpc_server_duration_count', { rpc_service: 'ShipmentService', rpc_method: 'ListShipments', rpc_grpc_status_code: 'OK' })).toBe(1);
      expect(total(samples, 'rpc_server_duration_count', { rpc_service: 'ShipmentService', rpc_method: 'GetShipment', rpc_grpc_status_code: 'NOT_FOUND' })).toBe(1);
      // The event log and the task queue, per topic and queue, whichever adapters run.
      expect(total(samples, 'logisynapse_event_log_publish_duration_count', { messaging_destination_name: 'shipment.created', outcome: 'ok' })).toBe(1);
      expect(total(samples, 'logisynapse_event_log_consumed_total', { messaging_destination_name: 'carrier.status.updates', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(total(samples, 'logisynapse_task_queue_enqueue_duration_count', { messaging_destination_name: 'tasks.email.send', outcome: 'ok' })).toBe(1);
      expect(total(samples, 'logisynapse_task_queue_process_duration_count', { messaging_destination_name: 'tasks.email.send', outcome: 'ok' })).toBe(1);

      // Bounded labels only: no id, email, token or tracking number in any label value.
      const values = samples.flatMap((s) => Object.entries(s.labels).filter(([k]) => !k.startsWith('process_')).map(([, v]) => v));
      for (const value of values) {
        expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
        expect(value).not.toMatch(/\w@\w|Bearer|eyJ|SBX\d{6}/);
      }
      expect(values.join('\n')).not.toContain(id);
    }, 120_000);
  });
}
