import Module from 'node:module';
import { dirname } from 'node:path';
import { memoizeDbosTracingRequires } from './dbos-workflow-engine';

/** Node's own Module: under Jest, `node:module` is a subclass of it (and its `require` is Jest's registry). */
const NodeModule = (Object.hasOwn(Module.prototype, 'require') ? Module : Object.getPrototypeOf(Module)) as typeof Module;

/** Node's own `require`, from `from`. */
function nodeRequire(from: string): (id: string) => unknown {
  const parent = new NodeModule(from);
  parent.filename = from;
  parent.paths = (NodeModule as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(dirname(from));
  return (id) => parent.require(id);
}

/**
 * DBOS's span helpers require the OpenTelemetry API and core on every call; once memoized
 * (tracing on), they no longer go through Module#require, which the auto-instrumentations hook.
 */
describe("DBOS's tracing module, memoized", () => {
  // DBOS as the app loads it: Node's own loader, not Jest's registry.
  const load = nodeRequire(__filename);
  type DbosTraces = {
    getActiveSpan: () => unknown;
    runWithTrace: <R>(span: unknown, fn: () => R) => R;
    Tracer: new (collector: unknown, format?: string) => { startSpan: (name: string, attributes?: object) => unknown; endSpan: (span: unknown) => void };
  };
  const traces = load('@dbos-inc/dbos-sdk/internal/telemetry/traces') as DbosTraces;
  const { globalParams } = load('@dbos-inc/dbos-sdk/internal/utils') as { globalParams: { tracingEnabled: boolean } };
  const prototype = NodeModule.prototype as unknown as { require: (id: string) => unknown };
  const original = prototype.require;
  let wasEnabled: boolean;
  const otelRequires: string[] = [];

  const useSpans = () => {
    const tracer = new traces.Tracer({ push: () => undefined });
    const span = tracer.startSpan('step', { operationType: 'step' });
    traces.runWithTrace(span, () => traces.getActiveSpan());
    tracer.endSpan(span);
  };

  beforeAll(() => {
    wasEnabled = globalParams.tracingEnabled;
    globalParams.tracingEnabled = true;
    prototype.require = function (this: unknown, id: string) {
      if (id === '@opentelemetry/api' || id === '@opentelemetry/core') otelRequires.push(id);
      return original.call(this, id);
    };
  });
  afterAll(() => {
    prototype.require = original;
    globalParams.tracingEnabled = wasEnabled;
  });

  it('starts, enters and ends spans without requiring @opentelemetry/* again', () => {
    useSpans();
    otelRequires.length = 0;
    useSpans();
    // the control: DBOS as published requires them again in each call (start, enter, end)
    expect(otelRequires.length).toBeGreaterThanOrEqual(4);
    expect(new Set(otelRequires)).toEqual(new Set(['@opentelemetry/api', '@opentelemetry/core']));

    expect(memoizeDbosTracingRequires()).toBe(true);
    otelRequires.length = 0;
    useSpans();
    expect(otelRequires).toEqual([]);
  });
});
