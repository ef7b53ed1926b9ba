import { randomUUID } from 'node:crypto';
import { CarrierUnavailableError, CarrierValidationError } from '../../src/modules/carriers/contracts/carrier.errors';
import type { Address, LabelRequest, PurchasedLabel } from '../../src/modules/carriers/contracts/carrier.types';
import type { CarrierPort } from '../../src/modules/carriers/ports/carrier.port';

/** A carrier adapter under test, with switches the harness provides around it. */
export interface CarrierHarness {
  readonly carrier: CarrierPort;
  /** Starts (true) or ends (false) an outage on the carrier's side. */
  setOutage(down: boolean): void;
  /** Labels actually bought for `reference`, when the harness can see the carrier's side. */
  purchasesFor?(reference: string): number;
  /** Refunds the carrier actually made of the label `labelId`, when the harness can see the carrier's side. */
  refundsFor?(labelId: string): number;
  /** Has the carrier scan the parcel of `label` (bought for `reference`), so the label is in use. */
  useLabel?(reference: string, label: PurchasedLabel): Promise<void>;
  dispose(): Promise<void>;
}

export type DescribeFn = (name: string, body: () => void) => void;

const FROM: Address = {
  name: 'Shawn Ippotle',
  street1: '215 Clayton St.',
  city: 'San Francisco',
  state: 'CA',
  zip: '94117',
  country: 'US',
  email: 'shippotle@example.com',
};
const TO: Address = {
  name: 'Mr Hippo',
  street1: '1092 Indian Summer Ct',
  city: 'San Jose',
  state: 'CA',
  zip: '95122',
  country: 'US',
  email: 'hippo@example.com',
};

export function labelRequest(overrides: Partial<LabelRequest> = {}): LabelRequest {
  return {
    reference: randomUUID(),
    tenantId: randomUUID(),
    fromAddress: { ...FROM },
    toAddress: { ...TO },
    parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' },
    ...overrides,
  };
}

/**
 * Contract of the carrier port: a valid request buys a label; the same reference bought twice
 * is one purchase and the same label; an address the carrier rejects is a validation error
 * (not worth retrying); an outage is "unavailable" (worth retrying), and a retry afterwards works.
 * A bought label can be voided once (a second void answers the same refund); a label the carrier
 * never sold, or one already in use, is refused.
 */
export function describeCarrierContract(
  adapterName: string,
  factory: () => Promise<CarrierHarness>,
  options: { describe?: DescribeFn } = {},
): void {
  const describeFn = options.describe ?? describe;

  describeFn(`carrier port contract: ${adapterName}`, () => {
    let harness: CarrierHarness | undefined;
    const carrier = () => harness!.carrier;

    beforeAll(async () => {
      harness = await factory();
    });

    afterEach(() => harness?.setOutage(false));

    afterAll(async () => {
      await harness?.dispose();
    });

    it('buys a label for a valid request: carrier, tracking number, label URL, transaction id', async () => {
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      expect(label.carrier).toEqual(expect.stringMatching(/\S/));
      expect(label.trackingNumber).toEqual(expect.stringMatching(/^[A-Za-z0-9]{8,}$/));
      expect(label.carrierTransactionId).toEqual(expect.stringMatching(/\S/));
      expect(['https:', 'http:']).toContain(new URL(label.labelUrl).protocol);
      if (harness!.purchasesFor) expect(harness!.purchasesFor(request.reference)).toBe(1);
    });

    it('returns the same label for the same reference, bought once', async () => {
      const request = labelRequest();
      const first = await carrier().purchaseLabel(request);
      const second = await carrier().purchaseLabel({ ...request });
      expect(second).toEqual(first);
      if (harness!.purchasesFor) expect(harness!.purchasesFor(request.reference)).toBe(1);
    });

    it('buys a different label for a different reference', async () => {
      const one = await carrier().purchaseLabel(labelRequest());
      const other = await carrier().purchaseLabel(labelRequest());
      expect(other.trackingNumber).not.toBe(one.trackingNumber);
      expect(other.carrierTransactionId).not.toBe(one.carrierTransactionId);
    });

    it.each([
      ['recipient', { toAddress: { ...TO, zip: '00000' } }],
      ['sender', { fromAddress: { ...FROM, zip: '00000' } }],
    ])('rejects an address that does not exist (%s ZIP 00000) with CarrierValidationError, buying nothing', async (_side, overrides) => {
      const request = labelRequest(overrides);
      const error: unknown = await carrier().purchaseLabel(request).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CarrierValidationError);
      expect((error as CarrierValidationError).reason).toEqual(expect.stringMatching(/\S/));
      if (harness!.purchasesFor) expect(harness!.purchasesFor(request.reference)).toBe(0);
    });

    it('reports an outage as CarrierUnavailableError, and a retry after it buys the label once', async () => {
      const request = labelRequest();
      harness!.setOutage(true);
      await expect(carrier().purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
      await expect(carrier().purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
      harness!.setOutage(false);
      const label = await carrier().purchaseLabel(request);
      expect(label.trackingNumber).toEqual(expect.stringMatching(/\S/));
      if (harness!.purchasesFor) expect(harness!.purchasesFor(request.reference)).toBe(1);
      expect(await carrier().purchaseLabel(request)).toEqual(label);
    });

    it('voids a bought label: a refund of that label, made once', async () => {
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      const refund = await carrier().voidLabel({ reference: request.reference, carrierTransactionId: label.carrierTransactionId });
      expect(refund).toEqual({ refundId: expect.stringMatching(/\S/), labelId: label.carrierTransactionId, status: expect.stringMatching(/^(QUEUED|PENDING|SUCCESS)$/) });
      if (harness!.refundsFor) expect(harness!.refundsFor(label.carrierTransactionId)).toBe(1);
    });

    it('answers a second void of the same label with the same refund, refunding once', async () => {
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      const voiding = { reference: request.reference, carrierTransactionId: label.carrierTransactionId };
      const first = await carrier().voidLabel(voiding);
      await expect(carrier().voidLabel({ ...voiding })).resolves.toEqual(first);
      if (harness!.refundsFor) expect(harness!.refundsFor(label.carrierTransactionId)).toBe(1);
    });

    it('refuses to void a label it never sold with CarrierValidationError', async () => {
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      const error: unknown = await carrier()
        .voidLabel({ reference: request.reference, carrierTransactionId: `${label.carrierTransactionId.slice(0, -4)}0000` })
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CarrierValidationError);
      if (harness!.refundsFor) expect(harness!.refundsFor(label.carrierTransactionId)).toBe(0);
    });

    it('refuses to void a label already in use (the parcel was scanned) with CarrierValidationError, refunding nothing', async () => {
      if (!harness!.useLabel) throw new Error('the harness must be able to put a label in use');
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      await harness!.useLabel(request.reference, label);
      const error: unknown = await carrier()
        .voidLabel({ reference: request.reference, carrierTransactionId: label.carrierTransactionId })
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CarrierValidationError);
      expect((error as CarrierValidationError).reason).toMatch(/scanned|in use/);
      if (harness!.refundsFor) expect(harness!.refundsFor(label.carrierTransactionId)).toBe(0);
    });

    it('reports an outage during a void as CarrierUnavailableError, and a void after it refunds once', async () => {
      const request = labelRequest();
      const label = await carrier().purchaseLabel(request);
      const voiding = { reference: request.reference, carrierTransactionId: label.carrierTransactionId };
      harness!.setOutage(true);
      await expect(carrier().voidLabel(voiding)).rejects.toBeInstanceOf(CarrierUnavailableError);
      harness!.setOutage(false);
      const refund = await carrier().voidLabel(voiding);
      expect(refund.labelId).toBe(label.carrierTransactionId);
      if (harness!.refundsFor) expect(harness!.refundsFor(label.carrierTransactionId)).toBe(1);
    });

    it('keeps an outage from being mistaken for invalid input, even for an invalid address', async () => {
      harness!.setOutage(true);
      await expect(carrier().purchaseLabel(labelRequest({ toAddress: { ...TO, zip: '00000' } }))).rejects.toBeInstanceOf(
        CarrierUnavailableError,
      );
    });
  });
}
