import { inMemoryMetrics } from '../../../../test/support/in-memory-metrics';
import { CarrierUnavailableError, CarrierValidationError, measuredCarrier, type CarrierPort, type PurchasedLabel } from '../../carriers';
import { PermanentActivityError, type CreateShipmentActivities, type CreateShipmentInput } from '../contracts/create-shipment.contracts';
import { labelTenantsInMetrics } from '../../../platform/telemetry/instruments';
import { measuredActivities } from './measured-activities';

const input = { shipmentId: 's-1' } as CreateShipmentInput;
const label = { carrier: 'USPS', trackingNumber: 'T1' } as PurchasedLabel;

function activities(overrides: Partial<CreateShipmentActivities> = {}): CreateShipmentActivities {
  const ok = async () => undefined;
  return {
    callShippoApi: async () => ({ kind: 'purchased', label }),
    saveShipmentToDb: ok,
    publishShipmentCreated: ok,
    queueWelcomeEmail: ok,
    markShipmentFailed: ok,
    voidLabel: async () => ({ kind: 'refused', reason: 'scanned' }),
    ...overrides,
  };
}

describe('measured activities', () => {
  it('record every attempt by activity and outcome, and the flow counters where the flow decides them', async () => {
    const metrics = inMemoryMetrics();
    let calls = 0;
    const measured = measuredActivities(
      activities({
        saveShipmentToDb: async () => {
          calls += 1;
          if (calls === 1) throw new Error('connection reset');
        },
        markShipmentFailed: async () => {
          throw new PermanentActivityError('constraint');
        },
      }),
      metrics.instruments,
    );
    await expect(measured.callShippoApi(input)).resolves.toEqual({ kind: 'purchased', label });
    await expect(measured.saveShipmentToDb(input, label)).rejects.toThrow('connection reset');
    await measured.saveShipmentToDb(input, label);
    await expect(measured.markShipmentFailed(input, 'why')).rejects.toThrow('constraint');

    const points = await metrics.collect();
    const attempts = points.filter((p) => p.name === 'logisynapse.workflow.activity.duration');
    expect(attempts).toEqual(
      expect.arrayContaining([
        { name: 'logisynapse.workflow.activity.duration', attributes: { 'activity.name': 'callShippoApi', outcome: 'ok' }, value: 1 },
        { name: 'logisynapse.workflow.activity.duration', attributes: { 'activity.name': 'saveShipmentToDb', outcome: 'retryable' }, value: 1 },
        { name: 'logisynapse.workflow.activity.duration', attributes: { 'activity.name': 'saveShipmentToDb', outcome: 'ok' }, value: 1 },
        { name: 'logisynapse.workflow.activity.duration', attributes: { 'activity.name': 'markShipmentFailed', outcome: 'permanent' }, value: 1 },
      ]),
    );
    expect(attempts).toHaveLength(4);
    // Labelled once (the failed attempt did not record it); a failed markShipmentFailed is not a failed shipment.
    expect(points.find((p) => p.name === 'logisynapse.shipments.labelled')?.value).toBe(1);
    expect(points.find((p) => p.name === 'logisynapse.shipments.failed')).toBeUndefined();
  });

  it('label the flow counters with the tenant only for the tenants an operator listed', async () => {
    const listed = '0b9f3c1e-58a4-4c57-9d0e-5d1f2a3b4c5d';
    const metrics = inMemoryMetrics();
    const measured = measuredActivities(activities(), metrics.instruments);
    try {
      await measured.saveShipmentToDb({ ...input, tenantId: listed }, label);
      labelTenantsInMetrics([listed]);
      await measured.saveShipmentToDb({ ...input, tenantId: listed }, label);
      await measured.saveShipmentToDb({ ...input, tenantId: 'f2f0e5f4-0000-4000-8000-000000000001' }, label);
      await measured.markShipmentFailed({ ...input, tenantId: listed }, 'carrier refused');
    } finally {
      labelTenantsInMetrics([]);
    }
    const points = (await metrics.collect()).filter((p) => p.name.startsWith('logisynapse.shipments.'));
    expect(points).toEqual(
      expect.arrayContaining([
        { name: 'logisynapse.shipments.labelled', attributes: {}, value: 1 },
        { name: 'logisynapse.shipments.labelled', attributes: { 'logisynapse.tenant_id': listed }, value: 1 },
        { name: 'logisynapse.shipments.labelled', attributes: { 'logisynapse.tenant_id': 'other' }, value: 1 },
        { name: 'logisynapse.shipments.failed', attributes: { 'logisynapse.tenant_id': listed }, value: 1 },
      ]),
    );
    expect(points).toHaveLength(4);
    // The activity attempts never carry a tenant: only the business counters do.
    const attempts = (await metrics.collect()).filter((p) => p.name === 'logisynapse.workflow.activity.duration');
    for (const attempt of attempts) expect(attempt.attributes).not.toHaveProperty('logisynapse.tenant_id');
  });

  it('count a shipment failed once its failure is recorded', async () => {
    const metrics = inMemoryMetrics();
    await measuredActivities(activities(), metrics.instruments).markShipmentFailed(input, 'carrier refused');
    expect((await metrics.collect()).find((p) => p.name === 'logisynapse.shipments.failed')?.value).toBe(1);
  });
});

describe('measured carrier', () => {
  it('records each call by carrier, operation and outcome, and passes results and errors through', async () => {
    const metrics = inMemoryMetrics();
    const outcomes: unknown[] = [label, new CarrierValidationError('bad zip'), new CarrierUnavailableError('503')];
    const carrier: CarrierPort = {
      adapterName: 'sandbox',
      stop: async () => undefined,
      purchaseLabel: async () => {
        const next = outcomes.shift();
        if (next instanceof Error) throw next;
        return next as PurchasedLabel;
      },
      voidLabel: async () => ({ refundId: 'r', status: 'SUCCESS' }) as never,
    };
    const measured = measuredCarrier(carrier, metrics.instruments);
    await expect(measured.purchaseLabel({} as never)).resolves.toBe(label);
    await expect(measured.purchaseLabel({} as never)).rejects.toBeInstanceOf(CarrierValidationError);
    await expect(measured.purchaseLabel({} as never)).rejects.toBeInstanceOf(CarrierUnavailableError);
    await measured.voidLabel({} as never);
    const points = (await metrics.collect()).filter((p) => p.name === 'logisynapse.carrier.request.duration');
    expect(points.map((p) => [p.attributes['carrier.operation'], p.attributes.outcome, p.value]).sort()).toEqual(
      [
        ['purchase_label', 'error', 1],
        ['purchase_label', 'ok', 1],
        ['purchase_label', 'rejected', 1],
        ['void_label', 'ok', 1],
      ].sort(),
    );
    expect(points.every((p) => p.attributes.carrier === 'sandbox')).toBe(true);
  });
});
