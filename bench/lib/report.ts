import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, platform, loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './env';

/** One row of `bench/results/latest.json`. */
export interface ResultRow {
  id: string;
  metric: string;
  a: number | null;
  b: number | null;
  ratio: number | null;
  goal: string;
  met: boolean;
}

/** What the Markdown table says next to a row: variants, rounds, why a goal is missed. */
export interface RowNotes {
  variantA: string;
  variantB: string;
  detail: string;
}

export interface BenchOutcome {
  rows: { row: ResultRow; notes: RowNotes }[];
}

export function machine() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const keys = ['@nestjs/core', '@grpc/grpc-js', '@temporalio/worker', '@dbos-inc/dbos-sdk', '@electric-sql/pglite', 'kafkajs', 'amqplib', 'pg', 'pg-boss', 'typeorm', 'graphql', 'autocannon'];
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGb: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
    versions: Object.fromEntries(keys.map((k) => [k, deps[k] ?? 'n/a'])),
  };
}

const fmt = (value: number | null) => (value === null ? '—' : String(value));

export function writeResults(
  outcome: { machineInfo: ReturnType<typeof machine>; date: string; mode: string; durationS: number; rows: { row: ResultRow; notes: RowNotes }[] },
  name = 'latest',
  dir = join(ROOT, 'bench', 'results'),
): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify({ machine: outcome.machineInfo, date: outcome.date, results: outcome.rows.map((r) => r.row) }, null, 2)}\n`);
  const m = outcome.machineInfo;
  const lines = [
    '# Benchmark results (latest run)',
    '',
    `- date: ${outcome.date} (mode: ${outcome.mode}, took ${outcome.durationS} s)`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os}; load average at start ${m.loadAverageAtStart.join(' / ')}`,
    `- Node.js ${m.node}; ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '- Each figure is the median of the rounds after a warm-up; A and B run back to back in the same run.',
    '  The machine is shared (other engineers run tests on it), so the figures are noisy: read ratios, not absolutes.',
    '',
    '| id | metric | A | B | A/B | goal | met |',
    '|---|---|---|---|---|---|---|',
    ...outcome.rows.map(({ row }) => `| ${row.id} | ${row.metric} | ${fmt(row.a)} | ${fmt(row.b)} | ${fmt(row.ratio)} | ${row.goal} | ${row.met ? 'yes' : '**no**'} |`),
    '',
    '## Variants and notes',
    '',
    ...outcome.rows.flatMap(({ row, notes }) => [
      `### ${row.id} — ${row.metric}`,
      '',
      `- A: ${notes.variantA}`,
      `- B: ${notes.variantB}`,
      ...(notes.detail ? [`- ${notes.detail}`] : []),
      '',
    ]),
  ];
  writeFileSync(md, `${lines.join('\n')}\n`);
  return { json, md };
}
