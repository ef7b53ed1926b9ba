// Public surface of the shipments module. Order matters: the core module first, because the
// workflow-orchestrator module (imported by the composition root) depends on it.
export { ShipmentsModule } from './shipments.module';
export { ShipmentRecordsModule } from './shipment-records.module';
export { ShipmentsService } from './application/shipments.service';
export { ShipmentRequestsService } from './application/shipment-requests.service';
export { ShipmentsApiModule } from './api/shipments-api.module';
export { ShipmentsClientModule } from './shipments-client.module';
export * from './contracts/shipment.contracts';
export * from './ports/shipment-workflows.port';
export * from './ports/shipment-records.port';
export * from './ports/shipments-api.port';
export { workflowIdFor } from './domain/shipment-identity';
export { SHIPMENTS_GRPC_PACKAGE, SHIPMENTS_PROTO_PATH } from './api/grpc/shipments.grpc-controller';
