export { CarriersModule } from './carriers.module';
export * from './contracts/carrier.types';
export * from './contracts/carrier.errors';
export { CARRIER, TRACKING_UPDATE_SINK, type CarrierPort, type TrackingUpdateSink } from './ports/carrier.port';
export { TrackingIngestService } from './application/tracking-ingest.service';
