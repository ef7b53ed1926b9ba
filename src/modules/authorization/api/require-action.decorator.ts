import { SetMetadata } from '@nestjs/common';
import type { Action } from '../contracts/authorization.contracts';

export const REQUIRED_ACTION = 'logisynapse:required-action';
export const AUTHENTICATED_ONLY = 'logisynapse:authenticated-only';

/**
 * The action a GraphQL operation or gRPC method performs; the authorization service decides
 * whether the caller may. Every operation declares one (test/architecture/ fails otherwise), and
 * an operation without one is refused at run time.
 */
export const RequireAction = (action: Action) => SetMetadata(REQUIRED_ACTION, action);

/**
 * For the rare method that performs no action on an object and only needs a verified caller
 * (`Authorize`, which decides for the caller itself). The reason is written down, and the
 * architecture test accepts this only with a non-empty reason.
 */
export const AuthenticatedOnly = (reason: string) => SetMetadata(AUTHENTICATED_ONLY, reason);

/** The action a method declares with @RequireAction, read from its metadata. */
export function requiredActionOf(handler: unknown): Action | undefined {
  if (typeof handler !== 'function') return undefined;
  return Reflect.getMetadata(REQUIRED_ACTION, handler) as Action | undefined;
}
