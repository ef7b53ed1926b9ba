import { DomainError } from '../errors/domain-error';
import { isUuid, uuidsToLookUp } from './uuid';

const A = '0b6e6f5e-8a0a-4c5e-9a51-2f0c3d1e4a01';
const B = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

describe('isUuid', () => {
  it('takes a UUID in either case and refuses anything else', () => {
    expect(isUuid(A)).toBe(true);
    expect(isUuid(A.toUpperCase())).toBe(true);
    for (const value of ['', 'x', `${A}0`, A.replace(/-/g, ''), ` ${A}`, 42, null, undefined]) expect(isUuid(value)).toBe(false);
  });
});

describe('uuidsToLookUp', () => {
  it('keeps each UUID once, lowercase, in first-seen order, and drops what is no UUID', () => {
    expect(uuidsToLookUp([B, 'nope', A.toUpperCase(), B, A, 7], 10, 'ids')).toEqual([B, A]);
  });

  it('refuses more than the bound with BAD_USER_INPUT, counting what was asked, not what is kept', () => {
    expect(uuidsToLookUp(Array(3).fill(A), 3, 'ids')).toEqual([A]);
    expect(() => uuidsToLookUp(Array(4).fill(A), 3, 'shipment ids')).toThrow(DomainError);
    expect(() => uuidsToLookUp(Array(4).fill(A), 3, 'shipment ids')).toThrow('at most 3 shipment ids per look-up, got 4');
  });
});
