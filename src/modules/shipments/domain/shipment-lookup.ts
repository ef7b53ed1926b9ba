import { uuidsToLookUp } from '../../../platform/identifiers/uuid';

/** The largest page of a shipment list, on every transport (ListShipments, the gateway's `shipments`). */
export const MAX_SHIPMENTS_PAGE_SIZE = 100;

/**
 * The most shipment ids one batched look-up takes: a full page of a list, so a page costs one
 * call; more is the caller's mistake.
 */
export const MAX_SHIPMENT_IDS_PER_LOOKUP = MAX_SHIPMENTS_PAGE_SIZE;

/**
 * The ids a batched look-up asks the database for: each once, in the canonical (lowercase) form
 * the database answers with, and only UUIDs. Anything else names no shipment, so it is simply
 * absent from the answer, as an id of another tenant is, rather than a failed uuid cast.
 */
export function idsToLookUp(ids: readonly string[]): string[] {
  return uuidsToLookUp(ids, MAX_SHIPMENT_IDS_PER_LOOKUP, 'shipment ids');
}
