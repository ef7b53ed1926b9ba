import type { Action, DecisionReason, ObjectType } from '../contracts/authorization.contracts';

/**
 * The policy, as data: for each action, the type of object it applies to, the scopes any one of
 * which grants it, and whether subject and object must belong to the same tenant. The CASL
 * engine builds its ability from this table; policies/logisynapse/authz.rego holds the same table
 * for OPA, and the shared decision table (test/contracts/authorization.contract.ts) proves both
 * engines agree.
 */
export interface ActionRule {
  objectType: ObjectType;
  /** Any one of these scopes grants the action. */
  scopes: readonly string[];
  /** Subject and object must be in the same (non-null) tenant. */
  tenantScoped: boolean;
}

/** `tenants:admin` is a tenant's administrator: everything a tenant may do, in its own tenant. */
export const POLICY: Readonly<Record<Action, ActionRule>> = {
  'shipment:create': { objectType: 'Shipment', scopes: ['shipments:write', 'tenants:admin'], tenantScoped: true },
  'shipment:read': { objectType: 'Shipment', scopes: ['shipments:read', 'tenants:admin'], tenantScoped: true },
  'shipment:list': { objectType: 'Shipment', scopes: ['shipments:read', 'tenants:admin'], tenantScoped: true },
  'shipment:update-status': { objectType: 'Shipment', scopes: ['shipments:write', 'tenants:admin'], tenantScoped: true },
  'shipment:cancel': { objectType: 'Shipment', scopes: ['shipments:write', 'tenants:admin'], tenantScoped: true },
  'tenant:create': { objectType: 'Tenant', scopes: ['platform:admin'], tenantScoped: false },
  'signing-key:rotate': { objectType: 'SigningKey', scopes: ['platform:admin'], tenantScoped: false },
  'signing-key:retire': { objectType: 'SigningKey', scopes: ['platform:admin'], tenantScoped: false },
};

/** The rule of an action, or undefined for an unknown one (own keys only: `constructor` is unknown). */
export function ruleFor(action: string): ActionRule | undefined {
  return Object.hasOwn(POLICY, action) ? POLICY[action as Action] : undefined;
}

/** The type of object an action applies to. */
export function objectTypeOf(action: Action): ObjectType {
  return POLICY[action].objectType;
}

export const deny = (reason: Exclude<DecisionReason, 'allowed'>) => ({ allowed: false, reason }) as const;
export const ALLOW = { allowed: true, reason: 'allowed' } as const;
