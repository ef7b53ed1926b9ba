import { Module } from '@nestjs/common';
import { TenantsRepository } from './adapters/typeorm/tenants.repository';
import { TenantTransactions } from './application/tenant-transactions';
import { TenantsService } from './application/tenants.service';

@Module({
  providers: [TenantsRepository, TenantTransactions, TenantsService],
  exports: [TenantTransactions, TenantsService],
})
export class TenancyModule {}
