import { InitialSchema1732420000000 } from './1732420000000-initial-schema';
import { TenantPolicyEmptySetting1732500000000 } from './1732500000000-tenant-policy-empty-setting';
import { TokenRequestFailures1732600000000 } from './1732600000000-token-request-failures';
import { CompensationLabelRefunds1732800000000 } from './1732800000000-compensation-label-refunds';
import { AuthDataLeastPrivilege1732900000000 } from './1732900000000-auth-data-least-privilege';
import { OutboxMessages1733000000000 } from './1733000000000-outbox-messages';
import { TenantsLeastPrivilege1733100000000 } from './1733100000000-tenants-least-privilege';

/** Every migration, in order. Listed explicitly so the bundle and the tests need no glob. */
export const MIGRATIONS = [
  InitialSchema1732420000000,
  TenantPolicyEmptySetting1732500000000,
  TokenRequestFailures1732600000000,
  CompensationLabelRefunds1732800000000,
  AuthDataLeastPrivilege1732900000000,
  OutboxMessages1733000000000,
  TenantsLeastPrivilege1733100000000,
];
