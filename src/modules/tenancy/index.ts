export { TenancyModule } from './tenancy.module';
export { TenantTransactions } from './application/tenant-transactions';
export { TenantsService, type CreatedTenant } from './application/tenants.service';
export { TenantContext, MissingTenantContextError } from './domain/tenant-context';
