import { Module } from '@nestjs/common';
import { TenantTransactions } from './application/tenant-transactions';
import { TenantsService } from './application/tenants.service';

@Module({
  providers: [TenantTransactions, TenantsService],
  exports: [TenantTransactions, TenantsService],
})
export class TenancyModule {}
