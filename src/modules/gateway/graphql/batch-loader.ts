/** Answers several keys with one call; a key missing from the map gets the loader's `missing()` value. */
export type BatchFunction<K, V> = (keys: K[]) => Promise<ReadonlyMap<K, V>>;

export interface BatchLoaderOptions<K, V> {
  batch: BatchFunction<K, V>;
  /** The value of a key the batch did not answer (for a list field: a fresh empty list). */
  missing: (key: K) => V;
  /** The most keys one call may take (the callee's bound); more keys in one tick make several calls. */
  maxBatchSize: number;
}

interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs `fn` once the promise jobs queued now, and those they queue in turn, have run: graphql-js
 * calls the field resolvers of one list across such jobs (Nest wraps each resolver in its own
 * promises), and a `process.nextTick` queued from a promise job runs only when that queue is
 * empty (DataLoader schedules the same way). Both hops keep the AsyncLocalStorage context of the
 * first `load`, so the batch runs with that request's tenant and caller token.
 */
function afterPendingPromiseJobs(fn: () => void): void {
  void Promise.resolve().then(() => process.nextTick(fn));
}

/**
 * A tiny DataLoader: `load(key)` calls made in the same tick are answered by one `batch` call
 * (per `maxBatchSize` keys), each key asked for once however many fields want it. Nothing is
 * cached across ticks. If the batch fails, every waiting `load` rejects with that same error, so
 * a DomainError keeps its code for each field. Make one per GraphQL request: a batch takes the
 * context (tenant, token) of its first `load`, so loads of different callers must never share
 * a loader.
 */
export class BatchLoader<K, V> {
  private pending: Map<K, Waiter<V>[]> | null = null;

  constructor(private readonly options: BatchLoaderOptions<K, V>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new Error('maxBatchSize must be a positive integer');
  }

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      if (this.pending === null) {
        this.pending = new Map();
        afterPendingPromiseJobs(() => this.dispatch());
      }
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
    });
  }

  private dispatch(): void {
    const pending = this.pending!;
    // Loads from here on belong to the next batch.
    this.pending = null;
    const keys = [...pending.keys()];
    for (let start = 0; start < keys.length; start += this.options.maxBatchSize) {
      void this.answer(keys.slice(start, start + this.options.maxBatchSize), pending);
    }
  }

  /** Settles every waiter of `keys`; never rejects itself (a bad answer rejects the waiters too). */
  private async answer(keys: K[], pending: Map<K, Waiter<V>[]>): Promise<void> {
    let answers: [Waiter<V>[], V][];
    try {
      const values = await this.options.batch(keys);
      answers = keys.map((key) => [pending.get(key)!, values.has(key) ? (values.get(key) as V) : this.options.missing(key)]);
    } catch (error) {
      for (const key of keys) for (const waiter of pending.get(key)!) waiter.reject(error);
      return;
    }
    for (const [waiters, value] of answers) for (const waiter of waiters) waiter.resolve(value);
  }
}
