export { WorkflowClientModule, WorkflowOrchestratorModule } from './workflow-orchestrator.module';
export { WORKFLOW_ENGINE, type WorkflowEnginePort } from './ports/workflow-engine.port';
export * from './contracts/create-shipment.contracts';
