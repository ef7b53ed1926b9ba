/**
 * A thrown value as text for a log line or an error message: an Error's message (its stack, which
 * starts with the name and message, with `stack: true`), anything else through `String`. One
 * helper, so every adapter reports a non-Error throw the same way.
 */
export function describeError(error: unknown, options: { stack?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error);
  return options.stack ? (error.stack ?? error.message) : error.message;
}
