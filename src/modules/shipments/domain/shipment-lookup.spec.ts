import { DomainError } from '../../../platform/errors/domain-error';
import { idsToLookUp, MAX_SHIPMENT_IDS_PER_LOOKUP } from './shipment-lookup';

const A = '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e';
const B = '1c7e2f9f-9f2d-4b66-8e1f-4f1b5f2d3e4f';

describe('idsToLookUp (the ids of a batched look-up)', () => {
  it('asks for each id once, lowercased as the database answers them', () => {
    expect(idsToLookUp([A, B, A, A.toUpperCase()])).toEqual([A, B]);
  });

  it('leaves out what is not a UUID: it names no shipment, so it is absent rather than an error', () => {
    expect(idsToLookUp(['not-a-uuid', '', A, "'; DROP TABLE shipments; --"])).toEqual([A]);
    expect(idsToLookUp([])).toEqual([]);
  });

  it('takes a full page, and refuses more as BAD_USER_INPUT', () => {
    const page = Array.from({ length: MAX_SHIPMENT_IDS_PER_LOOKUP }, () => A);
    expect(idsToLookUp(page)).toEqual([A]);
    let error: unknown;
    try {
      idsToLookUp([...page, B]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', message: `at most ${MAX_SHIPMENT_IDS_PER_LOOKUP} shipment ids per look-up, got ${MAX_SHIPMENT_IDS_PER_LOOKUP + 1}` });
  });
});
