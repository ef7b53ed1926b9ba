// Original file: src/modules/authorization/api/grpc/authorization.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthorizeRequest as _logisynapse_authorization_v1_AuthorizeRequest, AuthorizeRequest__Output as _logisynapse_authorization_v1_AuthorizeRequest__Output } from '../../../logisynapse/authorization/v1/AuthorizeRequest';
import type { AuthorizeResponse as _logisynapse_authorization_v1_AuthorizeResponse, AuthorizeResponse__Output as _logisynapse_authorization_v1_AuthorizeResponse__Output } from '../../../logisynapse/authorization/v1/AuthorizeResponse';

/**
 * May the caller perform an action on an object? The subject is always the caller itself: the
 * access token in the `authorization` metadata ("Bearer <token>"), verified by this service.
 * A caller cannot ask on behalf of someone else.
 */
export interface AuthorizationServiceClient extends grpc.Client {
  Authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  authorize(argument: _logisynapse_authorization_v1_AuthorizeRequest, callback: grpc.requestCallback<_logisynapse_authorization_v1_AuthorizeResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * May the caller perform an action on an object? The subject is always the caller itself: the
 * access token in the `authorization` metadata ("Bearer <token>"), verified by this service.
 * A caller cannot ask on behalf of someone else.
 */
export interface AuthorizationServiceHandlers extends grpc.UntypedServiceImplementation {
  Authorize: grpc.handleUnaryCall<_logisynapse_authorization_v1_AuthorizeRequest__Output, _logisynapse_authorization_v1_AuthorizeResponse>;
  
}

export interface AuthorizationServiceDefinition extends grpc.ServiceDefinition {
  Authorize: MethodDefinition<_logisynapse_authorization_v1_AuthorizeRequest, _logisynapse_authorization_v1_AuthorizeResponse, _logisynapse_authorization_v1_AuthorizeRequest__Output, _logisynapse_authorization_v1_AuthorizeResponse__Output>
}
