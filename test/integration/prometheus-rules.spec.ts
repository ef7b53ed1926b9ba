import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GAUGES, INSTRUMENTS } from '../../src/platform/telemetry/instruments';
import { realServerOrSkip } from '../support/embedded-postgres';

const run = promisify(execFile);
const DIR = join(__dirname, '..', '..', 'infra', 'observability', 'prometheus');
const RULES = join(DIR, 'rules', 'logisynapse.yml');

/** The series names Prometheus sees for the platform's instruments (the exporter's naming). */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  for (const spec of Object.values(INSTRUMENTS)) {
    const base = spec.name.replace(/\./g, '_');
    if (spec.kind === 'counter') names.add(`${base}_total`);
    else for (const suffix of ['_count', '_sum', '_bucket']) names.add(`${base}${suffix}`);
  }
  for (const gauge of Object.values(GAUGES)) names.add(gauge.name.replace(/\./g, '_'));
  return names;
}

describe('alert rules name only series the platform exports', () => {
  it('every logisynapse_* series in a rule is one of the instruments', () => {
    const used = new Set(readFileSync(RULES, 'utf8').match(/\blogisynapse_[a-z_]+/g) ?? []);
    expect(used.size).toBeGreaterThan(3);
    const exported = exportedNames();
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('every alert has a summary and a runbook section that exists', () => {
    const rules = readFileSync(RULES, 'utf8');
    const runbooks = readFileSync(join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    for (const anchor of rules.matchAll(/runbook: docs\/runbooks\.md#([a-z]+)/g)) {
      expect(runbooks.toLowerCase()).toContain(`## ${anchor[1]}`);
    }
    expect([...rules.matchAll(/runbook: /g)]).toHaveLength(alerts.length);
  });
});

realServerOrSkip('PROMTOOL_BIN', "Prometheus's promtool (`npm run infra:up` installs Debian's prometheus)")(
  'Prometheus configuration and alert rules, checked by promtool',
  ({ PROMTOOL_BIN: promtool }) => {
    it('the scrape configuration and the rules are valid', async () => {
      const config = await run(promtool, ['check', 'config', join(DIR, 'prometheus.yml')]);
      expect(config.stdout).toContain('SUCCESS');
      const rules = await run(promtool, ['check', 'rules', RULES]);
      expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('every alert fires when it should and stays silent when it should not (promtool test rules)', async () => {
      const result = await run(promtool, ['test', 'rules', join(DIR, 'tests', 'logisynapse.test.yml')]).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`promtool test rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      expect(result.stdout).toContain('SUCCESS');
      // Each alert of the rules file has at least one test that expects it to fire.
      const tests = readFileSync(join(DIR, 'tests', 'logisynapse.test.yml'), 'utf8');
      for (const [, alert] of readFileSync(RULES, 'utf8').matchAll(/- alert: (\w+)/g)) {
        expect(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`).test(tests)).toBe(true);
      }
    });
  },
);
