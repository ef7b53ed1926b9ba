import { cancelDecision } from './shipment-cancellation';
import { SHIPMENT_STATUSES, shouldApply } from './shipment-status';

describe('cancelling a shipment', () => {
  it('voids the label only while it is unused (LABEL_CREATED, PRE_TRANSIT)', () => {
    const voidable = SHIPMENT_STATUSES.filter((status) => cancelDecision(status).kind === 'void-label');
    expect(voidable).toEqual(['LABEL_CREATED', 'PRE_TRANSIT']);
  });

  it('refuses every status the carrier has scanned, a PENDING and a FAILED shipment, with a reason', () => {
    const refusals = Object.fromEntries(
      SHIPMENT_STATUSES.flatMap((status) => {
        const decision = cancelDecision(status);
        return decision.kind === 'refused' ? [[status, decision.reason]] : [];
      }),
    );
    expect(refusals).toEqual({
      PENDING: 'label-not-bought-yet',
      IN_TRANSIT: 'label-in-use',
      OUT_FOR_DELIVERY: 'label-in-use',
      DELIVERED: 'label-in-use',
      RETURNED: 'label-in-use',
      EXCEPTION: 'label-in-use',
      FAILED: 'shipment-failed',
    });
  });

  it('answers a second cancel as done, and a CANCELLED shipment takes no carrier update', () => {
    expect(cancelDecision('CANCELLED')).toEqual({ kind: 'already-cancelled' });
    expect(shouldApply('CANCELLED', 'IN_TRANSIT')).toBe(false);
    expect(shouldApply('CANCELLED', 'DELIVERED')).toBe(false);
  });
});
