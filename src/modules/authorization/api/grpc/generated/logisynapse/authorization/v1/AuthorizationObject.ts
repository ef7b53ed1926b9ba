// Original file: src/modules/authorization/api/grpc/authorization.proto


export interface AuthorizationObject {
  /**
   * Shipment, Tenant or SigningKey
   */
  'type'?: (string);
  /**
   * The tenant that owns the object; empty for platform-wide objects (tenants, signing keys).
   */
  'tenantId'?: (string);
}

export interface AuthorizationObject__Output {
  /**
   * Shipment, Tenant or SigningKey
   */
  'type': (string);
  /**
   * The tenant that owns the object; empty for platform-wide objects (tenants, signing keys).
   */
  'tenantId': (string);
}
