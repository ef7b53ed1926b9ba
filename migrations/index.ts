import { InitialSchema1732420000000 } from './1732420000000-initial-schema';
import { TenantPolicyEmptySetting1732500000000 } from './1732500000000-tenant-policy-empty-setting';

/** Every migration, in order. Listed explicitly so the bundle and the tests need no glob. */
export const MIGRATIONS = [InitialSchema1732420000000, TenantPolicyEmptySetting1732500000000];
