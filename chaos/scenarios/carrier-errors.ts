import { sleep } from '../lib/env';
import { HARNESS_DEFAULTS, judgeAlerts, judgeShipments, runScenario, seconds, type ChaosRun, type HarnessOptions } from '../lib/harness';
import type { ChaosReport, Scenario, ScenarioContext } from '../lib/scenario';
import { TemporalHistories, type ActivityRecord } from '../lib/temporal';

export const EXPECTED_ALERT = 'LogisynapseCarrierErrorRateHigh';

/** The knobs of the scenario; the defaults keep a run under three minutes. */
export interface CarrierErrorsOptions extends HarnessOptions {
  /** Share of the carrier's HTTP calls answered 503 during the fault (1/8: every eighth). */
  errorShare: number;
  /** Latency Toxiproxy adds to each chunk the carrier sends back during the fault (ms, ± jitter). */
  latencyMs: number;
  jitterMs: number;
}

export const CARRIER_ERRORS_DEFAULTS: CarrierErrorsOptions = { ...HARNESS_DEFAULTS, errorShare: 1 / 8, latencyMs: 150, jitterMs: 50 };

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
export function runCarrierErrors(ctx: ScenarioContext, overrides: Partial<CarrierErrorsOptions> = {}): Promise<ChaosReport> {
  const o = { ...CARRIER_ERRORS_DEFAULTS, ...overrides };
  return runScenario(ctx, 'carrier-errors', o, (run) => carrierFault(run, o));
}

async function carrierFault(run: ChaosRun, o: CarrierErrorsOptions): Promise<void> {
  const { carrier, carrierProxy: proxy, evaluator, checks, figures } = run;
  const forS = evaluator.forSeconds(EXPECTED_ALERT);
  const windowS = run.scaled(300); // the rule's rate5m, scaled
  const faultMs = Math.ceil((forS + windowS + 15) * 1000);
  run.log(`evaluator ${evaluator.url}: ${EXPECTED_ALERT} for ${forS} s over ${windowS} s (rules scaled by ${o.ruleScale}); fault of ${faultMs / 1000} s`);

  // The fault, for a bounded time.
  const carrierCallsBefore = await evaluator.scalar('sum(logisynapse_carrier_request_duration_count)');
  const carrierSecondsBefore = await evaluator.scalar('sum(logisynapse_carrier_request_duration_sum)');
  const faultStart = run.faultOn();
  carrier.failShare(o.errorShare);
  await proxy.add('carrier-latency', { type: 'latency', attributes: { latency: o.latencyMs, jitter: o.jitterMs } });
  run.log(`fault on: ${(o.errorShare * 100).toFixed(1)}% of carrier calls answer 503, +${o.latencyMs}±${o.jitterMs} ms on the carrier's link`);
  const toxicsDuring = (await proxy.activeToxics()).map((t) => `${t.name}(${t.type} ${JSON.stringify(t.attributes)})`);
  await sleep(faultMs);
  const carrierCallsDuring = (await evaluator.scalar('sum(logisynapse_carrier_request_duration_count)')) - carrierCallsBefore;
  const carrierSecondsDuring = (await evaluator.scalar('sum(logisynapse_carrier_request_duration_sum)')) - carrierSecondsBefore;
  carrier.failShare(0);
  await proxy.clear();
  const faultEnd = run.faultOff();
  run.log(`fault off after ${seconds(faultEnd - faultStart)}: ${carrier.unavailableAnswers} answers were 503`);

  const { drained } = await run.recover([EXPECTED_ALERT], faultEnd, Math.ceil((windowS + 20) * 1000));

  // --- what the servers say ---
  const { during } = await judgeShipments(run, { drained, faultEnd });

  // Temporal's histories of the shipments made during the fault.
  const temporal = await TemporalHistories.connect(run.settings.TEMPORAL_ADDRESS, run.settings.TEMPORAL_NAMESPACE);
  const histories: ActivityRecord[][] = [];
  try {
    for (const s of during.filter((x) => x.workflowId)) histories.push(await temporal.activities(s.workflowId!));
  } finally {
    await temporal.close();
  }
  const carrierRecords = histories.map((records) => records.find((r) => r.activity === 'callShippoApi')).filter((r): r is ActivityRecord => !!r);
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

  Object.assign(figures, {
    'retried (Temporal history, fault-time shipments)': retried.length,
    'failed attempts in those histories': failedAttemptsInHistory,
    'max attempt / retried start-to-label time': `${Math.max(0, ...retried.map((r) => r.attempt))} / ${backoffFigure}`,
    'carrier 503 answers': carrier.unavailableAnswers,
    'carrier errors (metric)': carrierErrors,
    'callShippoApi retryable attempts (metric)': retryableAttempts,
    'carrier call mean before / during the fault': `${(meanBefore * 1000).toFixed(0)} ms / ${(meanDuring * 1000).toFixed(0)} ms`,
    'toxics during the fault': toxicsDuring.join(', '),
  });
  checks.add('the carrier answered 503s during the fault', carrier.unavailableAnswers > 0, `${carrier.unavailableAnswers} of ${carrier.requests} requests`);
  checks.add('the latency toxic was on the carrier path', meanDuring - meanBefore >= o.latencyMs / 1000, `mean carrier call ${(meanBefore * 1000).toFixed(0)} ms before, ${(meanDuring * 1000).toFixed(0)} ms during`);
  checks.add('retries are in Temporal histories, with backoff', retried.length > 0 && backoffOk, `${retried.length} of ${carrierRecords.length} fault-time callShippoApi markers with attempt > 1, ${failedAttemptsInHistory} failed attempts; each labelled no sooner than its backoff allows (1 s, doubling): ${backoffOk}`);
  checks.add('carrier errors in the metrics match the 503s answered', carrierErrors === carrier.unavailableAnswers, `metric ${carrierErrors}, carrier ${carrier.unavailableAnswers}`);
  checks.add('retryable callShippoApi attempts in the metrics', retryableAttempts >= carrierErrors && retryableAttempts > 0, `${retryableAttempts} retryable attempts`);

  judgeAlerts(run, [{ alert: EXPECTED_ALERT, faultStart, faultEnd, windowS }]);
}

export const carrierErrors: Scenario = {
  name: 'carrier-errors',
  summary: 'the carrier answers 503 to 1/8 of its calls and 150 ms late for a bounded time; shipments complete once, the carrier alert fires and resolves',
  run: (ctx) => runCarrierErrors(ctx),
};
