import type { Principal } from '../../../auth';
import type { CallerVerifier } from '../../ports/caller-verifier.port';
import { DomainError } from '../../../../platform/errors/domain-error';
import { callerObject, type AuthorizationService } from '../../application/authorization.service';
import { requiredActionOf } from '../require-action.decorator';

/**
 * The caller of a tenant-scoped gRPC method of any module (ShipmentService,
 * NotificationService): the action `handler` declares (`@RequireAction`; none declared is
 * refused), the token from the `authorization` metadata verified by this process itself, the
 * action allowed by the policy, and a tenant in the token (tenant metadata a caller sends, such
 * as `x-tenant-id`, is never read). Throws the domain error to answer otherwise.
 */
export async function tenantRpcCaller(
  tokens: CallerVerifier,
  authorization: AuthorizationService,
  metadata: { get(key: string): unknown[] },
  handler: unknown,
  method: string,
): Promise<Principal & { tenantId: string }> {
  const action = requiredActionOf(handler);
  if (!action) throw new DomainError('FORBIDDEN', `${method} declares no action and is refused`);
  const principal = await tokens.verifyMetadata(metadata);
  await authorization.assertAllowed(principal, action, callerObject(principal, action));
  if (!principal.tenantId) throw new DomainError('FORBIDDEN', `${action} needs a tenant token`);
  return principal as Principal & { tenantId: string };
}
