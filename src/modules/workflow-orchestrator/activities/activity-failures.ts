import { PermanentActivityError } from '../contracts/create-shipment.contracts';

/** One failed attempt of an activity, as the engines log it. */
export interface ActivityFailure {
  activity: string;
  /** The shipment the activity worked on (every activity's first argument is the workflow input). */
  shipmentId: string | undefined;
  /** 1-based, as the engine counts it. */
  attempt: number;
  error: unknown;
  /** Whether the engine tries again: not after a permanent failure. */
  willRetry: boolean;
  /** The pause before the next attempt, when the engine decides it here (DBOS). */
  retryInMs?: number;
}

/** A permanent failure, thrown by the activity itself or recorded and read back by the engine (name only). */
export function isPermanentActivityError(error: unknown): error is Error {
  return error instanceof PermanentActivityError || (error as { name?: unknown } | null)?.name === 'PermanentActivityError';
}

/** The shipment id an activity's arguments name. */
export function shipmentIdOf(args: readonly unknown[]): string | undefined {
  const id = (args[0] as { shipmentId?: unknown } | null | undefined)?.shipmentId;
  return typeof id === 'string' ? id : undefined;
}

/** One log line per failed attempt: which activity, which shipment, which attempt, what next, why. */
export function activityFailureMessage(failure: ActivityFailure): string {
  const next = !failure.willRetry
    ? 'for good, not retried'
    : failure.retryInMs === undefined
      ? 'retrying'
      : `retrying in ${failure.retryInMs} ms`;
  return `activity ${failure.activity} for shipment ${failure.shipmentId ?? '(unknown)'} failed on attempt ${failure.attempt} (${next}): ${describe(failure.error)}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
