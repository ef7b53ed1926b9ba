/**
 * Which adapter serves each port, as data: one discriminated union per port, chosen from the
 * environment once, here, and validated with the rest of the config (ADR 0043). Each port's
 * factory switches on `kind` exhaustively, so a new adapter is a new member here and a new case
 * there, and no module reads the environment itself.
 */

/** The platform database: PGlite in this process, or a PostgreSQL server (three roles, ADR 0013). */
export type DatabaseAdapter =
  | { kind: 'pglite' }
  | { kind: 'postgres'; url: string; ownerUrl: string | null; engineUrl: string | null };

/**
 * The workflow engine: DBOS Transact on the platform database, or Temporal. `metricsPort`
 * (TEMPORAL_METRICS_PORT, default off): where the SDK's own metrics are served for Prometheus, on
 * HOST. `isolateTimeoutMs` (TEMPORAL_WORKFLOW_ISOLATE_TIMEOUT_MS, default off): the longest one
 * call into the workflow sandbox may run; off spares Node a thread per call (ADR 0038).
 */
export type WorkflowEngineAdapter =
  | { kind: 'dbos' }
  | { kind: 'temporal'; address: string; namespace: string; taskQueue: string; metricsPort: number | null; isolateTimeoutMs: number | null };

/** The event log: pg-boss on the platform database, or Kafka (topics under KAFKA_TOPIC_PREFIX). */
export type EventLogAdapter = { kind: 'pg-boss' } | { kind: 'kafka'; brokers: string[]; topicPrefix: string };

/** The task queue: pg-boss on the platform database, or RabbitMQ (queues under AMQP_QUEUE_PREFIX). */
export type TaskQueueAdapter = { kind: 'pg-boss' } | { kind: 'rabbitmq'; url: string; queuePrefix: string };

/** The carrier: the sandbox (no account), or Shippo with SHIPPO_API_KEY. */
export type CarrierAdapter =
  | {
      kind: 'sandbox';
      latencyMs: number;
      failureRate: number;
      journeyStepMs: number;
      /** Seeds the sandbox's failure draws, so a test run fails the same calls every time. */
      seed: number | null;
    }
  | { kind: 'shippo'; apiKey: string; baseUrl: string };

/** Where emails go: the log (a JSON line per email). SMTP_URL names the SMTP adapter, which this build does not have yet. */
export type EmailSenderAdapter = { kind: 'log' };

/** The policy engine: CASL in-process, or OPA over its REST API. */
export type PolicyEngineAdapter = { kind: 'casl' } | { kind: 'opa'; url: string };

export interface AdapterConfig {
  database: DatabaseAdapter;
  workflowEngine: WorkflowEngineAdapter;
  eventLog: EventLogAdapter;
  taskQueue: TaskQueueAdapter;
  carrier: CarrierAdapter;
  emailSender: EmailSenderAdapter;
  policyEngine: PolicyEngineAdapter;
}

/** For an exhaustive switch: a member of a union that no case took is a compile error here. */
export function unknownAdapter(choice: never): never {
  throw new Error(`unknown adapter ${JSON.stringify(choice)}`);
}
