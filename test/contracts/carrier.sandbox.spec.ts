import { SandboxCarrierAdapter } from '../../src/modules/carriers/adapters/sandbox/sandbox-carrier.adapter';
import type { TrackingUpdateSink } from '../../src/modules/carriers/ports/carrier.port';
import { describeCarrierContract } from './carrier.contract';

// The sandbox carrier with a little latency; its failure draw is the outage switch. Its journeys
// wait on timers the harness holds, so a test puts a parcel into the network by playing its
// journey's first steps (PRE_TRANSIT, then TRANSIT: the first scan).
describeCarrierContract('sandbox', () => {
  let down = false;
  const JOURNEY_STEP_MS = 60_000;
  const timers = new Set<() => void>();
  const scanned = new Set<string>();
  const sink: TrackingUpdateSink = {
    deliverTrackUpdated: (_tenantId, body) => {
      const data = (body as { data: { metadata: string; tracking_status: { status: string } } }).data;
      if (data.tracking_status.status === 'TRANSIT') scanned.add(data.metadata);
      return Promise.resolve();
    },
  };
  const carrier = new SandboxCarrierAdapter({
    latencyMs: 0,
    failureRate: 0.5,
    journeyStepMs: JOURNEY_STEP_MS,
    sink,
    random: () => (down ? 0 : 0.999),
    setTimer: (callback, ms) => {
      if (ms !== JOURNEY_STEP_MS) throw new Error(`unexpected timer of ${ms} ms`);
      const fire = () => (timers.delete(fire), callback());
      timers.add(fire);
      return () => void timers.delete(fire);
    },
  });
  return Promise.resolve({
    carrier,
    setOutage: (value: boolean) => {
      down = value;
    },
    refundsFor: (labelId: string) => (carrier.refundOf(labelId) ? 1 : 0),
    async useLabel(reference: string) {
      // Plays every pending journey one step at a time until this parcel's first scan (bounded).
      for (let round = 0; round < 10 && !scanned.has(reference); round++) {
        for (const fire of [...timers]) fire();
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!scanned.has(reference)) throw new Error(`the journey of ${reference} did not reach TRANSIT`);
    },
    dispose: () => carrier.stop(),
  });
});
