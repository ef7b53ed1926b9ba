import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy';
import { ShipmentsRepository } from './adapters/typeorm/shipments.repository';
import { CarrierStatusConsumer } from './application/carrier-status.consumer';
import { ShipmentsService } from './application/shipments.service';

/** The shipment aggregate: records, queries and carrier status updates. */
@Module({
  imports: [TenancyModule],
  providers: [ShipmentsRepository, ShipmentsService, CarrierStatusConsumer],
  exports: [ShipmentsService],
})
export class ShipmentsModule {}
