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
import { AuthModule } from './modules/auth';
import { AuthorizationModule } from './modules/authorization';
import { CarriersModule } from './modules/carriers';
import { CommunicationsModule } from './modules/communications';
import { GatewayModule } from './modules/gateway';
import { ShipmentsApiModule, ShipmentsModule } from './modules/shipments';
import { TenancyModule } from './modules/tenancy';
import { WorkflowOrchestratorModule } from './modules/workflow-orchestrator';

/** The business modules this process hosts (LOGISYNAPSE_MODULES), in dependency order. */
function hostedModules(config: AppConfig): NonNullable<ModuleMetadata['imports']> {
  const hosts = (name: ModuleName) => config.modules.includes(name);
  return [
    ...(hosts('tenancy') ? [TenancyModule] : []),
    ...(hosts('auth') ? [AuthModule] : []),
    ...(hosts('authorization') ? [AuthorizationModule] : []),
    ...(hosts('carriers') ? [CarriersModule] : []),
    // Config keeps these three together: the API needs the workflows, the workflows the records.
    ...(hosts('shipments') ? [ShipmentsModule, WorkflowOrchestratorModule, ShipmentsApiModule.register(WorkflowOrchestratorModule)] : []),
    ...(hosts('communications') ? [CommunicationsModule] : []),
    ...(hosts('gateway') ? [GatewayModule.forRoot(config)] : []),
  ];
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
