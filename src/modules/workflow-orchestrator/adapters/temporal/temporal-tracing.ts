/**
 * Temporal's OpenTelemetry interceptors, wired to the process's telemetry: the client's start of a
 * workflow is a span whose context travels in the workflow's headers; the workflow run, each
 * activity it schedules (local or not) and each timer are spans made inside the sandbox and handed
 * out through a sink; each activity's execution is a span in the worker, under the workflow's.
 * The sink is not called during replay (Temporal's default for sinks), so a replayed task exports
 * nothing twice, and the interceptors keep replay deterministic through the SDK's own flags.
 */
import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { activeTelemetry } from '../../../../platform/telemetry/tracing';

/** The sandbox's interceptor module: bundled with the workflows, at launch or ahead of time. */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** The client's interceptors: `StartWorkflow:<type>` spans, the context put in the headers. */
export function tracingClientInterceptors(): { workflow: WorkflowClientInterceptor[] } {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/** The worker's activity interceptors and the sandbox's span sink (a processor that drops them without telemetry). */
export function tracingWorkerOptions(): { interceptors: WorkerInterceptors; sinks: InjectedSinks<never> } {
  return {
    interceptors: {
      workflowModules: WORKFLOW_INTERCEPTOR_MODULES,
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: tracingSinks(),
  };
}

/** The sink the sandbox's interceptors export through: replay workers need it too. */
export function tracingSinks(): InjectedSinks<never> {
  const telemetry = activeTelemetry();
  const processor = telemetry ? new SandboxSpanProcessor(telemetry.spans) : DROP;
  const resource = telemetry?.resource;
  // The sink's types come from the 1.x SDK the interceptors package was built against.
  const exporter = makeWorkflowExporter(processor as never, resource as never);
  return { exporter } as unknown as InjectedSinks<never>;
}

const DROP = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** A span as the sandbox's SDK (OpenTelemetry JS 1.x) serializes it. */
interface SandboxSpan extends Omit<ReadableSpan, 'parentSpanContext' | 'instrumentationScope'> {
  parentSpanId?: string;
  parentSpanContext?: SpanContext;
  instrumentationLibrary?: ReadableSpan['instrumentationScope'];
  instrumentationScope?: ReadableSpan['instrumentationScope'];
}

/**
 * Gives the sandbox's spans to the process's processor in the shape the current SDK exports: 1.x
 * named the parent `parentSpanId` and the scope `instrumentationLibrary`, so without this the
 * workflow's spans reach the trace store as roots.
 */
export class SandboxSpanProcessor {
  constructor(private readonly target: SpanProcessor) {}

  onStart(): void {}

  onEnd(span: SandboxSpan): void {
    this.target.onEnd(toCurrentShape(span));
  }

  forceFlush(): Promise<void> {
    return this.target.forceFlush();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function toCurrentShape(span: SandboxSpan): ReadableSpan {
  const own = span.spanContext();
  const parentSpanContext =
    span.parentSpanContext ?? (span.parentSpanId ? { traceId: own.traceId, spanId: span.parentSpanId, traceFlags: own.traceFlags, isRemote: false } : undefined);
  const instrumentationScope = span.instrumentationScope ?? span.instrumentationLibrary ?? { name: '@temporalio/interceptor-workflow' };
  // `spanContext` is an own method of the deserialized span, so the spread keeps it.
  return { ...span, parentSpanContext, instrumentationScope } as ReadableSpan;
}
