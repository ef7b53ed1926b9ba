/**
 * Prebuilds the Temporal workflow bundle (webpack, through `bundleWorkflowCode`) so a production
 * worker starts without bundling: `TemporalWorkflowEngine` takes it as `workflowBundlePath`.
 *
 * Run from the compiled `dist/` (Node 20 runs no TypeScript by itself):
 *
 *   npm run build \
 *     && swc scripts/build-workflow-bundle.ts -d dist --quiet \
 *     && node dist/scripts/build-workflow-bundle.js
 *
 * Defaults, relative to this script's compiled location (`dist/scripts/`): bundles
 * `dist/src/modules/workflow-orchestrator/adapters/temporal/workflows.js` (the code the app
 * runs) into `dist/workflow-bundle.js`. `--workflows PATH` and `--out PATH` override them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../src/modules/workflow-orchestrator/adapters/temporal/temporal-tracing';

export const WORKFLOWS_ENTRY = 'src/modules/workflow-orchestrator/adapters/temporal/workflows';

export interface BuildWorkflowBundleOptions {
  /** The workflow entry (`.ts` or `.js`). */
  workflowsPath: string;
  /** Where the bundle goes. */
  outFile: string;
}

/** Bundles the workflows and writes the bundle; answers its size in bytes. */
export async function buildWorkflowBundle({ workflowsPath, outFile }: BuildWorkflowBundleOptions): Promise<number> {
  // The tracing interceptors run inside the sandbox, so they are part of the bundle.
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: new DefaultLogger('WARN') });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return Buffer.byteLength(code);
}

function argument(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index < 0) return undefined;
  const value = args[index + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a path`);
  return value;
}

async function main(args: readonly string[]): Promise<void> {
  const root = resolve(__dirname, '..'); // dist/ when run compiled
  const workflowsPath = resolve(argument(args, '--workflows') ?? require.resolve(resolve(root, WORKFLOWS_ENTRY)));
  const outFile = resolve(argument(args, '--out') ?? resolve(root, 'workflow-bundle.js'));
  const bytes = await buildWorkflowBundle({ workflowsPath, outFile });
  process.stdout.write(
    `workflow bundle: ${relative(process.cwd(), workflowsPath)} -> ${relative(process.cwd(), outFile)} (${(bytes / 1024).toFixed(0)} KiB)\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`build-workflow-bundle failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
