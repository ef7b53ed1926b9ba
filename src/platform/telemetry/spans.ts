import { trace } from '@opentelemetry/api';

/**
 * Span attributes of our own, under the `logisynapse.` namespace: they tie a trace to the
 * shipment it served, so a webhook's trace is found from the shipment, and the shipment's trace
 * from a webhook. Ids go on spans (each span is one event), never on metric labels.
 */
export const SPAN_ATTRIBUTES = {
  shipmentId: 'logisynapse.shipment_id',
  tenantId: 'logisynapse.tenant_id',
} as const;

/** Puts the shipment (and tenant) on the active span; nothing when no span is recording. */
export function tagActiveSpan(ids: { shipmentId?: string; tenantId?: string }): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  if (ids.shipmentId) span.setAttribute(SPAN_ATTRIBUTES.shipmentId, ids.shipmentId);
  if (ids.tenantId) span.setAttribute(SPAN_ATTRIBUTES.tenantId, ids.tenantId);
}
