import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { DomainError, type ErrorCode } from '../errors/domain-error';

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
  }
}

/** Maps domain errors to gRPC status codes; anything else becomes a masked INTERNAL. */
export function toRpcException(error: unknown): RpcException {
  if (error instanceof DomainError) return new RpcException({ code: grpcStatus(error.code), message: `${error.code}: ${error.message}` });
  return new RpcException({ code: status.INTERNAL, message: 'Internal error' });
}
