import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatabaseEndpoints } from '../../database.types';
import type { PgliteWorkerData, PgliteWorkerMessage } from './pglite-worker';

/** How long PGlite may take to open (or create) its data directory before the start fails. */
const START_TIMEOUT_MS = 120_000;
/** How long a closing worker may take before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Loads the worker from TypeScript sources (Jest through @swc/jest, any ts runner): a Worker runs
 * plain Node, which cannot load `.ts`, and Jest's transform does not reach into worker threads.
 * So this small eval'd script registers a `require` hook that compiles `.ts` files with
 * `@swc/core` (the compiler Jest and the build already use, a devDependency, present wherever
 * the sources run) and then requires the worker's `.ts` file. The built app never takes this
 * path: from `dist/` the compiled `pglite-worker.js` next to this file is loaded directly.
 */
const TS_WORKER_LOADER = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { workerData } = require('node:worker_threads');
const { transformSync } = createRequire(workerData.entry)('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;

/**
 * PGlite takes no lock on its data directory, and two PostgreSQL instances writing one cluster
 * destroy it: a second process (or a second start in this one) on the same directory is refused.
 * A lock whose process is gone is taken over.
 */
function lockDataDirectory(dir: string): () => void {
  const path = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const holder = Number(readFileSync(path, 'utf8').trim());
    // Our own pid in a lock this process did not take is stale: a container restarts as pid 1.
    const heldByUs = holder === process.pid && heldLocks.has(path);
    if (heldByUs || (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder))) {
      const who = heldByUs ? 'this process' : `process ${holder}`;
      throw new Error(`The embedded database in ${dir} is already in use by ${who} (lock file ${path})`);
    }
    rmSync(path, { force: true });
  }
}

/**
 * The password of the embedded server, one per data directory: made at the first start, kept in
 * `<dir>.password` (0600, beside the cluster), read back at later starts. Whoever can read it
 * can read the cluster's files anyway; a local process that only reaches the port cannot.
 */
function databasePassword(dir: string): string {
  const path = `${dir}.password`;
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Also for a file made by hand or copied with looser permissions.
  chmodSync(path, 0o600);
  const password = readFileSync(path, 'utf8').trim();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(password)) throw new Error(`The embedded database's password file ${path} is damaged: delete it to make a new one`);
  return password;
}

/** The data directories this process has locked. */
const heldLocks = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The worker's young generation, in MB. Its JavaScript allocates little that lives (protocol
 * buffers crossing to PGlite and back), and V8's default young generation for a 64-bit process
 * (two 16 MB semi-spaces) was 32 MB resident of the embedded app's memory for about 5 MB of
 * survivors; a smaller one costs only more frequent, shorter scavenges. (Only the young
 * generation is limited: an old-generation limit would end the thread when reached.)
 */
const WORKER_YOUNG_GENERATION_MB = 6;

function startWorker(data: PgliteWorkerData): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (__filename.endsWith('.ts')) {
    return new Worker(TS_WORKER_LOADER, { eval: true, resourceLimits, workerData: { ...data, entry: join(__dirname, 'pglite-worker.ts') } });
  }
  return new Worker(join(__dirname, 'pglite-worker.js'), { resourceLimits, workerData: data });
}

/**
 * PGlite (real PostgreSQL compiled to WebAssembly) persisted under the data directory and served
 * on a loopback port, so TypeORM, pg-boss and DBOS all speak plain `pg` to it.
 *
 * PGlite and its wire server run in a worker thread (`pglite-worker.ts`): PostgreSQL executes
 * synchronously in WebAssembly, and in the main thread each query would stall every gRPC and
 * HTTP request behind it. Clients reach it over TCP either way, so nothing else changes.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<DatabaseEndpoints> {
  const dir = join(dataDir, 'pglite');
  // The cluster's files hold every secret in plain table pages: this user's alone, as
  // PostgreSQL requires of its data directory.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const password = databasePassword(dir);
  const unlock = lockDataDirectory(dir);
  const worker = startWorker({ dir, password });

  let closing = false;
  let exited = false;
  const exit = new Promise<number>((resolve) => worker.once('exit', (code) => ((exited = true), resolve(code))));

  const { port, initializedFrom } = await new Promise<{ port: number; initializedFrom: string }>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The thread is gone and the directory free again before the start reports its failure.
      const error = new Error(`The embedded database (PGlite in ${dir}) could not start: ${reason}`);
      void worker
        .terminate()
        .catch(() => undefined)
        .then(() => (unlock(), reject(error)));
    };
    const timer = setTimeout(() => fail(`no answer within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    worker.on('message', (message: PgliteWorkerMessage) => {
      if (message.type === 'ready' && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        fail(message.message);
      }
    });
    worker.once('error', (error) => fail(error.stack ?? error.message));
    void exit.then((code) => fail(`its thread ended (exit code ${code}) before it was ready`));
  });

  // Once started, the database must outlive the app: if its thread dies, fail as loudly as an
  // in-process PostgreSQL crash would, rather than serve an app whose every query fails.
  worker.on('error', (error) => {
    if (!closing) process.nextTick(() => { throw new Error('The embedded database (PGlite) stopped', { cause: error }); });
  });
  void exit.then((code) => {
    if (!closing) process.nextTick(() => { throw new Error(`The embedded database (PGlite) stopped unexpectedly (exit code ${code})`); });
  });

  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const pings = new Map<number, () => void>();
  let nextPing = 1;
  worker.on('message', (message: PgliteWorkerMessage) => message.type === 'pong' && pings.get(message.id)?.());
  let closed: Promise<void> | null = null;
  return {
    adapterName: `pglite (${dir}, ${initializedFrom === 'the existing data directory' ? '' : `new cluster from ${initializedFrom}, `}served on 127.0.0.1:${port} by a worker thread, password in ${dir}.password)`,
    appUrl: url,
    ownerUrl: url,
    engineUrl: url,
    switchRoleInTransactions: true,
    supportsListenNotify: false,
    checkAlive(deadlineMs) {
      if (exited) return Promise.reject(new Error('The embedded database (PGlite) thread has ended'));
      const id = nextPing++;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          pings.delete(id);
          reject(new Error(`The embedded database (PGlite) thread did not answer within ${deadlineMs} ms`));
        }, deadlineMs);
        pings.set(id, () => {
          clearTimeout(timer);
          pings.delete(id);
          resolve();
        });
        worker.postMessage({ type: 'ping', id });
      });
    },
    close() {
      closed ??= (async () => {
        closing = true;
        if (exited) return unlock();
        const failure = new Promise<string>((resolve) =>
          worker.on('message', (message: PgliteWorkerMessage) => message.type === 'failed' && resolve(message.message)),
        );
        worker.postMessage({ type: 'close' });
        const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
        const outcome = await Promise.race([exit.then(() => null), failure]);
        await exit;
        clearTimeout(timer);
        unlock();
        if (outcome !== null) throw new Error(`The embedded database (PGlite in ${dir}) did not close cleanly: ${outcome}`);
      })();
      return closed;
    },
  };
}
