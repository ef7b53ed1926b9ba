// Original file: src/modules/authorization/api/grpc/authorization.proto

import type { AuthorizationObject as _logisynapse_authorization_v1_AuthorizationObject, AuthorizationObject__Output as _logisynapse_authorization_v1_AuthorizationObject__Output } from '../../../logisynapse/authorization/v1/AuthorizationObject';

export interface AuthorizeRequest {
  /**
   * shipment:create, shipment:read, shipment:list, shipment:update-status, tenant:create,
   * signing-key:rotate, signing-key:retire
   */
  'action'?: (string);
  'object'?: (_logisynapse_authorization_v1_AuthorizationObject | null);
}

export interface AuthorizeRequest__Output {
  /**
   * shipment:create, shipment:read, shipment:list, shipment:update-status, tenant:create,
   * signing-key:rotate, signing-key:retire
   */
  'action': (string);
  'object': (_logisynapse_authorization_v1_AuthorizationObject__Output | null);
}
