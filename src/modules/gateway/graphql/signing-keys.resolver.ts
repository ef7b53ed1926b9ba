import { Inject, UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AUTH_ADMIN_API, type AuthAdminApi } from '../../auth';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';

/**
 * Key rotation for operators: add a key that signs from now on (the JWKS keeps serving the old
 * one, so tokens already issued stay valid until they expire), then retire the old key.
 */
@Resolver()
@UseGuards(AuthorizationGuard)
export class SigningKeysResolver {
  // The auth module, in-process or over gRPC (AUTH_GRPC_URL) with the operator's token.
  constructor(@Inject(AUTH_ADMIN_API) private readonly auth: AuthAdminApi) {}

  @Mutation(() => String, { description: 'Adds a signing key that signs from now on; answers its kid.' })
  @RequireAction('signing-key:rotate')
  rotateSigningKey(): Promise<string> {
    return this.auth.rotateSigningKey();
  }

  @Mutation(() => Boolean, { description: 'Retires a key: tokens it signed are rejected from now on.' })
  @RequireAction('signing-key:retire')
  retireSigningKey(@Args('kid') kid: string): Promise<boolean> {
    return this.auth.retireSigningKey(kid);
  }
}
