import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { unknownAdapter } from '../../platform/config/adapter-config';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { DATABASE_ENDPOINTS, type DatabaseEndpoints } from '../../platform/database';
import { EVENT_LOG, TASK_QUEUE, type EventLogPort, type TaskQueuePort } from '../../platform/messaging';
import { CARRIER, CarriersModule, measuredCarrier, type CarrierPort } from '../carriers';
import { SHIPMENT_RECORDS, SHIPMENT_WORKFLOWS, ShipmentRecordsModule, type ShipmentRecordsPort } from '../shipments';
import { createShipmentActivities } from './activities/create-shipment.activities';
import { activityFailureMessage } from './activities/activity-failures';
import { measuredActivities } from './activities/measured-activities';
import { WORKFLOW_ENGINE, type WorkflowEnginePort } from './ports/workflow-engine.port';
import { activeTelemetry } from '../../platform/telemetry/tracing';

const logger = new Logger('Ports');

/**
 * Temporal when TEMPORAL_ADDRESS is set; otherwise DBOS Transact on the platform database. Only
 * the chosen adapter's SDK is loaded (Temporal's client and worker alone take about 50 MB).
 */
type TemporalChoice = Extract<AppConfig['adapters']['workflowEngine'], { kind: 'temporal' }>;

/** The Temporal engine's options from its configuration (both the worker's and the client's). */
function temporalOptions(config: AppConfig, choice: TemporalChoice) {
  return {
    address: choice.address,
    namespace: choice.namespace,
    taskQueue: choice.taskQueue,
    isolateTimeoutMs: choice.isolateTimeoutMs,
    metricsBindAddress: choice.metricsPort === null ? undefined : `${config.host}:${choice.metricsPort}`,
    logger: new Logger('Temporal'),
  };
}

export async function createWorkflowEngine(
  config: AppConfig,
  endpoints: DatabaseEndpoints,
  carrier: CarrierPort,
  shipments: ShipmentRecordsPort,
  eventLog: EventLogPort,
  taskQueue: TaskQueuePort,
): Promise<WorkflowEnginePort> {
  const activities = measuredActivities(createShipmentActivities({ carrier: measuredCarrier(carrier), shipments, eventLog, taskQueue }));
  const choice = config.adapters.workflowEngine;
  let engine: WorkflowEnginePort;
  switch (choice.kind) {
    case 'temporal': {
      const { TemporalWorkflowEngine, prebuiltWorkflowBundlePath } = await import('./adapters/temporal/temporal-workflow-engine.js');
      engine = new TemporalWorkflowEngine(
        { ...temporalOptions(config, choice), workflowBundlePath: prebuiltWorkflowBundlePath() },
        activities,
      );
      break;
    }
    case 'dbos': {
      const { DbosWorkflowEngine } = await import('./adapters/dbos/dbos-workflow-engine.js');
      engine = new DbosWorkflowEngine(
        {
          systemDatabaseUrl: endpoints.engineUrl,
          useListenNotify: endpoints.supportsListenNotify,
          tracing: activeTelemetry()?.recordsSpans ?? false,
          onActivityFailure: (failure) => logger.warn(activityFailureMessage(failure)),
        },
        activities,
      );
      break;
    }
    default:
      return unknownAdapter(choice);
  }
  logger.log(`workflow engine: ${engine.adapterName}`);
  return engine;
}

/**
 * A client of the workflow engine whose worker runs in another process (the
 * `workflow-orchestrator` one): it starts and describes runs and runs none, so the API that
 * starts workflows scales apart from the worker (ADR 0042). Temporal only: DBOS runs a workflow in
 * the process that starts it, and config refuses that split without TEMPORAL_ADDRESS.
 */
export async function createWorkflowClient(config: AppConfig): Promise<WorkflowEnginePort> {
  const choice = config.adapters.workflowEngine;
  if (choice.kind !== 'temporal') throw new Error('a workflow client without the worker in its process needs Temporal (TEMPORAL_ADDRESS)');
  const { TemporalWorkflowEngine } = await import('./adapters/temporal/temporal-workflow-engine.js');
  const engine = new TemporalWorkflowEngine({ ...temporalOptions(config, choice), runWorker: false }, null);
  logger.log(`workflow engine: ${engine.adapterName}, client only (the worker runs in the workflow-orchestrator process)`);
  return engine;
}

/** Launches the engine once every module is ready, and stops it with the module. */
abstract class EngineLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(WORKFLOW_ENGINE) private readonly engine: WorkflowEnginePort) {}

  // Launched after every module is ready, so recovered workflows find their dependencies.
  async onApplicationBootstrap(): Promise<void> {
    await this.engine.launch();
    // A worker that dies leaves shipments unprocessed: stop the process so it is restarted.
    this.engine.whenStopped?.catch(() => {
      logger.error(`workflow engine (${this.engine.adapterName}) stopped unexpectedly; exiting`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.engine.stop();
  }
}

/**
 * The workflow engine with its worker: runs CreateShipmentWorkflow and its activities, which buy
 * the label (carriers, in-process) and record it through the shipments module's
 * `SHIPMENT_RECORDS` port (ShipmentRecordsModule). It also starts and describes runs
 * (`SHIPMENT_WORKFLOWS`) for a shipments module in the same process.
 */
@Module({
  imports: [CarriersModule, ShipmentRecordsModule],
  providers: [
    {
      provide: WORKFLOW_ENGINE,
      inject: [APP_CONFIG, DATABASE_ENDPOINTS, CARRIER, SHIPMENT_RECORDS, EVENT_LOG, TASK_QUEUE],
      useFactory: createWorkflowEngine,
    },
    { provide: SHIPMENT_WORKFLOWS, useExisting: WORKFLOW_ENGINE },
  ],
  exports: [WORKFLOW_ENGINE, SHIPMENT_WORKFLOWS],
})
export class WorkflowOrchestratorModule extends EngineLifecycle {}

/** `SHIPMENT_WORKFLOWS` for a shipments module whose workflows run in another process (createWorkflowClient). */
@Module({
  providers: [
    { provide: WORKFLOW_ENGINE, inject: [APP_CONFIG], useFactory: createWorkflowClient },
    { provide: SHIPMENT_WORKFLOWS, useExisting: WORKFLOW_ENGINE },
  ],
  exports: [SHIPMENT_WORKFLOWS],
})
export class WorkflowClientModule extends EngineLifecycle {}
