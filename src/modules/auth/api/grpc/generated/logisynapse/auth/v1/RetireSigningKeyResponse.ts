// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface RetireSigningKeyResponse {
  'retired'?: (boolean);
}

export interface RetireSigningKeyResponse__Output {
  'retired': (boolean);
}
