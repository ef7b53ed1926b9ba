import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ROUTER_INSTRUMENTATION, routeHandlerSpansOnly } from './tracing';

describe('router spans: route handlers only', () => {
  // The router instrumentation the auto-instrumentations package brings (the one the app runs).
  const fromAuto = createRequire(require.resolve('@opentelemetry/auto-instrumentations-node'));
  type Setup = { context: unknown; wrappedNext: (error?: unknown) => unknown; ensureFallbackListener: () => void };
  type SetupSpan = (layer: object, req: object, res: object, next: () => void) => Setup;
  const { RouterInstrumentation } = fromAuto(ROUTER_INSTRUMENTATION) as {
    RouterInstrumentation: new (config: { enabled: boolean }) => { setTracerProvider: (p: TracerProvider) => void; _setupSpan: SetupSpan };
  };
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const res = { once: () => undefined, removeListener: () => undefined };
  const req = { baseUrl: '', route: { path: '/webhooks/carrier-tracking' } };

  const layerSpans = (patch: boolean) => {
    exporter.reset();
    const instrumentation = new RouterInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(provider);
    if (patch) expect(routeHandlerSpansOnly(instrumentation)).toBe(true);
    const setup = instrumentation._setupSpan.bind(instrumentation);
    const request = provider.getTracer('test').startSpan('POST');
    const next = jest.fn();
    context.with(trace.setSpan(context.active(), request), () => {
      const middleware = setup({ handle: { name: 'jsonParser' } }, req, res, next);
      middleware.wrappedNext();
      const handler = setup({ method: 'post', handle: { name: 'handle' } }, req, res, next);
      handler.wrappedNext();
    });
    request.end();
    expect(next).toHaveBeenCalledTimes(2);
    return exporter.getFinishedSpans().map((s) => s.name).filter((name) => name !== 'POST');
  };

  afterAll(() => provider.shutdown());

  it("makes no span for a middleware layer, and keeps the route handler's", () => {
    // the control: the instrumentation as published makes one for each
    expect(layerSpans(false)).toEqual(['middleware - jsonParser', 'request handler - /webhooks/carrier-tracking']);
    expect(layerSpans(true)).toEqual(['request handler - /webhooks/carrier-tracking']);
  });

  it('leaves an instrumentation of another shape alone', () => {
    expect(routeHandlerSpansOnly({})).toBe(false);
  });
});
