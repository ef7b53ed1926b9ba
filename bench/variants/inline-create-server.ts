// Bench-only: the roadmap's "before" CreateShipment, for B1. Not part of the product.
import { telemetry } from '../../src/platform/telemetry/register';

import 'reflect-metadata';
import { loadPackageDefinition, Server, ServerCredentials, status, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module';
import { loadConfig } from '../../src/platform/config/app-config';
import { EVENT_LOG, TASK_QUEUE, type EventLogPort, type TaskQueuePort } from '../../src/platform/messaging';
import { TokensService } from '../../src/modules/auth';
import { CARRIER, type CarrierPort } from '../../src/modules/carriers';
import { ShipmentsService } from '../../src/modules/shipments';
import { requestHash } from '../../src/modules/shipments/application/shipment-requests.service';
import { shipmentIdFor, workflowIdFor } from '../../src/modules/shipments/domain/shipment-identity';
import { validateCreateShipment } from '../../src/modules/shipments/domain/shipment-request.validation';
import type { CreateShipmentCommand } from '../../src/modules/shipments/contracts/shipment.contracts';
import { TenantContext } from '../../src/modules/tenancy';
import { createShipmentActivities } from '../../src/modules/workflow-orchestrator/activities/create-shipment.activities';
import type { CreateShipmentInput } from '../../src/modules/workflow-orchestrator';
import { PROTO_LOADER_OPTIONS, SHIPMENTS_PROTO } from '../lib/grpc';

type Address = Record<'name' | 'company' | 'street1' | 'street2' | 'city' | 'state' | 'zip' | 'country' | 'phone' | 'email', string>;
interface CreateShipmentRequest {
  idempotencyKey: string;
  fromAddress?: Address;
  toAddress?: Address;
  parcel?: { length: number; width: number; height: number; distanceUnit: string; weight: number; massUnit: string };
  customerEmail: string;
}

const blank = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
const address = (a: Address | undefined) =>
  a && {
    name: a.name, company: blank(a.company), street1: a.street1, street2: blank(a.street2), city: a.city,
    state: blank(a.state), zip: a.zip, country: a.country, phone: blank(a.phone), email: blank(a.email),
  };

/**
 * The product's whole application (HTTP for tokens and health, database, event log, task queue,
 * carrier), but its gRPC CreateShipment does the four workflow steps inline (buy the label, save,
 * publish shipment.created, queue the welcome email) and answers only then: the roadmap's
 * synchronous "before". Same activities code as the workflow, same carrier and latency.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  const tokens = app.get(TokensService, { strict: false });
  const activities = createShipmentActivities({
    carrier: app.get<CarrierPort>(CARRIER, { strict: false }),
    shipments: app.get(ShipmentsService, { strict: false }),
    eventLog: app.get<EventLogPort>(EVENT_LOG, { strict: false }),
    taskQueue: app.get<TaskQueuePort>(TASK_QUEUE, { strict: false }),
  });

  const createShipment = async (request: CreateShipmentRequest, metadata: Metadata) => {
    const header = metadata.get('authorization')[0];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw Object.assign(new Error('authorization metadata must be "Bearer <token>"'), { code: status.UNAUTHENTICATED });
    const principal = await tokens.verify(match[1]);
    if (!principal.scopes.includes('shipments:write') || !principal.tenantId) throw Object.assign(new Error('forbidden'), { code: status.PERMISSION_DENIED });
    const tenantId = principal.tenantId;
    const command = {
      idempotencyKey: request.idempotencyKey,
      fromAddress: address(request.fromAddress),
      toAddress: address(request.toAddress),
      parcel: request.parcel,
      customerEmail: request.customerEmail,
    } as unknown as CreateShipmentCommand;
    validateCreateShipment(command);
    const shipmentId = shipmentIdFor(tenantId, command.idempotencyKey);
    const input: CreateShipmentInput = {
      shipmentId,
      tenantId,
      idempotencyKey: command.idempotencyKey,
      requestHash: requestHash(command),
      fromAddress: command.fromAddress,
      toAddress: command.toAddress,
      parcel: command.parcel,
      customerEmail: command.customerEmail,
      requestedAt: new Date().toISOString(),
    };
    return TenantContext.run(tenantId, async () => {
      const outcome = await activities.callShippoApi(input);
      if (outcome.kind === 'rejected') {
        await activities.markShipmentFailed(input, outcome.reason);
        return { id: shipmentId, status: 'FAILED', workflowId: workflowIdFor(shipmentId), failureReason: outcome.reason };
      }
      const label = outcome.label;
      await activities.saveShipmentToDb(input, label);
      await activities.publishShipmentCreated(input, label);
      await activities.queueWelcomeEmail(input, label);
      const now = new Date().toISOString();
      return {
        id: shipmentId, status: 'LABEL_CREATED', carrier: label.carrier, trackingNumber: label.trackingNumber, labelUrl: label.labelUrl,
        workflowId: workflowIdFor(shipmentId), createdAt: input.requestedAt, updatedAt: now,
      };
    });
  };

  const pkg = loadPackageDefinition(loadSync(SHIPMENTS_PROTO, PROTO_LOADER_OPTIONS)) as unknown as {
    logisynapse: { shipments: { v1: { ShipmentService: { service: Parameters<Server['addService']>[0] } } } };
  };
  const server = new Server();
  const unimplemented = (_call: unknown, callback: sendUnaryData<unknown>) => callback({ code: status.UNIMPLEMENTED, details: 'not in the bench variant' });
  server.addService(pkg.logisynapse.shipments.v1.ShipmentService.service, {
    CreateShipment: (call: ServerUnaryCall<CreateShipmentRequest, unknown>, callback: sendUnaryData<unknown>) => {
      createShipment(call.request, call.metadata).then(
        (response) => callback(null, response),
        (error: unknown) => {
          const code = (error as { code?: number }).code;
          callback({ code: typeof code === 'number' ? code : status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
        },
      );
    },
    GetShipment: unimplemented,
    ListShipments: unimplemented,
    UpdateShipmentStatus: unimplemented,
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`${config.host}:${config.grpcPort}`, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
  );
  await app.listen(config.port, config.host);
  process.once('SIGTERM', () => {
    server.forceShutdown();
  });
  process.once('beforeExit', () => void telemetry?.sdk.shutdown().catch(() => undefined));
}

main().catch((error: unknown) => {
  process.stderr.write(`inline-create-server failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
