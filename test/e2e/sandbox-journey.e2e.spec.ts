import { e2eTargets } from '../support/e2e-targets';
import { AppProcess } from '../support/app-process';
import { eventually } from '../support/poll';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';

interface ShipmentData {
  id: string;
  status: string;
  trackingEvents: { status: string }[];
}

for (const target of e2eTargets()) {
  target.describe(`sandbox carrier journey (${target.name})`, () => {
    let app: AppProcess;

    beforeAll(async () => {
      app = await AppProcess.start({ ...target.env, CARRIER_SANDBOX_JOURNEY_STEP_MS: '200' });
    });

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it('moves a parcel to DELIVERED by itself, through the carrier.status.updates path', async () => {
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const created = await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput('journey-1') });
      const id = created.data!.createShipment.id;
      const delivered = await eventually(
        'the simulated journey to end in DELIVERED',
        async () => {
          const s = (await app.graphql<{ shipment: ShipmentData }>(token, GET_SHIPMENT, { id })).data!.shipment;
          return s.status === 'DELIVERED' ? s : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(delivered.trackingEvents.map((e) => e.status)).toEqual(['PRE_TRANSIT', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
    });
  });
}
