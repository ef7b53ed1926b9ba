import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy';
import { ShipmentsRepository } from './adapters/typeorm/shipments.repository';
import { ShipmentRecordsService } from './application/shipment-records.service';
import { SHIPMENT_RECORDS } from './ports/shipment-records.port';

/**
 * The shipment records that the workflow writes (`SHIPMENT_RECORDS`), and nothing else of the
 * module: what a workflow worker imports, in a process that hosts neither the shipments API nor
 * its consumers (ADR 0042).
 */
@Module({
  imports: [TenancyModule],
  providers: [ShipmentsRepository, ShipmentRecordsService, { provide: SHIPMENT_RECORDS, useExisting: ShipmentRecordsService }],
  exports: [SHIPMENT_RECORDS],
})
export class ShipmentRecordsModule {}
