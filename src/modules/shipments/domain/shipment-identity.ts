import { createHash } from 'node:crypto';

/**
 * A shipment's id follows from its tenant and idempotency key (a UUID v5-style name hash), so a
 * repeated request names the same shipment and the same workflow, and never starts a second one.
 */
export function shipmentIdFor(tenantId: string, idempotencyKey: string): string {
  const hash = createHash('sha256').update(`logisynapse:shipment:${tenantId}:${idempotencyKey}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const workflowIdFor = (shipmentId: string) => `shipment-${shipmentId}`;
