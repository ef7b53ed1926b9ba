import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { moduleApiProvider } from '../../platform/grpc/module-api.provider';
import { GrpcShipmentsApi } from './adapters/grpc/grpc-shipments-api';
import { InProcessShipmentsApi } from './api/in-process/in-process-shipments-api';
import { ShipmentCancellationsService } from './application/shipment-cancellations.service';
import { ShipmentRequestsService } from './application/shipment-requests.service';
import { ShipmentsService } from './application/shipments.service';
import { SHIPMENTS_API, type ShipmentsApi } from './ports/shipments-api.port';

/**
 * `SHIPMENTS_API` for modules that call the shipments module (the gateway): in-process when this
 * process hosts it (its services come from the global ShipmentsApiModule), otherwise a gRPC
 * client of the process at SHIPMENTS_GRPC_URL. Config has already refused every other case.
 */
@Module({})
export class ShipmentsClientModule {
  static forRoot(config: AppConfig): DynamicModule {
    const remote = config.modules.includes('shipments') ? null : config.grpcClients.shipments;
    if (remote === null && !config.modules.includes('shipments')) throw new Error('the shipments module is neither hosted nor given a SHIPMENTS_GRPC_URL');
    return {
      module: ShipmentsClientModule,
      providers: [
        moduleApiProvider<ShipmentsApi>({
          provide: SHIPMENTS_API,
          module: 'shipments',
          remote,
          inProcess: {
            inject: [ShipmentRequestsService, ShipmentsService, ShipmentCancellationsService],
            useFactory: (requests: ShipmentRequestsService, shipments: ShipmentsService, cancellations: ShipmentCancellationsService) =>
              new InProcessShipmentsApi(requests, shipments, cancellations),
          },
          overGrpc: (address) => new GrpcShipmentsApi(address),
        }),
      ],
      exports: [SHIPMENTS_API],
    };
  }
}
