import type { Scenario } from '../lib/scenario';
import { carrierErrors } from './carrier-errors';
import { shipmentsGrpcErrors, shipmentsGrpcLatency } from './shipments-grpc';

/** The scenarios `npm run chaos -- <name>` knows (docs/chaos.md). */
export const SCENARIOS: Scenario[] = [carrierErrors, shipmentsGrpcLatency, shipmentsGrpcErrors];
