// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface RetireSigningKeyRequest {
  'kid'?: (string);
}

export interface RetireSigningKeyRequest__Output {
  'kid': (string);
}
