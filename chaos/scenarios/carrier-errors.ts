import { randomUUID } from 'node:crypto';
import { e2eTargets } from '../../test/support/e2e-targets';
import { ModulePerProcessDeployment } from '../../test/support/module-deployment';
import { eventually } from '../../test/support/poll';
import { AlertWatcher, AlertWebhookReceiver } from '../lib/alerts';
import { chaosSettings, sleep } from '../lib/env';
import { ChaosEvaluator } from '../lib/evaluator';
import { FlakyCarrier } from '../lib/flaky-carrier';
import { SteadyLoad, type TrackedShipment } from '../lib/load';
import { Checks, seconds, type ChaosReport, type Scenario, type ScenarioContext } from '../lib/scenario';
import { TemporalHistories, type ActivityRecord } from '../lib/temporal';
import { ToxiproxyClient, type ChaosProxy } from '../lib/toxiproxy';

export const EXPECTED_ALERT = 'LogisynapseCarrierErrorRateHigh';

/** The knobs of the scenario; the defaults keep a run under three minutes. */
export interface CarrierErrorsOptions {
  /** Share of the carrier's HTTP calls answered 503 during the fault (1/8: every eighth). */
  errorShare: number;
  /** Latency Toxiproxy adds to each chunk the carrier sends back during the fault (ms, ± jitter). */
  latencyMs: number;
  jitterMs: number;
  /** Time scale of the alert rules (ADR 0046). */
  ruleScale: number;
  /** Load before the fault, and at least this long after it. */
  baselineMs: number;
  afterMs: number;
  /** One createShipment every this many ms. */
  loadIntervalMs: number;
}

export const CARRIER_ERRORS_DEFAULTS: CarrierErrorsOptions = {
  errorShare: 1 / 8,
  latencyMs: 150,
  jitterMs: 50,
  ruleScale: 1 / 20,
  baselineMs: 10_000,
  afterMs: 10_000,
  loadIntervalMs: 600,
};

/**
 * The carrier fails part of its calls for a bounded time: every eighth HTTP call answers 503 (at
 * the fake carrier) and every answer comes 150 ± 50 ms late (Toxiproxy, on the carrier's TCP
 * path), while shipments and status updates keep coming through the gateway of the
 * one-process-per-module deployment on the real servers. Proves, from the servers themselves:
 * every shipment completes exactly once (one label, one welcome email, the redelivered status
 * update applied once), the retries are in Temporal's histories and in the metrics, the
 * carrier error-rate alert fires within its (scaled) `for` window during the fault and resolves
 * after, no other alert fires, and Alertmanager notifies the run's webhook of both.
 */
export async function runCarrierErrors(ctx: ScenarioContext, overrides: Partial<CarrierErrorsOptions> = {}): Promise<ChaosReport> {
  const o = { ...CARRIER_ERRORS_DEFAULTS, ...overrides };
  const { settings, missing } = chaosSettings();
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not set: start the real servers, Toxiproxy and Alertmanager (\`npm run infra:up\`)`);
  const runId = `chaos-${randomUUID().slice(0, 8)}`;
  const startedAt = new Date();
  const t0 = Date.now();
  const log = (line: string) => ctx.log(`[${runId} ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  const checks = new Checks();
  const figures: Record<string, number | string> = {};

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const undo of cleanups.reverse()) await undo().catch((error: unknown) => log(`clean-up: ${String(error)}`));
  };

  try {
    // The carrier, behind its Toxiproxy proxy, and the webhook receiver of Alertmanager's chaos route.
    const receiver = await AlertWebhookReceiver.start();
    cleanups.push(() => receiver.stop());
    const carrier = await FlakyCarrier.start();
    cleanups.push(() => carrier.stop());
    const toxiproxy = new ToxiproxyClient(settings.TOXIPROXY_URL);
    const proxy: ChaosProxy = await toxiproxy.createProxy(`logisynapse-${runId}-carrier`, carrier.address);
    cleanups.push(() => proxy.delete());
    log(`toxiproxy ${await toxiproxy.version()}: carrier proxy ${proxy.listen} -> ${carrier.address} (fake Shippo ${carrier.fake.baseUrl})`);

    // The platform, one process per module, on the real servers; Shippo's base URL is the proxy.
    const real = e2eTargets().find((t) => t.name === 'real servers')!;
    const deployment = await ModulePerProcessDeployment.start({ ...real.env, SHIPPO_API_KEY: carrier.apiKey, SHIPPO_BASE_URL: `http://${proxy.listen}` });
    cleanups.push(async () => {
      await deployment.stop();
      deployment.dispose();
    });
    const targets = Object.fromEntries(Object.entries(deployment.processes).map(([name, app]) => [name, `127.0.0.1:${app.metricsPort}`]));
    log(`deployment up: ${Object.entries(deployment.processes).map(([name, app]) => `${name}=${app.httpPort}`).join(' ')}`);

    // The run's Prometheus: the project's rules, windows scaled, alerts to Alertmanager.
    const evaluator = await ChaosEvaluator.start({
      prometheusBin: settings.PROMETHEUS_BIN,
      promtoolBin: settings.PROMTOOL_BIN,
      alertmanagerUrl: settings.ALERTMANAGER_URL,
      chaosRun: runId,
      targets,
      scale: o.ruleScale,
    });
    cleanups.push(() => evaluator.stop());
    await eventually('the evaluator to scrape every process', async () => ((await evaluator.targetsUp()) === Object.keys(targets).length ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 500,
    });
    const forS = evaluator.forSeconds(EXPECTED_ALERT);
    const windowS = 300 * o.ruleScale; // the rule's rate5m, scaled
    const faultMs = Math.ceil((forS + windowS + 15) * 1000);
    log(`evaluator ${evaluator.url}: ${EXPECTED_ALERT} for ${forS} s over ${windowS} s (rules scaled by ${o.ruleScale}); fault of ${faultMs / 1000} s`);
    const watcher = new AlertWatcher(evaluator.url);
    watcher.start();
    cleanups.push(() => watcher.stop());

    const tenant = await deployment.newTenant(`chaos ${runId}`);
    const token = await deployment.token(tenant.clientId, tenant.clientSecret);
    const load = new SteadyLoad(deployment, token, { keyPrefix: runId, webhookToken: tenant.webhookToken, intervalMs: o.loadIntervalMs });
    cleanups.push(() => load.stop());
    load.start();
    log(`load: a shipment every ${o.loadIntervalMs} ms, each labelled one gets a status update posted twice`);
    await sleep(o.baselineMs);

    // The fault, for a bounded time.
    const carrierCallsBefore = await evaluator.scalar('sum(logisynapse_carrier_request_duration_count)');
    const carrierSecondsBefore = await evaluator.scalar('sum(logisynapse_carrier_request_duration_sum)');
    load.phase = 'fault';
    const faultStart = Date.now();
    carrier.failShare(o.errorShare);
    await proxy.add('carrier-latency', { type: 'latency', attributes: { latency: o.latencyMs, jitter: o.jitterMs } });
    log(`fault on: ${(o.errorShare * 100).toFixed(1)}% of carrier calls answer 503, +${o.latencyMs}±${o.jitterMs} ms on the carrier's link`);
    const toxicsDuring = (await proxy.activeToxics()).map((t) => `${t.name}(${t.type} ${JSON.stringify(t.attributes)})`);
    await sleep(faultMs);
    const carrierCallsDuring = (await evaluator.scalar('sum(logisynapse_carrier_request_duration_count)')) - carrierCallsBefore;
    const carrierSecondsDuring = (await evaluator.scalar('sum(logisynapse_carrier_request_duration_sum)')) - carrierSecondsBefore;
    carrier.failShare(0);
    await proxy.clear();
    load.phase = 'after';
    const faultEnd = Date.now();
    log(`fault off after ${seconds(faultEnd - faultStart)}: ${carrier.unavailableAnswers} answers were 503`);

    // Recovery: the load goes on until the alert resolved (and at least afterMs).
    const resolveDeadlineMs = Math.ceil((windowS + 20) * 1000);
    await eventually('the carrier alert to resolve', async () => (watcher.timeline(EXPECTED_ALERT)?.resolvedAt !== undefined ? true : undefined), {
      timeoutMs: resolveDeadlineMs,
      intervalMs: 500,
    }).catch(() => undefined);
    const sinceEnd = Date.now() - faultEnd;
    if (sinceEnd < o.afterMs) await sleep(o.afterMs - sinceEnd);
    const drained = await load.drain(60_000);
    const drainedAt = Date.now();
    log(`load stopped: ${load.shipments.length} shipments, ${drained ? 'all complete' : 'NOT all complete'}`);
    await eventually('the webhook to hear the alert resolved', async () => (receiver.alertsOf(runId).some((a) => a.alertname === EXPECTED_ALERT && a.status === 'resolved') ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 500,
    }).catch(() => undefined);
    await sleep(2_500); // two more scrapes, so the counters below are the final ones
    await watcher.stop();

    // --- what the servers say ---
    const shipments = load.shipments;
    const during = shipments.filter((s) => s.phase === 'fault');
    const views = await Promise.all(shipments.filter((s) => s.id).map(async (s) => ({ s, view: await load.read(s.id!) })));
    const problems: string[] = [];
    let duplicates = 0;
    let completed = 0;
    for (const { s, view } of views) {
      const labels = carrier.fake.purchasesFor(s.id!);
      const welcomes = view?.notifications.filter((n) => n.template === 'welcome').length ?? 0;
      const events = view?.trackingEvents.length ?? 0;
      if (labels > 1 || welcomes > 1 || events > 1) duplicates += 1;
      const ok = !!view && view.trackingNumber !== null && ['LABEL_CREATED', 'IN_TRANSIT'].includes(view.status) && labels === 1 && welcomes === 1 && events === 1;
      if (ok) completed += 1;
      else problems.push(`${s.idempotencyKey} (${s.phase}): status ${view?.status ?? 'missing'}, ${labels} label(s), ${welcomes} welcome email(s), ${events} tracking event(s)`);
    }
    const createErrors = shipments.filter((s) => s.createError);
    const lastDuringDone = Math.max(...during.map((s) => s.completedAt ?? Number.NaN));
    const drainMs = lastDuringDone - faultEnd;
    const completionMs = (list: TrackedShipment[]) => list.map((s) => (s.completedAt ?? Number.NaN) - s.requestedAt).sort((a, b) => a - b);
    const p = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

    // Temporal's histories of the shipments made during the fault.
    const temporal = await TemporalHistories.connect(settings.TEMPORAL_ADDRESS, settings.TEMPORAL_NAMESPACE);
    const histories: { s: TrackedShipment; records: ActivityRecord[] }[] = [];
    try {
      for (const s of during.filter((x) => x.workflowId)) histories.push({ s, records: await temporal.activities(s.workflowId!) });
    } finally {
      await temporal.close();
    }
    const carrierRecords = histories.map((h) => h.records.find((r) => r.activity === 'callShippoApi')).filter((r): r is ActivityRecord => !!r);
    const retried = carrierRecords.filter((r) => r.attempt > 1);
    const failedAttemptsInHistory = retried.reduce((sum, r) => sum + r.attempt - 1, 0);
    // Temporal's backoff before attempt n is 1 s · 2^(n-2): attempt n ends at least 2^(n-1) - 1 s after the start.
    const minBackoffMs = (attempt: number) => (2 ** (attempt - 1) - 1) * 1_000;
    const backoffOk = retried.every((r) => r.elapsedMs !== null && r.elapsedMs >= minBackoffMs(r.attempt) - 50);
    const backoffFigure = retried.length ? `${seconds(Math.min(...retried.map((r) => r.elapsedMs ?? Number.NaN)))} .. ${seconds(Math.max(...retried.map((r) => r.elapsedMs ?? Number.NaN)))}` : 'n/a';

    // The metrics (the run's Prometheus scraped every process).
    const carrierErrors = await evaluator.scalar('sum(logisynapse_carrier_request_duration_count{outcome="error"})');
    const retryableAttempts = await evaluator.scalar('sum(logisynapse_workflow_activity_duration_count{activity_name="callShippoApi",outcome="retryable"})');
    const meanBefore = carrierCallsBefore > 0 ? carrierSecondsBefore / carrierCallsBefore : Number.NaN;
    const meanDuring = carrierCallsDuring > 0 ? carrierSecondsDuring / carrierCallsDuring : Number.NaN;

    // The alerts.
    const expected = watcher.timeline(EXPECTED_ALERT);
    const firedAfterMs = expected?.firstFiringAt !== undefined ? expected.firstFiringAt - faultStart : undefined;
    const resolvedAfterMs = expected?.resolvedAt !== undefined ? expected.resolvedAt - faultEnd : undefined;
    const fireDeadlineMs = (windowS + forS + 10) * 1000;
    const others = watcher.fired().filter((t) => t.alertname !== EXPECTED_ALERT);
    const notified = receiver.alertsOf(runId);
    const notifiedFiring = notified.find((a) => a.alertname === EXPECTED_ALERT && a.status === 'firing');
    const notifiedResolved = notified.find((a) => a.alertname === EXPECTED_ALERT && a.status === 'resolved');
    const notifiedOthers = [...new Set(notified.filter((a) => a.alertname !== EXPECTED_ALERT).map((a) => a.alertname))];

    Object.assign(figures, {
      'shipments created': shipments.length - createErrors.length,
      'created during the fault': during.length,
      completed,
      'retried (Temporal history, fault-time shipments)': retried.length,
      'failed attempts in those histories': failedAttemptsInHistory,
      'max attempt / retried start-to-label time': `${Math.max(0, ...retried.map((r) => r.attempt))} / ${backoffFigure}`,
      duplicates,
      'time to drain after the fault': seconds(drainMs),
      'completion p50 / max (fault-time shipments)': `${seconds(p(completionMs(during), 0.5))} / ${seconds(p(completionMs(during), 1))}`,
      'carrier 503 answers': carrier.unavailableAnswers,
      'carrier errors (metric)': carrierErrors,
      'callShippoApi retryable attempts (metric)': retryableAttempts,
      'carrier call mean before / during the fault': `${(meanBefore * 1000).toFixed(0)} ms / ${(meanDuring * 1000).toFixed(0)} ms`,
      'toxics during the fault': toxicsDuring.join(', '),
      [`${EXPECTED_ALERT} firing after`]: `${seconds(firedAfterMs)} (deadline ${seconds(fireDeadlineMs)}, fault ${seconds(faultEnd - faultStart)})`,
      [`${EXPECTED_ALERT} resolved after the fault`]: seconds(resolvedAfterMs),
      'webhook notifications (firing / resolved)': `${notifiedFiring ? seconds(notifiedFiring.receivedAt - faultStart) : 'none'} / ${notifiedResolved ? seconds(notifiedResolved.receivedAt - faultEnd) : 'none'} after fault start / end`,
      'evaluator polls': watcher.polls,
    });

    checks.add('every createShipment answered', createErrors.length === 0, createErrors.length ? createErrors.slice(0, 3).map((s) => s.createError).join('; ') : `${shipments.length} answered`);
    checks.add('shipments were created during the fault', during.length >= 10, `${during.length} created during the fault`);
    checks.add(
      'every shipment completed exactly once (LABEL_CREATED, one label, one welcome email, the redelivered status update applied once)',
      drained && completed === shipments.length && problems.length === 0,
      problems.length ? problems.slice(0, 5).join('; ') : `${completed}/${shipments.length}`,
    );
    checks.add('no duplicates', duplicates === 0, `${duplicates} shipment(s) with a second label, email or event`);
    checks.add('the carrier answered 503s during the fault', carrier.unavailableAnswers > 0, `${carrier.unavailableAnswers} of ${carrier.requests} requests`);
    checks.add('the latency toxic was on the carrier path', meanDuring - meanBefore >= o.latencyMs / 1000, `mean carrier call ${(meanBefore * 1000).toFixed(0)} ms before, ${(meanDuring * 1000).toFixed(0)} ms during`);
    checks.add('retries are in Temporal histories, with backoff', retried.length > 0 && backoffOk, `${retried.length} of ${carrierRecords.length} fault-time callShippoApi markers with attempt > 1, ${failedAttemptsInHistory} failed attempts; each labelled no sooner than its backoff allows (1 s, doubling): ${backoffOk}`);
    checks.add('carrier errors in the metrics match the 503s answered', carrierErrors === carrier.unavailableAnswers, `metric ${carrierErrors}, carrier ${carrier.unavailableAnswers}`);
    checks.add('retryable callShippoApi attempts in the metrics', retryableAttempts >= carrierErrors && retryableAttempts > 0, `${retryableAttempts} retryable attempts`);
    checks.add(
      `alert: ${EXPECTED_ALERT} fired during the fault within its for window`,
      firedAfterMs !== undefined && expected!.firstFiringAt! <= faultEnd && firedAfterMs <= fireDeadlineMs,
      `firing ${seconds(firedAfterMs)} after the fault began (for ${forS} s, window ${windowS} s, deadline ${seconds(fireDeadlineMs)})`,
    );
    checks.add(`alert: ${EXPECTED_ALERT} resolved after the fault`, resolvedAfterMs !== undefined && resolvedAfterMs <= resolveDeadlineMs && watcher.firingNow().length === 0, `resolved ${seconds(resolvedAfterMs)} after; firing at the end: ${watcher.firingNow().map((t) => t.alertname).join(', ') || 'none'}`);
    checks.add('alert: no other alert fired', others.length === 0, others.length ? others.map((t) => `${t.alertname} ${JSON.stringify(t.labels)}`).join('; ') : `seen: ${watcher.seen().map((t) => `${t.alertname}${t.firstFiringAt ? '' : ' (pending only)'}`).join(', ') || 'none'}`);
    checks.add(
      "alert: Alertmanager notified the run's webhook: firing, then resolved, and nothing else",
      !!notifiedFiring && !!notifiedResolved && notifiedResolved.receivedAt > notifiedFiring.receivedAt && notifiedOthers.length === 0,
      `${notified.length} alert notification(s) for ${runId}; others: ${notifiedOthers.join(', ') || 'none'}`,
    );
    log(`checks: ${checks.list.length - checks.failed.length}/${checks.list.length} hold (drained at +${seconds(drainedAt - t0)})`);
  } finally {
    await cleanUp();
  }
  return { scenario: 'carrier-errors', runId, startedAt: startedAt.toISOString(), durationS: Math.round((Date.now() - t0) / 1000), figures, checks: checks.list };
}

export const carrierErrors: Scenario = {
  name: 'carrier-errors',
  summary: 'the carrier answers 503 to 1/8 of its calls and 150 ms late for a bounded time; shipments complete once, the carrier alert fires and resolves',
  run: (ctx) => runCarrierErrors(ctx),
};
