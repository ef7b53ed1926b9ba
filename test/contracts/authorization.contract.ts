/**
 * The authorization contract: ONE decision table (subject, action, object → allowed + reason),
 * run against every policy engine (CASL in-process, OPA over REST), and a generated cartesian
 * product on which two engines must agree decision for decision.
 */
import { ACTIONS, type AuthorizationDecision, type AuthorizationObject, type AuthorizationSubject } from '../../src/modules/authorization';
import type { PolicyEngine } from '../../src/modules/authorization/ports/policy-engine.port';

export type DescribeFn = (name: string, body: () => void) => void;

export const TENANT_A = '11111111-1111-4111-8111-111111111111';
export const TENANT_B = '22222222-2222-4222-8222-222222222222';

const subjectWith = (clientId: string, tenantId: string | null, ...scopes: string[]): AuthorizationSubject => ({ clientId, tenantId, scopes });

export const SUBJECTS = {
  reader: subjectWith('reader', TENANT_A, 'shipments:read'),
  writer: subjectWith('writer', TENANT_A, 'shipments:write'),
  readWrite: subjectWith('read-write', TENANT_A, 'shipments:read', 'shipments:write'),
  tenantAdmin: subjectWith('tenant-admin', TENANT_A, 'tenants:admin'),
  platformAdmin: subjectWith('platform-admin', null, 'platform:admin'),
  platformAdminInTenant: subjectWith('platform-admin-in-tenant', TENANT_A, 'platform:admin'),
  noScopes: subjectWith('no-scopes', TENANT_A),
  tenantlessReader: subjectWith('tenantless-reader', null, 'shipments:read', 'shipments:write'),
  oddScopes: subjectWith('odd-scopes', TENANT_A, 'shipments', 'shipments:*', 'SHIPMENTS:READ', 'manage', 'all'),
} as const;

export const OBJECTS = {
  shipmentA: { type: 'Shipment', tenantId: TENANT_A },
  shipmentB: { type: 'Shipment', tenantId: TENANT_B },
  shipmentNoTenant: { type: 'Shipment', tenantId: null },
  tenant: { type: 'Tenant', tenantId: null },
  tenantA: { type: 'Tenant', tenantId: TENANT_A },
  signingKey: { type: 'SigningKey', tenantId: null },
} as const satisfies Record<string, AuthorizationObject>;

export interface DecisionRow {
  subject: keyof typeof SUBJECTS;
  action: string;
  object: keyof typeof OBJECTS | AuthorizationObject;
  expected: AuthorizationDecision;
}

const allowed: AuthorizationDecision = { allowed: true, reason: 'allowed' };
const denied = (reason: Exclude<AuthorizationDecision['reason'], 'allowed'>): AuthorizationDecision => ({ allowed: false, reason });

/** The decision table. Reasons are checked in this order: unknown-action, object-type-mismatch, missing-scope, no-tenant, tenant-mismatch. */
export const DECISION_TABLE: readonly DecisionRow[] = [
  // shipments:read grants read and list, in the subject's own tenant only
  { subject: 'reader', action: 'shipment:read', object: 'shipmentA', expected: allowed },
  { subject: 'reader', action: 'shipment:list', object: 'shipmentA', expected: allowed },
  { subject: 'reader', action: 'shipment:create', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'reader', action: 'shipment:update-status', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'reader', action: 'shipment:read', object: 'shipmentB', expected: denied('tenant-mismatch') },
  { subject: 'reader', action: 'shipment:list', object: 'shipmentNoTenant', expected: denied('tenant-mismatch') },
  // shipments:write grants create and update-status
  { subject: 'writer', action: 'shipment:create', object: 'shipmentA', expected: allowed },
  { subject: 'writer', action: 'shipment:update-status', object: 'shipmentA', expected: allowed },
  { subject: 'writer', action: 'shipment:read', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'writer', action: 'shipment:list', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'writer', action: 'shipment:create', object: 'shipmentB', expected: denied('tenant-mismatch') },
  { subject: 'readWrite', action: 'shipment:update-status', object: 'shipmentB', expected: denied('tenant-mismatch') },
  { subject: 'readWrite', action: 'shipment:list', object: 'shipmentA', expected: allowed },
  // shipments:write grants cancel (voiding the label), in the subject's own tenant
  { subject: 'writer', action: 'shipment:cancel', object: 'shipmentA', expected: allowed },
  { subject: 'reader', action: 'shipment:cancel', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'writer', action: 'shipment:cancel', object: 'shipmentB', expected: denied('tenant-mismatch') },
  { subject: 'tenantAdmin', action: 'shipment:cancel', object: 'shipmentA', expected: allowed },
  { subject: 'platformAdmin', action: 'shipment:cancel', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'tenantlessReader', action: 'shipment:cancel', object: 'shipmentA', expected: denied('no-tenant') },
  // tenants:admin implies shipments:read and shipments:write, within its own tenant
  { subject: 'tenantAdmin', action: 'shipment:create', object: 'shipmentA', expected: allowed },
  { subject: 'tenantAdmin', action: 'shipment:read', object: 'shipmentA', expected: allowed },
  { subject: 'tenantAdmin', action: 'shipment:list', object: 'shipmentA', expected: allowed },
  { subject: 'tenantAdmin', action: 'shipment:update-status', object: 'shipmentA', expected: allowed },
  { subject: 'tenantAdmin', action: 'shipment:read', object: 'shipmentB', expected: denied('tenant-mismatch') },
  { subject: 'tenantAdmin', action: 'tenant:create', object: 'tenant', expected: denied('missing-scope') },
  { subject: 'tenantAdmin', action: 'signing-key:rotate', object: 'signingKey', expected: denied('missing-scope') },
  // platform:admin: tenants and signing keys, but no shipments
  { subject: 'platformAdmin', action: 'tenant:create', object: 'tenant', expected: allowed },
  { subject: 'platformAdmin', action: 'signing-key:rotate', object: 'signingKey', expected: allowed },
  { subject: 'platformAdmin', action: 'signing-key:retire', object: 'signingKey', expected: allowed },
  { subject: 'platformAdmin', action: 'shipment:read', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'platformAdmin', action: 'shipment:list', object: 'shipmentNoTenant', expected: denied('missing-scope') },
  { subject: 'platformAdminInTenant', action: 'tenant:create', object: 'tenantA', expected: allowed },
  // tenant and platform actions need their scopes
  { subject: 'readWrite', action: 'tenant:create', object: 'tenant', expected: denied('missing-scope') },
  { subject: 'readWrite', action: 'signing-key:retire', object: 'signingKey', expected: denied('missing-scope') },
  { subject: 'noScopes', action: 'shipment:read', object: 'shipmentA', expected: denied('missing-scope') },
  { subject: 'oddScopes', action: 'shipment:read', object: 'shipmentA', expected: denied('missing-scope') },
  // a subject without a tenant cannot touch shipments, whatever the object's tenant
  { subject: 'tenantlessReader', action: 'shipment:read', object: 'shipmentA', expected: denied('no-tenant') },
  { subject: 'tenantlessReader', action: 'shipment:create', object: 'shipmentNoTenant', expected: denied('no-tenant') },
  // the object must be of the action's type
  { subject: 'reader', action: 'shipment:read', object: 'tenantA', expected: denied('object-type-mismatch') },
  { subject: 'platformAdmin', action: 'tenant:create', object: 'signingKey', expected: denied('object-type-mismatch') },
  { subject: 'platformAdmin', action: 'signing-key:rotate', object: { type: 'Banana' as never, tenantId: null }, expected: denied('object-type-mismatch') },
  // unknown actions (also names that exist on every JavaScript object, and CASL's wildcard)
  { subject: 'platformAdmin', action: 'tenant:delete', object: 'tenant', expected: denied('unknown-action') },
  { subject: 'readWrite', action: 'shipment:delete', object: 'shipmentA', expected: denied('unknown-action') },
  { subject: 'readWrite', action: 'constructor', object: 'shipmentA', expected: denied('unknown-action') },
  { subject: 'platformAdmin', action: 'manage', object: 'tenant', expected: denied('unknown-action') },
  { subject: 'readWrite', action: '', object: 'shipmentA', expected: denied('unknown-action') },
];

const objectOf = (row: DecisionRow): AuthorizationObject => (typeof row.object === 'string' ? OBJECTS[row.object] : row.object);

export function describeAuthorizationContract(name: string, describeFn: DescribeFn, makeEngine: () => PolicyEngine | Promise<PolicyEngine>): void {
  describeFn(`authorization contract: ${name}`, () => {
    let engine: PolicyEngine;
    beforeAll(async () => {
      engine = await makeEngine();
    });

    it('covers every action and reason in the table', () => {
      const actions = new Set(DECISION_TABLE.map((row) => row.action));
      for (const action of ACTIONS) expect(actions).toContain(action);
      const reasons = new Set(DECISION_TABLE.map((row) => row.expected.reason));
      expect([...reasons].sort()).toEqual(['allowed', 'missing-scope', 'no-tenant', 'object-type-mismatch', 'tenant-mismatch', 'unknown-action']);
    });

    it.each(DECISION_TABLE.map((row) => [`${row.subject} ${row.action || '(empty)'} ${typeof row.object === 'string' ? row.object : JSON.stringify(row.object)} → ${row.expected.reason}`, row] as const))(
      '%s',
      async (_title, row) => {
        await expect(engine.decide(SUBJECTS[row.subject], row.action, objectOf(row))).resolves.toEqual(row.expected);
      },
    );
  });
}

/** Every subject × action × object: the inputs on which two engines must give the same decision. */
export function cartesianInputs(): Array<{ subject: AuthorizationSubject; action: string; object: AuthorizationObject }> {
  const subjects: AuthorizationSubject[] = [];
  const scopeSets = [[], ['shipments:read'], ['shipments:write'], ['shipments:read', 'shipments:write'], ['tenants:admin'], ['platform:admin'], ['platform:admin', 'tenants:admin', 'shipments:read'], ['manage']];
  for (const tenantId of [TENANT_A, null]) {
    for (const scopes of scopeSets) subjects.push({ clientId: `c-${tenantId ?? 'none'}-${scopes.join('+') || 'none'}`, tenantId, scopes });
  }
  const actions = [...ACTIONS, 'shipment:delete', 'constructor', 'manage', ''];
  const objects: AuthorizationObject[] = [];
  for (const type of ['Shipment', 'Tenant', 'SigningKey', 'all', 'Banana'] as AuthorizationObject['type'][]) {
    for (const tenantId of [TENANT_A, TENANT_B, null]) objects.push({ type, tenantId });
  }
  return subjects.flatMap((subject) => actions.flatMap((action) => objects.map((object) => ({ subject, action, object }))));
}
