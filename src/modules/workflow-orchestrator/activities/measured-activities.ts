import { tagActiveSpan } from '../../../platform/telemetry/spans';
import { boundedAttributes, platformMetrics, timed, withTenant, type Failure, type Instruments } from '../../../platform/telemetry/instruments';
import type { CreateShipmentActivities } from '../contracts/create-shipment.contracts';
import { isPermanentActivityError } from './activity-failures';

type ActivityName = keyof CreateShipmentActivities;

/** What became of one attempt: done, failed and to be retried, or failed for good. */
export function attemptOutcome(failure: Failure): 'ok' | 'retryable' | 'permanent' {
  if (!failure) return 'ok';
  return isPermanentActivityError(failure.error) ? 'permanent' : 'retryable';
}

/**
 * The activities with every attempt measured (`logisynapse.workflow.activity.duration`, by
 * activity and outcome: a retry storm shows as `retryable` attempts), and the shipment flow's
 * business counters recorded where the flow decides them: a label recorded, a shipment failed.
 * Wrapping the plain object keeps the measuring out of the activities and the same on both
 * engines (Temporal's worker and DBOS call the same functions).
 */
export function measuredActivities(activities: CreateShipmentActivities, m: Instruments = platformMetrics()): CreateShipmentActivities {
  const wrap = <K extends ActivityName>(name: K, after?: (...args: Parameters<CreateShipmentActivities[K]>) => void): CreateShipmentActivities[K] => {
    const activity = activities[name] as (...args: unknown[]) => Promise<unknown>;
    const measured = (...args: unknown[]): Promise<unknown> => {
      // Every activity's first argument is the workflow's input: the span of this attempt names its shipment.
      const { shipmentId, tenantId } = args[0] as { shipmentId?: string; tenantId?: string };
      tagActiveSpan({ shipmentId, tenantId });
      return timed(
        async () => {
          const result = await activity(...args);
          after?.(...(args as Parameters<CreateShipmentActivities[K]>));
          return result;
        },
        (seconds, failure) => m.activityDuration.record(seconds, boundedAttributes({ 'activity.name': name, outcome: attemptOutcome(failure) })),
      );
    };
    return measured as CreateShipmentActivities[K];
  };
  return {
    callShippoApi: wrap('callShippoApi'),
    saveShipmentToDb: wrap('saveShipmentToDb', (input) => m.shipmentsLabelled.add(1, withTenant(input.tenantId))),
    publishShipmentCreated: wrap('publishShipmentCreated'),
    queueWelcomeEmail: wrap('queueWelcomeEmail'),
    markShipmentFailed: wrap('markShipmentFailed', (input) => m.shipmentsFailed.add(1, withTenant(input.tenantId))),
    voidLabel: wrap('voidLabel'),
  };
}
