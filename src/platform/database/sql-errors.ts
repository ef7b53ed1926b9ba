/**
 * The SQLSTATE of a failed statement when retrying it cannot help: a data exception (class 22,
 * e.g. a value too long) or an integrity constraint violation (class 23, e.g. a unique index).
 * The same statement with the same values meets the same error every time. Anything else (a lost
 * connection, a serialization failure, a missing grant an operator can fix) is undefined: worth a
 * retry. Reads the code TypeORM's QueryFailedError copies from the driver, or the driver's own.
 */
export function permanentSqlState(error: unknown): string | undefined {
  const code = sqlState(error) ?? sqlState((error as { driverError?: unknown } | null)?.driverError);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23')) ? code : undefined;
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
