import { HttpException, Logger } from '@nestjs/common';
import type { GraphQLFormattedError } from 'graphql';
import { DomainError, publicCode } from './domain-error';
import { asDependencyOutage, outageSummary } from './dependency-outage';
import { codeOfStatus } from './http-exception.filter';
import { capErrorMessage } from '../validation/postgres-text';

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
 * not a known error is masked (no stack, no SQL) and logged here instead. Messages repeat at most
 * 64 characters of any client value (GraphQL quotes the values it echoes).
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const answer = formatKnownError(formatted, error);
  return { ...answer, message: capErrorMessage(answer.message) };
}

function formatKnownError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
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

/**
 * graphql-js's "Did you mean ...?" hints name fields, arguments, types and enum values: with
 * introspection off they would hand the schema out piece by piece (what clairvoyance does), so
 * they are cut from every message, validation and variable coercion alike.
 */
export function withoutSuggestions(format: typeof formatGraphqlError): typeof formatGraphqlError {
  return (formatted, error) => {
    const answer = format(formatted, error);
    return { ...answer, message: answer.message.replace(/ ?Did you mean [^?]*\?/g, '') };
  };
}
