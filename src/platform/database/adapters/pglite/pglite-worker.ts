import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { ENGINE_ROLE, ENGINE_SCHEMAS } from '../../database.types';
import { DURABILITY_SETTINGS, makeFsyncReachTheDisk, syncTree } from './pglite-durability';
import { PgliteWireServer } from './pglite-wire-server';

/**
 * The embedded PostgreSQL's own thread (started by `startEmbeddedDatabase`): PGlite and the
 * wire server that serves it on a loopback port. PGlite runs PostgreSQL synchronously inside
 * WebAssembly, so in the app's main thread every query of every workflow step would block the
 * event loop that answers gRPC and HTTP; here it blocks only this thread.
 *
 * Messages: in `{ type: 'close' }` and `{ type: 'ping', id }`; out `{ type: 'ready', port }`,
 * `{ type: 'pong', id }`, `{ type: 'failed', message }` (start or close failed), `{ type: 'closed' }`,
 * then the thread ends. A ping is answered by this thread's event loop, which a query stuck in
 * PostgreSQL blocks: the main thread's liveness probe.
 */

export interface PgliteWorkerData {
  /** PGlite's data directory (created by the main thread). */
  readonly dir: string;
  /** The password clients must prove to the wire server. */
  readonly password: string;
}

export type PgliteWorkerMessage =
  | { type: 'ready'; port: number; initializedFrom: string }
  | { type: 'pong'; id: number }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

/**
 * The engines' schemas (DBOS, pg-boss) belong to their own role, with no grant to anyone else,
 * as `npm run infra:up` provisions them on a real server: the application role, which tenant
 * transactions switch to, cannot read workflow inputs or queued payloads. PGlite's only session
 * is a superuser, so the engines themselves still connect as that superuser.
 */
const ENGINE_SCHEMAS_SQL = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${ENGINE_ROLE}') THEN
    CREATE ROLE ${ENGINE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
${ENGINE_SCHEMAS.map((schema) => `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${ENGINE_ROLE};
ALTER SCHEMA ${schema} OWNER TO ${ENGINE_ROLE};
REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`).join('\n')}
`;

/**
 * Server settings, given on PGlite's command line (its `postgresql.conf`, written by initdb, is
 * left as it is). `shared_buffers`: initdb picks 128 MB, which PGlite allocates and clears inside
 * its WebAssembly memory at every start, so it is resident from the first second; the embedded
 * database of one laptop process holds a few tens of MB, and pages beyond the buffers are read
 * back from the operating system's file cache.
 */
const SERVER_SETTINGS = ['-c', 'shared_buffers=32MB', ...DURABILITY_SETTINGS];


/**
 * A freshly initialized cluster (initdb's output, checkpointed), kept once per installed PGlite
 * version as a directory under `node_modules/.cache/logisynapse/`. initdb is most of an empty data
 * directory's start (about 2.5 s of CPU on the bench machine) and a second PostgreSQL instance's
 * worth of memory. A new data directory is a file copy of the template, which PGlite then opens
 * as an existing cluster. (PGlite's own `loadDataDir` takes the same files as a 40 MB tarball,
 * but keeps the tarball and its copy in memory for the life of the process: 76 MB of the embedded
 * app's resident memory, measured.) The first start after an install runs initdb and writes the
 * copy; writing it is best effort (a read-only `node_modules` only means initdb runs each time).
 */
/**
 * PostgreSQL's WebAssembly (9 MB) is compiled by V8's baseline compiler (Liftoff) only, without
 * the optimizing tier that recompiles hot functions in the background: measured on the bench
 * machine (2 cores), that keeps about 70-90 MB less resident, starts 0.5 s sooner, and completes
 * 1,000 shipments in the same time, since the database's work is dominated by its file and
 * socket calls rather than by compiled code. V8's flags are per process: the only other
 * WebAssembly in the app is undici's HTTP parser, for which the baseline tier is plenty. Set
 * before PGlite compiles its module (the flag is read when a module is compiled).
 */
function useBaselineWasmCompilerOnly(): void {
  setFlagsFromString('--liftoff-only');
}

function templatePath(): string | null {
  try {
    const entry = require.resolve('@electric-sql/pglite');
    let dir = dirname(entry);
    while (!existsSync(join(dir, 'package.json'))) {
      if (dirname(dir) === dir) return null;
      dir = dirname(dir);
    }
    const { name, version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
    if (name !== '@electric-sql/pglite' || !version) return null;
    const nodeModules = join(dir, '..', '..');
    return join(nodeModules, '.cache', 'logisynapse', `pglite-${version}-initdb`);
  } catch {
    return null;
  }
}

function isCluster(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

function saveTemplate(path: string, clusterDir: string): void {
  // Atomic: several processes may start on empty directories at once; the first rename wins.
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    cpSync(clusterDir, temporary, { recursive: true });
    renameSync(temporary, path);
  } catch {
    // best effort: next time initdb runs again
    rmSync(temporary, { recursive: true, force: true });
  }
}

function emptyDirectory(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Opens (or creates) the cluster in `dir`; says where a new one came from. */
async function open(dir: string, options: PGliteOptions): Promise<{ db: PGlite; initializedFrom: string }> {
  const fresh = !isCluster(dir);
  const template = fresh ? templatePath() : null;
  if (template && isCluster(template)) {
    try {
      cpSync(template, dir, { recursive: true });
      const db = await PGlite.create(dir, options);
      return { db, initializedFrom: `the initdb template ${template}` };
    } catch {
      // A damaged copy: forget it, start over with initdb (the directory was empty before).
      rmSync(template, { recursive: true, force: true });
      emptyDirectory(dir);
    }
  }
  const db = await PGlite.create(dir, options);
  if (fresh && template) {
    // Every page on disk, so the files are the cluster as a clean restart would find them.
    await db.exec('CHECKPOINT');
    saveTemplate(template, dir);
  }
  return { db, initializedFrom: fresh ? 'initdb' : 'the existing data directory' };
}

async function run(port: NonNullable<typeof parentPort>, { dir, password }: PgliteWorkerData): Promise<void> {
  let db: PGlite | null = null;
  let server: PgliteWireServer | null = null;
  const stop = async () => {
    try {
      await server?.close();
    } finally {
      if (db && !db.closed) await db.close();
    }
  };
  port.on('message', (message: { type?: string; id?: number }) => {
    if (message?.type === 'ping') return port.postMessage({ type: 'pong', id: message.id ?? 0 } satisfies PgliteWorkerMessage);
    if (message?.type !== 'close') return;
    stop()
      .then(
        () => port.postMessage({ type: 'closed' } satisfies PgliteWorkerMessage),
        (error: unknown) => port.postMessage({ type: 'failed', message: `closing PGlite failed: ${describe(error)}` } satisfies PgliteWorkerMessage),
      )
      .finally(() => port.close());
  });
  // PostgreSQL's own complaints (a damaged data directory...): the last lines go into a failure.
  const stderr: string[] = [];
  const onStderr = (line: string) => {
    stderr.push(line);
    if (stderr.length > 20) stderr.shift();
    return false;
  };
  try {
    useBaselineWasmCompilerOnly();
    const opened = await open(dir, {
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, ...SERVER_SETTINGS],
      onStderr,
    });
    db = opened.db;
    makeFsyncReachTheDisk(db);
    syncTree(dir);
    await db.exec(ENGINE_SCHEMAS_SQL);
    server = new PgliteWireServer(db, { password });
    const listening = await server.listen('127.0.0.1', 0);
    port.postMessage({ type: 'ready', port: listening, initializedFrom: opened.initializedFrom } satisfies PgliteWorkerMessage);
  } catch (error) {
    await stop().catch(() => undefined);
    const log = stderr.length ? `\nPostgreSQL said:\n${stderr.join('\n')}` : '';
    port.postMessage({ type: 'failed', message: `${describe(error)}${log}` } satisfies PgliteWorkerMessage);
    port.close();
  }
}

if (parentPort) void run(parentPort, workerData as PgliteWorkerData);
