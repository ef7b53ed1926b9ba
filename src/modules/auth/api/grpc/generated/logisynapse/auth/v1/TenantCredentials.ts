// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface TenantCredentials {
  'tenantId'?: (string);
  'clientId'?: (string);
  'clientSecret'?: (string);
  /**
   * The token the tenant's carrier webhooks carry.
   */
  'webhookToken'?: (string);
}

export interface TenantCredentials__Output {
  'tenantId': (string);
  'clientId': (string);
  'clientSecret': (string);
  /**
   * The token the tenant's carrier webhooks carry.
   */
  'webhookToken': (string);
}
