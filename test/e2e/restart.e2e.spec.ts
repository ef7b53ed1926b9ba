import { e2eTargets } from '../support/e2e-targets';
import { AppProcess } from '../support/app-process';
import { eventually } from '../support/poll';
import { maxActivityAttempt } from '../support/temporal-history';
import { CREATE_SHIPMENT, GET_SHIPMENT, shipmentInput } from '../support/shipment-fixtures';

interface ShipmentData {
  id: string;
  status: string;
  trackingNumber: string | null;
  notifications: { template: string }[];
}

/**
 * Nothing acknowledged is lost and nothing is done twice: the process is killed (SIGKILL) while
 * every workflow is waiting on a slow carrier, then started again on the same data directory.
 */
for (const target of e2eTargets()) {
  target.describe(`restart after SIGKILL with workflows in flight (${target.name})`, () => {
    const apps: AppProcess[] = [];

    afterAll(async () => {
      for (const app of apps) await app.stop();
      apps[0]?.dispose();
    });

    it('finishes every shipment with exactly one label and one welcome email', async () => {
      const env = { CARRIER_SANDBOX_LATENCY_MS: '30000' };
      const first = await AppProcess.start({ ...target.env, ...env });
      apps.push(first);
      const creds = await first.newTenant();
      let token = await first.token(creds.clientId, creds.clientSecret);

      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await first.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput(`restart-${i}`) });
        expect(res.data?.createShipment.status).toBe('PENDING');
        ids.push(res.data!.createShipment.id);
      }
      // Every shipment was accepted; none has its label yet (the carrier takes 30 s).
      for (const id of ids) {
        const s = (await first.graphql<{ shipment: ShipmentData }>(token, GET_SHIPMENT, { id })).data!.shipment;
        expect(s.status).toBe('PENDING');
      }
      await first.kill();
      const ours = (l: Record<string, unknown>) => l.event === 'email.sent' && ids.some((id) => l.messageId === `welcome:${id}`);
      const sentBefore = first.jsonLogs().filter(ours).length;
      expect(sentBefore).toBe(0);

      const second = await AppProcess.start({ ...target.env, CARRIER_SANDBOX_LATENCY_MS: '50' }, first.dataDir);
      apps.push(second);
      token = await second.token(creds.clientId, creds.clientSecret);
      const done = await eventually(
        'every shipment to have its label and welcome email',
        async () => {
          const shipments = await Promise.all(
            ids.map(async (id) => (await second.graphql<{ shipment: ShipmentData }>(token, GET_SHIPMENT, { id })).data!.shipment),
          );
          return shipments.every((s) => s.status === 'LABEL_CREATED' && s.notifications.length > 0) ? shipments : undefined;
        },
        // Temporal notices a killed worker's activity only when its 1-minute start-to-close timeout ends.
        { timeoutMs: target.env.TEMPORAL_ADDRESS ? 150_000 : 60_000, intervalMs: 250 },
      );
      for (const s of done) {
        expect(s.notifications).toEqual([{ template: 'welcome' }].map((n) => expect.objectContaining(n)));
        expect(s.trackingNumber).toMatch(/^SBX\d{20}$/);
      }
      expect(new Set(done.map((s) => s.trackingNumber)).size).toBe(ids.length);
      // One email per shipment, across both runs.
      const sent = second.jsonLogs().filter(ours);
      expect(sent.map((l) => l.messageId).sort()).toEqual(ids.map((id) => `welcome:${id}`).sort());
    }, 240_000);
  });
}

for (const target of e2eTargets()) {
  target.describe(`a carrier failing half of its calls (${target.name})`, () => {
    let app: AppProcess;

    afterAll(async () => {
      await app?.stop();
      app?.dispose();
    });

    it('still completes every shipment once, through retries', async () => {
      app = await AppProcess.start({ ...target.env, CARRIER_SANDBOX_FAILURE_RATE: '0.5', CARRIER_SANDBOX_SEED: '7' });
      const creds = await app.newTenant();
      const token = await app.token(creds.clientId, creds.clientSecret);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        ids.push((await app.graphql<{ createShipment: ShipmentData }>(token, CREATE_SHIPMENT, { input: shipmentInput(`flaky-${i}`) })).data!.createShipment.id);
      }
      await eventually(
        'every shipment despite carrier failures',
        async () => {
          const all = await Promise.all(ids.map(async (id) => (await app.graphql<{ shipment: ShipmentData }>(token, GET_SHIPMENT, { id })).data!.shipment));
          return all.every((s) => s.status === 'LABEL_CREATED' && s.notifications.length === 1) ? all : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      if (target.env.TEMPORAL_ADDRESS) {
        // The retries are in Temporal's own history.
        const attempts = await Promise.all(
          ids.map((id) => maxActivityAttempt(target.env.TEMPORAL_ADDRESS!, target.env.TEMPORAL_NAMESPACE ?? 'default', `shipment-${id}`)),
        );
        expect(Math.max(...attempts)).toBeGreaterThan(1);
      } else {
        // The embedded engine's retries, as our own activity-failure line reports each one.
        const retried = app
          .jsonLogs()
          .filter((l) => typeof l.msg === 'string' && /^activity callShippoApi for shipment \S+ failed on attempt \d+ \(retrying in \d+ ms\)/.test(l.msg));
        expect(retried.length).toBeGreaterThan(0);
      }
      const ours = app.jsonLogs().filter((l) => l.event === 'email.sent' && ids.some((id) => l.messageId === `welcome:${id}`));
      expect(ours).toHaveLength(ids.length);
    }, 180_000);
  });
}
