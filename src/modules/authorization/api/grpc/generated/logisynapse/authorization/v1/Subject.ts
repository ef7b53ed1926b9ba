// Original file: src/modules/authorization/api/grpc/authorization.proto


export interface Subject {
  'clientId'?: (string);
  /**
   * Empty for a platform administrator, who belongs to no tenant.
   */
  'tenantId'?: (string);
  'scopes'?: (string)[];
}

export interface Subject__Output {
  'clientId': (string);
  /**
   * Empty for a platform administrator, who belongs to no tenant.
   */
  'tenantId': (string);
  'scopes': (string)[];
}
