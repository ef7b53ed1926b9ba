// Imported first by main.ts: its body runs before any other module is loaded.
import { startTelemetry } from './tracing';

export const telemetry = startTelemetry();
