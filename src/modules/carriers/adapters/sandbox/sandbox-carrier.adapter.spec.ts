import { CarrierUnavailableError, CarrierValidationError } from '../../contracts/carrier.errors';
import type { LabelRequest } from '../../contracts/carrier.types';
import type { TrackingUpdateSink } from '../../ports/carrier.port';
import { parseTrackUpdated } from '../../domain/track-updated.parser';
import {
  type CancelTimer,
  SandboxCarrierAdapter,
  type SandboxCarrierOptions,
  sandboxTrackingNumber,
} from './sandbox-carrier.adapter';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A manual clock: timers fire only when the test advances time. */
class FakeClock {
  private time = Date.parse('2024-05-14T16:00:00.000Z');
  private timers: Array<{ at: number; seq: number; callback: () => void }> = [];
  private seq = 0;

  readonly now = (): Date => new Date(this.time);
  readonly setTimer = (callback: () => void, ms: number): CancelTimer => {
    const timer = { at: this.time + ms, seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order and letting their promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

const request: LabelRequest = {
  reference: 'shp_7c9e6679-7425-40de-944b-e07fc1f90ae7',
  tenantId: 'tenant-1',
  fromAddress: {
    name: 'Mrs Hippo',
    street1: '1092 Indian Summer Ct',
    city: 'San Jose',
    state: 'CA',
    zip: '95122',
    country: 'US',
  },
  toAddress: {
    name: 'Mr Hippo',
    street1: '965 Mission St #572',
    city: 'San Francisco',
    state: 'CA',
    zip: '94103',
    country: 'US',
  },
  parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' },
};

function recordingSink() {
  const deliveries: Array<{ tenantId: string; body: Loose }> = [];
  const sink: TrackingUpdateSink & { deliverTrackUpdated: jest.Mock } = {
    deliverTrackUpdated: jest.fn(async (tenantId: string, body: unknown) => {
      deliveries.push({ tenantId, body });
    }),
  };
  return { sink, deliveries };
}

function sandbox(overrides: Partial<SandboxCarrierOptions> = {}) {
  const clock = new FakeClock();
  const adapter = new SandboxCarrierAdapter({
    latencyMs: 0,
    failureRate: 0,
    journeyStepMs: 0,
    random: () => 0.5,
    now: clock.now,
    setTimer: clock.setTimer,
    ...overrides,
  });
  return { adapter, clock };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('SandboxCarrierAdapter', () => {
  describe('purchaseLabel', () => {
    it('returns a Shippo-like USPS label derived from the reference', async () => {
      const { adapter } = sandbox();
      expect(adapter.adapterName).toBe('sandbox');
      const label = await adapter.purchaseLabel(request);
      expect(label).toEqual({
        carrier: 'USPS',
        trackingNumber: expect.stringMatching(/^SBX\d{20}$/),
        labelUrl: `https://sandbox.logisynapse.local/labels/${label.trackingNumber}.pdf`,
        carrierTransactionId: expect.stringMatching(/^[0-9a-f]{32}$/),
        serviceLevel: 'usps_priority',
      });
      expect(label.trackingNumber).toBe(sandboxTrackingNumber(request.reference));
    });

    it('returns the same label for the same reference, even from a fresh instance (restart)', async () => {
      const first = await sandbox().adapter.purchaseLabel(request);
      const { adapter } = sandbox();
      expect(await adapter.purchaseLabel(request)).toEqual(first);
      expect(await adapter.purchaseLabel(request)).toEqual(first);
      const other = await adapter.purchaseLabel({ ...request, reference: 'shp_other' });
      expect(other.trackingNumber).not.toBe(first.trackingNumber);
      expect(other.carrierTransactionId).not.toBe(first.carrierTransactionId);
    });

    it('waits latencyMs before answering', async () => {
      const { adapter, clock } = sandbox({ latencyMs: 150 });
      let settled = false;
      const purchase = adapter.purchaseLabel(request).then((label) => ((settled = true), label));
      await clock.advance(149);
      expect(settled).toBe(false);
      await clock.advance(1);
      expect(settled).toBe(true);
      await expect(purchase).resolves.toMatchObject({ carrier: 'USPS' });
    });

    it('fails with probability failureRate, before recording anything, so a retry is clean', async () => {
      const draws = [0.1, 0.9];
      const { sink } = recordingSink();
      const { adapter, clock } = sandbox({ failureRate: 0.25, random: () => draws.shift()!, journeyStepMs: 1000, sink });
      await expect(adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
      expect(clock.pending).toBe(0); // no journey scheduled for the failed attempt
      const label = await adapter.purchaseLabel(request);
      expect(label.trackingNumber).toBe(sandboxTrackingNumber(request.reference));
      expect(clock.pending).toBe(1);
    });

    it('never fails at failureRate 0 and always fails at 1', async () => {
      await expect(sandbox({ failureRate: 0, random: () => 0 }).adapter.purchaseLabel(request)).resolves.toBeDefined();
      await expect(sandbox({ failureRate: 1, random: () => 0.999 }).adapter.purchaseLabel(request)).rejects.toBeInstanceOf(
        CarrierUnavailableError,
      );
    });

    it.each<[string, (r: LabelRequest) => LabelRequest, RegExp]>([
      ['a ZIP of 00000', (r) => ({ ...r, toAddress: { ...r.toAddress, zip: '00000' } }), /toAddress is an invalid address: ZIP code 00000/],
      ['a street containing INVALID', (r) => ({ ...r, fromAddress: { ...r.fromAddress, street1: '1 INVALID Rd' } }), /fromAddress is an invalid address: street "1 INVALID Rd"/],
      ['an empty street1', (r) => ({ ...r, toAddress: { ...r.toAddress, street1: ' ' } }), /toAddress\.street1 is required/],
      ['an empty city', (r) => ({ ...r, toAddress: { ...r.toAddress, city: '' } }), /toAddress\.city is required/],
      ['an empty zip', (r) => ({ ...r, fromAddress: { ...r.fromAddress, zip: '' } }), /fromAddress\.zip is required/],
      ['an empty country', (r) => ({ ...r, toAddress: { ...r.toAddress, country: '' } }), /toAddress\.country is required/],
      ['a 3-letter country', (r) => ({ ...r, toAddress: { ...r.toAddress, country: 'USA' } }), /toAddress\.country must be a 2-letter ISO 3166 code, got "USA"/],
      ['a zero weight', (r) => ({ ...r, parcel: { ...r.parcel, weight: 0 } }), /parcel\.weight must be a positive number, got 0/],
      ['a negative length', (r) => ({ ...r, parcel: { ...r.parcel, length: -1 } }), /parcel\.length must be a positive number/],
      ['a NaN height', (r) => ({ ...r, parcel: { ...r.parcel, height: Number.NaN } }), /parcel\.height must be a positive number/],
      ['an unknown unit', (r) => ({ ...r, parcel: { ...r.parcel, massUnit: 'stone' as Loose } }), /parcel\.massUnit must be one of g, kg, lb, oz/],
    ])('rejects %s with a clear reason', async (_label, change, reason) => {
      const { adapter } = sandbox();
      const error = await rejection(adapter.purchaseLabel(change(request)));
      expect(error).toBeInstanceOf(CarrierValidationError);
      expect((error as CarrierValidationError).reason).toMatch(reason);
    });

    it('lists every problem at once', async () => {
      const { adapter } = sandbox();
      const error = (await rejection(
        adapter.purchaseLabel({ ...request, toAddress: { ...request.toAddress, zip: '00000' }, parcel: { ...request.parcel, width: 0 } }),
      )) as CarrierValidationError;
      expect(error.reason).toContain('ZIP code 00000');
      expect(error.reason).toContain('parcel.width');
    });
  });

  describe('journey', () => {
    it('plays PRE_TRANSIT, TRANSIT, out for delivery, DELIVERED as track_updated webhooks', async () => {
      const { sink, deliveries } = recordingSink();
      const { adapter, clock } = sandbox({ journeyStepMs: 1000, sink });
      const label = await adapter.purchaseLabel(request);

      await clock.advance(999);
      expect(deliveries).toHaveLength(0);
      await clock.advance(1);
      expect(deliveries).toHaveLength(1);
      await clock.advance(3000);
      expect(deliveries).toHaveLength(4);
      expect(clock.pending).toBe(0);

      expect(deliveries.map((d) => d.tenantId)).toEqual(['tenant-1', 'tenant-1', 'tenant-1', 'tenant-1']);
      const statuses = deliveries.map((d) => [d.body.data.tracking_status.status, d.body.data.tracking_status.substatus.code]);
      expect(statuses).toEqual([
        ['PRE_TRANSIT', 'information_received'],
        ['TRANSIT', 'package_accepted'],
        ['TRANSIT', 'out_for_delivery'],
        ['DELIVERED', 'delivered'],
      ]);

      const last = deliveries[3]!.body;
      expect(last).toMatchObject({
        event: 'track_updated',
        test: true,
        data: {
          carrier: 'usps',
          tracking_number: label.trackingNumber,
          transaction: label.carrierTransactionId,
          tracking_status: {
            status: 'DELIVERED',
            substatus: { code: 'delivered', text: expect.any(String), action_required: false },
            status_details: expect.any(String),
            status_date: '2024-05-14T16:00:04.000Z',
            object_id: expect.stringMatching(/^[0-9a-f]{32}$/),
            location: { city: 'San Francisco', state: 'CA', zip: '94103', country: 'US' },
          },
        },
      });
      expect(last.data.tracking_history).toHaveLength(4);
      expect(deliveries[0]!.body.data.tracking_status.location.city).toBe('San Jose');

      // Every body is one the webhook endpoint accepts.
      const updates = deliveries.map((d) => parseTrackUpdated(d.tenantId, d.body));
      expect(updates.map((u) => u.eventId)).toEqual(deliveries.map((d) => d.body.data.tracking_status.object_id));
      expect(new Set(updates.map((u) => u.eventId)).size).toBe(4);
      expect(updates[2]).toMatchObject({ status: 'TRANSIT', substatus: 'out_for_delivery', location: 'San Francisco, CA, 94103, US' });
    });

    it('gives the same step the same object_id across instances', async () => {
      const runs: string[][] = [];
      for (let i = 0; i < 2; i++) {
        const { sink, deliveries } = recordingSink();
        const { adapter, clock } = sandbox({ journeyStepMs: 10, sink });
        await adapter.purchaseLabel(request);
        await clock.advance(40);
        runs.push(deliveries.map((d) => d.body.data.tracking_status.object_id));
      }
      expect(runs[0]).toHaveLength(4);
      expect(runs[1]).toEqual(runs[0]);
    });

    it('plays only one journey per reference even when purchased twice', async () => {
      const { sink, deliveries } = recordingSink();
      const { adapter, clock } = sandbox({ journeyStepMs: 100, sink });
      await Promise.all([adapter.purchaseLabel(request), adapter.purchaseLabel(request)]);
      await clock.advance(150);
      await adapter.purchaseLabel(request);
      await clock.advance(1000);
      expect(deliveries).toHaveLength(4);
    });

    it('is off when journeyStepMs is 0 or there is no sink', async () => {
      const { sink } = recordingSink();
      const off = sandbox({ journeyStepMs: 0, sink });
      await off.adapter.purchaseLabel(request);
      const noSink = sandbox({ journeyStepMs: 100 });
      await noSink.adapter.purchaseLabel(request);
      expect(off.clock.pending + noSink.clock.pending).toBe(0);
    });

    it('reports a failing sink through onError and carries on', async () => {
      const { sink, deliveries } = recordingSink();
      const failure = new Error('webhook endpoint down');
      sink.deliverTrackUpdated.mockRejectedValueOnce(failure);
      const onError = jest.fn();
      const { adapter, clock } = sandbox({ journeyStepMs: 100, sink, onError });
      const label = await adapter.purchaseLabel(request);
      await clock.advance(400);
      expect(onError).toHaveBeenCalledWith(failure, {
        tenantId: 'tenant-1',
        reference: request.reference,
        trackingNumber: label.trackingNumber,
        status: 'PRE_TRANSIT',
        substatus: 'information_received',
      });
      expect(deliveries.map((d) => d.body.data.tracking_status.status)).toEqual(['TRANSIT', 'TRANSIT', 'DELIVERED']);
    });

    it('survives a failing sink with no onError, or an onError that throws', async () => {
      const { sink } = recordingSink();
      sink.deliverTrackUpdated.mockRejectedValue(new Error('down'));
      const quiet = sandbox({ journeyStepMs: 100, sink });
      await quiet.adapter.purchaseLabel(request);
      await quiet.clock.advance(400);
      const loud = sandbox({ journeyStepMs: 100, sink, onError: () => { throw new Error('logger broken'); } });
      await loud.adapter.purchaseLabel(request);
      await loud.clock.advance(400);
      expect(sink.deliverTrackUpdated).toHaveBeenCalledTimes(8);
    });

    it('waits for a slow delivery before scheduling the next step', async () => {
      let release!: () => void;
      const { sink, deliveries } = recordingSink();
      sink.deliverTrackUpdated.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));
      const { adapter, clock } = sandbox({ journeyStepMs: 100, sink });
      await adapter.purchaseLabel(request);
      await clock.advance(1000);
      expect(sink.deliverTrackUpdated).toHaveBeenCalledTimes(1);
      release();
      await clock.advance(300);
      expect(deliveries.map((d) => d.body.data.tracking_status.status)).toEqual(['TRANSIT', 'TRANSIT', 'DELIVERED']);
    });
  });

  describe('voidLabel', () => {
    it('stops the journey of a voided label, also one sold before a restart, and refuses once the parcel is scanned', async () => {
      const { sink, deliveries } = recordingSink();
      const { adapter, clock } = sandbox({ journeyStepMs: 1_000, sink });
      const label = await adapter.purchaseLabel(request);
      await clock.advance(1_000); // PRE_TRANSIT: information received, still voidable
      const refund = await adapter.voidLabel({ reference: request.reference, carrierTransactionId: label.carrierTransactionId });
      expect(refund).toEqual({ refundId: expect.stringMatching(/^[0-9a-f]{32}$/), labelId: label.carrierTransactionId, status: 'SUCCESS' });
      await clock.advance(10_000);
      expect(deliveries.map((d) => d.body.data.tracking_status.status)).toEqual(['PRE_TRANSIT']);
      expect(clock.pending).toBe(0);

      const other = { ...request, reference: 'shp_scanned' };
      const scanned = await adapter.purchaseLabel(other);
      await clock.advance(2_000); // PRE_TRANSIT, then TRANSIT: in the network
      const error = await rejection(adapter.voidLabel({ reference: other.reference, carrierTransactionId: scanned.carrierTransactionId }));
      expect(error).toBeInstanceOf(CarrierValidationError);
      expect(adapter.refundOf(scanned.carrierTransactionId)).toBeUndefined();

      const restarted = sandbox().adapter; // knows nothing of the purchase, but recognises its own label id
      await expect(restarted.voidLabel({ reference: request.reference, carrierTransactionId: label.carrierTransactionId })).resolves.toEqual(refund);
    });
  });

  describe('stop', () => {
    it('cancels pending journeys', async () => {
      const { sink, deliveries } = recordingSink();
      const { adapter, clock } = sandbox({ journeyStepMs: 100, sink });
      await adapter.purchaseLabel(request);
      await adapter.purchaseLabel({ ...request, reference: 'shp_second' });
      await clock.advance(100);
      expect(deliveries).toHaveLength(2);
      await adapter.stop();
      expect(clock.pending).toBe(0);
      await clock.advance(10_000);
      expect(deliveries).toHaveLength(2);
    });

    it('does not schedule the next step when stopped during a delivery', async () => {
      let release!: () => void;
      const { sink } = recordingSink();
      sink.deliverTrackUpdated.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));
      const { adapter, clock } = sandbox({ journeyStepMs: 100, sink });
      await adapter.purchaseLabel(request);
      await clock.advance(100);
      await adapter.stop();
      release();
      await clock.advance(1000);
      expect(sink.deliverTrackUpdated).toHaveBeenCalledTimes(1);
      expect(clock.pending).toBe(0);
    });

    it('ends purchases in flight as unavailable and refuses new ones', async () => {
      const { adapter, clock } = sandbox({ latencyMs: 500 });
      const inFlight = adapter.purchaseLabel(request);
      await clock.advance(100);
      await adapter.stop();
      await expect(inFlight).rejects.toBeInstanceOf(CarrierUnavailableError);
      expect(clock.pending).toBe(0);
      await expect(adapter.purchaseLabel(request)).rejects.toBeInstanceOf(CarrierUnavailableError);
    });
  });

  describe('default timers', () => {
    afterEach(() => jest.useRealTimers());

    it('uses unref’d timers that stop() clears', async () => {
      jest.useFakeTimers({ now: Date.parse('2024-05-14T16:00:00Z') });
      const setTimeoutSpy = jest.spyOn(globalThis, 'setTimeout');
      const { sink, deliveries } = recordingSink();
      const adapter = new SandboxCarrierAdapter({ latencyMs: 50, failureRate: 0, journeyStepMs: 1000, sink });
      const purchase = adapter.purchaseLabel(request);
      await jest.advanceTimersByTimeAsync(50);
      await purchase;
      const timers = setTimeoutSpy.mock.results.map((r) => r.value as NodeJS.Timeout);
      expect(timers.length).toBeGreaterThan(0);
      for (const timer of timers) expect(timer.hasRef()).toBe(false);
      await jest.advanceTimersByTimeAsync(1000);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.body.data.tracking_status.status_date).toBe('2024-05-14T16:00:01.050Z');
      await adapter.stop();
      expect(jest.getTimerCount()).toBe(0);
      setTimeoutSpy.mockRestore();
    });
  });

  it('refuses options out of range at construction', () => {
    expect(() => new SandboxCarrierAdapter({ latencyMs: -1, failureRate: 0, journeyStepMs: 0 })).toThrow();
    expect(() => new SandboxCarrierAdapter({ latencyMs: 0, failureRate: 1.5, journeyStepMs: 0 })).toThrow();
    expect(() => new SandboxCarrierAdapter({ latencyMs: 0, failureRate: Number.NaN, journeyStepMs: 0 })).toThrow();
  });
});
