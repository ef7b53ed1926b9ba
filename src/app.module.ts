import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig, ModuleName } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database';
import { DomainErrorHttpFilter, HttpExceptionCodeFilter, UnexpectedErrorHttpFilter } from './platform/errors/http-exception.filter';
import { HealthModule } from './platform/health/health.module';
import { loggerModule } from './platform/logging';
import { MessagingModule } from './platform/messaging';
import { labelTenantsInMetrics } from './platform/telemetry/instruments';
import { AuthAdminGrpcModule, AuthModule, TokenVerificationModule } from './modules/auth';
import { AuthorizationModule } from './modules/authorization';
import { CarriersModule } from './modules/carriers';
import { CommunicationsModule } from './modules/communications';
import { GatewayModule } from './modules/gateway';
import { ShipmentsApiModule, ShipmentsModule } from './modules/shipments';
import { TenancyModule } from './modules/tenancy';
import { WorkflowClientModule, WorkflowOrchestratorModule } from './modules/workflow-orchestrator';

type NestImports = NonNullable<ModuleMetadata['imports']>;

/**
 * Each module's Nest modules (the descriptors of `module-descriptors.ts` say the rest), in
 * dependency order. Typed by the module names, so a module without an entry fails the type check.
 */
const NEST_MODULES: Record<ModuleName, (config: AppConfig) => NestImports> = {
  tenancy: () => [TenancyModule],
  // Its gRPC API (AuthAdminService) for a gateway elsewhere.
  auth: () => [AuthModule, AuthAdminGrpcModule],
  authorization: () => [AuthorizationModule],
  carriers: () => [CarriersModule],
  // Its workflows start in-process when the worker is beside it, else through a client (ADR 0042).
  shipments: (config) => [
    ShipmentsModule,
    ShipmentsApiModule.register(config.modules.includes('workflow-orchestrator') ? WorkflowOrchestratorModule : WorkflowClientModule),
  ],
  'workflow-orchestrator': () => [WorkflowOrchestratorModule],
  communications: () => [CommunicationsModule],
  gateway: (config) => [GatewayModule.forRoot(config)],
};

/** The business modules this process hosts (LOGISYNAPSE_MODULES). */
function hostedModules(config: AppConfig): NestImports {
  return (Object.keys(NEST_MODULES) as ModuleName[]).filter((name) => config.modules.includes(name)).flatMap((name) => NEST_MODULES[name](config));
}

/** The composition root: platform services, then the business modules this process hosts. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    // The instruments are process-wide (created on first use), so their one setting is too.
    labelTenantsInMetrics(config.metrics.tenantLabels);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config),
        DatabaseModule,
        MessagingModule,
        HealthModule,
        // Who a token names, for every module here that takes tokens (ADR 0044).
        TokenVerificationModule.forRoot(config),
        ...hostedModules(config),
      ],
      providers: [
        // Nest tries the last registered first: the catch-all comes first, so it is tried last.
        { provide: APP_FILTER, useClass: UnexpectedErrorHttpFilter },
        { provide: APP_FILTER, useClass: DomainErrorHttpFilter },
        { provide: APP_FILTER, useClass: HttpExceptionCodeFilter },
      ],
    };
  }
}
