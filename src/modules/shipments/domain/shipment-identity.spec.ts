import { shipmentIdFor, workflowIdFor } from './shipment-identity';

describe('shipment identity', () => {
  const tenant = '11111111-1111-4111-8111-111111111111';

  it('is the same for the same tenant and key, and a UUID', () => {
    const id = shipmentIdFor(tenant, 'order-1');
    expect(id).toBe(shipmentIdFor(tenant, 'order-1'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(workflowIdFor(id)).toBe(`shipment-${id}`);
  });

  it('differs across tenants and keys', () => {
    const other = '22222222-2222-4222-8222-222222222222';
    expect(shipmentIdFor(tenant, 'order-1')).not.toBe(shipmentIdFor(other, 'order-1'));
    expect(shipmentIdFor(tenant, 'order-1')).not.toBe(shipmentIdFor(tenant, 'order-2'));
  });
});
