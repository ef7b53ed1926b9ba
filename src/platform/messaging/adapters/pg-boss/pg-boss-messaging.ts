import { randomUUID } from 'node:crypto';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PgBoss, type Job, type JobResult } from 'pg-boss';
import type { EventHandler, EventLogPort, EventMessage, SubscribeOptions, Task, TaskQueuePort } from '../../messaging.ports';
import { describeError } from '../../../errors/describe-error';

/** Queue names in pg-boss allow letters, digits, `-`, `_`, `.` and `/`. */
const queueFor = (topic: string, group: string) => `${topic}/${group}`;

const RETRY = { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 60 } as const;
const POLL = { pollingIntervalSeconds: 0.5 } as const;
const DEFAULT_EVENT_BATCH = 50;
const TASK_BATCH = 20;

export async function startPgBoss(connectionString: string, onError: (error: Error) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    max: 4,
    application_name: 'logisynapse-pgboss',
    // A job keeps the trace context of its send(): its processing is in the producer's trace, as
    // with Kafka and RabbitMQ (W3C trace context only, no baggage, stored with the job).
    openTelemetry: { propagateContext: true, propagator: new W3CTraceContextPropagator() },
  });
  boss.on('error', onError);
  await boss.start();
  return boss;
}

/** Event log over pg-boss publish/subscribe: one queue per consumer group. */
export class PgBossEventLog implements EventLogPort {
  readonly adapterName = 'pg-boss publish/subscribe (on the platform database)';

  /** Nothing of its own to close: pg-boss is shared and stopped by the messaging module, after every consumer. */
  stop(): Promise<void> {
    return Promise.resolve();
  }
  constructor(private readonly boss: PgBoss) {}

  async publish<T>(topic: string, message: EventMessage<T>): Promise<void> {
    await this.boss.publish(topic, message as unknown as object);
  }

  async subscribe<T>(topic: string, group: string, handler: EventHandler<T>, options: SubscribeOptions = {}): Promise<void> {
    const queue = queueFor(topic, group);
    await this.ensureQueue(queue);
    await this.boss.subscribe(topic, queue);
    // A failed batch: pg-boss retries each of its jobs (with backoff), so a redelivery may group them differently.
    const batchSize = Math.max(1, options.maxBatchSize ?? DEFAULT_EVENT_BATCH);
    // A full batch means more is waiting: fetch again at once instead of after the polling interval.
    await this.boss.work<EventMessage<T>>(queue, { ...POLL, batchSize, burstWhenBatchFull: true }, async (jobs: Job<EventMessage<T>>[]) => {
      await handler(jobs.map((job) => job.data));
    });
  }

  private async ensureQueue(queue: string): Promise<void> {
    if (!(await this.boss.getQueue(queue))) await this.boss.createQueue(queue, { ...RETRY });
  }
}

/** Task queue over pg-boss queues, with a dead-letter queue per task queue. */
export class PgBossTaskQueue implements TaskQueuePort {
  readonly adapterName = 'pg-boss queues (on the platform database)';

  /** Nothing of its own to close: pg-boss is shared and stopped by the messaging module, after every consumer. */
  stop(): Promise<void> {
    return Promise.resolve();
  }
  private readonly ready = new Map<string, Promise<void>>();
  constructor(private readonly boss: PgBoss) {}

  async enqueue<T>(queue: string, task: Task<T>, options: { dedupeKey?: string } = {}): Promise<void> {
    await this.ensureQueue(queue);
    // The queue's `short` policy keeps one queued job per key; keyless tasks get a unique key.
    await this.boss.send(queue, task as unknown as object, { singletonKey: options.dedupeKey ?? randomUUID() });
  }

  /**
   * Fetches up to TASK_BATCH tasks at a time (again at once while fetches come back full, so a
   * backlog drains at the handler's pace, not one task per polling interval) and settles each on
   * its own: a task whose handler throws is failed alone, retried, then dead-lettered.
   */
  async consume<T>(queue: string, handler: (task: Task<T>) => Promise<void>): Promise<void> {
    await this.ensureQueue(queue);
    await this.boss.work<Task<T>>(
      queue,
      { ...POLL, batchSize: TASK_BATCH, burstWhenBatchFull: true, perJobResults: true },
      async (jobs: Job<Task<T>>[]): Promise<JobResult[]> => {
        const results: JobResult[] = [];
        for (const job of jobs) {
          try {
            await handler(job.data);
            results.push({ id: job.id, status: 'completed' });
          } catch (error) {
            results.push({ id: job.id, status: 'failed', output: { message: describeError(error) } });
          }
        }
        return results;
      },
    );
  }

  private ensureQueue(queue: string): Promise<void> {
    let ready = this.ready.get(queue);
    if (!ready) {
      ready = (async () => {
        const deadLetter = `${queue}.dlq`;
        if (!(await this.boss.getQueue(deadLetter))) await this.boss.createQueue(deadLetter);
        const existing = await this.boss.getQueue(queue);
        if (!existing) await this.boss.createQueue(queue, { ...RETRY, deadLetter, policy: 'short' });
        else if (existing.policy !== 'short') {
          // pg-boss cannot change a queue's policy; without `short` the dedupe key does nothing.
          throw new Error(`pg-boss queue ${queue} has policy "${existing.policy}", expected "short"; drain and delete it, then restart`);
        }
      })();
      this.ready.set(queue, ready);
    }
    return ready;
  }
}
