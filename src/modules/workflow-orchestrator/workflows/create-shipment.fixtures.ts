import type { CreateShipmentInput, LabelOutcome } from '../contracts/create-shipment.contracts';

/** A workflow input and a label for unit tests (no I/O: safe beside the workflow code). */
export const sampleInput: CreateShipmentInput = {
  shipmentId: '5d0f3a6e-0000-5000-8000-000000000001',
  tenantId: '11111111-1111-4111-8111-111111111111',
  idempotencyKey: 'k',
  requestHash: 'h',
  fromAddress: { name: 'A', street1: 's', city: 'From City', zip: '1', country: 'US' },
  toAddress: { name: 'B', street1: 's', city: 'To City', zip: '2', country: 'DE' },
  parcel: { length: 1, width: 1, height: 1, distanceUnit: 'cm', weight: 1, massUnit: 'kg' },
  customerEmail: 'b@example.com',
  requestedAt: '2026-11-24T00:00:00.000Z',
};

export const sampleLabel: Extract<LabelOutcome, { kind: 'purchased' }>['label'] = {
  carrier: 'USPS',
  trackingNumber: 'T1',
  labelUrl: 'https://x/T1.pdf',
  carrierTransactionId: 'tx',
};
