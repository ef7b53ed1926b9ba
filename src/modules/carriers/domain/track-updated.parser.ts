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
  refuseUnstorableText(root);
  if (root.event !== 'track_updated') {
    throw new TrackUpdateParseError('event', `must be 'track_updated'`);
  }
  const data = object(root.data, 'data');
  const carrier = nonEmptyString(data.carrier, 'data.carrier', MAX_LENGTH.identifier);
  const trackingNumber = nonEmptyString(data.tracking_number, 'data.tracking_number', MAX_LENGTH.identifier);

  const ts = object(data.tracking_status, 'data.tracking_status');
  const status = trackingStatus(ts.status);
  const occurredAt = isoDate(ts.status_date, 'data.tracking_status.status_date');
  const statusDetails = optionalString(ts.status_details, 'data.tracking_status.status_details', MAX_LENGTH.details);
  const substatus = parseSubstatus(ts.substatus);
  const location = parseLocation(ts.location);
  const objectId = optionalString(ts.object_id, 'data.tracking_status.object_id', MAX_LENGTH.identifier);

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

/** The longest value each kind of field may hold (Shippo's are far shorter; more is not a carrier). */
const MAX_LENGTH = { identifier: 200, details: 2_000, part: 200 } as const;

/**
 * Refuses any string in the body, keys included, that PostgreSQL text and jsonb cannot hold: NUL
 * (U+0000) and lone UTF-16 surrogates (they have no UTF-8 form). Found here, the update is a client
 * error (400); found by the database, it was a 500 after the request had been taken (issue 13).
 */
function refuseUnstorableText(root: Json): void {
  // Breadth first, so the shallowest offending field is the one named.
  const queue: Array<[unknown, string]> = [[root, '']];
  for (let i = 0; i < queue.length; i++) {
    const [value, path] = queue[i]!;
    if (typeof value === 'string') {
      if (!storable(value)) throw new TrackUpdateParseError(path, 'holds a NUL character or a lone surrogate');
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (!storable(key)) throw new TrackUpdateParseError(path || 'body', 'has a key with a NUL character or a lone surrogate');
        queue.push([child, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key]);
      }
    }
  }
}

// With the `u` flag a surrogate pair is one code point, so \p{Cs} matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;
const storable = (text: string) => !text.includes('\u0000') && !LONE_SURROGATE.test(text);

function nonEmptyString(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TrackUpdateParseError(field, 'must be a non-empty string');
  }
  return bounded(value.trim(), field, maxLength);
}

/** Absent, null and '' all mean "not given"; any other non-string is malformed. */
function optionalString(value: unknown, field: string, maxLength: number = MAX_LENGTH.part): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TrackUpdateParseError(field, 'must be a string');
  const trimmed = value.trim();
  return trimmed === '' ? undefined : bounded(trimmed, field, maxLength);
}

function bounded(text: string, field: string, maxLength: number): string {
  if (text.length > maxLength) throw new TrackUpdateParseError(field, `must be at most ${maxLength} characters`);
  return text;
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
