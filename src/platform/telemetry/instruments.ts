import { metrics, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import { QUEUES, TOPICS } from '../messaging/messaging.ports';

/** Every topic and queue of the platform (messaging.ports.ts): the only destination label values. */
const DESTINATIONS = [...Object.values(TOPICS), ...Object.values(QUEUES)];

/**
 * The platform's own instruments, declared in one place so their names, units and labels are
 * reviewed together (and tested: no label may carry an unbounded value, such as an id, an email
 * or a client-chosen string). Names follow OpenTelemetry's conventions (dot-separated, the unit
 * in `unit`); the Prometheus exporter turns `logisynapse.shipments.created` into
 * `logisynapse_shipments_created_total` and a duration in seconds into `..._seconds`.
 *
 * Each label's values are listed here: recording a value that is not listed is a bug that the
 * unit test of each call site catches, and `boundedLabel` maps anything else to `other` so a
 * mistake can never explode a series count in production.
 */
export const LABEL_VALUES = {
  outcome: ['ok', 'error', 'rejected', 'retryable', 'permanent'],
  carrier: ['sandbox', 'shippo'],
  'carrier.operation': ['purchase_label', 'void_label'],
  'activity.name': [
    'callShippoApi',
    'saveShipmentToDb',
    'publishShipmentCreated',
    'queueWelcomeEmail',
    'markShipmentFailed',
    'voidLabel',
  ],
  'status_update.outcome': ['applied', 'recorded', 'duplicate', 'unknown_tracking_number', 'malformed'],
  'tracking.status': ['PRE_TRANSIT', 'TRANSIT', 'DELIVERED', 'RETURNED', 'FAILURE', 'UNKNOWN'],
  'email.template': ['welcome'],
  'graphql.operation.type': ['query', 'mutation', 'subscription'],
  // The platform's own topics and queues.
  'messaging.destination.name': DESTINATIONS,
  'dead_letter.source': DESTINATIONS,
  // The consumer groups of the platform's subscriptions (each module its own).
  'messaging.consumer.group.name': ['shipments'],
  // The gRPC services this code serves (their @GrpcMethod), and gRPC's status names.
  'rpc.service': ['ShipmentService', 'NotificationService', 'AuthorizationService'],
  'rpc.method': [
    'CreateShipment', 'GetShipment', 'ListShipments', 'CancelShipment', 'UpdateShipmentStatus',
    'BatchGetTrackingEvents', 'BatchGetNotifications', 'Authorize',
  ],
  'rpc.grpc.status_code': [
    'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
    'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
    'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
  ],
} as const satisfies Record<string, readonly string[]>;

export type LabelName = keyof typeof LABEL_VALUES;

/** A listed value of `label`, or `other`. */
export function boundedLabel(label: LabelName, value: string): string {
  return (LABEL_VALUES[label] as readonly string[]).includes(value) ? value : 'other';
}

/** Attributes whose every value is a listed one. */
export function boundedAttributes(attributes: Partial<Record<LabelName, string>>): Attributes {
  const out: Attributes = {};
  for (const [label, value] of Object.entries(attributes) as [LabelName, string][]) out[label] = boundedLabel(label, value);
  return out;
}

/**
 * The label a business counter carries for its tenant, only when an operator listed tenants in
 * METRICS_TENANT_LABELS (config): the listed ids as themselves, every other tenant as `other`.
 * Set once by the composition root; unset (the default), no series carries a tenant.
 */
export const TENANT_LABEL = 'logisynapse.tenant_id';
let labelledTenants: ReadonlySet<string> = new Set();

/** The tenants whose business counters are kept apart (METRICS_TENANT_LABELS); none by default. */
export function labelTenantsInMetrics(tenantIds: readonly string[]): void {
  labelledTenants = new Set(tenantIds.map((id) => id.toLowerCase()));
}

/** `attributes` with the tenant label when tenants are labelled (see TENANT_LABEL), else as they are. */
export function withTenant(tenantId: string | null | undefined, attributes: Attributes = {}): Attributes {
  if (labelledTenants.size === 0) return attributes;
  const id = tenantId?.toLowerCase();
  return { ...attributes, [TENANT_LABEL]: id !== undefined && labelledTenants.has(id) ? id : 'other' };
}

/**
 * Every instrument, with the labels it may carry. `perTenant` marks the business counters that
 * carry TENANT_LABEL when an operator asked for it (withTenant).
 */
export const INSTRUMENTS = {
  shipmentsCreated: { kind: 'counter', name: 'logisynapse.shipments.created', unit: '{shipment}', labels: [], perTenant: true, description: 'Shipment requests accepted (a new workflow started; repeats of an idempotency key are not counted)' },
  shipmentsLabelled: { kind: 'counter', name: 'logisynapse.shipments.labelled', unit: '{shipment}', labels: [], perTenant: true, description: 'Shipments whose bought label was recorded' },
  shipmentsFailed: { kind: 'counter', name: 'logisynapse.shipments.failed', unit: '{shipment}', labels: [], perTenant: true, description: 'Shipments that ended FAILED' },
  shipmentsDelivered: { kind: 'counter', name: 'logisynapse.shipments.delivered', unit: '{shipment}', labels: [], perTenant: true, description: 'Carrier DELIVERED updates applied to a shipment' },
  statusUpdates: { kind: 'counter', name: 'logisynapse.status_updates', unit: '{update}', labels: ['status_update.outcome'], perTenant: true, description: 'Carrier status updates consumed, by what became of them' },
  emailsSent: { kind: 'counter', name: 'logisynapse.emails.sent', unit: '{email}', labels: ['email.template'], perTenant: true, description: 'Emails handed to the email sender' },
  carrierRequestDuration: { kind: 'histogram', name: 'logisynapse.carrier.request.duration', unit: 's', labels: ['carrier', 'carrier.operation', 'outcome'], description: 'Calls to a carrier, by carrier, operation and outcome' },
  activityDuration: { kind: 'histogram', name: 'logisynapse.workflow.activity.duration', unit: 's', labels: ['activity.name', 'outcome'], description: 'Workflow activity attempts (each retry is one), by activity and outcome' },
  eventLogPublishDuration: { kind: 'histogram', name: 'logisynapse.event_log.publish.duration', unit: 's', labels: ['messaging.destination.name', 'outcome'], description: 'Events published to the event log (Kafka or the embedded log), by topic and outcome' },
  eventLogProcessDuration: { kind: 'histogram', name: 'logisynapse.event_log.process.duration', unit: 's', labels: ['messaging.destination.name', 'outcome'], description: 'Batches of events handled by a consumer, by topic and outcome (an error is redelivered)' },
  eventLogConsumedMessages: { kind: 'counter', name: 'logisynapse.event_log.consumed', unit: '{message}', labels: ['messaging.destination.name', 'outcome'], description: 'Events handed to a consumer, by topic and the outcome of their batch' },
  taskQueueEnqueueDuration: { kind: 'histogram', name: 'logisynapse.task_queue.enqueue.duration', unit: 's', labels: ['messaging.destination.name', 'outcome'], description: 'Tasks put on a task queue (RabbitMQ or the embedded queue), by queue and outcome' },
  taskQueueProcessDuration: { kind: 'histogram', name: 'logisynapse.task_queue.process.duration', unit: 's', labels: ['messaging.destination.name', 'outcome'], description: 'Tasks handled, by queue and outcome (an error is redelivered, then dead-lettered)' },
  deadLetters: { kind: 'counter', name: 'logisynapse.dead_letters', unit: '{message}', labels: ['dead_letter.source'], description: 'Messages set aside as dead letters, by the topic or queue they came from' },
  rpcServerDuration: { kind: 'histogram', name: 'rpc.server.duration', unit: 's', labels: ['rpc.service', 'rpc.method', 'rpc.grpc.status_code'], description: 'gRPC calls served, by service, method and status (OpenTelemetry semantic conventions)' },
  rpcClientDuration: { kind: 'histogram', name: 'rpc.client.duration', unit: 's', labels: ['rpc.service', 'rpc.method', 'rpc.grpc.status_code'], description: 'gRPC calls made to another module\'s process, by service, method and status (OpenTelemetry semantic conventions)' },
  graphqlRequestDuration: { kind: 'histogram', name: 'logisynapse.graphql.request.duration', unit: 's', labels: ['graphql.operation.type', 'outcome'], description: 'GraphQL operations executed, by operation type and outcome (never by the client-chosen operation name or the query text)' },
} as const satisfies Record<string, { kind: 'counter' | 'histogram'; name: string; unit: string; labels: readonly LabelName[]; perTenant?: true; description: string }>;

/**
 * Gauges read at each collection (a scrape): how far behind the consumers are (observed by
 * `observeBacklog`, only where a real broker can say), and whether the process is ready.
 */
export const GAUGES = {
  consumerLag: { name: 'logisynapse.event_log.consumer.lag', unit: '{message}', labels: ['messaging.destination.name', 'messaging.consumer.group.name'], description: 'Messages of a topic that its consumer group has not committed yet (Kafka: high watermark minus committed offset, summed over partitions)' },
  ready: { name: 'logisynapse.ready', unit: '1', labels: [], description: 'Whether the process is ready to serve: 1 when every readiness check of /health/ready answers in time, else 0' },
  taskQueueDepth: { name: 'logisynapse.task_queue.depth', unit: '{task}', labels: ['messaging.destination.name'], description: 'Tasks waiting in a queue, not yet delivered to a consumer (RabbitMQ: the queue\'s ready messages)' },
} as const satisfies Record<string, { name: string; unit: string; labels: readonly LabelName[]; description: string }>;

type InstrumentKey = keyof typeof INSTRUMENTS;
export type Instruments = { [K in InstrumentKey]: (typeof INSTRUMENTS)[K]['kind'] extends 'counter' ? Counter : Histogram };

/** Latency buckets for calls that take milliseconds to seconds (the default buckets end at 10 s and start at 5 ms). */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

let instruments: Instruments | null = null;

/** The instruments on `meter` (tests pass one of their own provider). */
export function createPlatformMetrics(meter: Meter): Instruments {
  const created: Partial<Record<InstrumentKey, Counter | Histogram>> = {};
  for (const [key, spec] of Object.entries(INSTRUMENTS) as [InstrumentKey, (typeof INSTRUMENTS)[InstrumentKey]][]) {
    created[key] =
      spec.kind === 'counter'
        ? meter.createCounter(spec.name, { unit: spec.unit, description: spec.description })
        : meter.createHistogram(spec.name, { unit: spec.unit, description: spec.description, advice: { explicitBucketBoundaries: SECONDS_BUCKETS } });
  }
  return created as Instruments;
}

/**
 * The instruments, created on first use from the global meter provider: the real one once
 * telemetry started (main.ts), a no-op one in unit tests that start none.
 */
export function platformMetrics(): Instruments {
  instruments ??= createPlatformMetrics(metrics.getMeter('logisynapse'));
  return instruments;
}

/** A failed run's error (wrapped, so a rejection with `undefined` still counts as a failure), or null. */
export type Failure = { error: unknown } | null;

/** Runs `work`, then `record`s its duration in seconds and whether (and how) it failed; errors pass through. */
export async function timed<T>(work: () => Promise<T>, record: (seconds: number, failure: Failure) => void): Promise<T> {
  const startedAt = performance.now();
  let failure: Failure = null;
  try {
    return await work();
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    record(secondsSince(startedAt), failure);
  }
}

/** Seconds since `startedAt` (a `performance.now()` reading). */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
