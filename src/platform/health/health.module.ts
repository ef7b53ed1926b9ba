import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Liveness } from './liveness';
import { ReadinessChecks, ReadinessGauge } from './readiness';

/** Global, so any module can register a readiness check. */
@Global()
@Module({ controllers: [HealthController], providers: [ReadinessChecks, ReadinessGauge, Liveness], exports: [ReadinessChecks, Liveness] })
export class HealthModule {}
