import { AbilityBuilder, createMongoAbility, subject as asSubject, type MongoAbility } from '@casl/ability';
import { isObjectType, type AuthorizationDecision, type AuthorizationObject, type AuthorizationSubject } from '../../contracts/authorization.contracts';
import { ALLOW, deny, POLICY, ruleFor } from '../../domain/policy';
import type { PolicyEngine } from '../../ports/policy-engine.port';

type Ability = MongoAbility;

const NO_TENANT = 'no-tenant';

/**
 * The subject's CASL ability, from the policy table: an action is granted when the subject holds
 * one of its scopes; a tenant-scoped action carries the condition `{ tenantId: <subject's> }`,
 * and a subject without a tenant gets an inverted rule that says why.
 */
export function abilityFor(subject: AuthorizationSubject): Ability {
  const { can, cannot, build } = new AbilityBuilder<Ability>(createMongoAbility);
  for (const [action, rule] of Object.entries(POLICY)) {
    if (!rule.scopes.some((scope) => subject.scopes.includes(scope))) continue;
    if (!rule.tenantScoped) {
      can(action, rule.objectType);
    } else if (subject.tenantId === null) {
      can(action, rule.objectType);
      cannot(action, rule.objectType).because(NO_TENANT);
    } else {
      can(action, rule.objectType, { tenantId: subject.tenantId });
    }
  }
  return build();
}

/** The default engine: policy as TypeScript, evaluated in-process by @casl/ability. */
export class CaslPolicyEngine implements PolicyEngine {
  readonly name = 'casl' as const;

  /** In-process: always able to decide. */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  decide(subject: AuthorizationSubject, action: string, object: AuthorizationObject): Promise<AuthorizationDecision> {
    return Promise.resolve(this.decideNow(subject, action, object));
  }

  decideNow(subject: AuthorizationSubject, action: string, object: AuthorizationObject): AuthorizationDecision {
    const rule = ruleFor(action);
    if (!rule) return deny('unknown-action');
    if (!isObjectType(object.type) || object.type !== rule.objectType) return deny('object-type-mismatch');
    const ability = abilityFor(subject);
    const relevant = ability.relevantRuleFor(action, asSubject(object.type, { tenantId: object.tenantId }));
    if (relevant && !relevant.inverted) return ALLOW;
    if (relevant?.inverted && relevant.reason === NO_TENANT) return deny('no-tenant');
    // No rule matched the object: either no rule for this action at all (no scope grants it),
    // or only rules whose tenant condition the object does not meet.
    if (ability.rulesFor(action, object.type).length === 0) return deny('missing-scope');
    return deny('tenant-mismatch');
  }
}
