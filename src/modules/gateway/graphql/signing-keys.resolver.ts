import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { SigningKeysService } from '../../auth';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';

/**
 * Key rotation for operators: add a key that signs from now on (the JWKS keeps serving the old
 * one, so tokens already issued stay valid until they expire), then retire the old key.
 */
@Resolver()
@UseGuards(AuthorizationGuard)
export class SigningKeysResolver {
  constructor(private readonly keys: SigningKeysService) {}

  @Mutation(() => String, { description: 'Adds a signing key that signs from now on; answers its kid.' })
  @RequireAction('signing-key:rotate')
  rotateSigningKey(): Promise<string> {
    return this.keys.addKey();
  }

  @Mutation(() => Boolean, { description: 'Retires a key: tokens it signed are rejected from now on.' })
  @RequireAction('signing-key:retire')
  retireSigningKey(@Args('kid') kid: string): Promise<boolean> {
    return this.keys.retireKey(kid);
  }
}
