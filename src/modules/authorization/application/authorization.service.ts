import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../../platform/errors/domain-error';
import type { Action, AuthorizationDecision, AuthorizationObject, AuthorizationSubject, DecisionReason } from '../contracts/authorization.contracts';
import { objectTypeOf, ruleFor } from '../domain/policy';
import type { AuthorizationApi } from '../ports/authorization-api.port';
import { POLICY_ENGINE, type PolicyEngine, type PolicyEngineName } from '../ports/policy-engine.port';

/** What a denial says, the same in-process and over gRPC. */
export function denialMessage(action: string, reason: DecisionReason): string {
  switch (reason) {
    case 'missing-scope':
      return `Missing scope for ${action}: needs one of ${ruleFor(action)?.scopes.join(', ') ?? '(none)'}`;
    case 'no-tenant':
      return `${action} needs a tenant token`;
    case 'tenant-mismatch':
      return `${action} is not allowed on another tenant's object`;
    case 'object-type-mismatch':
      return `${action} does not apply to this type of object`;
    case 'unknown-action':
      return `Unknown action ${action}`;
    case 'allowed':
      return 'Allowed';
  }
}

/**
 * The object a caller acts on when the operation names no particular one: for a tenant's action
 * (shipments), an object of the caller's own tenant (rows of other tenants are hidden by
 * row-level security anyway); for a platform action, the platform-wide object type.
 */
export function callerObject(subject: AuthorizationSubject, action: Action): AuthorizationObject {
  const rule = ruleFor(action)!;
  return { type: objectTypeOf(action), tenantId: rule.tenantScoped ? subject.tenantId : null };
}

/**
 * `Authorize(subject, action, object)`, in-process. Decisions come from the configured policy
 * engine (CASL, or OPA over REST); an engine that cannot decide makes this throw UNAVAILABLE,
 * which denies.
 */
@Injectable()
export class AuthorizationService implements AuthorizationApi {
  private readonly logger = new Logger('Authorization');

  constructor(@Inject(POLICY_ENGINE) private readonly engine: PolicyEngine) {}

  get engineName(): PolicyEngineName {
    return this.engine.name;
  }

  async authorize(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<AuthorizationDecision> {
    try {
      return await this.engine.decide(subject, action, object);
    } catch (error) {
      this.logger.warn({ err: (error as { cause?: unknown })?.cause ?? error, action, engine: this.engine.name }, 'policy engine could not decide; denied');
      throw error;
    }
  }

  /** Resolves when allowed; otherwise throws FORBIDDEN with the decision's reason (`extensions.reason`). */
  async assertAllowed(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<void> {
    const decision = await this.authorize(subject, action, object);
    if (!decision.allowed) throw new DomainError('FORBIDDEN', denialMessage(action, decision.reason), { reason: decision.reason });
  }
}
