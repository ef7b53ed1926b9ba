import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from './platform/config/app-config';
import { ConfigModule } from './platform/config/config.module';
import { DatabaseModule } from './platform/database';
import { DomainErrorHttpFilter, HttpExceptionCodeFilter } from './platform/errors/http-exception.filter';
import { HealthModule } from './platform/health/health.module';
import { MessagingModule } from './platform/messaging';
import { AuthModule } from './modules/auth';
import { AuthorizationModule } from './modules/authorization';
import { CarriersModule } from './modules/carriers';
import { CommunicationsModule } from './modules/communications';
import { GatewayModule } from './modules/gateway';
import { ShipmentsApiModule, ShipmentsModule } from './modules/shipments';
import { TenancyModule } from './modules/tenancy';
import { WorkflowOrchestratorModule } from './modules/workflow-orchestrator';

/** The composition root: platform services, then the business modules this process hosts. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => {
              const incoming = req.headers['x-request-id'];
              const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
            redact: ['req.headers.authorization', 'req.headers["x-webhook-token"]'],
          },
        }),
        DatabaseModule,
        MessagingModule,
        HealthModule,
        TenancyModule,
        AuthModule,
        AuthorizationModule,
        CarriersModule,
        ShipmentsModule,
        WorkflowOrchestratorModule,
        ShipmentsApiModule.register(WorkflowOrchestratorModule),
        CommunicationsModule,
        GatewayModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorHttpFilter },
        { provide: APP_FILTER, useClass: HttpExceptionCodeFilter },
      ],
    };
  }
}
