import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ALERT_WEBHOOK_PATH, ALERT_WEBHOOK_PORT } from '../../chaos/lib/alerts';
import { realServerOrSkip } from '../support/embedded-postgres';

const run = promisify(execFile);
const CONFIG = join(__dirname, '..', '..', 'infra', 'observability', 'alertmanager', 'alertmanager.yml');

interface Route {
  receiver: string;
  matchers?: string[];
  group_wait?: string;
  group_interval?: string;
  routes?: Route[];
}

describe('Alertmanager configuration', () => {
  it("posts a chaos run's alerts to the loopback webhook the run serves, at once, with the resolved ones", () => {
    const config = parse(readFileSync(CONFIG, 'utf8')) as { route: Route; receivers: { name: string; webhook_configs?: { url: string; send_resolved?: boolean }[] }[] };
    const chaos = config.route.routes?.find((r) => r.matchers?.some((m) => m.startsWith('chaos_run')));
    expect(chaos).toMatchObject({ receiver: 'chaos-webhook', group_wait: '1s', group_interval: '1s' });
    const webhook = config.receivers.find((r) => r.name === 'chaos-webhook')?.webhook_configs ?? [];
    expect(webhook).toEqual([expect.objectContaining({ url: `http://127.0.0.1:${ALERT_WEBHOOK_PORT}${ALERT_WEBHOOK_PATH}`, send_resolved: true })]);
  });
});

realServerOrSkip('AMTOOL_BIN', "Alertmanager's amtool (`npm run infra:up` installs Debian's prometheus-alertmanager)")(
  'Alertmanager configuration, checked by amtool',
  ({ AMTOOL_BIN: amtool }) => {
    it('is valid (amtool check-config)', async () => {
      const result = await run(amtool, ['check-config', CONFIG]).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`amtool check-config failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      expect(result.stdout).toContain('SUCCESS');
      expect(result.stdout).toMatch(/- 2 receivers/);
    });

    it("routes a chaos run's alerts to the webhook and every other alert to no receiver (amtool config routes test)", async () => {
      const routed = async (...labels: string[]) => (await run(amtool, ['config', 'routes', 'test', `--config.file=${CONFIG}`, ...labels])).stdout.trim();
      await expect(routed('alertname=LogisynapseCarrierErrorRateHigh', 'chaos_run=chaos-1234abcd')).resolves.toBe('chaos-webhook');
      await expect(routed('alertname=LogisynapseCarrierErrorRateHigh', 'severity=page')).resolves.toBe('none');
    });
  },
);
