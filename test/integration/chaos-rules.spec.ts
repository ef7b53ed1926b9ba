import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { durationSeconds, RULES_FILE, scaledRules } from '../../chaos/lib/evaluator';
import { realServerOrSkip } from '../support/embedded-postgres';

const run = promisify(execFile);

interface Rules {
  groups: { rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }[] }[];
}

const rulesOf = (text: string) => (parse(text) as Rules).groups.flatMap((g) => g.rules);

/** The chaos runs evaluate the production rules with their windows scaled (ADR 0046), never edited. */
describe('the chaos evaluator’s scaled rules', () => {
  const production = readFileSync(RULES_FILE, 'utf8');
  const scaled = scaledRules(1 / 20, production);

  it('reads Prometheus durations', () => {
    expect([durationSeconds('5m'), durationSeconds('1h30m'), durationSeconds('90s'), durationSeconds('500ms')]).toEqual([300, 5_400, 90, 0.5]);
    expect(() => durationSeconds('5 m')).toThrow();
  });

  it('scales every range and `for`, keeps names, labels and thresholds', () => {
    const before = rulesOf(production);
    const after = rulesOf(scaled.yaml);
    expect(after.map((r) => r.alert ?? r.record)).toEqual(before.map((r) => r.alert ?? r.record));
    for (const [i, rule] of after.entries()) {
      const original = before[i]!;
      expect(rule.labels).toEqual(original.labels);
      expect(rule.for === undefined ? undefined : durationSeconds(rule.for)).toEqual(original.for === undefined ? undefined : durationSeconds(original.for) / 20);
      const ranges = (expr: string) => [...expr.matchAll(/\[([^\]]+)\]/g)].map((m) => durationSeconds(m[1]!));
      expect(ranges(rule.expr)).toEqual(ranges(original.expr).map((s) => s / 20));
      // Only the windows change: the expression without them is the same.
      expect(rule.expr.replace(/\[[^\]]+\]/g, '[]').replace(/\s+/g, ' ').trim()).toBe(original.expr.replace(/\[[^\]]+\]/g, '[]').replace(/\s+/g, ' ').trim());
    }
    const carrier = scaled.alerts.find((a) => a.alert === 'LogisynapseCarrierErrorRateHigh');
    expect(carrier).toEqual({ alert: 'LogisynapseCarrierErrorRateHigh', forSeconds: 600, scaledForSeconds: 30 });
    // The shipments-grpc scenarios' alerts: 5 minutes over 5 minutes, 15 s over 15 s in a run.
    for (const alert of ['LogisynapseShipmentsApiErrors', 'LogisynapseShipmentsApiSlow']) {
      expect(scaled.alerts.find((a) => a.alert === alert)).toEqual({ alert, forSeconds: 300, scaledForSeconds: 15 });
    }
    expect(readFileSync(RULES_FILE, 'utf8')).toBe(production);
  });
});

realServerOrSkip('PROMTOOL_BIN', "Prometheus's promtool (`npm run infra:up`)")('the scaled rules, checked by promtool', ({ PROMTOOL_BIN: promtool }) => {
  it('are valid rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), scaledRules(1 / 20).yaml);
      const result = await run(promtool, ['check', 'rules', join(dir, 'rules.yml')]);
      expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
