import { parseTrackUpdated, TrackUpdateParseError } from './track-updated.parser';

// Tests mutate the body freely to break one field at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A `track_updated` body built from the example values of Shippo's spec (Track, TrackingStatus). */
function specBody(): Loose {
  const status = {
    object_created: '2016-07-23T20:35:26.129Z',
    object_updated: '2016-07-23T20:35:26.129Z',
    object_id: 'ce48ff3d52a34e91b77aa98370182624',
    status: 'DELIVERED',
    status_details: 'Your shipment has been delivered at the destination mailbox.',
    status_date: '2016-07-23T00:00:00Z',
    substatus: {
      code: 'delivered',
      text: 'Package has been delivered.',
      action_required: false,
    },
    location: { city: 'Las Vegas', state: 'NV', zip: '89101', country: 'US' },
  };
  return {
    event: 'track_updated',
    test: false,
    data: {
      carrier: 'usps',
      tracking_number: '9205590164917312751089',
      metadata: 'Order 000123',
      address_from: { city: 'Las Vegas', state: 'NV', zip: '89101', country: 'US' },
      address_to: { city: 'Spotsylvania', state: 'VA', zip: '22551', country: 'US' },
      eta: '2016-07-23T00:00:00Z',
      original_eta: '2021-07-23T00:00:00Z',
      servicelevel: { token: 'usps_priority', name: 'Priority Mail' },
      messages: [],
      tracking_status: status,
      tracking_history: [status],
      transaction: '915d94940ea54c3a80cbfa328722f5a1',
    },
  };
}

function parseError(body: unknown): TrackUpdateParseError {
  try {
    parseTrackUpdated('tenant-1', body);
  } catch (error) {
    expect(error).toBeInstanceOf(TrackUpdateParseError);
    return error as TrackUpdateParseError;
  }
  throw new Error('expected a TrackUpdateParseError');
}

describe('parseTrackUpdated', () => {
  it('normalises the spec example into a CarrierStatusUpdate', () => {
    expect(parseTrackUpdated('tenant-1', specBody())).toEqual({
      tenantId: 'tenant-1',
      carrier: 'usps',
      trackingNumber: '9205590164917312751089',
      status: 'DELIVERED',
      substatus: 'delivered',
      statusDetails: 'Your shipment has been delivered at the destination mailbox.',
      occurredAt: '2016-07-23T00:00:00.000Z',
      location: 'Las Vegas, NV, 89101, US',
      eventId: 'ce48ff3d52a34e91b77aa98370182624',
    });
  });

  it('accepts every Shippo tracking status', () => {
    for (const status of ['UNKNOWN', 'PRE_TRANSIT', 'TRANSIT', 'DELIVERED', 'RETURNED', 'FAILURE']) {
      const body = specBody();
      body.data.tracking_status.status = status;
      expect(parseTrackUpdated('t', body).status).toBe(status);
    }
  });

  it('leaves out optional parts that are absent or null', () => {
    const body = specBody();
    delete body.data.tracking_status.substatus;
    body.data.tracking_status.status_details = null;
    body.data.tracking_status.location = null;
    const update = parseTrackUpdated('t', body);
    expect(update).not.toHaveProperty('substatus');
    expect(update).not.toHaveProperty('statusDetails');
    expect(update).not.toHaveProperty('location');
  });

  it('joins only the location parts that are present', () => {
    const body = specBody();
    body.data.tracking_status.location = { city: 'Las Vegas', state: '', country: 'US' };
    expect(parseTrackUpdated('t', body).location).toBe('Las Vegas, US');
    body.data.tracking_status.location = {};
    expect(parseTrackUpdated('t', body).location).toBeUndefined();
  });

  it('reads a date-time without offset as UTC and canonicalises offsets', () => {
    const body = specBody();
    body.data.tracking_status.status_date = '2016-07-23T10:15:00';
    expect(parseTrackUpdated('t', body).occurredAt).toBe('2016-07-23T10:15:00.000Z');
    body.data.tracking_status.status_date = '2016-07-23T12:15:00+02:00';
    expect(parseTrackUpdated('t', body).occurredAt).toBe('2016-07-23T10:15:00.000Z');
    body.data.tracking_status.status_date = '2016-07-23';
    expect(parseTrackUpdated('t', body).occurredAt).toBe('2016-07-23T00:00:00.000Z');
  });

  describe('eventId', () => {
    it('is the tracking status object_id when present', () => {
      expect(parseTrackUpdated('t', specBody()).eventId).toBe('ce48ff3d52a34e91b77aa98370182624');
    });

    it('falls back to a stable sha256 when object_id is missing', () => {
      const body = specBody();
      delete body.data.tracking_status.object_id;
      const first = parseTrackUpdated('t', body).eventId;
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      // A redelivery of the same event, even with a differently written instant, de-duplicates.
      const again = specBody();
      delete again.data.tracking_status.object_id;
      again.data.tracking_status.status_date = '2016-07-23T00:00:00.000+00:00';
      again.data.tracking_status.status_details = 'reworded';
      expect(parseTrackUpdated('t', again).eventId).toBe(first);
    });

    it('differs when the status, substatus, date or tracking number differ', () => {
      const base = specBody();
      delete base.data.tracking_status.object_id;
      const id = parseTrackUpdated('t', base).eventId;
      const variants: Array<(b: Loose) => void> = [
        (b) => (b.data.tracking_status.status = 'TRANSIT'),
        (b) => (b.data.tracking_status.substatus.code = 'out_for_delivery'),
        (b) => (b.data.tracking_status.status_date = '2016-07-24T00:00:00Z'),
        (b) => (b.data.tracking_number = '9205590164917312751090'),
      ];
      for (const change of variants) {
        const body = specBody();
        delete body.data.tracking_status.object_id;
        change(body);
        expect(parseTrackUpdated('t', body).eventId).not.toBe(id);
      }
    });

    it('is the same for duplicates that carry the same object_id', () => {
      expect(parseTrackUpdated('a', specBody()).eventId).toBe(parseTrackUpdated('a', specBody()).eventId);
    });
  });

  describe('rejects', () => {
    const cases: Array<[string, (b: Loose) => unknown, string]> = [
      ['a non-object body', () => 'track_updated', 'body'],
      ['a null body', () => null, 'body'],
      ['an array body', () => [], 'body'],
      ['another event', (b) => ((b.event = 'transaction_updated'), b), 'event'],
      ['a missing event', (b) => (delete b.event, b), 'event'],
      ['a missing data', (b) => (delete b.data, b), 'data'],
      ['a string data', (b) => ((b.data = 'batch created'), b), 'data'],
      ['a missing carrier', (b) => (delete b.data.carrier, b), 'data.carrier'],
      ['a numeric carrier', (b) => ((b.data.carrier = 7), b), 'data.carrier'],
      ['a missing tracking number', (b) => (delete b.data.tracking_number, b), 'data.tracking_number'],
      ['a blank tracking number', (b) => ((b.data.tracking_number = '  '), b), 'data.tracking_number'],
      ['a numeric tracking number', (b) => ((b.data.tracking_number = 92055901), b), 'data.tracking_number'],
      ['a missing tracking status', (b) => (delete b.data.tracking_status, b), 'data.tracking_status'],
      ['an unknown status', (b) => ((b.data.tracking_status.status = 'LOST'), b), 'data.tracking_status.status'],
      ['a lower-case status', (b) => ((b.data.tracking_status.status = 'delivered'), b), 'data.tracking_status.status'],
      ['a missing status', (b) => (delete b.data.tracking_status.status, b), 'data.tracking_status.status'],
      ['a missing status date', (b) => (delete b.data.tracking_status.status_date, b), 'data.tracking_status.status_date'],
      ['a free-text status date', (b) => ((b.data.tracking_status.status_date = 'July 23, 2016'), b), 'data.tracking_status.status_date'],
      ['an impossible status date', (b) => ((b.data.tracking_status.status_date = '2016-02-30T00:00:00Z'), b), 'data.tracking_status.status_date'],
      ['an impossible hour', (b) => ((b.data.tracking_status.status_date = '2016-07-23T25:00:00Z'), b), 'data.tracking_status.status_date'],
      ['a numeric status date', (b) => ((b.data.tracking_status.status_date = 1469232000000), b), 'data.tracking_status.status_date'],
      ['non-string details', (b) => ((b.data.tracking_status.status_details = { en: 'x' }), b), 'data.tracking_status.status_details'],
      ['a non-object substatus', (b) => ((b.data.tracking_status.substatus = 'delivered'), b), 'data.tracking_status.substatus'],
      ['a non-string substatus code', (b) => ((b.data.tracking_status.substatus.code = 3), b), 'data.tracking_status.substatus.code'],
      ['a non-string object_id', (b) => ((b.data.tracking_status.object_id = 42), b), 'data.tracking_status.object_id'],
      ['a non-object location', (b) => ((b.data.tracking_status.location = 'Las Vegas'), b), 'data.tracking_status.location'],
      ['a non-string location part', (b) => ((b.data.tracking_status.location.zip = 89101), b), 'data.tracking_status.location.zip'],
      // Text PostgreSQL cannot store (issue 13: a NUL in status_details was a 500 from the publish).
      ['a NUL in status_details', (b) => ((b.data.tracking_status.status_details = 'Delivered\u0000'), b), 'data.tracking_status.status_details'],
      ['a NUL in the tracking number', (b) => ((b.data.tracking_number = '92055\u000090164'), b), 'data.tracking_number'],
      ['a lone high surrogate in a location part', (b) => ((b.data.tracking_status.location.city = 'Las \ud800Vegas'), b), 'data.tracking_status.location.city'],
      ['a lone low surrogate in the carrier', (b) => ((b.data.carrier = '\udc00usps'), b), 'data.carrier'],
      ['a NUL in a field the parser does not read', (b) => ((b.data.metadata = 'Order\u0000'), b), 'data.metadata'],
      ['a NUL inside an array', (b) => ((b.data.tracking_history = [{ status_details: '\u0000' }]), b), 'data.tracking_history[0].status_details'],
      ['a NUL in a key', (b) => ((b.data['meta\u0000'] = 'x'), b), 'data'],
      ['a huge status_details', (b) => ((b.data.tracking_status.status_details = 'x'.repeat(2_001)), b), 'data.tracking_status.status_details'],
      ['a huge tracking number', (b) => ((b.data.tracking_number = '9'.repeat(201)), b), 'data.tracking_number'],
      ['a huge object_id', (b) => ((b.data.tracking_status.object_id = 'a'.repeat(201)), b), 'data.tracking_status.object_id'],
      ['a huge location part', (b) => ((b.data.tracking_status.location.city = 'c'.repeat(201)), b), 'data.tracking_status.location.city'],
    ];

    it('accepts a surrogate pair (an emoji) and the longest allowed values', () => {
      const body = specBody();
      body.data.tracking_status.status_details = `Delivered \u{1F4E6} ${'x'.repeat(1_980)}`;
      body.data.tracking_number = '9'.repeat(200);
      expect(parseTrackUpdated('t', body).statusDetails).toContain('\u{1F4E6}');
    });

    it.each(cases)('%s', (_label, mutate, field) => {
      const error = parseError(mutate(specBody()));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.field).toBe(field);
      expect(error.message).toContain(field);
      expect(error.name).toBe('TrackUpdateParseError');
    });
  });
});
