import type { EventLogPort } from '../messaging.ports';
import { compareIds, type OutboxMessage, type OutboxRepository } from './outbox.repository';
import { describeError } from '../../errors/describe-error';

export interface OutboxRelayLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface OutboxRelayOptions {
  /** The topics this relay publishes; rows of others are left to the relays that know them. */
  topics: readonly string[];
  /** How often pending rows are looked for without a `wake()` (other processes' rows, retries). Default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows per claim. Default 100. */
  batchSize?: number;
  /** How long a claim holds its rows before another relay may take them. Default 30 s. */
  leaseMs?: number;
  /** A publish that has not resolved by then counts as failed (the broker is down). Default 10 s. */
  publishTimeoutMs?: number;
  /** Wait before a failed row is tried again: `initialMs`, doubled per attempt, at most `maxMs`. Default 500 ms / 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  logger?: OutboxRelayLogger;
}

export interface RelayRound {
  published: number;
  failed: number;
}

/**
 * Publishes the outbox's pending rows to the event log and marks them sent (ADR 0031). At least
 * once: a row published whose mark is lost (the process dies in between, the database goes away)
 * is published again after its lease, and the consumers' de-duplication (by event id) makes the
 * effect exactly once. Rows of one key go out in the order they were written, and a failure stops
 * that key's rows for this round; other keys go on. While the broker is down every row waits out
 * its backoff, so the relay neither spins nor floods the log.
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly publishTimeoutMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly logger: OutboxRelayLogger;
  private readonly topics: readonly string[];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wakeRequested = false;
  private started = false;
  private stopped = false;
  /** So a long outage is one warning, and its end one line. */
  private failing = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly eventLog: EventLogPort,
    options: OutboxRelayOptions,
  ) {
    this.topics = options.topics;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.backoff = { initialMs: options.backoff?.initialMs ?? 500, maxMs: options.backoff?.maxMs ?? 30_000 };
    this.logger = options.logger ?? { log: () => undefined, warn: (m) => console.warn(m) };
  }

  /** Starts polling (a first round at once). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** Something was just written: run a round now instead of at the next poll. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.running) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the round in progress; what it did not publish stays pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Rounds until nothing due is left (or a round had failures): what the poll and `wake` run. */
  async drain(): Promise<RelayRound> {
    const total: RelayRound = { published: 0, failed: 0 };
    for (;;) {
      const round = await this.runOnce();
      total.published += round.published;
      total.failed += round.failed;
      if (round.failed > 0 || round.published < this.batchSize || this.stopped) return total;
    }
  }

  /** One claim, its rows published and marked. */
  async runOnce(): Promise<RelayRound> {
    const claimed = await this.outbox.claim(this.batchSize, this.leaseMs, this.topics);
    if (claimed.length === 0) return { published: 0, failed: 0 };
    const byKey = new Map<string, OutboxMessage[]>();
    for (const row of claimed) {
      const group = `${row.topic}\u0000${row.message.key}`;
      byKey.set(group, [...(byKey.get(group) ?? []), row]);
    }
    const sent: string[] = [];
    const failures: { ids: string[]; delayMs: number; error: string }[] = [];
    await Promise.all(
      [...byKey.values()].map(async (rows) => {
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          try {
            await this.publish(row);
            sent.push(row.id);
          } catch (error) {
            // This row and the rest of its key wait; the key's order is kept.
            failures.push({ ids: rows.slice(i).map((r) => r.id), delayMs: this.delayAfter(row.attempts), error: describeError(error) });
            return;
          }
        }
      }),
    );
    await this.outbox.markSent(sent.sort(compareIds));
    for (const failure of failures) await this.outbox.retryLater(failure.ids, failure.delayMs, failure.error);
    const failed = failures.reduce((n, f) => n + f.ids.length, 0);
    if (failed > 0 && !this.failing) {
      this.failing = true;
      this.logger.warn(`outbox relay: publishing failed (${failures[0]!.error}); ${failed} message(s) kept, retried with backoff`);
    } else if (failed === 0 && this.failing) {
      this.failing = false;
      this.logger.log('outbox relay: publishing again');
    }
    return { published: sent.length, failed };
  }

  /** Backoff before the next try of a row claimed `attempts` times. */
  delayAfter(attempts: number): number {
    return Math.min(this.backoff.initialMs * 2 ** Math.max(0, attempts - 1), this.backoff.maxMs);
  }

  private async publish(row: OutboxMessage): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the event log did not confirm within ${this.publishTimeoutMs} ms`)), this.publishTimeoutMs);
    });
    try {
      await Promise.race([this.eventLog.publish(row.topic, row.message), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.wakeRequested = false;
    this.running = this.drain().then(
      () => undefined,
      (error: unknown) => {
        // The database did not answer the claim or the marks: the rows stay pending (a mark lost
        // after a publish means one more publish, which the consumers de-duplicate).
        if (!this.failing) this.logger.warn(`outbox relay: the outbox is unavailable (${describeError(error)}); retrying`);
        this.failing = true;
      },
    );
    await this.running;
    this.running = undefined;
    this.schedule(this.wakeRequested ? 0 : this.pollIntervalMs);
  }
}
