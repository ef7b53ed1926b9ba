import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../platform/config/app-config';
import { ReadinessChecks } from '../../platform/health/readiness';
import { GrpcShipmentsApi } from './adapters/grpc/grpc-shipments-api';
import { InProcessShipmentsApi } from './api/in-process/in-process-shipments-api';
import { ShipmentCancellationsService } from './application/shipment-cancellations.service';
import { ShipmentRequestsService } from './application/shipment-requests.service';
import { ShipmentsService } from './application/shipments.service';
import { SHIPMENTS_API } from './ports/shipments-api.port';

const logger = new Logger('Ports');

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
        remote === null
          ? {
              provide: SHIPMENTS_API,
              inject: [ShipmentRequestsService, ShipmentsService, ShipmentCancellationsService],
              useFactory: (requests: ShipmentRequestsService, shipments: ShipmentsService, cancellations: ShipmentCancellationsService) => {
                logger.log('shipments api: in-process');
                return new InProcessShipmentsApi(requests, shipments, cancellations);
              },
            }
          : {
              provide: SHIPMENTS_API,
              inject: [ReadinessChecks],
              useFactory: (readiness: ReadinessChecks) => {
                logger.log(`shipments api: grpc (${remote}, the caller's token forwarded)`);
                const api = new GrpcShipmentsApi(remote);
                // Without the shipments process the gateway cannot serve shipments: not ready.
                readiness.register({ name: `shipments module (grpc ${remote})`, check: () => api.ping() });
                return api;
              },
            },
      ],
      exports: [SHIPMENTS_API],
    };
  }
}
