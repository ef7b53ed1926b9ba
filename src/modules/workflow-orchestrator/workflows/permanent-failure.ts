import type { PermanentFailureType } from '../contracts/create-shipment.contracts';

const PERMANENT: PermanentFailureType = 'PermanentActivityError';

/**
 * The message of a permanent activity failure (see PermanentFailureType) found in `error` or its
 * causes, or undefined when `error` is anything else. Engine-neutral: DBOS hands the workflow the
 * activity's error itself (`name`), Temporal an ActivityFailure whose cause is an
 * ApplicationFailure (`type`). Pure code: it runs inside the workflow sandbox.
 */
export function permanentFailureMessage(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { name, type, message, cause } = current as { name?: unknown; type?: unknown; message?: unknown; cause?: unknown };
    if (name === PERMANENT || type === PERMANENT) return typeof message === 'string' && message !== '' ? message : 'an activity failed for good';
    current = cause;
  }
  return undefined;
}
