import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository root: the nearest directory above this file with a package.json. The same from
 * the sources (Jest), from `dist/chaos/` and from the run's snapshot under node_modules/.cache.
 */
export const REPO_ROOT = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = join(dir, '..');
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/**
 * Loads `.env.infra` (written by `npm run infra:up`) into process.env, as the tests' setup file
 * does: a variable already set wins.
 */
export function loadEnvInfra(): void {
  const file = join(REPO_ROOT, '.env.infra');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match && process.env[match[1]!] === undefined) process.env[match[1]!] = match[2];
  }
}

/** The settings a chaos run needs beyond the real servers of the e2e tests. */
export const CHAOS_SETTINGS = ['TOXIPROXY_URL', 'ALERTMANAGER_URL', 'PROMETHEUS_BIN', 'PROMTOOL_BIN'] as const;

/** The real servers' settings the e2e targets read (test/support/e2e-targets.ts). */
export const REAL_SERVER_SETTINGS = ['DATABASE_TEST_URL', 'DATABASE_TEST_OWNER_URL', 'DATABASE_TEST_ENGINE_URL', 'AMQP_URL', 'KAFKA_BROKERS', 'TEMPORAL_ADDRESS', 'OPA_URL'] as const;

export type ChaosSetting = (typeof CHAOS_SETTINGS)[number] | (typeof REAL_SERVER_SETTINGS)[number] | 'TEMPORAL_NAMESPACE';

/** The settings of process.env a run reads, or the names of those missing. */
export function chaosSettings(env: NodeJS.ProcessEnv = process.env): { settings: Record<ChaosSetting, string>; missing: string[] } {
  const names = [...REAL_SERVER_SETTINGS, ...CHAOS_SETTINGS];
  const missing = names.filter((name) => !env[name]);
  const settings = Object.fromEntries(names.map((name) => [name, env[name] ?? ''])) as Record<ChaosSetting, string>;
  settings.TEMPORAL_NAMESPACE = env.TEMPORAL_NAMESPACE || 'default';
  return { settings, missing };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
