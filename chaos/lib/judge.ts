import type { ChaosRun } from './harness';
import type { ShipmentView, TrackedShipment } from './load';
import { seconds } from './scenario';

/** What became of the load's shipments, as the servers say. */
export interface ShipmentTally {
  shipments: TrackedShipment[];
  during: TrackedShipment[];
  views: { s: TrackedShipment; view: ShipmentView | null }[];
  completed: number;
  duplicates: number;
}

const completionMs = (list: TrackedShipment[]) => list.map((s) => (s.completedAt ?? Number.NaN) - s.requestedAt).sort((a, b) => a - b);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * Every shipment of the load, made before, during or after the fault, read back through the
 * gateway and at the carrier: it ends labelled (`LABEL_CREATED`, then `IN_TRANSIT` from its status
 * update) with exactly one label bought for it, one welcome email, and its status update (posted
 * twice) applied once. Adds the figures and the four checks of that to `run`.
 */
export async function judgeShipments(run: ChaosRun, { drained, faultEnd }: { drained: boolean; faultEnd: number }): Promise<ShipmentTally> {
  const { load, carrier, checks, figures } = run;
  const shipments = load.shipments;
  const during = shipments.filter((s) => s.phase === 'fault');
  // Read after the fault: an UNAVAILABLE answer (a fault's last call in flight) is asked again.
  const views = await Promise.all(shipments.filter((s) => s.id).map(async (s) => ({ s, view: await load.read(s.id!, 5) })));
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
  const drainMs = Math.max(...during.map((s) => s.completedAt ?? Number.NaN)) - faultEnd;

  Object.assign(figures, {
    'shipments created': shipments.length - createErrors.length,
    'created during the fault': during.length,
    completed,
    duplicates,
    'createShipment retries (answered UNAVAILABLE, asked again with the same key)': load.createRetries,
    'time to drain after the fault': seconds(drainMs),
    'completion p50 / max (fault-time shipments)': `${seconds(quantile(completionMs(during), 0.5))} / ${seconds(quantile(completionMs(during), 1))}`,
  });
  checks.add('every createShipment answered', createErrors.length === 0, createErrors.length ? createErrors.slice(0, 3).map((s) => s.createError).join('; ') : `${shipments.length} answered`);
  checks.add('shipments were created during the fault', during.length >= 10, `${during.length} created during the fault`);
  checks.add(
    'every shipment completed exactly once (LABEL_CREATED, one label, one welcome email, the redelivered status update applied once)',
    drained && completed === shipments.length && problems.length === 0,
    problems.length ? problems.slice(0, 5).join('; ') : `${completed}/${shipments.length}`,
  );
  checks.add('no duplicates', duplicates === 0, `${duplicates} shipment(s) with a second label, email or event`);
  return { shipments, during, views, completed, duplicates };
}

/** An alert a fault must fire, judged by its scaled windows (ADR 0046). */
export interface AlertExpectation {
  alert: string;
  /** The fault it answers (ms since epoch). */
  faultStart: number;
  faultEnd: number;
  /** The range of its expression, scaled (seconds): `[5m]` is 15 s at 1/20. */
  windowS: number;
  /** It must be firing by then: the fault's end unless a step of it is meant (the first). */
  fireBy?: number;
  /** What `fireBy` is, in the check's detail. */
  fireByName?: string;
}

/**
 * The alerts of the run against `expected`: each fires no later than window + `for` + 10 s after
 * its fault began (and before `fireBy`), stops firing within window + 20 s after the fault ended;
 * no other alert fires; Alertmanager posts each to the run's webhook, firing then resolved, and
 * nothing else. Adds the figures and the checks (named `alert: ...`) to `run`.
 */
export function judgeAlerts(run: ChaosRun, expected: AlertExpectation[]): void {
  const { watcher, receiver, evaluator, checks, figures, runId } = run;
  const names = new Set(expected.map((e) => e.alert));
  const notified = receiver.alertsOf(runId);
  const results = expected.map((e) => {
    const forS = evaluator.forSeconds(e.alert);
    const timeline = watcher.timeline(e.alert);
    const firedAfterMs = timeline?.firstFiringAt !== undefined ? timeline.firstFiringAt - e.faultStart : undefined;
    const resolvedAfterMs = timeline?.resolvedAt !== undefined ? timeline.resolvedAt - e.faultEnd : undefined;
    const fireDeadlineMs = (e.windowS + forS + 10) * 1000;
    const resolveDeadlineMs = (e.windowS + 20) * 1000;
    const firing = notified.find((a) => a.alertname === e.alert && a.status === 'firing');
    const resolved = notified.find((a) => a.alertname === e.alert && a.status === 'resolved');
    figures[`${e.alert} firing after`] = `${seconds(firedAfterMs)} (deadline ${seconds(fireDeadlineMs)}, fault ${seconds(e.faultEnd - e.faultStart)})`;
    figures[`${e.alert} resolved after the fault`] = seconds(resolvedAfterMs);
    const webhookFigure = `${firing ? seconds(firing.receivedAt - e.faultStart) : 'none'} / ${resolved ? seconds(resolved.receivedAt - e.faultEnd) : 'none'} after fault start / end`;
    figures[expected.length === 1 ? 'webhook notifications (firing / resolved)' : `webhook ${e.alert} (firing / resolved)`] = webhookFigure;
    const fireBy = e.fireBy ?? e.faultEnd;
    // Pending no sooner than the fault began (with a second for the evaluation's timestamp): the fault fired it.
    const pendingAfterMs = timeline?.activeAt !== undefined ? timeline.activeAt - e.faultStart : undefined;
    checks.add(
      `alert: ${e.alert} fired during the fault within its for window`,
      firedAfterMs !== undefined && timeline!.firstFiringAt! <= fireBy && firedAfterMs <= fireDeadlineMs && (pendingAfterMs ?? 0) >= -1_000,
      `pending ${seconds(pendingAfterMs)}, firing ${seconds(firedAfterMs)} after the fault began (for ${forS} s, window ${e.windowS} s, deadline ${seconds(fireDeadlineMs)}${e.fireByName ? `, before ${e.fireByName} ${seconds(fireBy - e.faultStart)}` : ''})`,
    );
    checks.add(
      `alert: ${e.alert} resolved after the fault`,
      resolvedAfterMs !== undefined && resolvedAfterMs >= 0 && resolvedAfterMs <= resolveDeadlineMs && watcher.firingNow().length === 0,
      `resolved ${seconds(resolvedAfterMs)} after; firing at the end: ${watcher.firingNow().map((t) => t.alertname).join(', ') || 'none'}`,
    );
    return { firing, resolved };
  });
  const others = watcher.fired().filter((t) => !names.has(t.alertname));
  const notifiedOthers = [...new Set(notified.filter((a) => !names.has(a.alertname)).map((a) => a.alertname))];
  figures['evaluator polls'] = watcher.polls;
  checks.add(
    'alert: no other alert fired',
    others.length === 0,
    others.length ? others.map((t) => `${t.alertname} ${JSON.stringify(t.labels)} firing at +${seconds(t.firstFiringAt! - run.t0)} of the run (pending +${seconds((t.firstPendingAt ?? Number.NaN) - run.t0)})`).join('; ') : `seen: ${watcher.seen().map((t) => `${t.alertname}${t.firstFiringAt ? '' : ' (pending only)'}`).join(', ') || 'none'}`,
  );
  checks.add(
    "alert: Alertmanager notified the run's webhook: firing, then resolved, and nothing else",
    results.every((r) => !!r.firing && !!r.resolved && r.resolved.receivedAt > r.firing.receivedAt) && notifiedOthers.length === 0,
    `${notified.length} alert notification(s) for ${runId}; others: ${notifiedOthers.join(', ') || 'none'}`,
  );
}
