import { GAUGES, INSTRUMENTS, LABEL_VALUES, TENANT_LABEL, boundedAttributes, boundedLabel, labelTenantsInMetrics, withTenant } from './instruments';

describe('platform instruments', () => {
  const specs = Object.values(INSTRUMENTS);

  it('are named logisynapse.<dotted.lowercase> with an OpenTelemetry unit, each name once', () => {
    for (const spec of specs) {
      expect(spec.name).toMatch(/^(logisynapse|rpc)(\.[a-z][a-z_]*)+$/);
      expect(spec.unit).toMatch(spec.kind === 'histogram' ? /^s$/ : /^\{[a-z]+\}$/);
      expect(spec.description.length).toBeGreaterThan(10);
    }
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  it('declare the broker gauges the same way, with listed labels only', () => {
    for (const gauge of Object.values(GAUGES)) {
      expect(gauge.name).toMatch(/^logisynapse(\.[a-z][a-z_]*)+$/);
      expect(gauge.unit).toMatch(/^(\{[a-z]+\}|1)$/);
      for (const label of gauge.labels) expect(Object.keys(LABEL_VALUES)).toContain(label);
    }
    expect(Object.values(GAUGES).map((g) => g.name).filter((n) => specs.some((s) => (s.name as string) === n))).toEqual([]);
  });

  it('carry only labels whose values are listed, and a bounded number of them', () => {
    for (const spec of specs) {
      for (const label of spec.labels) expect(Object.keys(LABEL_VALUES)).toContain(label);
    }
    for (const values of Object.values(LABEL_VALUES)) {
      expect(values.length).toBeLessThanOrEqual(20);
      for (const value of values) expect(value).toMatch(/^[A-Za-z_.]+$/);
    }
  });

  it('never label a series with an unlisted value: ids, emails and client strings become "other"', () => {
    expect(boundedLabel('activity.name', 'callShippoApi')).toBe('callShippoApi');
    for (const hostile of ['4f0c2a3e-9b1d-4c55-8a43-2f3a0d6b9e11', 'hippo@example.com', 'myQuery', '', 'x'.repeat(10_000)]) {
      expect(boundedLabel('graphql.operation.type', hostile)).toBe('other');
      expect(boundedLabel('carrier', hostile)).toBe('other');
    }
    expect(boundedAttributes({ carrier: 'shippo', outcome: 'weird' })).toEqual({ carrier: 'shippo', outcome: 'other' });
  });

  it('carry a tenant only when an operator listed tenants, and then only listed ids or "other"', () => {
    const listed = '0b9f3c1e-58a4-4c57-9d0e-5d1f2a3b4c5d';
    expect(withTenant(listed, { outcome: 'ok' })).toEqual({ outcome: 'ok' });
    labelTenantsInMetrics([listed.toUpperCase()]);
    try {
      expect(withTenant(listed, { outcome: 'ok' })).toEqual({ outcome: 'ok', [TENANT_LABEL]: listed });
      expect(withTenant(listed.toUpperCase())).toEqual({ [TENANT_LABEL]: listed });
      for (const other of ['f2f0e5f4-0000-4000-8000-000000000001', 'acme\u0000', '', null, undefined]) {
        expect(withTenant(other)).toEqual({ [TENANT_LABEL]: 'other' });
      }
    } finally {
      labelTenantsInMetrics([]);
    }
    expect(withTenant(listed)).toEqual({});
  });

  it('mark as per tenant only the business counters', () => {
    const perTenant = Object.values(INSTRUMENTS).filter((spec) => 'perTenant' in spec).map((spec) => spec.name);
    expect(perTenant.sort()).toEqual([
      'logisynapse.emails.sent',
      'logisynapse.shipments.created',
      'logisynapse.shipments.delivered',
      'logisynapse.shipments.failed',
      'logisynapse.shipments.labelled',
      'logisynapse.status_updates',
    ]);
  });
});
