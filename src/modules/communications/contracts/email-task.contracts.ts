/**
 * A `tasks.email.send` task (`QUEUES.emailSend`). Declared here, by its consumer: communications
 * decides what it can send; producers (the workflow's activities) import it as a type only.
 */
export interface EmailTask {
  tenantId: string;
  shipmentId: string;
  template: 'welcome';
  to: string;
  variables: Record<string, string>;
}
