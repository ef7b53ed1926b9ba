import { createHash } from 'node:crypto';
import {
  CARRIER_TRACKING_STATUSES,
  type CarrierStatusUpdate,
  type CarrierTrackingStatus,
} from '../contracts/carrier.types';

/**
 * The webhook body is not a valid Shippo `track_updated` payload. `code` is the GraphQL/HTTP
 * error code the API layer reports, and `field` names the offending JSON path.
 */
export class TrackUpdateParseError extends Error {
  override readonly name = 'TrackUpdateParseError';
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

type Json = Record<string, unknown>;

// ISO 8601 date or date-time (Shippo sends `2016-07-23T00:00:00Z`). Date.parse alone accepts
// too much (`'1'`, `'July 4'`), hence the shape check first.
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Validates a Shippo `track_updated` webhook body (`WebhookPayloadTrack` in the spec) and
 * normalises it into a `CarrierStatusUpdate`. Strict on purpose: this is untrusted input from
 * the public webhook endpoint, so anything unexpected is rejected rather than guessed at.
 */
export function parseTrackUpdated(tenantId: string, body: unknown): CarrierStatusUpdate {
  const root = object(body, 'body');
  if (root.event !== 'track_updated') {
    throw new TrackUpdateParseError('event', `must be 'track_updated'`);
  }
  const data = object(root.data, 'data');
  const carrier = nonEmptyString(data.carrier, 'data.carrier');
  const trackingNumber = nonEmptyString(data.tracking_number, 'data.tracking_number');

  const ts = object(data.tracking_status, 'data.tracking_status');
  const status = trackingStatus(ts.status);
  const occurredAt = isoDate(ts.status_date, 'data.tracking_status.status_date');
  const statusDetails = optionalString(ts.status_details, 'data.tracking_status.status_details');
  const substatus = parseSubstatus(ts.substatus);
  const location = parseLocation(ts.location);
  const objectId = optionalString(ts.object_id, 'data.tracking_status.object_id');

  // Shippo's object_id identifies the tracking event; without it, the same scan must still
  // de-duplicate, so derive the id from what makes the event what it is.
  const eventId =
    objectId ??
    createHash('sha256')
      .update(JSON.stringify([trackingNumber, status, substatus ?? '', occurredAt]))
      .digest('hex');

  return {
    tenantId,
    carrier,
    trackingNumber,
    status,
    ...(substatus !== undefined && { substatus }),
    ...(statusDetails !== undefined && { statusDetails }),
    occurredAt,
    ...(location !== undefined && { location }),
    eventId,
  };
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TrackUpdateParseError(field, 'must be an object');
  }
  return value as Json;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TrackUpdateParseError(field, 'must be a non-empty string');
  }
  return value.trim();
}

/** Absent, null and '' all mean "not given"; any other non-string is malformed. */
function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TrackUpdateParseError(field, 'must be a string');
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function trackingStatus(value: unknown): CarrierTrackingStatus {
  if (!(CARRIER_TRACKING_STATUSES as readonly unknown[]).includes(value)) {
    throw new TrackUpdateParseError(
      'data.tracking_status.status',
      `must be one of ${CARRIER_TRACKING_STATUSES.join(', ')}`,
    );
  }
  return value as CarrierTrackingStatus;
}

/**
 * Returns the instant in canonical form (`toISOString`) so equal instants compare equal. A
 * date-time without offset is read as UTC (Shippo reports in UTC), never as server-local time.
 */
function isoDate(value: unknown, field: string): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (!match) throw new TrackUpdateParseError(field, 'must be an ISO 8601 date');
  const [text, y, m, d, offset] = match as unknown as [string, string, string, string, string?];
  const hasTime = text.length > 10;
  const time = Date.parse(hasTime && offset === undefined ? `${text}Z` : text);
  // Date.parse rejects hour 25 but rolls 2024-02-31 over to March 2: check the calendar too.
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const dayExists =
    day.getUTCFullYear() === Number(y) &&
    day.getUTCMonth() === Number(m) - 1 &&
    day.getUTCDate() === Number(d);
  if (Number.isNaN(time) || !dayExists) {
    throw new TrackUpdateParseError(field, 'must be an ISO 8601 date');
  }
  return new Date(time).toISOString();
}

function parseSubstatus(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const substatus = object(value, 'data.tracking_status.substatus');
  return optionalString(substatus.code, 'data.tracking_status.substatus.code');
}

/** `City, ST, ZIP, CC` from whichever parts the carrier reported. */
function parseLocation(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const location = object(value, 'data.tracking_status.location');
  const parts = (['city', 'state', 'zip', 'country'] as const)
    .map((key) => optionalString(location[key], `data.tracking_status.location.${key}`))
    .filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
