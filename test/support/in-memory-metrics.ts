import type { Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { createPlatformMetrics, type Instruments } from '../../src/platform/telemetry/instruments';

/** A reader that hands over what was recorded when asked (no export, no timer). */
class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface RecordedPoint {
  name: string;
  attributes: Record<string, unknown>;
  /** A counter's sum, or a histogram's count. */
  value: number;
}

/** The platform's instruments on a provider of their own, and what they recorded. */
export function inMemoryMetrics(): { instruments: Instruments; meter: Meter; collect(): Promise<RecordedPoint[]> } {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('logisynapse');
  const instruments = createPlatformMetrics(meter);
  return {
    instruments,
    meter,
    async collect() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          (metric.dataPoints as DataPoint<number | Histogram>[]).map((point) => ({
            name: metric.descriptor.name,
            attributes: { ...point.attributes },
            value: typeof point.value === 'number' ? point.value : point.value.count,
          })),
        ),
      );
    },
  };
}
