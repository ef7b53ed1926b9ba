import { HttpException, Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, publicCode } from './domain-error';
import { asDependencyOutage, outageSummary } from './dependency-outage';
import { codeOfStatus } from './http-exception.filter';

const logger = new Logger('GraphQL');

/** Codes GraphQL itself produces for a request it could not parse or validate. */
const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  // An operationName naming no operation, or several operations and no name.
  'OPERATION_RESOLUTION_FAILURE',
]);


/**
 * Every GraphQL error leaves with `extensions.code` from the public contract; anything that is
 * not a known error is masked (no stack, no SQL) and logged here instead.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError;
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: publicCode(original.code), ...(original.details ?? {}) } };
  }
  if (original instanceof HttpException) {
    return { ...base, message: original.message, extensions: { code: codeOfStatus(original.getStatus()) } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_ERRORS.has(code)) return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  if (!original && typeof code !== 'string') return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
  const outage = asDependencyOutage(original ?? error);
  if (outage) {
    // A dependency is down: the client retries later; one line, no stack (it is not a bug).
    logger.warn(`GraphQL request refused, a dependency is unavailable: ${outageSummary(original ?? error)}`);
    return { ...base, message: outage.message, extensions: { code: 'UNAVAILABLE' } };
  }
  logger.error({ err: original ?? error }, 'unexpected GraphQL error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
