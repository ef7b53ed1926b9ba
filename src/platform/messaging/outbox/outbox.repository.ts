import type { DataSource, EntityManager } from 'typeorm';
import type { EventMessage } from '../messaging.ports';
import { traceHeaders } from '../../telemetry/message-spans';

/** A row of `outbox_messages` the relay claimed: an event still to publish. */
export interface OutboxMessage {
  /** bigint, as text. */
  readonly id: string;
  readonly tenantId: string;
  readonly topic: string;
  readonly message: EventMessage<unknown>;
  /** How many times a relay has claimed it, this time included. */
  readonly attempts: number;
}

interface ClaimedRow {
  id: string;
  tenant_id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
  attempts: number;
}

/**
 * The transactional outbox (ADR 0031). `add` writes in the caller's tenant transaction, so the
 * event is stored exactly when the rest of that transaction is; the relay's three calls go
 * through the SECURITY DEFINER functions of the migration, the only way the application role
 * can see rows of `outbox_messages` (it may INSERT, nothing else).
 */
export class OutboxRepository {
  /**
   * `topicPrefix`: the deployment's KAFKA_TOPIC_PREFIX. Rows are stored under the prefixed topic,
   * so deployments sharing one database (test runs, side by side) relay only their own rows;
   * callers see the topic without it, as the event log takes it.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly topicPrefix = '',
  ) {}

  /** In a tenant transaction of `tenantId` (row-level security refuses any other tenant). */
  async add(tx: EntityManager, tenantId: string, topic: string, message: EventMessage<unknown>): Promise<void> {
    await tx.query(`INSERT INTO outbox_messages (tenant_id, topic, message_key, payload, headers) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)`, [
      tenantId,
      this.topicPrefix + topic,
      message.key,
      JSON.stringify(message.payload ?? null),
      // The writer's trace context goes with the message: the relay publishes it in that trace.
      JSON.stringify({ ...traceHeaders(), ...message.headers }),
    ]);
  }

  /** Up to `maxRows` due messages of `topics`, oldest first, leased to the caller for `leaseMs`. */
  async claim(maxRows: number, leaseMs: number, topics: readonly string[]): Promise<OutboxMessage[]> {
    const rows: ClaimedRow[] = await this.dataSource.query(
      `SELECT id::text AS id, tenant_id, topic, message_key, payload, headers, attempts FROM outbox_claim($1, $2, $3::text[])`,
      [maxRows, leaseMs / 1000, topics.map((topic) => this.topicPrefix + topic)],
    );
    return rows
      .map((row) => ({
        id: row.id,
        tenantId: row.tenant_id,
        topic: row.topic.slice(this.topicPrefix.length),
        message: { key: row.message_key, payload: row.payload, headers: row.headers },
        attempts: row.attempts,
      }))
      .sort((a, b) => compareIds(a.id, b.id));
  }

  /** Marks messages published; how many were still pending. */
  async markSent(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows: { n: number }[] = await this.dataSource.query(`SELECT outbox_mark_sent($1::bigint[]) AS n`, [ids]);
    return rows[0]?.n ?? 0;
  }

  /** Gives messages back, due again in `delayMs`, with the reason of the failed publish. */
  async retryLater(ids: readonly string[], delayMs: number, error: string): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`SELECT outbox_retry_later($1::bigint[], $2, $3)`, [ids, delayMs / 1000, error]);
  }
}

/** bigint ids as text, in numeric order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
