import { boundedAttributes, platformMetrics, timed, type Failure, type Instruments } from '../../../platform/telemetry/instruments';
import { CarrierValidationError } from '../contracts/carrier.errors';
import type { CarrierPort } from '../ports/carrier.port';

/** What became of one carrier call: answered, refused by the carrier (a client error), or failed. */
export function carrierOutcome(failure: Failure): 'ok' | 'rejected' | 'error' {
  if (!failure) return 'ok';
  return failure.error instanceof CarrierValidationError ? 'rejected' : 'error';
}

/**
 * The carrier, with each call's latency and outcome recorded under the carrier's name
 * (`logisynapse.carrier.request.duration`): a carrier's error rate and latency, for the
 * dashboards and the carrier error-rate alert.
 */
export function measuredCarrier(carrier: CarrierPort, m: Instruments = platformMetrics()): CarrierPort {
  const histogram = m.carrierRequestDuration;
  const measure = <T>(operation: 'purchase_label' | 'void_label', call: () => Promise<T>): Promise<T> =>
    timed(call, (seconds, failure) =>
      histogram.record(seconds, boundedAttributes({ carrier: carrier.adapterName, 'carrier.operation': operation, outcome: carrierOutcome(failure) })),
    );
  return {
    adapterName: carrier.adapterName,
    stop: () => carrier.stop(),
    purchaseLabel: (request) => measure('purchase_label', () => carrier.purchaseLabel(request)),
    voidLabel: (request) => measure('void_label', () => carrier.voidLabel(request)),
  };
}
