import { uuidsToLookUp } from '../../../platform/identifiers/uuid';

/**
 * The most shipment ids one batched look-up takes: a full page of a list (the gateway's and
 * ListShipments' largest page is 100), so a page costs one call; more is the caller's mistake.
 */
export const MAX_SHIPMENT_IDS_PER_LOOKUP = 100;

/**
 * The ids a batched look-up asks the database for: each once, in the canonical (lowercase) form
 * the database answers with, and only UUIDs. Anything else names no shipment, so it is simply
 * absent from the answer, as an id of another tenant is, rather than a failed uuid cast.
 */
export function idsToLookUp(ids: readonly string[]): string[] {
  return uuidsToLookUp(ids, MAX_SHIPMENT_IDS_PER_LOOKUP, 'shipment ids');
}
