import { context, trace, type Tracer } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { QuietDatabaseSampler } from './sampler';

describe('QuietDatabaseSampler', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler: new QuietDatabaseSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer: Tracer = provider.getTracer('test');
  const under = (parent: ReturnType<Tracer['startSpan']>, name: string) => {
    const child = tracer.startSpan(name, {}, trace.setSpan(context.active(), parent));
    child.end();
    return child;
  };

  beforeEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  it("keeps the queries a request or a step makes, and drops transaction control and the workflow engine's bookkeeping", () => {
    const request = tracer.startSpan('graphql.resolve createShipment');
    for (const name of ['pg.query:BEGIN postgres', 'pg.query:INSERT postgres', 'pg.query:COMMIT postgres', 'pg.query:ROLLBACK postgres']) under(request, name);
    const workflow = tracer.startSpan('CreateShipmentWorkflow', { attributes: { operationType: 'workflow' } }, trace.setSpan(context.active(), request));
    under(workflow, 'pg.query:SELECT postgres');
    under(workflow, 'pg.query:INSERT postgres');
    const step = tracer.startSpan('saveShipmentToDb', { attributes: { operationType: 'step' } }, trace.setSpan(context.active(), workflow));
    under(step, 'pg.query:INSERT postgres');
    under(step, 'pg.query:COMMIT postgres');
    // not a query: kept under the workflow too
    under(workflow, 'publish shipment.created');
    step.end();
    workflow.end();
    request.end();

    const names = exporter.getFinishedSpans().map((s) => `${s.parentSpanContext?.spanId === undefined ? '' : '  '}${s.name}`);
    expect(names.sort()).toEqual(
      ['graphql.resolve createShipment', '  pg.query:INSERT postgres', '  CreateShipmentWorkflow', '  saveShipmentToDb', '  pg.query:INSERT postgres', '  publish shipment.created'].sort(),
    );
    // the kept ones stay in the request's trace
    const traceIds = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('samples roots and follows the parent otherwise, as the default sampler does', () => {
    const root = tracer.startSpan('pg.query:SELECT postgres');
    root.end();
    expect(root.isRecording()).toBe(false);
    const http = tracer.startSpan('POST');
    expect(http.isRecording()).toBe(true);
    http.end();
    expect(`${new QuietDatabaseSampler()}`).toBe('QuietDatabaseSampler');
  });
});
