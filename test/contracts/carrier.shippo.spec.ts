import { ShippoCarrierAdapter } from '../../src/modules/carriers/adapters/shippo/shippo-carrier.adapter';
import { describeCarrierContract } from './carrier.contract';
import { FakeShippoServer } from './fake-shippo-server';

// The Shippo REST adapter against a fake Shippo on a loopback port (see fake-shippo-server.ts).
describeCarrierContract('shippo (fake Shippo API on 127.0.0.1)', async () => {
  const apiKey = 'shippo_test_contract_0123456789abcdef';
  const server = await new FakeShippoServer(apiKey).start();
  const carrier = new ShippoCarrierAdapter({ apiKey, baseUrl: server.baseUrl, timeoutMs: 5_000 });
  return {
    carrier,
    setOutage: (down: boolean) => {
      server.outage = down;
    },
    purchasesFor: (reference: string) => server.purchasesFor(reference),
    refundsFor: (labelId: string) => server.refundsFor(labelId),
    useLabel: (_reference, label) => Promise.resolve(server.useLabel(label.carrierTransactionId)),
    dispose: () => server.stop(),
  };
});
