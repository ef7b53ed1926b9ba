import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseEndpoints } from '../../src/platform/database/database.types';

/**
 * Test helpers around the two ways a suite gets a server:
 *
 * - the embedded PostgreSQL (PGlite on a loopback port) in its own temporary data directory;
 * - a real server named by environment variables, else the suite is skipped with one line that
 *   says what to start, or it fails when `LOGISYNAPSE_REQUIRE_INFRA=1` (CI sets it).
 */

const ROOT = join(__dirname, '..', '..');
/** Built by the contract project's global setup (`test/support/global-build.ts`). */
const EMBEDDED_DATABASE_MODULE = join(ROOT, 'dist', 'src', 'platform', 'database', 'adapters', 'pglite', 'embedded-database.js');

/**
 * Runs in the child: starts `startEmbeddedDatabase(dataDir)`, prints its endpoints as one JSON
 * line, and closes it on SIGTERM or when the parent goes away (stdin ends).
 */
const CHILD_SCRIPT = `
const { startEmbeddedDatabase } = require(process.argv[1]);
startEmbeddedDatabase(process.argv[2]).then((endpoints) => {
  const { close, ...fields } = endpoints;
  process.stdout.write(JSON.stringify(fields) + '\\n');
  let closing = null;
  const stop = () => (closing ??= close().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); }));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}, (error) => { console.error(error); process.exit(1); });
`;

/** The embedded database in a fresh `mkdtemp` directory; `dispose` stops it and removes the directory. */
export interface EmbeddedDatabase {
  readonly endpoints: DatabaseEndpoints;
  readonly dataDir: string;
  dispose(): Promise<void>;
}

/**
 * The embedded adapter (`startEmbeddedDatabase`, PGlite served by `PgliteWireServer`), run in a
 * child Node process from the built `dist/`: PGlite loads its WebAssembly and extensions with
 * dynamic `import()`, which Jest's module sandbox refuses without `--experimental-vm-modules`.
 * Everything the tests exercise goes over TCP anyway, exactly as the app's clients do.
 */
export async function startTestEmbeddedDatabase(prefix = 'logisynapse-contract-'): Promise<EmbeddedDatabase> {
  if (!existsSync(EMBEDDED_DATABASE_MODULE)) {
    throw new Error(`${EMBEDDED_DATABASE_MODULE} is missing: run \`npm run build\` (the contract project's global setup does)`);
  }
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, EMBEDDED_DATABASE_MODULE, dataDir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  let fields: Omit<DatabaseEndpoints, 'close'>;
  try {
    fields = await new Promise((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`embedded database did not start within 60 s:\n${stderr}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const newline = stdout.indexOf('\n');
        if (newline < 0) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(stdout.slice(0, newline)) as Omit<DatabaseEndpoints, 'close'>);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`embedded database exited during start (${signal ?? code}):\n${stderr}`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  let disposing: Promise<void> | null = null;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return {
    endpoints: { ...fields, close: stop },
    dataDir,
    dispose() {
      disposing ??= (async () => {
        try {
          await stop();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      })();
      return disposing;
    },
  };
}

/** The values of the environment variables a real-server suite needs (empty strings when skipped). */
export type ServerSettings<K extends string> = Readonly<Record<K, string>>;

/**
 * A `describe` for a suite that needs a real server. Its body receives the settings; read them
 * inside hooks and tests only (when the suite is skipped they are empty strings).
 */
export type RealServerDescribe<K extends string> = (name: string, body: (settings: ServerSettings<K>) => void) => void;

export const REQUIRE_INFRA_VARIABLE = 'LOGISYNAPSE_REQUIRE_INFRA';

export interface RealServerOptions {
  /** Where to read the variables from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where the skip line goes. Default: standard error. */
  log?: (line: string) => void;
}

/**
 * Chooses how a real-server suite runs, from the environment:
 *
 * - every variable in `envVars` is set: the suite runs against that server;
 * - one is missing and `LOGISYNAPSE_REQUIRE_INFRA=1`: the suite's body is replaced by one test
 *   under a `beforeAll` that throws, naming what is missing, so CI fails instead of passing
 *   without the server (the body's own hooks never try to reach it);
 * - one is missing otherwise: the suite is registered as skipped, after one console line naming
 *   the variables and what to start (`whatToStart`, e.g. "PostgreSQL (npm run infra:up)").
 *
 * Generic on purpose: the Kafka, RabbitMQ and Temporal specs use it with their own variables.
 */
export function realServerOrSkip<K extends string>(
  envVars: K | readonly K[],
  whatToStart: string,
  options: RealServerOptions = {},
): RealServerDescribe<K> {
  const env = options.env ?? process.env;
  // Straight to stderr: Jest does not print the buffered console of a test file whose tests were all skipped.
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const names: readonly K[] = typeof envVars === 'string' ? [envVars] : envVars;
  const missing = names.filter((name) => !env[name]);
  const settings = Object.fromEntries(names.map((name) => [name, env[name] ?? ''])) as Record<K, string>;
  const need = `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: start ${whatToStart} and export ${names.join(', ')}`;

  if (missing.length === 0) {
    return (name, body) => describe(name, () => body(settings));
  }
  if (env[REQUIRE_INFRA_VARIABLE] === '1') {
    // The body is not registered: its own hooks would try to reach a server that is not there.
    return (name) =>
      describe(name, () => {
        beforeAll(() => {
          throw new Error(`${name}: ${need} (${REQUIRE_INFRA_VARIABLE}=1 makes a missing server a failure)`);
        });
        it(`has its server (${names.join(', ')})`, () => undefined);
      });
  }
  return (name, body) => {
    log(`[skipped] ${name}: ${need} (${REQUIRE_INFRA_VARIABLE}=1 turns this skip into a failure)`);
    // Skipped only when the server is absent and not required; the line above says what to start.
    describe.skip(name, () => body(settings));
  };
}
