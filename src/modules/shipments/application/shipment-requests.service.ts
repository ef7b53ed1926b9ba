import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TenantContext } from '../../tenancy';
import { DomainError } from '../../../platform/errors/domain-error';
import type { CreateShipmentCommand, ShipmentRequest, ShipmentRequestInput, ShipmentView } from '../contracts/shipment.contracts';
import { validateCreateShipment } from '../domain/shipment-request.validation';
import { shipmentIdFor, workflowIdFor } from '../domain/shipment-identity';
import { SHIPMENT_WORKFLOWS, type CreateShipmentRun, type ShipmentWorkflows } from '../ports/shipment-workflows.port';
import { ShipmentsService } from './shipments.service';
import { isUuid } from '../../../platform/identifiers/uuid';
import { platformMetrics, withTenant } from '../../../platform/telemetry/instruments';

/** Canonical JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(command: CreateShipmentCommand): string {
  return createHash('sha256').update(canonical(command)).digest('hex');
}

/**
 * The front door of a shipment: `create` validates and starts the workflow, nothing more, and
 * answers at once; `get` shows a shipment from its row, or from its workflow until that row
 * exists, so a shipment is never missing right after it was created.
 */
@Injectable()
export class ShipmentRequestsService {
  constructor(
    private readonly shipments: ShipmentsService,
    @Inject(SHIPMENT_WORKFLOWS) private readonly workflows: ShipmentWorkflows,
  ) {}

  async create(command: ShipmentRequestInput): Promise<ShipmentView> {
    validateCreateShipment(command);
    const tenantId = TenantContext.require();
    const shipmentId = shipmentIdFor(tenantId, command.idempotencyKey);
    const workflowId = workflowIdFor(shipmentId);
    const hash = requestHash(command);
    const request: ShipmentRequest = {
      shipmentId,
      tenantId,
      idempotencyKey: command.idempotencyKey,
      requestHash: hash,
      fromAddress: command.fromAddress,
      toAddress: command.toAddress,
      parcel: command.parcel,
      customerEmail: command.customerEmail,
      requestedAt: new Date().toISOString(),
    };
    // One round trip for a new request: the start itself says whether this key was used before
    // (the workflow id derives from tenant and key), so there is nothing to read first.
    if (await this.workflows.startCreateShipment(workflowId, request)) {
      platformMetrics().shipmentsCreated.add(1, withTenant(tenantId));
      return pendingView({ workflowId, status: 'RUNNING', input: request });
    }
    // A run with this id exists: an earlier request with this key, or a concurrent one that won
    // the start. The same request answers that shipment; another request under the key is refused.
    const existing = await this.findRun(tenantId, workflowId);
    if (!existing || existing.input.requestHash !== hash) {
      throw new DomainError('BAD_USER_INPUT', 'idempotencyKey was already used for a different shipment request', {
        idempotencyKey: command.idempotencyKey,
      });
    }
    return (await this.shipments.get(shipmentId)) ?? pendingView(existing);
  }

  async get(id: string): Promise<ShipmentView | null> {
    if (!isUuid(id)) return null;
    const row = await this.shipments.get(id);
    if (row) return row;
    const run = await this.findRun(TenantContext.require(), workflowIdFor(id));
    return run ? pendingView(run) : null;
  }

  /** The run for this tenant only: another tenant's workflow id yields nothing. */
  private async findRun(tenantId: string, workflowId: string): Promise<CreateShipmentRun | null> {
    const run = await this.workflows.describeCreateShipment(workflowId);
    return run && run.input.tenantId === tenantId ? run : null;
  }
}


function pendingView(run: CreateShipmentRun): ShipmentView {
  const input = run.input;
  const failed = run.result?.status === 'FAILED' ? run.result : null;
  return {
    id: input.shipmentId,
    tenantId: input.tenantId,
    status: failed ? 'FAILED' : 'PENDING',
    carrier: null,
    trackingNumber: null,
    labelUrl: null,
    workflowId: run.workflowId,
    failureReason: failed?.reason ?? null,
    labelRefund: failed?.labelRefund ?? null,
    customerEmail: input.customerEmail,
    createdAt: input.requestedAt,
    updatedAt: input.requestedAt,
  };
}
