import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from '../../../platform/errors/domain-error';
import { BatchLoader, type BatchFunction } from './batch-loader';

/** A batch function that records its calls and answers `key -> key.toUpperCase()`, except for keys starting with "none". */
function recordingBatch() {
  const calls: string[][] = [];
  const batch: BatchFunction<string, string> = async (keys) => {
    calls.push([...keys]);
    return new Map(keys.filter((k) => !k.startsWith('none')).map((k) => [k, k.toUpperCase()]));
  };
  return { calls, batch };
}

const loaderWith = (batch: BatchFunction<string, string>, maxBatchSize = 100) => new BatchLoader({ batch, missing: (key) => `missing:${key}`, maxBatchSize });

/** Lets every queued promise job, tick and the I/O phase run: the next tick for sure. */
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchLoader', () => {
  it('answers the loads of one tick with one call', async () => {
    const { calls, batch } = recordingBatch();
    const loader = loaderWith(batch);
    const values = await Promise.all(['a', 'b', 'c'].map((k) => loader.load(k)));
    expect(values).toEqual(['A', 'B', 'C']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('gathers loads made at different promise depths of the same tick (as graphql-js and Nest make them)', async () => {
    const { calls, batch } = recordingBatch();
    const loader = loaderWith(batch);
    const deep = async (key: string, depth: number): Promise<string> => {
      for (let i = 0; i < depth; i++) await Promise.resolve();
      return loader.load(key);
    };
    await expect(Promise.all([loader.load('a'), deep('b', 1), deep('c', 25)])).resolves.toEqual(['A', 'B', 'C']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('makes a separate call for loads of a later tick', async () => {
    const { calls, batch } = recordingBatch();
    const loader = loaderWith(batch);
    const first = loader.load('a');
    await nextMacrotask();
    const second = loader.load('b');
    await expect(Promise.all([first, second])).resolves.toEqual(['A', 'B']);
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('asks for a key once however many fields want it, and answers each of them', async () => {
    const { calls, batch } = recordingBatch();
    const loader = loaderWith(batch);
    await expect(Promise.all([loader.load('a'), loader.load('b'), loader.load('a'), loader.load('a')])).resolves.toEqual(['A', 'B', 'A', 'A']);
    expect(calls).toEqual([['a', 'b']]);
  });

  it('answers a key the batch left out with the missing value', async () => {
    const { batch } = recordingBatch();
    const loader = loaderWith(batch);
    await expect(Promise.all([loader.load('a'), loader.load('none-1')])).resolves.toEqual(['A', 'missing:none-1']);
  });

  it('splits a tick with more keys than the callee takes into calls of at most maxBatchSize keys', async () => {
    const { calls, batch } = recordingBatch();
    const loader = loaderWith(batch, 2);
    await expect(Promise.all(['a', 'b', 'c', 'd', 'e', 'a'].map((k) => loader.load(k)))).resolves.toEqual(['A', 'B', 'C', 'D', 'E', 'A']);
    expect(calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('rejects every waiting load, duplicates included, with the same error the batch failed with', async () => {
    const failure = new DomainError('UNAVAILABLE', 'ShipmentService/BatchGetTrackingEvents is unavailable: no answer');
    const batch = jest.fn<ReturnType<BatchFunction<string, string>>, Parameters<BatchFunction<string, string>>>().mockRejectedValue(failure);
    const loader = loaderWith(batch);
    const results = await Promise.allSettled([loader.load('a'), loader.load('b'), loader.load('a')]);
    expect(results).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    for (const r of results) expect((r as PromiseRejectedResult).reason).toBe(failure);
    expect(batch).toHaveBeenCalledTimes(1);
  });

  it('rejects the waiters when the batch throws synchronously or answers no map', async () => {
    const thrown = new Error('sync');
    const throwing = loaderWith(() => {
      throw thrown;
    });
    await expect(Promise.all([throwing.load('a'), throwing.load('b')])).rejects.toBe(thrown);
    const broken = loaderWith(async () => undefined as unknown as Map<string, string>);
    await expect(broken.load('a')).rejects.toBeInstanceOf(TypeError);
  });

  it('keeps working after a failed batch', async () => {
    let fail = true;
    const loader = loaderWith(async (keys) => {
      if (fail) throw new Error('down');
      return new Map(keys.map((k) => [k, k]));
    });
    await expect(loader.load('a')).rejects.toThrow('down');
    fail = false;
    await expect(loader.load('a')).resolves.toBe('a');
  });

  it('runs the batch in the async context of the loads (the request’s tenant and caller token)', async () => {
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const loader = loaderWith(async (keys) => {
      seen.push(storage.getStore());
      return new Map(keys.map((k) => [k, k]));
    });
    await storage.run('tenant-a', () => Promise.all([loader.load('a'), loader.load('b')]));
    expect(seen).toEqual(['tenant-a']);
  });

  it('refuses a maxBatchSize that is not a positive integer', () => {
    expect(() => loaderWith(recordingBatch().batch, 0)).toThrow('maxBatchSize');
    expect(() => loaderWith(recordingBatch().batch, 1.5)).toThrow('maxBatchSize');
  });
});
