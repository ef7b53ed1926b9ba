// npm run chaos -- <scenario>: runs a chaos scenario on the real servers of `npm run infra:up`
// (docs/chaos.md). Prints the figures and checks, exits 1 when a check fails.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadEnvInfra, REPO_ROOT } from './lib/env';
import { formatReport } from './lib/scenario';
import { SCENARIOS } from './scenarios';

const usage = () => `npm run chaos -- <scenario>\n${SCENARIOS.map((s) => `  ${s.name.padEnd(24)} ${s.summary}`).join('\n')}\n`;

/**
 * Compiled into dist/ (package.json `chaos`), the runner copies the built app and itself to a
 * private directory and runs from there: a `npm run build` elsewhere in the checkout (it empties
 * dist/) cannot pull the files from under a run, and test/support's AppProcess, which starts
 * `dist/src/main.js` two levels above itself, finds the app. Under node_modules/.cache, so the
 * app still resolves its packages (like the bench's snapshot).
 */
function relaunchFromSnapshot(args: string[]): never {
  const dist = join(__dirname, '..');
  const snapshot = join(REPO_ROOT, 'node_modules', '.cache', 'logisynapse-chaos', `run-${process.pid}`);
  rmSync(snapshot, { recursive: true, force: true });
  for (const entry of ['src', 'migrations', 'workflow-bundle.js']) {
    if (existsSync(join(dist, entry))) cpSync(join(dist, entry), join(snapshot, 'dist', entry), { recursive: true });
  }
  for (const entry of ['chaos', 'test']) cpSync(join(dist, entry), join(snapshot, entry), { recursive: true });
  const child = spawnSync(process.execPath, [join(snapshot, 'chaos', 'run.js'), ...args], { stdio: 'inherit' });
  rmSync(snapshot, { recursive: true, force: true });
  try {
    rmdirSync(dirname(snapshot));
  } catch {
    // another run's snapshot is still there
  }
  process.exit(child.status ?? 1);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(usage());
    return args.length === 1 ? 0 : 2;
  }
  const scenario = SCENARIOS.find((s) => s.name === args[0]);
  if (!scenario) {
    process.stderr.write(`unknown scenario ${args[0]}\n${usage()}`);
    return 2;
  }
  if (relative(REPO_ROOT, __dirname) === join('dist', 'chaos')) relaunchFromSnapshot(args);
  loadEnvInfra();
  const report = await scenario.run({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write(`${formatReport(report)}\n`);
  return report.checks.every((c) => c.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
