import { SandboxCarrierAdapter } from '../../src/modules/carriers/adapters/sandbox/sandbox-carrier.adapter';
import { describeCarrierContract } from './carrier.contract';

// The sandbox carrier with a little latency; its failure draw is the outage switch.
describeCarrierContract('sandbox', () => {
  let down = false;
  const carrier = new SandboxCarrierAdapter({
    latencyMs: 5,
    failureRate: 0.5,
    journeyStepMs: 0,
    random: () => (down ? 0 : 0.999),
  });
  return Promise.resolve({
    carrier,
    setOutage: (value: boolean) => {
      down = value;
    },
    dispose: () => Promise.resolve(carrier.stop()),
  });
});
