export { CarriersModule } from './carriers.module';
export * from './contracts/carrier.types';
export * from './contracts/carrier.errors';
export { CARRIER, type CarrierPort, type TrackingUpdateSink } from './ports/carrier.port';
export { TrackingIngestService } from './application/tracking-ingest.service';
export { measuredCarrier } from './application/measured-carrier';
