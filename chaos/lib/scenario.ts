/** One assertion of a scenario, measured on the servers, with what was seen. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** What a scenario reports: its figures (printed) and its checks (each must hold). */
export interface ChaosReport {
  scenario: string;
  runId: string;
  startedAt: string;
  durationS: number;
  figures: Record<string, number | string>;
  checks: Check[];
}

export interface ScenarioContext {
  /** One line of progress. */
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  /** One line: the fault and what it proves. */
  summary: string;
  run: (ctx: ScenarioContext) => Promise<ChaosReport>;
}

/** Collects a scenario's checks as it goes. */
export class Checks {
  readonly list: Check[] = [];

  add(name: string, ok: boolean, detail: string): boolean {
    this.list.push({ name, ok, detail });
    return ok;
  }

  get failed(): Check[] {
    return this.list.filter((c) => !c.ok);
  }
}

/** The report as text: the figures, then one line per check. */
export function formatReport(report: ChaosReport): string {
  const width = Math.max(...Object.keys(report.figures).map((k) => k.length));
  const lines = [
    `chaos scenario ${report.scenario} (run ${report.runId}, ${report.startedAt}, ${report.durationS} s)`,
    'figures:',
    ...Object.entries(report.figures).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    'checks:',
    ...report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    `${report.checks.filter((c) => c.ok).length}/${report.checks.length} checks hold`,
  ];
  return lines.join('\n');
}

/** Seconds with one decimal, from milliseconds. */
export function seconds(ms: number | undefined | null): string {
  return ms === undefined || ms === null || Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}
