import { shouldApply, statusFromCarrier } from './shipment-status';

describe('shipment status rules', () => {
  it('maps Shippo tracking statuses, with out-for-delivery from the substatus', () => {
    expect(statusFromCarrier({ status: 'PRE_TRANSIT' })).toBe('PRE_TRANSIT');
    expect(statusFromCarrier({ status: 'TRANSIT' })).toBe('IN_TRANSIT');
    expect(statusFromCarrier({ status: 'TRANSIT', substatus: 'out_for_delivery' })).toBe('OUT_FOR_DELIVERY');
    expect(statusFromCarrier({ status: 'DELIVERED' })).toBe('DELIVERED');
    expect(statusFromCarrier({ status: 'RETURNED' })).toBe('RETURNED');
    expect(statusFromCarrier({ status: 'FAILURE' })).toBe('EXCEPTION');
    expect(statusFromCarrier({ status: 'UNKNOWN' })).toBeNull();
  });

  it('moves forward only', () => {
    expect(shouldApply('LABEL_CREATED', 'PRE_TRANSIT')).toBe(true);
    expect(shouldApply('IN_TRANSIT', 'OUT_FOR_DELIVERY')).toBe(true);
    expect(shouldApply('OUT_FOR_DELIVERY', 'IN_TRANSIT')).toBe(false);
    expect(shouldApply('IN_TRANSIT', 'IN_TRANSIT')).toBe(false);
  });

  it('never leaves a terminal status', () => {
    expect(shouldApply('DELIVERED', 'IN_TRANSIT')).toBe(false);
    expect(shouldApply('DELIVERED', 'RETURNED')).toBe(false);
    expect(shouldApply('FAILED', 'PRE_TRANSIT')).toBe(false);
  });

  it('enters and leaves EXCEPTION at the same stage', () => {
    expect(shouldApply('IN_TRANSIT', 'EXCEPTION')).toBe(true);
    expect(shouldApply('EXCEPTION', 'IN_TRANSIT')).toBe(true);
    expect(shouldApply('EXCEPTION', 'DELIVERED')).toBe(true);
    expect(shouldApply('OUT_FOR_DELIVERY', 'EXCEPTION')).toBe(true);
    expect(shouldApply('EXCEPTION', 'PRE_TRANSIT')).toBe(false);
  });
});
