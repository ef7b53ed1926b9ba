// Original file: src/modules/auth/api/grpc/auth-admin.proto


export interface RotateSigningKeyRequest {
}

export interface RotateSigningKeyRequest__Output {
}
