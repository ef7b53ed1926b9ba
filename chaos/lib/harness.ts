import { randomUUID } from 'node:crypto';
import { e2eTargets } from '../../test/support/e2e-targets';
import { ModulePerProcessDeployment, type ModuleDeploymentOptions } from '../../test/support/module-deployment';
import { eventually } from '../../test/support/poll';
import { AlertWatcher, AlertWebhookReceiver } from './alerts';
import { chaosSettings, sleep, type ChaosSetting } from './env';
import { ChaosEvaluator } from './evaluator';
import { FlakyCarrier } from './flaky-carrier';
import { SteadyLoad } from './load';
import { Checks, seconds, type ChaosReport, type ScenarioContext } from './scenario';
import { ToxiproxyClient, type ChaosProxy } from './toxiproxy';

export { judgeAlerts, judgeShipments, type AlertExpectation, type ShipmentTally } from './judge';

/** The knobs every scenario has; the defaults keep a run under three minutes. */
export interface HarnessOptions {
  /** Time scale of the alert rules (ADR 0046). Default 1/20. */
  ruleScale: number;
  /** Load before the fault, and at least this long after it. */
  baselineMs: number;
  afterMs: number;
  /** One createShipment every this many ms. */
  loadIntervalMs: number;
}

/** Shipments answered before the run's Prometheus starts (the warm-up). */
const WARM_UP_SHIPMENTS = 8;

export const HARNESS_DEFAULTS: HarnessOptions = { ruleScale: 1 / 20, baselineMs: 10_000, afterMs: 10_000, loadIntervalMs: 600 };

export interface SetUpOptions extends HarnessOptions {
  /**
   * A scenario's proxies between the gateway and the processes it calls (the deployment's
   * `gatewayUpstream`), started once those processes listen; `run.defer` removes them.
   */
  gatewayUpstream?: (run: ChaosRun, ...where: Parameters<NonNullable<ModuleDeploymentOptions['gatewayUpstream']>>) => Promise<string>;
}

/**
 * What every scenario starts, in order, and undoes in reverse: the webhook receiver of
 * Alertmanager's chaos route, the carrier (fake Shippo behind its 503 front) behind a Toxiproxy
 * proxy, the one-process-per-module deployment on the real servers, a tenant and the steady load
 * (warmed up first), the run's own Prometheus (the project's rules, windows scaled) and the alert
 * watcher. A scenario is its fault and its expectations (`runScenario`).
 */
export class ChaosRun {
  readonly runId = `chaos-${randomUUID().slice(0, 8)}`;
  readonly startedAt = new Date();
  readonly t0 = Date.now();
  readonly checks = new Checks();
  readonly figures: Record<string, number | string> = {};
  readonly toxiproxy: ToxiproxyClient;
  receiver!: AlertWebhookReceiver;
  carrier!: FlakyCarrier;
  carrierProxy!: ChaosProxy;
  deployment!: ModulePerProcessDeployment;
  evaluator!: ChaosEvaluator;
  watcher!: AlertWatcher;
  load!: SteadyLoad;
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(
    private readonly ctx: ScenarioContext,
    readonly scenario: string,
    readonly settings: Record<ChaosSetting, string>,
    readonly options: HarnessOptions,
  ) {
    this.toxiproxy = new ToxiproxyClient(settings.TOXIPROXY_URL);
  }

  log(line: string): void {
    this.ctx.log(`[${this.runId} ${((Date.now() - this.t0) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  }

  /** Undone at the end of the run, in reverse order of registration. */
  defer(undo: () => Promise<void>): void {
    this.cleanups.push(undo);
  }

  /** A production duration in seconds as the run's rules see it (5 minutes: 15 s at 1/20). */
  scaled(productionSeconds: number): number {
    return productionSeconds * this.options.ruleScale;
  }

  async setUp(options: SetUpOptions): Promise<void> {
    this.receiver = await AlertWebhookReceiver.start();
    this.defer(() => this.receiver.stop());
    this.carrier = await FlakyCarrier.start();
    this.defer(() => this.carrier.stop());
    this.carrierProxy = await this.toxiproxy.createProxy(`logisynapse-${this.runId}-carrier`, this.carrier.address);
    this.defer(() => this.carrierProxy.delete());
    this.log(`toxiproxy ${await this.toxiproxy.version()}: carrier proxy ${this.carrierProxy.listen} -> ${this.carrier.address} (fake Shippo ${this.carrier.fake.baseUrl})`);

    // The platform, one process per module, on the real servers; Shippo's base URL is the proxy.
    const real = e2eTargets().find((t) => t.name === 'real servers')!;
    this.deployment = await ModulePerProcessDeployment.start(
      { ...real.env, SHIPPO_API_KEY: this.carrier.apiKey, SHIPPO_BASE_URL: `http://${this.carrierProxy.listen}` },
      options.gatewayUpstream ? { gatewayUpstream: (module, address) => options.gatewayUpstream!(this, module, address) } : {},
    );
    this.defer(async () => {
      await this.deployment.stop();
      this.deployment.dispose();
    });
    const targets = Object.fromEntries(Object.entries(this.deployment.processes).map(([name, app]) => [name, `127.0.0.1:${app.metricsPort}`]));
    this.log(`deployment up: ${Object.entries(this.deployment.processes).map(([name, app]) => `${name}=${app.httpPort}`).join(' ')}`);

    const tenant = await this.deployment.newTenant(`chaos ${this.runId}`);
    const token = await this.deployment.token(tenant.clientId, tenant.clientSecret);
    this.load = new SteadyLoad(this.deployment, token, { keyPrefix: this.runId, webhookToken: tenant.webhookToken, intervalMs: options.loadIntervalMs });
    this.defer(() => this.load.stop());
    this.load.start();
    this.log(`load: a shipment every ${options.loadIntervalMs} ms, each labelled one gets a status update posted twice`);
    // Warm-up: the first calls of a process just started are slow (connections, JIT); made before
    // the evaluator's first scrape, they are in no rate of the rules, so no latency alert sees them.
    await eventually('the first shipments to be answered (warm-up)', async () => (this.load.shipments.filter((x) => x.id).length >= WARM_UP_SHIPMENTS ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    // The run's Prometheus: the project's rules, windows scaled, alerts to Alertmanager.
    this.evaluator = await ChaosEvaluator.start({
      prometheusBin: this.settings.PROMETHEUS_BIN,
      promtoolBin: this.settings.PROMTOOL_BIN,
      alertmanagerUrl: this.settings.ALERTMANAGER_URL,
      chaosRun: this.runId,
      targets,
      scale: options.ruleScale,
    });
    this.defer(() => this.evaluator.stop());
    await eventually('the evaluator to scrape every process', async () => ((await this.evaluator.targetsUp()) === Object.keys(targets).length ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 500,
    });
    this.watcher = new AlertWatcher(this.evaluator.url);
    this.watcher.start();
    this.defer(() => this.watcher.stop());

    await sleep(options.baselineMs);
  }

  /** The load's shipments are made "during the fault" from now on (in `step`, if named). */
  faultOn(step?: string): number {
    this.load.phase = 'fault';
    this.load.step = step;
    return Date.now();
  }

  faultOff(): number {
    this.load.phase = 'after';
    this.load.step = undefined;
    return Date.now();
  }

  /**
   * Recovery: the load goes on until each of `alerts` resolved (at most `resolveDeadlineMs`
   * after the fault ended) and at least `afterMs`; then every shipment made is followed to its end
   * (at most 60 s), the webhook is given 15 s to hear each alert resolved, and two more scrapes
   * make the counters final. Returns whether every shipment completed.
   */
  async recover(alerts: string[], faultEnd: number, resolveDeadlineMs: number): Promise<{ drained: boolean; drainedAt: number }> {
    const allResolved = () => alerts.every((alert) => this.watcher.timeline(alert)?.resolvedAt !== undefined);
    await eventually('the alerts to resolve', async () => (allResolved() ? true : undefined), { timeoutMs: resolveDeadlineMs, intervalMs: 500 }).catch(() => undefined);
    const sinceEnd = Date.now() - faultEnd;
    if (sinceEnd < this.options.afterMs) await sleep(this.options.afterMs - sinceEnd);
    const drained = await this.load.drain(60_000);
    const drainedAt = Date.now();
    this.log(`load stopped: ${this.load.shipments.length} shipments, ${drained ? 'all complete' : 'NOT all complete'}`);
    const heardResolved = () => alerts.every((alert) => this.receiver.alertsOf(this.runId).some((a) => a.alertname === alert && a.status === 'resolved'));
    await eventually('the webhook to hear the alerts resolved', async () => (heardResolved() ? true : undefined), { timeoutMs: 15_000, intervalMs: 500 }).catch(() => undefined);
    await sleep(2_500); // two more scrapes, so the counters read next are the final ones
    await this.watcher.stop();
    return { drained, drainedAt };
  }

  report(): ChaosReport {
    return {
      scenario: this.scenario,
      runId: this.runId,
      startedAt: this.startedAt.toISOString(),
      durationS: Math.round((Date.now() - this.t0) / 1000),
      figures: this.figures,
      checks: this.checks.list,
    };
  }

  async cleanUp(): Promise<void> {
    for (const undo of this.cleanups.splice(0).reverse()) await undo().catch((error: unknown) => this.log(`clean-up: ${String(error)}`));
  }
}

/**
 * Runs a scenario: checks the settings, sets up the run (`ChaosRun.setUp`), runs `body` (the
 * fault and the expectations) and undoes everything, whatever happened.
 */
export async function runScenario(ctx: ScenarioContext, scenario: string, options: SetUpOptions, body: (run: ChaosRun) => Promise<void>): Promise<ChaosReport> {
  const { settings, missing } = chaosSettings();
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: start the real servers, Toxiproxy and Alertmanager (\`npm run infra:up\`)`);
  const run = new ChaosRun(ctx, scenario, settings, options);
  try {
    await run.setUp(options);
    await body(run);
    run.log(`checks: ${run.checks.list.length - run.checks.failed.length}/${run.checks.list.length} hold`);
  } finally {
    await run.cleanUp();
  }
  return run.report();
}

export { seconds };
