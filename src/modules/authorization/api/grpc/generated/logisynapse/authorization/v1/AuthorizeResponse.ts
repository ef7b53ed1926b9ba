// Original file: src/modules/authorization/api/grpc/authorization.proto

import type { Subject as _logisynapse_authorization_v1_Subject, Subject__Output as _logisynapse_authorization_v1_Subject__Output } from '../../../logisynapse/authorization/v1/Subject';

export interface AuthorizeResponse {
  'allowed'?: (boolean);
  /**
   * allowed, unknown-action, object-type-mismatch, missing-scope, no-tenant, tenant-mismatch
   */
  'reason'?: (string);
  /**
   * The policy engine that decided: casl or opa.
   */
  'engine'?: (string);
  /**
   * Whom the decision is for (from the verified token).
   */
  'subject'?: (_logisynapse_authorization_v1_Subject | null);
}

export interface AuthorizeResponse__Output {
  'allowed': (boolean);
  /**
   * allowed, unknown-action, object-type-mismatch, missing-scope, no-tenant, tenant-mismatch
   */
  'reason': (string);
  /**
   * The policy engine that decided: casl or opa.
   */
  'engine': (string);
  /**
   * Whom the decision is for (from the verified token).
   */
  'subject': (_logisynapse_authorization_v1_Subject__Output | null);
}
