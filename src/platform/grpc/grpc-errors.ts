import { Metadata, status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { Logger } from '@nestjs/common';
import { DomainError, type ErrorCode } from '../errors/domain-error';
import { capErrorMessage } from '../validation/postgres-text';
import { asDependencyOutage, outageSummary } from '../errors/dependency-outage';

function grpcStatus(code: ErrorCode): status {
  switch (code) {
    case 'UNAUTHENTICATED':
      return status.UNAUTHENTICATED;
    case 'FORBIDDEN':
      return status.PERMISSION_DENIED;
    case 'BAD_USER_INPUT':
      return status.INVALID_ARGUMENT;
    case 'NOT_FOUND':
      return status.NOT_FOUND;
    case 'CONFLICT':
      return status.ALREADY_EXISTS;
    case 'TOO_MANY_REQUESTS':
      return status.RESOURCE_EXHAUSTED;
    case 'UNAVAILABLE':
      return status.UNAVAILABLE;
    case 'FAILED_PRECONDITION':
      return status.FAILED_PRECONDITION;
  }
}

/** Trailer carrying a domain error's details (JSON) to a client module, which shows them as the in-process error would. */
const DETAILS_TRAILER = 'logisynapse-error-details-bin';

/** The longest status message sent: it travels in a header (grpc-message), never a client's value whole. */
const MAX_STATUS_MESSAGE = 1000;

const logger = new Logger('gRPC');

/**
 * Maps domain errors to gRPC status codes (details in a trailer), and a dependency outage (the
 * database, Temporal) to UNAVAILABLE; anything else becomes a masked INTERNAL.
 */
export function toRpcException(error: unknown): RpcException {
  if (!(error instanceof DomainError)) {
    const outage = asDependencyOutage(error);
    if (outage) {
      logger.warn(`gRPC call refused, a dependency is unavailable: ${outageSummary(error)}`);
      return toRpcException(outage);
    }
  }
  if (error instanceof DomainError) {
    const message = `${error.code}: ${capErrorMessage(error.message, MAX_STATUS_MESSAGE)}`;
    if (!error.details) return new RpcException({ code: grpcStatus(error.code), message });
    const metadata = new Metadata();
    metadata.set(DETAILS_TRAILER, Buffer.from(JSON.stringify(error.details), 'utf8'));
    return new RpcException({ code: grpcStatus(error.code), message, metadata });
  }
  return new RpcException({ code: status.INTERNAL, message: 'Internal error' });
}

function detailsOf(metadata: unknown): Record<string, unknown> | undefined {
  const value = (metadata as { get?: (key: string) => unknown[] } | null)?.get?.(DETAILS_TRAILER)?.[0];
  if (!Buffer.isBuffer(value)) return undefined;
  try {
    const details: unknown = JSON.parse(value.toString('utf8'));
    return details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function domainCode(code: status): ErrorCode | null {
  switch (code) {
    case status.UNAUTHENTICATED:
      return 'UNAUTHENTICATED';
    case status.PERMISSION_DENIED:
      return 'FORBIDDEN';
    case status.INVALID_ARGUMENT:
    case status.OUT_OF_RANGE:
      return 'BAD_USER_INPUT';
    case status.NOT_FOUND:
      return 'NOT_FOUND';
    case status.ALREADY_EXISTS:
      return 'CONFLICT';
    case status.RESOURCE_EXHAUSTED:
      return 'TOO_MANY_REQUESTS';
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return 'UNAVAILABLE';
    case status.FAILED_PRECONDITION:
      return 'FAILED_PRECONDITION';
    case status.OK:
    case status.UNKNOWN:
    case status.ABORTED:
    case status.UNIMPLEMENTED:
    case status.INTERNAL:
    case status.DATA_LOSS:
      return null;
  }
}

/**
 * The inverse of toRpcException, for a client of another module: a status with a domain meaning
 * becomes that DomainError again (its message without the code prefix the server added), so a
 * caller answers the same code whether the module ran in-process or not. Anything else stays an
 * internal error, masked by the transport.
 */
export function fromRpcError(error: unknown, what: string): Error {
  const grpcError = error as { code?: unknown; details?: unknown; metadata?: unknown };
  if (typeof grpcError?.code !== 'number') return error instanceof Error ? error : new Error(String(error));
  const code = domainCode(grpcError.code as status);
  const details = typeof grpcError.details === 'string' ? grpcError.details : '';
  if (code === null) return new Error(`${what} failed with gRPC status ${grpcError.code}: ${details}`);
  const message = details.startsWith(`${code}: `) ? details.slice(code.length + 2) : details;
  if (code === 'UNAVAILABLE') return new DomainError(code, `${what} is unavailable: ${message || 'no answer'}`);
  return new DomainError(code, message || code, detailsOf(grpcError.metadata));
}
