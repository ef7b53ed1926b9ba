import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ReadmeBlock {
  section: string;
  /** 1-based line of the opening fence in README.md. */
  line: number;
  code: string;
}

/** The fenced ```bash blocks of the README's `## <section>` sections, in order. */
export function readmeBashBlocks(markdown: string, sections: readonly string[]): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  let section = '';
  let open: { line: number; lines: string[] } | null = null;
  markdown.split('\n').forEach((text, index) => {
    if (open) {
      if (text.trim() === '```') {
        if (sections.includes(section)) blocks.push({ section, line: open.line, code: open.lines.join('\n') });
        open = null;
      } else open.lines.push(text);
      return;
    }
    const heading = /^## (.+)$/.exec(text);
    if (heading) section = heading[1]!.trim();
    else if (/^```bash\s*$/.test(text)) open = { line: index + 1, lines: [] };
  });
  return blocks;
}

/** The shell variables a block assigns at the start of a line (`TOKEN=$(...)`). */
export function assignedVariables(code: string): string[] {
  return [...new Set([...code.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!))];
}

export interface BlockRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one README block with bash (`set -euo pipefail`), in a shell that starts from the
 * variables the earlier blocks assigned (kept in `stateFile`), as a reader's terminal would.
 */
export function runBlock(block: ReadmeBlock, env: Record<string, string>, stateFile: string, cwd: string, timeoutMs = 30_000): Promise<BlockRun> {
  const variables = assignedVariables(block.code);
  const script = [
    'set -euo pipefail',
    `if [ -f ${JSON.stringify(stateFile)} ]; then source ${JSON.stringify(stateFile)}; fi`,
    block.code,
    ...(variables.length ? [`declare -p ${variables.join(' ')} >> ${JSON.stringify(stateFile)}`] : []),
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const GRPCURL_INSTALL = 'go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest';

/**
 * A directory with `grpcurl` in it, for PATH: GRPCURL_BIN (written to .env.infra by
 * `npm run infra:up`), else one on PATH, else ~/go/bin (where `go install` puts it); null if none.
 */
export function grpcurlDirectory(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [
    env.GRPCURL_BIN,
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'grpcurl')),
    join(env.HOME ?? homedir(), 'go', 'bin', 'grpcurl'),
  ].filter((file): file is string => Boolean(file));
  const found = candidates.find((file) => existsSync(file));
  if (!found) return null;
  const dir = mkdtempSync(join(tmpdir(), 'logisynapse-grpcurl-'));
  symlinkSync(found, join(dir, 'grpcurl'));
  return dir;
}

export function readme(root: string): string {
  return readFileSync(join(root, 'README.md'), 'utf8');
}
