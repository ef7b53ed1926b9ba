import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { eventually } from '../../test/support/poll';
import { freePort } from '../../test/support/ports';
import { REPO_ROOT } from './env';

const run = promisify(execFile);

/** The production rules: read, never written (ADR 0046). */
export const RULES_FILE = join(REPO_ROOT, 'infra', 'observability', 'prometheus', 'rules', 'logisynapse.yml');

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A Prometheus duration (`5m`, `1h30m`, `90s`) in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Prometheus duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit!]!, 0);
}

/** Seconds as a Prometheus duration, whole milliseconds (`15s`, `1500ms`). */
function asDuration(seconds: number): string {
  const ms = Math.max(1, Math.round(seconds * 1000));
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

interface RuleFile {
  groups: { name: string; interval?: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

export interface ScaledRule {
  alert: string;
  /** The production `for` and the scaled one, in seconds (0 when the rule has none). */
  forSeconds: number;
  scaledForSeconds: number;
}

/**
 * The production rules with every time window scaled by `scale` (range selectors `[5m]` and
 * `for:`), thresholds untouched: an alert that needs ten minutes of a 20% error ratio over five
 * needs thirty seconds of it over fifteen at 1/20. Each alert keeps its name and labels, and
 * gets an annotation saying it was scaled.
 */
export function scaledRules(scale: number, source = readFileSync(RULES_FILE, 'utf8')): { yaml: string; alerts: ScaledRule[] } {
  const file = parse(source) as RuleFile;
  const alerts: ScaledRule[] = [];
  const scaleWindow = (expr: string) => expr.replace(/\[(\d+(?:ms|s|m|h|d|w|y))+\]/g, (match) => `[${asDuration(durationSeconds(match.slice(1, -1)) * scale)}]`);
  for (const group of file.groups) {
    for (const rule of group.rules) {
      rule.expr = scaleWindow(rule.expr);
      if (rule.alert) {
        const forSeconds = rule.for ? durationSeconds(rule.for) : 0;
        const scaledForSeconds = forSeconds * scale;
        if (rule.for) rule.for = asDuration(scaledForSeconds);
        rule.annotations = { ...rule.annotations, chaos_scale: String(scale) };
        alerts.push({ alert: rule.alert, forSeconds, scaledForSeconds });
      }
    }
  }
  return { yaml: `# ${RULES_FILE} with its windows scaled by ${scale} for a chaos run (chaos/lib/evaluator.ts)\n${stringify(file)}`, alerts };
}

export interface EvaluatorOptions {
  prometheusBin: string;
  promtoolBin: string;
  /** Where the run's alerts go (`ALERTMANAGER_URL`). */
  alertmanagerUrl: string;
  /** The run id, Prometheus's external label `chaos_run` on every alert it sends. */
  chaosRun: string;
  /** `host:port` of each /metrics to scrape, by a `process` label. */
  targets: Record<string, string>;
  /** Time scale of the rules. Default 1/20. */
  scale?: number;
  /** Default 1 s each. */
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
}

/**
 * The chaos run's own Prometheus (the Debian server infra:up installs, on a free loopback port,
 * its data in a temporary directory): scrapes only this run's processes, evaluates the project's
 * alert rules with scaled windows, and sends its alerts, labelled `chaos_run`, to the shared
 * Alertmanager. The shared Prometheus of infra:up is left alone (ADR 0046).
 */
export class ChaosEvaluator {
  private constructor(
    readonly url: string,
    readonly alerts: ScaledRule[],
    readonly scale: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly logs: string[],
  ) {}

  static async start(options: EvaluatorOptions): Promise<ChaosEvaluator> {
    const scale = options.scale ?? 1 / 20;
    const scrape = options.scrapeIntervalSeconds ?? 1;
    const evaluation = options.evaluationIntervalSeconds ?? 1;
    const dir = mkdtempSync(join(tmpdir(), 'logisynapse-chaos-prometheus-'));
    mkdirSync(join(dir, 'rules'));
    const rules = scaledRules(scale);
    writeFileSync(join(dir, 'rules', 'logisynapse.chaos.yml'), rules.yaml);
    const alertmanager = new URL(options.alertmanagerUrl);
    const config = {
      global: { scrape_interval: `${scrape}s`, scrape_timeout: `${scrape}s`, evaluation_interval: `${evaluation}s`, external_labels: { chaos_run: options.chaosRun } },
      rule_files: ['rules/*.yml'],
      alerting: { alertmanagers: [{ scheme: alertmanager.protocol.replace(':', ''), static_configs: [{ targets: [alertmanager.host] }] }] },
      scrape_configs: [
        {
          job_name: 'logisynapse',
          metrics_path: '/metrics',
          static_configs: Object.entries(options.targets).map(([process, target]) => ({ targets: [target], labels: { process } })),
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    try {
      await run(options.promtoolBin, ['check', 'config', join(dir, 'prometheus.yml')]);
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`promtool check config refused the chaos evaluator's config:\n${stdout}${stderr}`, { cause: error });
    }
    const port = await freePort();
    const logs: string[] = [];
    const child = spawn(
      options.prometheusBin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=1h',
        `--web.listen-address=127.0.0.1:${port}`,
        // A firing alert is sent again every 2 s (default 1 m), so Alertmanager never times it out mid-run.
        '--rules.alert.resend-delay=2s',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const evaluator = new ChaosEvaluator(`http://127.0.0.1:${port}`, rules.alerts, scale, child, dir, logs);
    try {
      await eventually(
        "the chaos evaluator's Prometheus to be ready",
        async () => {
          if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${logs.slice(-10).join('\n')}`);
          const res = await fetch(`${evaluator.url}/-/ready`).catch(() => null);
          return res?.ok ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    } catch (error) {
      await evaluator.stop();
      throw error;
    }
    return evaluator;
  }

  /** The scaled `for` of an alert, in seconds. */
  forSeconds(alert: string): number {
    const rule = this.alerts.find((a) => a.alert === alert);
    if (!rule) throw new Error(`no alert ${alert} in ${RULES_FILE}`);
    return rule.scaledForSeconds;
  }

  /** An instant query; the value of each series. */
  async query(expr: string): Promise<{ metric: Record<string, string>; value: number }[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
    return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The sum of an instant query's values (0 when it has none). */
  async scalar(expr: string): Promise<number> {
    return (await this.query(expr)).reduce((sum, r) => sum + r.value, 0);
  }

  /** How many of the targets the last scrape reached. */
  async targetsUp(): Promise<number> {
    return this.scalar('sum(up{job="logisynapse"})');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  lastLogs(): string[] {
    return this.logs.slice(-20);
  }
}
