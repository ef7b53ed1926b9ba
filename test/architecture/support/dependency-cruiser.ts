/**
 * Runs dependency-cruiser for the architecture tests.
 *
 * dependency-cruiser is published as ES modules only (its package "exports" has only an "import"
 * condition), and Jest here loads test code as CommonJS, so `import('dependency-cruiser')` cannot
 * be resolved inside Jest. We therefore run its CLI in a child process
 * (`depcruise --config .dependency-cruiser.cjs --output-type json <targets>`) and parse the JSON it
 * prints. The rules live only in `.dependency-cruiser.cjs`; rule paths are relative to the directory
 * the cruise runs in, which is how the same rules run over the fixture tree (negative control).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const CONFIG_FILE = join(REPO_ROOT, '.dependency-cruiser.cjs');
export const FIXTURES_ROOT = join(REPO_ROOT, 'test', 'architecture', 'fixtures');

/** The part of dependency-cruiser's JSON output that the tests read. */
export interface CruiseDependency {
  resolved: string;
  module: string;
  dependencyTypes: string[];
  coreModule?: boolean;
  couldNotResolve?: boolean;
}
export interface CruiseModule {
  source: string;
  dependencies: CruiseDependency[];
}
export interface CruiseViolation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  dependencyTypes?: string[];
  cycle?: Array<{ name: string; dependencyTypes?: string[] }>;
}
export interface CruiseRule {
  name: string;
  comment?: string;
}
export interface CruiseResult {
  modules: CruiseModule[];
  summary: {
    violations: CruiseViolation[];
    error: number;
    warn: number;
    info: number;
    totalCruised: number;
    totalDependenciesCruised?: number;
    ruleSetUsed?: { forbidden?: CruiseRule[] };
  };
}

function depcruiseBin(): string {
  const packageDir = join(REPO_ROOT, 'node_modules', 'dependency-cruiser');
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const bin = join(packageDir, manifest.bin.depcruise);
  if (!existsSync(bin)) throw new Error(`dependency-cruiser CLI not found at ${bin}; run npm ci`);
  return bin;
}

/**
 * Cruises `targets` (paths relative to `baseDir`) with the rules of `.dependency-cruiser.cjs`.
 * depcruise exits with the number of errors, so a non-zero exit status is expected when there
 * are violations; only output that is not a cruise result is treated as a failure to run.
 */
export function cruise(baseDir: string, targets: string[]): CruiseResult {
  const run = spawnSync(process.execPath, [depcruiseBin(), '--config', CONFIG_FILE, '--output-type', 'json', ...targets], {
    cwd: baseDir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  let parsed: CruiseResult;
  try {
    parsed = JSON.parse(run.stdout) as CruiseResult;
  } catch {
    throw new Error(`depcruise did not produce a cruise result (exit ${run.status}) in ${baseDir}:\n${run.stderr}\n${run.stdout.slice(0, 2000)}`);
  }
  if (!Array.isArray(parsed.modules) || !parsed.summary || !Array.isArray(parsed.summary.violations)) {
    throw new Error(`Unexpected depcruise output in ${baseDir}:\n${run.stdout.slice(0, 2000)}`);
  }
  return parsed;
}

export const isTypeOnly = (dependencyTypes: readonly string[] | undefined): boolean =>
  (dependencyTypes ?? []).some((type) => type === 'type-only' || type === 'pre-compilation-only');

/** Shortens `../../../node_modules/pg/esm/index.mjs` to `pg/esm/index.mjs` for messages. */
export const displayPath = (path: string): string => path.replace(/^(\.\.\/)*(.*\/)?node_modules\//, '');

/** One line per violation: `rule: from → to`, with the cycle when there is one. */
export function formatViolation(violation: CruiseViolation): string {
  const typeOnly = isTypeOnly(violation.dependencyTypes) ? ' (type-only import)' : '';
  const cycle = violation.cycle?.length ? `\n      cycle: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')}` : '';
  return `[${violation.rule.name}] ${violation.from} → ${displayPath(violation.to)}${typeOnly}${cycle}`;
}

// ---------------------------------------------------------------------------------------------
// Cycles between module folders
// ---------------------------------------------------------------------------------------------
// dependency-cruiser's `circular` works file by file; modules can still form a cycle as folders
// (e/a.ts → f/index.ts and f/b.ts → e/index.ts, with no file importing itself back). This check
// collapses the cruise graph to module folders (src/modules/<name>), keeps only the edges that
// exist at run time (an edge made of type-only imports only is erased by the compiler), and
// reports every strongly connected component of more than one module.

const MODULE_FOLDER = /^src\/modules\/([^/]+)\//;

export interface ModuleCycle {
  modules: string[];
  /** For each module-to-module edge inside the cycle, the run-time imports that make it. */
  edges: Array<{ from: string; to: string; imports: string[] }>;
}

export function findModuleCycles(result: CruiseResult): ModuleCycle[] {
  const imports = new Map<string, Map<string, string[]>>();
  for (const module of result.modules) {
    const from = MODULE_FOLDER.exec(module.source)?.[1];
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = MODULE_FOLDER.exec(dependency.resolved)?.[1];
      if (!to || to === from || isTypeOnly(dependency.dependencyTypes)) continue;
      const targets = imports.get(from) ?? new Map<string, string[]>();
      imports.set(from, targets);
      targets.set(to, [...(targets.get(to) ?? []), `${module.source} → ${dependency.resolved}`]);
    }
  }

  // Tarjan's strongly connected components.
  const nodes = [...new Set([...imports.keys(), ...[...imports.values()].flatMap((targets) => [...targets.keys()])])].sort();
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    lowLink.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of [...(imports.get(node)?.keys() ?? [])].sort()) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
      } else if (onStack.has(next)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
      }
    }
    if (lowLink.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);

  return components
    .filter((component) => component.length > 1)
    .map((component) => ({
      modules: component,
      edges: component.flatMap((from) =>
        [...(imports.get(from) ?? new Map<string, string[]>()).entries()]
          .filter(([to]) => component.includes(to))
          .map(([to, edgeImports]) => ({ from, to, imports: edgeImports })),
      ),
    }));
}

export function formatModuleCycle(cycle: ModuleCycle): string {
  const edges = cycle.edges.map((edge) => `      ${edge.from} → ${edge.to}:\n${edge.imports.map((line) => `        ${line}`).join('\n')}`);
  return `[no-module-folder-cycle] modules ${cycle.modules.join(', ')} import each other at run time:\n${edges.join('\n')}`;
}
