// Original file: src/modules/auth/api/grpc/auth-admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateTenantRequest as _logisynapse_auth_v1_CreateTenantRequest, CreateTenantRequest__Output as _logisynapse_auth_v1_CreateTenantRequest__Output } from '../../../logisynapse/auth/v1/CreateTenantRequest';
import type { RetireSigningKeyRequest as _logisynapse_auth_v1_RetireSigningKeyRequest, RetireSigningKeyRequest__Output as _logisynapse_auth_v1_RetireSigningKeyRequest__Output } from '../../../logisynapse/auth/v1/RetireSigningKeyRequest';
import type { RetireSigningKeyResponse as _logisynapse_auth_v1_RetireSigningKeyResponse, RetireSigningKeyResponse__Output as _logisynapse_auth_v1_RetireSigningKeyResponse__Output } from '../../../logisynapse/auth/v1/RetireSigningKeyResponse';
import type { RotateSigningKeyRequest as _logisynapse_auth_v1_RotateSigningKeyRequest, RotateSigningKeyRequest__Output as _logisynapse_auth_v1_RotateSigningKeyRequest__Output } from '../../../logisynapse/auth/v1/RotateSigningKeyRequest';
import type { RotateSigningKeyResponse as _logisynapse_auth_v1_RotateSigningKeyResponse, RotateSigningKeyResponse__Output as _logisynapse_auth_v1_RotateSigningKeyResponse__Output } from '../../../logisynapse/auth/v1/RotateSigningKeyResponse';
import type { TenantCredentials as _logisynapse_auth_v1_TenantCredentials, TenantCredentials__Output as _logisynapse_auth_v1_TenantCredentials__Output } from '../../../logisynapse/auth/v1/TenantCredentials';

/**
 * Platform administration of the auth module: tenants with their first API client, and the keys
 * that sign access tokens. The caller's access token travels in the `authorization` metadata
 * ("Bearer <token>"); this service verifies it itself and asks the policy for each method's
 * action (tenant:create, signing-key:rotate, signing-key:retire: platform administrators).
 */
export interface AuthAdminServiceClient extends grpc.Client {
  /**
   * Creates a tenant and its first API client in one transaction; the secret is shown only here.
   */
  CreateTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  CreateTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a tenant and its first API client in one transaction; the secret is shown only here.
   */
  createTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  createTenant(argument: _logisynapse_auth_v1_CreateTenantRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_TenantCredentials__Output>): grpc.ClientUnaryCall;
  
  /**
   * Retires a key: tokens it signed are refused from now on. The only active key cannot be retired.
   */
  RetireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RetireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RetireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RetireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Retires a key: tokens it signed are refused from now on. The only active key cannot be retired.
   */
  retireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  retireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  retireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  retireSigningKey(argument: _logisynapse_auth_v1_RetireSigningKeyRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_RetireSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds a key that signs from now on; the JWKS keeps the older keys until they are retired.
   */
  RotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a key that signs from now on; the JWKS keeps the older keys until they are retired.
   */
  rotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateSigningKey(argument: _logisynapse_auth_v1_RotateSigningKeyRequest, callback: grpc.requestCallback<_logisynapse_auth_v1_RotateSigningKeyResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Platform administration of the auth module: tenants with their first API client, and the keys
 * that sign access tokens. The caller's access token travels in the `authorization` metadata
 * ("Bearer <token>"); this service verifies it itself and asks the policy for each method's
 * action (tenant:create, signing-key:rotate, signing-key:retire: platform administrators).
 */
export interface AuthAdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Creates a tenant and its first API client in one transaction; the secret is shown only here.
   */
  CreateTenant: grpc.handleUnaryCall<_logisynapse_auth_v1_CreateTenantRequest__Output, _logisynapse_auth_v1_TenantCredentials>;
  
  /**
   * Retires a key: tokens it signed are refused from now on. The only active key cannot be retired.
   */
  RetireSigningKey: grpc.handleUnaryCall<_logisynapse_auth_v1_RetireSigningKeyRequest__Output, _logisynapse_auth_v1_RetireSigningKeyResponse>;
  
  /**
   * Adds a key that signs from now on; the JWKS keeps the older keys until they are retired.
   */
  RotateSigningKey: grpc.handleUnaryCall<_logisynapse_auth_v1_RotateSigningKeyRequest__Output, _logisynapse_auth_v1_RotateSigningKeyResponse>;
  
}

export interface AuthAdminServiceDefinition extends grpc.ServiceDefinition {
  CreateTenant: MethodDefinition<_logisynapse_auth_v1_CreateTenantRequest, _logisynapse_auth_v1_TenantCredentials, _logisynapse_auth_v1_CreateTenantRequest__Output, _logisynapse_auth_v1_TenantCredentials__Output>
  RetireSigningKey: MethodDefinition<_logisynapse_auth_v1_RetireSigningKeyRequest, _logisynapse_auth_v1_RetireSigningKeyResponse, _logisynapse_auth_v1_RetireSigningKeyRequest__Output, _logisynapse_auth_v1_RetireSigningKeyResponse__Output>
  RotateSigningKey: MethodDefinition<_logisynapse_auth_v1_RotateSigningKeyRequest, _logisynapse_auth_v1_RotateSigningKeyResponse, _logisynapse_auth_v1_RotateSigningKeyRequest__Output, _logisynapse_auth_v1_RotateSigningKeyResponse__Output>
}
