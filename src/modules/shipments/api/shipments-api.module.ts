import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { AuthorizationModule } from '../../authorization';
import { CarriersModule } from '../../carriers';
import { ShipmentCancellationsService } from '../application/shipment-cancellations.service';
import { ShipmentRequestsService } from '../application/shipment-requests.service';
import { ShipmentsGrpcController } from './grpc/shipments.grpc-controller';
import { ShipmentsModule } from '../shipments.module';

/**
 * The shipments module's front door (create, read, list, cancel). It needs a provider of
 * `SHIPMENT_WORKFLOWS`, which the composition root passes in, so this module does not depend on
 * the workflow engine's module.
 */
@Module({})
export class ShipmentsApiModule {
  static register(workflows: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: ShipmentsApiModule,
      global: true,
      imports: [ShipmentsModule, AuthorizationModule, CarriersModule, workflows],
      controllers: [ShipmentsGrpcController],
      providers: [ShipmentRequestsService, ShipmentCancellationsService],
      exports: [ShipmentRequestsService, ShipmentCancellationsService, ShipmentsModule],
    };
  }
}
