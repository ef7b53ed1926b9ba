import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthAdminServiceClient as _logisynapse_auth_v1_AuthAdminServiceClient, AuthAdminServiceDefinition as _logisynapse_auth_v1_AuthAdminServiceDefinition } from './logisynapse/auth/v1/AuthAdminService';
import type { CreateTenantRequest as _logisynapse_auth_v1_CreateTenantRequest, CreateTenantRequest__Output as _logisynapse_auth_v1_CreateTenantRequest__Output } from './logisynapse/auth/v1/CreateTenantRequest';
import type { RetireSigningKeyRequest as _logisynapse_auth_v1_RetireSigningKeyRequest, RetireSigningKeyRequest__Output as _logisynapse_auth_v1_RetireSigningKeyRequest__Output } from './logisynapse/auth/v1/RetireSigningKeyRequest';
import type { RetireSigningKeyResponse as _logisynapse_auth_v1_RetireSigningKeyResponse, RetireSigningKeyResponse__Output as _logisynapse_auth_v1_RetireSigningKeyResponse__Output } from './logisynapse/auth/v1/RetireSigningKeyResponse';
import type { RotateSigningKeyRequest as _logisynapse_auth_v1_RotateSigningKeyRequest, RotateSigningKeyRequest__Output as _logisynapse_auth_v1_RotateSigningKeyRequest__Output } from './logisynapse/auth/v1/RotateSigningKeyRequest';
import type { RotateSigningKeyResponse as _logisynapse_auth_v1_RotateSigningKeyResponse, RotateSigningKeyResponse__Output as _logisynapse_auth_v1_RotateSigningKeyResponse__Output } from './logisynapse/auth/v1/RotateSigningKeyResponse';
import type { TenantCredentials as _logisynapse_auth_v1_TenantCredentials, TenantCredentials__Output as _logisynapse_auth_v1_TenantCredentials__Output } from './logisynapse/auth/v1/TenantCredentials';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  logisynapse: {
    auth: {
      v1: {
        /**
         * Platform administration of the auth module: tenants with their first API client, and the keys
         * that sign access tokens. The caller's access token travels in the `authorization` metadata
         * ("Bearer <token>"); this service verifies it itself and asks the policy for each method's
         * action (tenant:create, signing-key:rotate, signing-key:retire: platform administrators).
         */
        AuthAdminService: SubtypeConstructor<typeof grpc.Client, _logisynapse_auth_v1_AuthAdminServiceClient> & { service: _logisynapse_auth_v1_AuthAdminServiceDefinition }
        CreateTenantRequest: MessageTypeDefinition<_logisynapse_auth_v1_CreateTenantRequest, _logisynapse_auth_v1_CreateTenantRequest__Output>
        RetireSigningKeyRequest: MessageTypeDefinition<_logisynapse_auth_v1_RetireSigningKeyRequest, _logisynapse_auth_v1_RetireSigningKeyRequest__Output>
        RetireSigningKeyResponse: MessageTypeDefinition<_logisynapse_auth_v1_RetireSigningKeyResponse, _logisynapse_auth_v1_RetireSigningKeyResponse__Output>
        RotateSigningKeyRequest: MessageTypeDefinition<_logisynapse_auth_v1_RotateSigningKeyRequest, _logisynapse_auth_v1_RotateSigningKeyRequest__Output>
        RotateSigningKeyResponse: MessageTypeDefinition<_logisynapse_auth_v1_RotateSigningKeyResponse, _logisynapse_auth_v1_RotateSigningKeyResponse__Output>
        TenantCredentials: MessageTypeDefinition<_logisynapse_auth_v1_TenantCredentials, _logisynapse_auth_v1_TenantCredentials__Output>
      }
    }
  }
}

