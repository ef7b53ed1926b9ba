/**
 * The authorization contract: may a subject perform an action on an object? Every engine (CASL,
 * OPA) answers with the same `allowed` and the same `reason`.
 */
export const ACTIONS = [
  'shipment:create',
  'shipment:read',
  'shipment:list',
  'shipment:update-status',
  'shipment:cancel',
  'tenant:create',
  'signing-key:rotate',
  'signing-key:retire',
] as const;
export type Action = (typeof ACTIONS)[number];

export const OBJECT_TYPES = ['Shipment', 'Tenant', 'SigningKey'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Who asks: the verified token's principal (the auth module's `Principal` fits). */
export interface AuthorizationSubject {
  clientId: string;
  /** Null for a platform administrator, who belongs to no tenant. */
  tenantId: string | null;
  scopes: readonly string[];
}

export interface AuthorizationObject {
  type: ObjectType;
  /** The tenant that owns the object; null for platform-wide objects (tenants, signing keys). */
  tenantId: string | null;
}

/**
 * Why a decision came out as it did, checked in this order (the first that applies wins):
 * unknown-action, object-type-mismatch, missing-scope, no-tenant, tenant-mismatch, else allowed.
 */
export const DECISION_REASONS = ['allowed', 'unknown-action', 'object-type-mismatch', 'missing-scope', 'no-tenant', 'tenant-mismatch'] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export interface AuthorizationDecision {
  allowed: boolean;
  reason: DecisionReason;
}

export const isAction = (value: unknown): value is Action => typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
export const isObjectType = (value: unknown): value is ObjectType => typeof value === 'string' && (OBJECT_TYPES as readonly string[]).includes(value);
export const isDecisionReason = (value: unknown): value is DecisionReason =>
  typeof value === 'string' && (DECISION_REASONS as readonly string[]).includes(value);
