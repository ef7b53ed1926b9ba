// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface CreateTenantRequest {
  'name'?: (string);
}

export interface CreateTenantRequest__Output {
  'name': (string);
}
