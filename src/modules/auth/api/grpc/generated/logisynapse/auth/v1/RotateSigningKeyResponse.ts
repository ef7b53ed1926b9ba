// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface RotateSigningKeyResponse {
  'kid'?: (string);
}

export interface RotateSigningKeyResponse__Output {
  'kid': (string);
}
