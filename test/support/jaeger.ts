/** A span as Jaeger's query API (`/api/traces/<id>`) answers it. */
export interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }[];
  tags: { key: string; value: unknown }[];
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** What a traced app needs to export its spans to the trace store at `otlp`, flushed within 200 ms. */
export function tracedEnv(service: string, otlp: string): Record<string, string> {
  return { OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_METRICS_EXPORTER: 'prometheus', OTEL_BSP_SCHEDULE_DELAY: '200' };
}

/** The traces of `service` that have a span of this shipment (the attribute an operator searches by), asked as Jaeger's UI asks. */
export async function tracesOfShipment(jaeger: string, service: string, shipmentId: string): Promise<JaegerTrace[]> {
  const tags = encodeURIComponent(JSON.stringify({ 'logisynapse.shipment_id': shipmentId }));
  const res = await fetch(`${jaeger}/api/traces?service=${service}&tags=${tags}&lookback=1h&limit=20`);
  return ((await res.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

/** The one span of `trace` with this name (or matching it); throws, listing the names, unless there is exactly one. */
export function spanNamed(trace: JaegerTrace, pattern: RegExp | string): JaegerSpan {
  const matches = trace.spans.filter((s) => (typeof pattern === 'string' ? s.operationName === pattern : pattern.test(s.operationName)));
  if (matches.length !== 1) throw new Error(`${matches.length} spans named ${String(pattern)} in trace ${trace.traceID}: ${trace.spans.map((s) => s.operationName).join(', ')}`);
  return matches[0]!;
}

/** The span that `span` is a child of, in `trace`. */
export function parentOf(trace: JaegerTrace, span: JaegerSpan): JaegerSpan | undefined {
  const ref = span.references.find((r) => r.refType === 'CHILD_OF');
  return ref && trace.spans.find((s) => s.spanID === ref.spanID);
}

/** A span's attribute. */
export function tagOf(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}
