import { cpSync, existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root (bench code runs from dist/bench/**). */
export const ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = join(dir, '..');
    if (parent === dir) throw new Error('package.json not found above the bench');
    dir = parent;
  }
  return dir;
})();

/** The compiled output this bench runs from (`dist/`, holding `bench/` and `src/`). */
export const DIST = join(__dirname, '..', '..');

let appDist = DIST;

/** Where the apps under test are started from: `DIST`, or the snapshot `snapshotDist` made. */
export function appDistDir(): string {
  return appDist;
}

/**
 * Copies the compiled app and bench to a private directory for this run, so a `npm run build`
 * elsewhere in the checkout (it empties `dist/`) cannot pull the files from under a long run.
 * Under `node_modules/.cache` so the app still resolves its packages (and no linter looks at it).
 * Returns the clean-up.
 */
export function snapshotDist(): () => void {
  const target = join(ROOT, 'node_modules', '.cache', 'logisynapse-bench', `run-${process.pid}`);
  rmSync(target, { recursive: true, force: true });
  for (const entry of ['src', 'migrations', 'bench', 'test', 'workflow-bundle.js']) {
    if (existsSync(join(DIST, entry))) cpSync(join(DIST, entry), join(target, entry), { recursive: true });
  }
  appDist = target;
  return () => {
    rmSync(target, { recursive: true, force: true });
    try {
      rmdirSync(dirname(target));
    } catch {
      // another run's snapshot is still there
    }
  };
}

/** Settings written by `npm run infra:up` (`.env.infra`); the environment wins. */
export function infraSettings(): Record<string, string> {
  const settings: Record<string, string> = {};
  const file = join(ROOT, '.env.infra');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      if (match) settings[match[1]!] = match[2]!;
    }
  }
  for (const key of Object.keys(settings)) if (process.env[key]) settings[key] = process.env[key]!;
  return settings;
}

const REAL = ['DATABASE_URL', 'DATABASE_OWNER_URL', 'KAFKA_BROKERS', 'AMQP_URL', 'TEMPORAL_ADDRESS'] as const;

/**
 * The app's environment for the real servers, or null when one is not configured. Each call
 * gets its own Temporal task queue and Kafka topic prefix, so no other app takes its work.
 */
export function realServerEnv(tag: string): Record<string, string> | null {
  const settings = infraSettings();
  if (REAL.some((key) => !settings[key])) return null;
  const run = `bench-${tag}-${process.pid}-${Date.now().toString(36)}`;
  const env: Record<string, string> = { TEMPORAL_TASK_QUEUE: run, KAFKA_TOPIC_PREFIX: `${run}.` };
  // Every database, broker and workflow setting (new ones too, e.g. DATABASE_ENGINE_URL), not the
  // test databases; the policy engine stays the embedded default (the figures are about the pipeline).
  for (const [key, value] of Object.entries(settings)) {
    if (!key.includes('_TEST_') && !key.endsWith('_BIN') && !key.startsWith('OPA_')) env[key] = value;
  }
  return env;
}
