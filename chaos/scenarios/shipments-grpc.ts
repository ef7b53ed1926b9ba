import { sleep } from '../lib/env';
import { GrpcFaultFront } from '../lib/grpc-fault-front';
import { HARNESS_DEFAULTS, judgeAlerts, judgeShipments, runScenario, seconds, type ChaosRun, type HarnessOptions, type ShipmentTally } from '../lib/harness';
import type { ChaosReport, Scenario, ScenarioContext } from '../lib/scenario';
import type { ChaosProxy } from '../lib/toxiproxy';

export const SLOW_ALERT = 'LogisynapseShipmentsApiSlow';
export const ERRORS_ALERT = 'LogisynapseShipmentsApiErrors';

export type ShipmentsGrpcVariant = 'latency' | 'errors';

/** The knobs of the scenario; the defaults keep each variant's run under three minutes. */
export interface ShipmentsGrpcOptions extends HarnessOptions {
  /** Latency Toxiproxy adds to each chunk the shipments process sends the gateway (ms). */
  latencyMs: number;
  /** Shares of the calls the front answers UNAVAILABLE, one step each (10%, then 50%). */
  errorShares: number[];
  /** How long each step after the first lasts (the first lasts the alert's window + `for` + 15 s). */
  laterStepMs: number;
}

export const SHIPMENTS_GRPC_DEFAULTS: ShipmentsGrpcOptions = { ...HARNESS_DEFAULTS, latencyMs: 500, errorShares: [0.1, 0.5], laterStepMs: 20_000 };

const CLIENT = 'rpc_client_duration';
const SERVER = 'rpc_server_duration';
const SHIPMENT_SERVICE = 'rpc_service="ShipmentService"';

/** The path into the shipments module: gateway -> Toxiproxy proxy (TCP faults) -> gRPC front (statuses) -> shipments process. */
interface ShipmentsPath {
  front: GrpcFaultFront;
  proxy: ChaosProxy;
}

/**
 * Faults on the gateway's calls into the shipments module (ShipmentService over gRPC) of the
 * one-process-per-module deployment on the real servers, while shipments keep coming: the
 * gateway's SHIPMENTS_GRPC_URL is a Toxiproxy proxy in front of a gRPC-aware front in front of
 * the shipments process. `latency`: 500 ms on every answer (Toxiproxy). `errors`: 10%, then 50%
 * of the calls answered UNAVAILABLE (the front; half of them after the call was served). Proves:
 * every shipment completes exactly once, the load's createShipment answered UNAVAILABLE (never a
 * 500 or INTERNAL) and retried with the same key; the calls, their statuses and their duration
 * are in rpc.client/server.duration; the variant's alert fires within its (scaled) `for` window
 * and resolves after, no other alert fires, and Alertmanager notifies the run's webhook.
 */
export function runShipmentsGrpc(ctx: ScenarioContext, variant: ShipmentsGrpcVariant, overrides: Partial<ShipmentsGrpcOptions> = {}): Promise<ChaosReport> {
  const o = { ...SHIPMENTS_GRPC_DEFAULTS, ...overrides };
  let path: ShipmentsPath | null = null;
  const gatewayUpstream = async (run: ChaosRun, module: string, address: string): Promise<string> => {
    if (module !== 'shipments') return address;
    const front = await GrpcFaultFront.start(address);
    run.defer(() => front.stop());
    const proxy = await run.toxiproxy.createProxy(`logisynapse-${run.runId}-shipments-grpc`, front.address);
    run.defer(() => proxy.delete());
    run.log(`shipments gRPC path: gateway -> toxiproxy ${proxy.listen} -> front ${front.address} -> shipments ${address}`);
    path = { front, proxy };
    return proxy.listen;
  };
  return runScenario(ctx, `shipments-grpc-${variant}`, { ...o, gatewayUpstream }, (run) => (variant === 'latency' ? latencyFault(run, path!, o) : errorsFault(run, path!, o)));
}

/** The sum and count of a histogram over ShipmentService (`rpc_client_duration`, `rpc_server_duration`), `extra` matchers added. */
/** The 95th percentile of the gateway's ShipmentService calls over the last `range` (ms). */
async function p95Ms(run: ChaosRun, range: string): Promise<number> {
  return (await run.evaluator.scalar(`histogram_quantile(0.95, sum by (le) (rate(${CLIENT}_bucket{${SHIPMENT_SERVICE}}[${range}])))`)) * 1000;
}

async function histogram(run: ChaosRun, name: string, extra = ''): Promise<{ sum: number; count: number }> {
  const selector = `{${SHIPMENT_SERVICE}${extra ? `, ${extra}` : ''}}`;
  const [sum, count] = await Promise.all([run.evaluator.scalar(`sum(${name}_sum${selector})`), run.evaluator.scalar(`sum(${name}_count${selector})`)]);
  return { sum, count };
}

const meanMs = (after: { sum: number; count: number }, before: { sum: number; count: number }) =>
  after.count > before.count ? ((after.sum - before.sum) / (after.count - before.count)) * 1000 : Number.NaN;

/** The createShipment answers that were not a shipment: each must be UNAVAILABLE, HTTP 200 (never a 500 or INTERNAL). */
function checkRefusals(run: ChaosRun, expectRetries: boolean): void {
  const { load, checks } = run;
  const refused = [...load.refusedCreates, ...load.refusedReads];
  const bad = refused.filter((r) => r.httpStatus !== 200 || r.code !== 'UNAVAILABLE');
  const kinds = [...new Set(refused.map((r) => `${r.httpStatus} ${r.code}`))].join(', ') || 'none';
  checks.add(
    expectRetries ? 'createShipment answered UNAVAILABLE (never a 500 or INTERNAL) and was retried with the same key' : 'createShipment and the reads were answered, never a 500 or INTERNAL',
    bad.length === 0 && (!expectRetries || load.createRetries > 0),
    `${load.createRetries} createShipment retries, ${load.refusedReads.length} reads answered UNAVAILABLE; answers that were not data: ${kinds}${bad.length ? `; e.g. ${bad[0]!.message}` : ''}`,
  );
}

async function latencyFault(run: ChaosRun, { proxy }: ShipmentsPath, o: ShipmentsGrpcOptions): Promise<void> {
  const { evaluator, checks, figures } = run;
  const forS = evaluator.forSeconds(SLOW_ALERT);
  const windowS = run.scaled(300); // the rule's [5m], scaled
  const faultMs = Math.ceil((forS + windowS + 15) * 1000);
  run.log(`evaluator ${evaluator.url}: ${SLOW_ALERT} for ${forS} s over ${windowS} s; fault of ${faultMs / 1000} s`);

  const clientBefore = await histogram(run, CLIENT);
  const serverBefore = await histogram(run, SERVER);
  figures['ShipmentService p95 at the gateway, the 10 s before the fault'] = `${(await p95Ms(run, '10s')).toFixed(0)} ms`;
  const faultStart = run.faultOn('latency');
  await proxy.add('shipments-latency', { type: 'latency', attributes: { latency: o.latencyMs, jitter: 0 } });
  run.log(`fault on: +${o.latencyMs} ms on every answer of the shipments process to the gateway`);
  const toxicsDuring = (await proxy.activeToxics()).map((t) => `${t.name}(${t.type} ${JSON.stringify(t.attributes)})`);
  await sleep(faultMs);
  const clientDuring = await histogram(run, CLIENT);
  const serverDuring = await histogram(run, SERVER);
  figures['ShipmentService p95 at the gateway, the last 10 s of the fault'] = `${(await p95Ms(run, '10s')).toFixed(0)} ms`;
  await proxy.clear();
  const faultEnd = run.faultOff();
  run.log(`fault off after ${seconds(faultEnd - faultStart)}`);

  const { drained } = await run.recover([SLOW_ALERT], faultEnd, Math.ceil((windowS + 20) * 1000));
  await judgeShipments(run, { drained, faultEnd });
  checkRefusals(run, false);

  const before = { client: meanMs(clientBefore, { sum: 0, count: 0 }), server: meanMs(serverBefore, { sum: 0, count: 0 }) };
  const during = { client: meanMs(clientDuring, clientBefore), server: meanMs(serverDuring, serverBefore) };
  const errors = await run.evaluator.scalar(`sum(${CLIENT}_count{${SHIPMENT_SERVICE}, rpc_grpc_status_code!="OK", rpc_grpc_status_code!="NOT_FOUND"})`);
  Object.assign(figures, {
    'ShipmentService calls (gateway) before / during the fault': `${clientBefore.count} / ${clientDuring.count - clientBefore.count}`,
    'ShipmentService call mean, gateway (rpc.client) before / during': `${before.client.toFixed(0)} ms / ${during.client.toFixed(0)} ms`,
    'ShipmentService call mean, shipments process (rpc.server) before / during': `${before.server.toFixed(0)} ms / ${during.server.toFixed(0)} ms`,
    'toxics during the fault': toxicsDuring.join(', '),
  });
  checks.add(
    'the latency was on the path: the gateway saw it, the shipments process did not (rpc.client/server.duration)',
    during.client - during.server >= o.latencyMs * 0.9 && during.server < o.latencyMs / 5,
    `during the fault: mean call ${during.client.toFixed(0)} ms at the gateway, ${during.server.toFixed(0)} ms served (before: ${before.client.toFixed(0)} / ${before.server.toFixed(0)} ms, warm-up included)`,
  );
  checks.add('no call into the shipments module failed (rpc.client.duration)', errors === 0, `${errors} calls with a failing status`);
  judgeAlerts(run, [{ alert: SLOW_ALERT, faultStart, faultEnd, windowS }]);
}

async function errorsFault(run: ChaosRun, { front }: ShipmentsPath, o: ShipmentsGrpcOptions): Promise<void> {
  const { evaluator, checks, figures, load } = run;
  const forS = evaluator.forSeconds(ERRORS_ALERT);
  const windowS = run.scaled(300);
  const firstStepMs = Math.ceil((forS + windowS + 15) * 1000);
  run.log(`evaluator ${evaluator.url}: ${ERRORS_ALERT} for ${forS} s over ${windowS} s; steps ${o.errorShares.map((s) => `${s * 100}%`).join(', ')} (${firstStepMs / 1000} s, then ${o.laterStepMs / 1000} s each)`);

  const steps: { name: string; share: number; start: number; calls: number; unavailable: number }[] = [];
  figures['ShipmentService p95 at the gateway, the 10 s before the fault'] = `${(await p95Ms(run, '10s')).toFixed(0)} ms`;
  const faultStart = Date.now();
  for (const [i, share] of o.errorShares.entries()) {
    const name = `${Math.round(share * 100)}%`;
    const calls = front.calls;
    const unavailable = front.unavailableAnswers;
    const start = run.faultOn(name);
    front.failShare(share);
    run.log(`fault step ${name}: the front answers UNAVAILABLE to ${name} of the calls into the shipments module`);
    await sleep(i === 0 ? firstStepMs : o.laterStepMs);
    steps.push({ name, share, start, calls: front.calls - calls, unavailable: front.unavailableAnswers - unavailable });
  }
  front.failShare(0);
  const faultEnd = run.faultOff();
  run.log(`fault off after ${seconds(faultEnd - faultStart)}: ${front.unavailableAnswers} calls answered UNAVAILABLE`);

  const { drained } = await run.recover([ERRORS_ALERT], faultEnd, Math.ceil((windowS + 20) * 1000));
  const tally = await judgeShipments(run, { drained, faultEnd });
  checkRefusals(run, true);
  await sleep(2_500); // the final reads of judgeShipments are calls too: two more scrapes

  // The metrics, against what the front did.
  const clientUnavailable = await evaluator.scalar(`sum(${CLIENT}_count{${SHIPMENT_SERVICE}, rpc_grpc_status_code="UNAVAILABLE"})`);
  const createUnavailable = await evaluator.scalar(`sum(${CLIENT}_count{${SHIPMENT_SERVICE}, rpc_method="CreateShipment", rpc_grpc_status_code="UNAVAILABLE"})`);
  const clientCalls = (await histogram(run, CLIENT)).count;
  const served = (await histogram(run, SERVER)).count;
  const serverFailing = await evaluator.scalar(`sum(${SERVER}_count{${SHIPMENT_SERVICE}, rpc_grpc_status_code!="OK", rpc_grpc_status_code!="NOT_FOUND"})`);
  const started = await evaluator.scalar('sum(logisynapse_shipments_created_total)');
  const totals = front.totals();
  const creates = front.countsOf('CreateShipment');
  stepFigures(run, steps, tally);
  Object.assign(figures, {
    'front: calls / refused / lost (answered UNAVAILABLE after being served)': `${front.calls} / ${totals.refused} / ${totals.lost}`,
    'front: CreateShipment calls / refused / lost': `${creates.calls} / ${creates.refused} / ${creates.lost}`,
    'ShipmentService calls at the gateway / served by the shipments process (metrics)': `${clientCalls} / ${served}`,
    'UNAVAILABLE at the gateway (metric): all / CreateShipment': `${clientUnavailable} / ${createUnavailable}`,
    'workflows started (metric) / shipments answered': `${started} / ${tally.shipments.filter((s) => s.id).length}`,
  });
  const shareOk = steps.every((s) => s.calls > 0 && Math.abs(s.unavailable / s.calls - s.share) <= 0.02 + 1 / s.calls);
  checks.add('the front answered UNAVAILABLE to the share of each step', shareOk && front.upstreamErrors === 0, steps.map((s) => `${s.name}: ${s.unavailable}/${s.calls}`).join(', ') + `; upstream errors ${front.upstreamErrors}`);
  checks.add('UNAVAILABLE calls in the metrics (rpc.client.duration) match the front', clientUnavailable === front.unavailableAnswers, `metric ${clientUnavailable}, front ${front.unavailableAnswers}`);
  checks.add(
    'createShipment retries in the metrics: CreateShipment UNAVAILABLE = the load\'s retries = the front\'s',
    createUnavailable === load.createRetries && createUnavailable === creates.refused + creates.lost && createUnavailable > 0,
    `metric ${createUnavailable}, load ${load.createRetries}, front ${creates.refused + creates.lost}`,
  );
  checks.add(
    'the shipments process served every call the front sent on, none failing (rpc.server.duration)',
    served === clientCalls - totals.refused && clientCalls === front.calls && serverFailing === 0,
    `served ${served} = ${clientCalls} made - ${totals.refused} refused; failing ${serverFailing}`,
  );
  checks.add(
    'a createShipment whose answer was lost was not done twice: one workflow per shipment',
    creates.lost > 0 && started === tally.shipments.filter((s) => s.id).length,
    `${creates.lost} CreateShipment answers lost after being served; ${started} workflows started for ${tally.shipments.length} shipments`,
  );
  const timeline = run.watcher.timeline(ERRORS_ALERT);
  const later = steps.slice(1).map((s) => s.name).join(', ');
  checks.add(
    `${ERRORS_ALERT} kept firing through the later steps (${later || 'none'})`,
    !!timeline?.firstFiringAt && timeline.refirings === 0 && (timeline.resolvedAt ?? Infinity) >= faultEnd,
    `fired again after resolving: ${timeline?.refirings ?? 'n/a'} time(s)`,
  );
  judgeAlerts(run, [{ alert: ERRORS_ALERT, faultStart, faultEnd, windowS, ...(steps[1] ? { fireBy: steps[1].start, fireByName: `the ${steps[1].name} step` } : {}) }]);
}

/** Per step: shipments made, their createShipment retries, the share answered UNAVAILABLE, completion. */
function stepFigures(run: ChaosRun, steps: { name: string; calls: number; unavailable: number }[], tally: ShipmentTally): void {
  for (const step of steps) {
    const made = tally.shipments.filter((s) => s.step === step.name);
    const retries = made.reduce((sum, s) => sum + s.createAttempts - 1, 0);
    const done = made.map((s) => (s.completedAt ?? Number.NaN) - s.requestedAt).sort((a, b) => a - b);
    run.figures[`step ${step.name}: created / createShipment retries / max attempts`] = `${made.length} / ${retries} / ${Math.max(0, ...made.map((s) => s.createAttempts))}`;
    run.figures[`step ${step.name}: calls answered UNAVAILABLE by the front`] = `${step.unavailable} of ${step.calls} (${((step.unavailable / Math.max(1, step.calls)) * 100).toFixed(1)}%)`;
    run.figures[`step ${step.name}: completion p50 / max`] = `${seconds(done[Math.floor(done.length / 2)])} / ${seconds(done[done.length - 1])}`;
  }
}

export const shipmentsGrpcLatency: Scenario = {
  name: 'shipments-grpc-latency',
  summary: 'the calls into the shipments module (gRPC) answer 500 ms late for a bounded time; shipments complete once, the slow-API alert fires and resolves',
  run: (ctx) => runShipmentsGrpc(ctx, 'latency'),
};

export const shipmentsGrpcErrors: Scenario = {
  name: 'shipments-grpc-errors',
  summary: '10%, then 50% of the calls into the shipments module answer UNAVAILABLE; createShipment retried with its key, shipments complete once, the API errors alert fires and resolves',
  run: (ctx) => runShipmentsGrpc(ctx, 'errors'),
};
