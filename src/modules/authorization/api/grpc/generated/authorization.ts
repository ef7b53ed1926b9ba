import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthorizationObject as _logisynapse_authorization_v1_AuthorizationObject, AuthorizationObject__Output as _logisynapse_authorization_v1_AuthorizationObject__Output } from './logisynapse/authorization/v1/AuthorizationObject';
import type { AuthorizationServiceClient as _logisynapse_authorization_v1_AuthorizationServiceClient, AuthorizationServiceDefinition as _logisynapse_authorization_v1_AuthorizationServiceDefinition } from './logisynapse/authorization/v1/AuthorizationService';
import type { AuthorizeRequest as _logisynapse_authorization_v1_AuthorizeRequest, AuthorizeRequest__Output as _logisynapse_authorization_v1_AuthorizeRequest__Output } from './logisynapse/authorization/v1/AuthorizeRequest';
import type { AuthorizeResponse as _logisynapse_authorization_v1_AuthorizeResponse, AuthorizeResponse__Output as _logisynapse_authorization_v1_AuthorizeResponse__Output } from './logisynapse/authorization/v1/AuthorizeResponse';
import type { Subject as _logisynapse_authorization_v1_Subject, Subject__Output as _logisynapse_authorization_v1_Subject__Output } from './logisynapse/authorization/v1/Subject';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  logisynapse: {
    authorization: {
      v1: {
        AuthorizationObject: MessageTypeDefinition<_logisynapse_authorization_v1_AuthorizationObject, _logisynapse_authorization_v1_AuthorizationObject__Output>
        /**
         * May the caller perform an action on an object? The subject is always the caller itself: the
         * access token in the `authorization` metadata ("Bearer <token>"), verified by this service.
         * A caller cannot ask on behalf of someone else.
         */
        AuthorizationService: SubtypeConstructor<typeof grpc.Client, _logisynapse_authorization_v1_AuthorizationServiceClient> & { service: _logisynapse_authorization_v1_AuthorizationServiceDefinition }
        AuthorizeRequest: MessageTypeDefinition<_logisynapse_authorization_v1_AuthorizeRequest, _logisynapse_authorization_v1_AuthorizeRequest__Output>
        AuthorizeResponse: MessageTypeDefinition<_logisynapse_authorization_v1_AuthorizeResponse, _logisynapse_authorization_v1_AuthorizeResponse__Output>
        Subject: MessageTypeDefinition<_logisynapse_authorization_v1_Subject, _logisynapse_authorization_v1_Subject__Output>
      }
    }
  }
}

