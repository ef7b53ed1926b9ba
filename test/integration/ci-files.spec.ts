import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from '@swc/core';
import { parse } from 'yaml';
import { ALL_MODULES, MODULE_DESCRIPTORS, type ModuleName } from '../../src/platform/config/module-descriptors';
import { realServerOrSkip } from '../support/embedded-postgres';

/**
 * The Dockerfile, .dockerignore and .github/workflows (ADR 0040), checked without a Docker engine
 * or GitHub: hadolint and actionlint (with shellcheck over the `run:` steps) must find nothing,
 * and the parsed files must say what the deployment relies on. Every check has a negative
 * control: a bad file or a mutated copy on which the same check reports the problem.
 */

const ROOT = join(__dirname, '..', '..');
const DOCKERFILE = join(ROOT, 'Dockerfile');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'ci.yml');
const IMAGE_MODULES = ['all', 'gateway', 'auth', 'authorization', 'shipments', 'workflow-orchestrator', 'carriers', 'communications'];
/** What to run for a missing tool (realServerOrSkip's "start ..."). */
const TOOLS = '`npm run infra:up` (scripts/infra/ci-tools.sh installs hadolint, actionlint and shellcheck)';

interface ToolRun { code: number; stdout: string; stderr: string }

/** Runs a program to its end; never throws on a non-zero exit (the findings are the point). */
function runTool(bin: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error); // could not start at all
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'logisynapse-ci-files-'));
}

// ---------------------------------------------------------------------------------------------
// The Dockerfile, parsed as the builder reads it
// ---------------------------------------------------------------------------------------------

interface Instruction { keyword: string; args: string; line: number }
interface Stage { image: string; name: string | null; instructions: Instruction[] }

/** Instructions with their continuation lines joined; comment lines dropped (also inside one). */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current: { parts: string[]; line: number } | null = null;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (current === null && trimmed === '')) return;
    const continued = raw.endsWith('\\');
    const part = continued ? raw.slice(0, -1) : raw;
    if (current === null) current = { parts: [part.trim()], line: index + 1 };
    else current.parts.push(part);
    if (!continued) {
      const joined = current.parts.join('');
      const match = /^(\S+)\s*([\s\S]*)$/.exec(joined)!;
      out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: current.line });
      current = null;
    }
  });
  return out;
}

function stages(text: string): Stage[] {
  const result: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      result.push({ image: match?.[1] ?? instruction.args, name: match?.[2] ?? null, instructions: [] });
    } else if (result.length > 0) {
      result[result.length - 1]!.instructions.push(instruction);
    }
  }
  return result;
}

/** COPY sources taken from the build context (not from another stage), as written. */
function contextCopySources(text: string): string[] {
  return instructions(text)
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => i.args.replace(/--\S+\s+/g, '').split(/\s+/).slice(0, -1));
}

/** What the deployment relies on; an empty list when the Dockerfile says all of it. */
function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const all = stages(text);
  const final = all[all.length - 1];
  if (!final) return ['no FROM'];
  const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const at = (stage: Stage, keyword: string) => stage.instructions.findIndex((i) => i.keyword === keyword);

  for (const stage of all) {
    if (!/^node:24(\.\d+){0,2}(-[a-z0-9]+)*$/.test(stage.image)) problems.push(`stage ${stage.name ?? stage.image} is not on a tagged Node.js 24 image`);
  }
  const everyRun = all.flatMap(runs);
  if (everyRun.some((run) => /\bnpm\s+(install|i|add|update)\b/.test(run))) problems.push('npm install is used (only npm ci installs exactly the lock)');
  if (!everyRun.some((run) => /\bnpm ci\b/.test(run))) problems.push('no npm ci');
  if (!everyRun.some((run) => /npm run build\b/.test(run) && /npm run build:workflow-bundle\b/.test(run))) problems.push('the workflow bundle is not prebuilt');

  // The ARG reaches the final stage's ENV, and only there: the other stages are shared by every module.
  const arg = final.instructions.findIndex((i) => i.keyword === 'ARG' && /^LOGISYNAPSE_MODULES=all$/.test(i.args));
  if (arg < 0) problems.push('the final stage has no ARG LOGISYNAPSE_MODULES=all');
  const env = final.instructions.findIndex((i) => i.keyword === 'ENV' && /(^|\s)LOGISYNAPSE_MODULES=\$\{?LOGISYNAPSE_MODULES\}?(\s|$)/.test(i.args));
  if (env < 0 || env < arg) problems.push('ENV LOGISYNAPSE_MODULES does not take the build argument');
  if (all.slice(0, -1).some((stage) => stage.instructions.some((i) => i.keyword === 'ARG' && i.args.startsWith('LOGISYNAPSE_MODULES')))) {
    problems.push('an earlier stage reads LOGISYNAPSE_MODULES, so the modules cannot share it');
  }
  const lastCopy = final.instructions.map((i) => i.keyword).lastIndexOf('COPY');
  if (arg >= 0 && arg < lastCopy) problems.push('ARG LOGISYNAPSE_MODULES comes before a COPY: every module would copy again');

  // Dependencies: the final stage's node_modules come from a stage without the dev dependencies.
  const depsCopy = final.instructions.find((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
  const depsStage = all.find((stage) => stage.name !== null && depsCopy?.args.includes(`--from=${stage.name}`));
  if (!depsStage || !runs(depsStage).some((run) => /npm (ci|prune) .*--omit=dev/.test(run))) problems.push('the runtime node_modules still hold the dev dependencies');
  if (!final.instructions.some((i) => i.keyword === 'COPY' && /--from=\S+\s+\/app\/dist\s/.test(i.args))) problems.push('the final stage does not copy the compiled dist/');
  if (runs(final).some((run) => /\bnpm\b/.test(run))) problems.push('npm runs in the final stage');

  const users = final.instructions.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1]?.args;
  if (!user) problems.push('no USER: the container runs as root');
  else if (!/^[1-9]\d*(:[1-9]\d*)?$/.test(user)) problems.push(`USER ${user} is not a numeric non-root user`);
  if (!final.instructions.some((i) => i.keyword === 'ENV' && /LOGISYNAPSE_DATA_DIR=\/data(\s|$)/.test(i.args))) problems.push('the data directory is not /data');
  if (!runs(final).some((run) => /chown 1000(:1000)? \/data/.test(run))) problems.push('/data is not the user\'s');
  if (at(final, 'HEALTHCHECK') < 0) problems.push('no HEALTHCHECK');
  if (!final.instructions.some((i) => i.keyword === 'CMD' && i.args === '["node", "dist/src/main.js"]')) problems.push('CMD is not node dist/src/main.js');
  const labels = final.instructions.filter((i) => i.keyword === 'LABEL').map((i) => i.args).join(' ');
  for (const label of ['title', 'description', 'source', 'revision', 'version', 'licenses']) {
    if (!labels.includes(`org.opencontainers.image.${label}=`)) problems.push(`no OCI label org.opencontainers.image.${label}`);
  }
  // An ignored hadolint rule says why on the comment line above it.
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (/#\s*hadolint\s+(global\s+)?ignore=/.test(line) && !/^\s*#(?!\s*hadolint)/.test(lines[index - 1] ?? '')) problems.push(`line ${index + 1}: a hadolint rule ignored without a reason`);
  });
  return problems;
}

/** The guard of the final stage (RUN node -e ... "$LOGISYNAPSE_MODULES"), as the shell gets it. */
function moduleGuard(text: string): string {
  const run = stages(text).at(-1)!.instructions.find((i) => i.keyword === 'RUN' && i.args.includes('module-descriptors.js'));
  if (!run) throw new Error('the final stage has no module check');
  return run.args;
}

// A bad Dockerfile for the negative controls: an untagged base, npm install, root, no health check.
const BAD_DOCKERFILE = ['FROM node:latest', 'WORKDIR /app', 'COPY . .', 'RUN npm install && npm run build', 'ENV LOGISYNAPSE_MODULES=all', 'CMD ["node", "dist/src/main.js"]', ''].join('\n');

describe('Dockerfile: one image per module from the same stages', () => {
  const text = readFileSync(DOCKERFILE, 'utf8');

  it('says everything the deployment relies on', () => {
    expect(dockerfileProblems(text)).toEqual([]);
    expect(stages(text).map((s) => s.name)).toEqual(['prod-deps', 'build', 'runtime']);
  });

  it('reports a Dockerfile that does not (negative control)', () => {
    const problems = dockerfileProblems(BAD_DOCKERFILE);
    for (const expected of ['npm install is used', 'no npm ci', 'no USER', 'no HEALTHCHECK', 'no ARG LOGISYNAPSE_MODULES', 'not on a tagged Node.js 24 image']) {
      expect(problems.some((p) => p.includes(expected))).toBe(true);
    }
    // Each check can fail on its own: move the ARG before the COPYs, make the user root.
    const argEarly = text.replace(/^ARG LOGISYNAPSE_MODULES=all\n/m, '').replace('COPY package.json ./\nCOPY --from=prod-deps', 'ARG LOGISYNAPSE_MODULES=all\nCOPY package.json ./\nCOPY --from=prod-deps');
    expect(dockerfileProblems(argEarly)).toEqual(['ARG LOGISYNAPSE_MODULES comes before a COPY: every module would copy again']);
    expect(dockerfileProblems(text.replace('USER 1000:1000', 'USER node'))).toEqual(['USER node is not a numeric non-root user']);
    expect(dockerfileProblems(text.replace('npm ci --omit=dev', 'npm ci'))).toEqual(['the runtime node_modules still hold the dev dependencies']);
    expect(dockerfileProblems(`${text}\n# hadolint ignore=DL3059\nRUN true\n`)).toEqual([`line ${text.split('\n').length + 1}: a hadolint rule ignored without a reason`]);
    expect(dockerfileProblems(`${text}\n# the reason, on the line above\n# hadolint ignore=DL3059\nRUN true\n`)).toEqual([]);
  });

  it('compiles src/migrate.ts to dist/src/migrate.js (the chart migration Job runs it)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/\bswc src migrations -d dist\b/);
    expect(readFileSync(join(ROOT, 'src', 'migrate.ts'), 'utf8')).toContain('runMigrations');
    expect(text).toContain('test -f dist/src/migrate.js');
  });

  it('refuses at build time a module set the app would refuse, with the descriptors config reads', async () => {
    // The module descriptors compiled as the image has them (dist/src/platform/config/), then the guard run by sh.
    const dir = tempDir();
    try {
      const source = readFileSync(join(ROOT, 'src', 'platform', 'config', 'module-descriptors.ts'), 'utf8');
      const { code } = transformSync(source, { filename: 'module-descriptors.ts', jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } });
      mkdirSync(join(dir, 'dist', 'src', 'platform', 'config'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'src', 'platform', 'config', 'module-descriptors.js'), code);
      const guard = moduleGuard(readFileSync(DOCKERFILE, 'utf8'));
      const check = (modules: string) => runTool('sh', ['-c', guard], { cwd: dir, env: { PATH: process.env.PATH, LOGISYNAPSE_MODULES: modules } });
      for (const { modules } of imageMatrix(parse(readFileSync(WORKFLOW, 'utf8')) as Workflow)) {
        expect({ modules, ...(await check(modules)) }).toEqual({ modules, code: 0, stdout: '', stderr: '' });
      }
      const alone = await check('shipments');
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain('shipments needs tenancy, authorization, carriers in the same process');
      const unknown = await check('warehouse,tenancy');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('warehouse is not a module');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// .dockerignore: the build context is what the Dockerfile copies and nothing else
// ---------------------------------------------------------------------------------------------

/** Docker's rule: the last pattern matching a path or one of its parent directories decides. */
function inContext(ignoreText: string, path: string): boolean {
  const patterns = ignoreText.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  // `**/` any directories, `*` and `?` within one name; everything else literal.
  const wildcards: Record<string, string> = { '**/': '(.*/)?', '*': '[^/]*', '?': '[^/]' };
  const toRegExp = (glob: string) =>
    new RegExp(`^${glob.split(/(\*\*\/|\*|\?)/).map((part) => wildcards[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('')}$`);
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const regExp = toRegExp(negated ? pattern.slice(1) : pattern);
    if (prefixes.some((prefix) => regExp.test(prefix))) included = negated;
  }
  return included;
}

describe('.dockerignore', () => {
  const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

  it('sends the builder every file the Dockerfile copies', () => {
    const sources = contextCopySources(readFileSync(DOCKERFILE, 'utf8'));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'migrations', 'scripts/build-workflow-bundle.ts']));
    for (const source of sources) {
      const sample = ['src', 'migrations'].includes(source) ? `${source}/index.ts` : source;
      expect({ sample, inContext: inContext(ignore, sample) }).toEqual({ sample, inContext: true });
    }
    expect(inContext(ignore, 'src/migrate.ts')).toBe(true);
  });

  it('keeps out dependencies, builds, state, secrets, test output and the rest of the tree', () => {
    const kept = ['node_modules/yaml/package.json', 'dist/src/main.js', '.data/pglite.password', '.env.infra', '.env', '.env.local', 'coverage/lcov.info', 'test-results/junit.xml',
      '.git/HEAD', 'test/e2e/shipment-flow.e2e.spec.ts', 'scripts/infra/lib.sh', 'docs/architecture.md', 'src/platform/config/app-config.spec.ts']
      .filter((path) => inContext(ignore, path));
    expect(kept).toEqual([]);
    // Negative control: the matcher does see a file a plain denylist would let through.
    expect(inContext('node_modules\n', '.env.infra')).toBe(true);
    expect(inContext('*\n!src\n**/*.spec.ts\n', 'src/a/b.spec.ts')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The workflow, parsed
// ---------------------------------------------------------------------------------------------

interface Step { id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { needs?: string | string[]; if?: string; permissions?: Record<string, string>; strategy?: { matrix?: { include?: Array<Record<string, string>> } }; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, Job> }

function imageJob(workflow: Workflow): [string, Job] | undefined {
  return Object.entries(workflow.jobs).find(([, job]) => job.steps.some((s) => s.uses?.startsWith('docker/build-push-action@')));
}

function imageMatrix(workflow: Workflow): Array<{ module: string; modules: string }> {
  return (imageJob(workflow)?.[1].strategy?.matrix?.include ?? []).map((entry) => ({ module: entry.module ?? '', modules: entry.modules ?? '' }));
}

/** A module with what it needs in its own process (the descriptors' needsInProcess, transitively). */
function closure(module: ModuleName): Set<string> {
  const seen = new Set<string>();
  const visit = (name: ModuleName) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const needed of MODULE_DESCRIPTORS[name].needsInProcess as readonly ModuleName[]) visit(needed);
  };
  visit(module);
  return seen;
}

function workflowProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (JSON.stringify(workflow.permissions) !== JSON.stringify({ contents: 'read' })) problems.push('the top-level permissions are not contents: read');
  const push = workflow.on.push as { branches?: string[] } | undefined;
  if (JSON.stringify(push?.branches) !== JSON.stringify(['main'])) problems.push('pushes run on branches other than main');
  if (!('pull_request' in workflow.on)) problems.push('pull requests are not checked');

  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  for (const [what, pattern] of [['lint', /^npm run lint$/], ['type check', /^npm run typecheck$/], ['tests with the real servers', /^bash \.ci\/run$/]] as const) {
    if (!steps.some((s) => pattern.test(s.run?.trim() ?? ''))) problems.push(`no ${what} step`);
  }
  for (const step of steps.filter((s) => s.uses)) {
    if (!/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(step.uses!)) problems.push(`${step.uses} is not pinned to a version`);
  }

  const found = imageJob(workflow);
  if (!found) return [...problems, 'no image job'];
  const [name, job] = found;
  for (const [other, otherJob] of Object.entries(workflow.jobs)) {
    if (other === name) continue;
    const widened = Object.entries(otherJob.permissions ?? {}).filter(([, v]) => v !== 'read' && v !== 'none');
    if (widened.length > 0) problems.push(`job ${other} widens permissions: ${widened.map(([k]) => k).join(', ')}`);
  }
  const condition = (job.if ?? '').replace(/\s+/g, ' ');
  if (!condition.includes("github.ref == 'refs/heads/main'") || !condition.includes("github.event_name == 'push'") || /\|\|/.test(condition)) {
    problems.push('the image job does not run on pushes to main only');
  }
  const needs = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
  const checks = Object.entries(workflow.jobs).filter(([, j]) => j.steps.some((s) => /^(npm run (lint|typecheck)|bash \.ci\/run)$/.test(s.run?.trim() ?? ''))).map(([n]) => n);
  if (checks.some((check) => !needs.includes(check))) problems.push('the image job does not wait for every check');
  if (JSON.stringify(job.permissions) !== JSON.stringify({ contents: 'read', packages: 'write', 'id-token': 'write' })) problems.push('the image job permissions are not contents: read, packages: write, id-token: write');

  const matrix = imageMatrix(workflow);
  const names = matrix.map((entry) => entry.module);
  if (JSON.stringify([...names].sort()) !== JSON.stringify([...IMAGE_MODULES].sort())) problems.push(`the image matrix names ${names.join(', ')}`);
  for (const { module, modules } of matrix) {
    const expected = module === 'all' ? ['all'] : (ALL_MODULES as readonly string[]).includes(module) ? [...closure(module as ModuleName)].sort() : ['?'];
    const value = modules.split(',').map((m) => m.trim());
    if (JSON.stringify([...value].sort()) !== JSON.stringify(expected) || new Set(value).size !== value.length || value[0] !== module) {
      problems.push(`image ${module}: LOGISYNAPSE_MODULES=${modules}, not ${module} with what it needs in its process (${expected.join(',')})`);
    }
  }

  const uses = (prefix: string) => job.steps.filter((s) => s.uses?.startsWith(prefix));
  const aws = uses('aws-actions/configure-aws-credentials@')[0];
  if (!aws || !/^\$\{\{ vars\.\w+ \}\}$/.test(String(aws.with?.['role-to-assume'] ?? '')) || 'aws-access-key-id' in (aws.with ?? {})) problems.push('AWS is not reached through an OIDC role from a repository variable');
  if (uses('aws-actions/amazon-ecr-login@').length !== 1) problems.push('no ECR login');
  const ghcr = uses('docker/login-action@').find((s) => s.with?.registry === 'ghcr.io');
  if (!ghcr || ghcr.with?.password !== '${{ secrets.GITHUB_TOKEN }}') problems.push('no GHCR login with GITHUB_TOKEN');
  if (uses('docker/setup-buildx-action@').length !== 1) problems.push('no buildx');
  const build = uses('docker/build-push-action@')[0]!;
  const buildArgs = String(build.with?.['build-args'] ?? '').split('\n').map((l) => l.trim());
  if (!buildArgs.includes('LOGISYNAPSE_MODULES=${{ matrix.modules }}')) problems.push('LOGISYNAPSE_MODULES is not passed as a build argument');
  if (build.with?.push !== true) problems.push('the image is not pushed');
  for (const key of ['cache-from', 'cache-to']) {
    if (!/^type=gha,(mode=max,)?scope=[\w-]*\$\{\{ matrix\.module \}\}$/.test(String(build.with?.[key] ?? ''))) problems.push(`${key} is not a gha cache scoped per module`);
  }
  const namesStep = job.steps.find((s) => s.id !== undefined && build.with?.tags === `\${{ steps.${s.id}.outputs.tags }}`);
  if (!namesStep?.run) problems.push('the tags do not come from the names step');
  return problems;
}

/** Runs the image job's names step as the runner would, and answers the tags it writes. */
async function tagsFor(workflow: Workflow, module: string): Promise<string[]> {
  const [, job] = imageJob(workflow)!;
  const build = job.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
  const step = job.steps.find((s) => build.with?.tags === `\${{ steps.${s.id}.outputs.tags }}`)!;
  const dir = tempDir();
  try {
    const output = join(dir, 'output');
    writeFileSync(output, '');
    const env = { PATH: process.env.PATH, GITHUB_OUTPUT: output, GITHUB_REPOSITORY: 'Acme-Shipping/Logisynapse', GITHUB_SHA: 'a'.repeat(40), ECR_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', MODULE: module };
    expect(Object.keys(step.env ?? {}).sort()).toEqual(['ECR_REGISTRY', 'MODULE']);
    const result = await runTool('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const match = /^tags<<(\w+)\n([\s\S]*?)\n\1\n$/.exec(readFileSync(output, 'utf8'));
    if (!match) throw new Error(`the names step wrote no tags output: ${readFileSync(output, 'utf8')}`);
    return match[2]!.split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('.github/workflows/ci.yml', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;

  it('checks every change, and pushes one image per module from main only, with least privilege', () => {
    expect(workflowProblems(workflow)).toEqual([]);
    expect(imageMatrix(workflow).map((e) => e.module).sort()).toEqual([...IMAGE_MODULES].sort());
  });

  it('reports a workflow that does not (negative control)', () => {
    const mutated = (change: (w: Workflow) => void): string[] => {
      const copy = structuredClone(workflow);
      change(copy);
      return workflowProblems(copy);
    };
    const image = (w: Workflow) => imageJob(w)![1];
    expect(mutated((w) => { w.permissions = { contents: 'read', 'id-token': 'write' }; })).toEqual(['the top-level permissions are not contents: read']);
    expect(mutated((w) => { delete image(w).if; })).toEqual(['the image job does not run on pushes to main only']);
    expect(mutated((w) => { image(w).if = "github.ref == 'refs/heads/main' || github.event_name == 'pull_request'"; })).toEqual(['the image job does not run on pushes to main only']);
    expect(mutated((w) => { w.jobs.lint!.permissions = { 'id-token': 'write' }; })).toEqual(['job lint widens permissions: id-token']);
    expect(mutated((w) => { image(w).strategy!.matrix!.include = image(w).strategy!.matrix!.include!.filter((e) => e.module !== 'carriers'); })).toEqual([expect.stringContaining('the image matrix names')]);
    expect(mutated((w) => { image(w).strategy!.matrix!.include!.find((e) => e.module === 'shipments')!.modules = 'shipments'; })).toEqual([expect.stringContaining('image shipments: LOGISYNAPSE_MODULES=shipments, not')]);
    expect(mutated((w) => { image(w).steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!.with!['cache-to'] = 'type=gha,mode=max'; })).toEqual(['cache-to is not a gha cache scoped per module']);
    expect(mutated((w) => { image(w).steps.find((s) => s.uses?.startsWith('docker/login-action@'))!.uses = 'docker/login-action@master'; })).toEqual(['docker/login-action@master is not pinned to a version']);
  });

  it('tags each image with the commit and latest, in ECR (logisynapse/<module>) and GHCR', async () => {
    const sha = 'a'.repeat(40);
    const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/logisynapse/workflow-orchestrator';
    const ghcr = 'ghcr.io/acme-shipping/logisynapse/workflow-orchestrator';
    expect(await tagsFor(workflow, 'workflow-orchestrator')).toEqual([`${ecr}:${sha}`, `${ecr}:latest`, `${ghcr}:${sha}`, `${ghcr}:latest`]);
    const [, job] = imageJob(workflow)!;
    const names = job.steps.find((s) => s.env?.MODULE !== undefined)!;
    expect(names.env).toEqual({ ECR_REGISTRY: '${{ steps.ecr.outputs.registry }}', MODULE: '${{ matrix.module }}' });
    expect(job.steps.find((s) => s.id === 'ecr')?.uses).toMatch(/^aws-actions\/amazon-ecr-login@/);
  });
});

// ---------------------------------------------------------------------------------------------
// The linters themselves
// ---------------------------------------------------------------------------------------------

interface HadolintFinding { code: string; level: string; line: number; message: string }

realServerOrSkip('HADOLINT_BIN', TOOLS)('Dockerfile, checked by hadolint', ({ HADOLINT_BIN: hadolint }) => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    // Hermetic: no developer's ~/.config/hadolint.yaml ignores a rule; any finding, even style, fails.
    writeFileSync(join(dir, 'hadolint.yaml'), 'failure-threshold: style\nignored: []\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lint = async (file: string) => {
    const result = await runTool(hadolint, ['--config', join(dir, 'hadolint.yaml'), '--no-color', '--format', 'json', file]);
    return { code: result.code, findings: JSON.parse(result.stdout || '[]') as HadolintFinding[], stderr: result.stderr };
  };

  it('finds nothing in the Dockerfile', async () => {
    expect(await lint(DOCKERFILE)).toEqual({ code: 0, findings: [], stderr: '' });
  });

  it('finds the faults of a bad Dockerfile (negative control)', async () => {
    const bad = join(dir, 'Dockerfile');
    writeFileSync(bad, `${BAD_DOCKERFILE}RUN cd /app && apt-get install curl\n`);
    const { code, findings } = await lint(bad);
    expect(code).not.toBe(0);
    // DL3007: `latest`; DL3003: cd instead of WORKDIR; DL3008/DL3015: unpinned apt-get with recommends.
    expect(findings.map((f) => f.code)).toEqual(expect.arrayContaining(['DL3007', 'DL3003', 'DL3008', 'DL3015']));
  });
});

interface ActionlintFinding { message: string; filepath: string; line: number; kind: string }

realServerOrSkip(['ACTIONLINT_BIN', 'SHELLCHECK_BIN'], TOOLS)(
  'GitHub workflows, checked by actionlint with shellcheck over the run: steps',
  ({ ACTIONLINT_BIN: actionlint, SHELLCHECK_BIN: shellcheck }) => {
    // shellcheck named explicitly: actionlint silently skips the run: steps when it finds none.
    const lint = async (files: string[], cwd = ROOT) => {
      const result = await runTool(actionlint, ['-shellcheck', shellcheck, '-format', '{{json .}}', ...files], { cwd });
      return { code: result.code, findings: JSON.parse(result.stdout.trim() || '[]') as ActionlintFinding[] | null, stderr: result.stderr };
    };

    it('finds nothing in .github/workflows', async () => {
      // Named, not found: actionlint's own search needs a .git directory, which a source tarball lacks.
      const files = readdirSync(join(ROOT, '.github', 'workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join('.github', 'workflows', f));
      expect(files).toContain(join('.github', 'workflows', 'ci.yml'));
      const { code, findings, stderr } = await lint(files);
      expect({ code, findings: findings ?? [], stderr }).toEqual({ code: 0, findings: [], stderr: '' });
    });

    it('finds the faults of a bad workflow, shellcheck\'s included (negative control)', async () => {
      const dir = tempDir();
      try {
        mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
        const bad = join(dir, '.github', 'workflows', 'bad.yml');
        writeFileSync(bad, [
          'on: issues',
          'jobs:',
          '  build:',
          '    runs-on: ubuntu-24.04',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '        with:',
          '          no-such-input: true',
          '      - run: echo "${{ github.event.issue.title }}"',
          '      - run: cp $SOURCE /tmp',
          '',
        ].join('\n'));
        const { code, findings } = await lint([bad], dir);
        expect(code).not.toBe(0);
        const kinds = (findings ?? []).map((f) => f.kind);
        // expression: untrusted input in a script; action: an input checkout does not have;
        // shellcheck: SC2086, the unquoted $SOURCE.
        expect(kinds).toEqual(expect.arrayContaining(['expression', 'action', 'shellcheck']));
        expect((findings ?? []).some((f) => f.kind === 'shellcheck' && f.message.includes('SC2086'))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
