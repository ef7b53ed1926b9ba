import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DATABASE_ENDPOINTS, type DatabaseEndpoints } from '../../platform/database';
import { EVENT_LOG, TASK_QUEUE, type EventLogPort, type TaskQueuePort } from '../../platform/messaging';
import { CARRIER, CarriersModule, type CarrierPort } from '../carriers';
import { SHIPMENT_WORKFLOWS, ShipmentsModule, ShipmentsService } from '../shipments';
import { createShipmentActivities } from './activities/create-shipment.activities';
import { DbosWorkflowEngine } from './adapters/dbos/dbos-workflow-engine';
import { WORKFLOW_ENGINE, type WorkflowEnginePort } from './ports/workflow-engine.port';

const logger = new Logger('Ports');

@Module({
  imports: [CarriersModule, ShipmentsModule],
  providers: [
    {
      provide: WORKFLOW_ENGINE,
      inject: [DATABASE_ENDPOINTS, CARRIER, ShipmentsService, EVENT_LOG, TASK_QUEUE],
      useFactory: (
        endpoints: DatabaseEndpoints,
        carrier: CarrierPort,
        shipments: ShipmentsService,
        eventLog: EventLogPort,
        taskQueue: TaskQueuePort,
      ): WorkflowEnginePort => {
        if (process.env.TEMPORAL_ADDRESS) {
          throw new Error('TEMPORAL_ADDRESS is set but this build has no Temporal adapter yet; unset it to use DBOS');
        }
        const activities = createShipmentActivities({ carrier, shipments, eventLog, taskQueue });
        const engine = new DbosWorkflowEngine(
          {
            systemDatabaseUrl: endpoints.engineUrl,
            useListenNotify: endpoints.supportsListenNotify,
            onRetry: (activity, attempt, error) =>
              logger.warn(`${activity} attempt ${attempt} failed, retrying: ${error instanceof Error ? error.message : String(error)}`),
          },
          activities,
        );
        logger.log(`workflow engine: ${engine.adapterName}`);
        return engine;
      },
    },
    { provide: SHIPMENT_WORKFLOWS, useExisting: WORKFLOW_ENGINE },
  ],
  exports: [WORKFLOW_ENGINE, SHIPMENT_WORKFLOWS],
})
export class WorkflowOrchestratorModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(WORKFLOW_ENGINE) private readonly engine: WorkflowEnginePort) {}

  // Launched after every module is ready, so recovered workflows find their dependencies.
  async onApplicationBootstrap(): Promise<void> {
    if (this.engine instanceof DbosWorkflowEngine) await this.engine.launch();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.engine instanceof DbosWorkflowEngine) await this.engine.shutdown();
  }
}
