import { Metadata, status } from '@grpc/grpc-js';
import type { RpcException } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { TokensService } from '../../../auth';
import { AuthorizationService, createPolicyEngine } from '../../../authorization';
import { TenantContext, type TenantTransactions } from '../../../tenancy';
import { unauthenticated } from '../../../../platform/errors/domain-error';
import type { ShipmentsRepository } from '../../adapters/typeorm/shipments.repository';
import type { ShipmentCancellationsService } from '../../application/shipment-cancellations.service';
import type { ShipmentRequestsService } from '../../application/shipment-requests.service';
import { ShipmentsService } from '../../application/shipments.service';
import type { TrackingEventsByShipment } from '../../contracts/shipment.contracts';
import { ShipmentsGrpcController } from './shipments.grpc-controller';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';
const A = '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e';
const B = '1c7e2f9f-9f2d-4b66-8e1f-4f1b5f2d3e4f';

const principals: Record<string, { clientId: string; tenantId?: string; scopes: string[] }> = {
  reader: { clientId: 'client-a', tenantId: TENANT_A, scopes: ['shipments:read'] },
  writer: { clientId: 'client-w', tenantId: TENANT_A, scopes: ['shipments:write'] },
};
// The real metadata parsing (TokensService.verifyMetadata) over a fake verification.
const tokens: TokensService = Object.assign(Object.create(TokensService.prototype) as TokensService, {
  verify: (token: string) => (principals[token] ? Promise.resolve(principals[token]) : Promise.reject(unauthenticated('bad token'))),
});

const bearer = (token?: string, extra: Record<string, string> = {}) => {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
  return metadata;
};

const codeOf = (promise: Promise<unknown>) => promise.then(() => null, (e: RpcException) => (e.getError() as { code: number }).code);

/**
 * The real ShipmentsService (its bound and id checks) over a transaction and repository that
 * record which tenant the look-up ran in and what it asked for.
 */
function controllerWith(answer: TrackingEventsByShipment) {
  const lookups: { tenant: string; ids: readonly string[] }[] = [];
  const tx = { run: (work: (tx: EntityManager) => Promise<unknown>) => work({} as EntityManager) } as unknown as TenantTransactions;
  const repository = {
    trackingEventsOf: async (_tx: EntityManager, ids: readonly string[]) => {
      lookups.push({ tenant: TenantContext.require(), ids });
      return answer;
    },
  } as unknown as ShipmentsRepository;
  const controller = new ShipmentsGrpcController(
    tokens,
    {} as ShipmentRequestsService,
    new ShipmentsService(tx, repository),
    new AuthorizationService(createPolicyEngine({ kind: 'casl' })),
    {} as ShipmentCancellationsService,
  );
  return { controller, lookups };
}

describe('ShipmentsGrpcController.BatchGetTrackingEvents', () => {
  const answer: TrackingEventsByShipment = new Map([
    [A, [{ status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: null, description: 'Departed' }]],
  ]);

  it("looks the events up once, in the token's tenant, whatever tenant the metadata names", async () => {
    const { controller, lookups } = controllerWith(answer);
    await expect(controller.batchGetTrackingEvents({ shipmentIds: [A, B, A] }, bearer('reader', { 'x-tenant-id': TENANT_B }))).resolves.toEqual({
      shipments: [{ shipmentId: A, trackingEvents: [{ status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: '', description: 'Departed' }] }],
    });
    expect(lookups).toEqual([{ tenant: TENANT_A, ids: [A, B] }]);
  });

  it('answers no shipments for no ids, or ids that are no UUIDs, without a look-up', async () => {
    const { controller, lookups } = controllerWith(answer);
    await expect(controller.batchGetTrackingEvents({ shipmentIds: [] }, bearer('reader'))).resolves.toEqual({ shipments: [] });
    await expect(controller.batchGetTrackingEvents({ shipmentIds: ['not-a-uuid'] }, bearer('reader'))).resolves.toEqual({ shipments: [] });
    expect(lookups).toEqual([]);
  });

  it('is UNAUTHENTICATED without a valid token, PERMISSION_DENIED without the read scope', async () => {
    const { controller, lookups } = controllerWith(answer);
    expect(await codeOf(controller.batchGetTrackingEvents({ shipmentIds: [A] }, bearer()))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(controller.batchGetTrackingEvents({ shipmentIds: [A] }, bearer('forged')))).toBe(status.UNAUTHENTICATED);
    expect(await codeOf(controller.batchGetTrackingEvents({ shipmentIds: [A] }, bearer('writer')))).toBe(status.PERMISSION_DENIED);
    expect(lookups).toEqual([]);
  });

  it('is INVALID_ARGUMENT for more ids than a page holds', async () => {
    const { controller, lookups } = controllerWith(answer);
    const ids = Array.from({ length: 101 }, () => A);
    const error = await controller.batchGetTrackingEvents({ shipmentIds: ids }, bearer('reader')).catch((e: RpcException) => e.getError());
    expect(error).toEqual({ code: status.INVALID_ARGUMENT, message: 'BAD_USER_INPUT: at most 100 shipment ids per look-up, got 101' });
    expect(lookups).toEqual([]);
  });
});

describe('ShipmentsGrpcController request checks (ADR 0030)', () => {
  const messageOf = (promise: Promise<unknown>) => promise.then(() => null, (e: RpcException) => e.getError() as { code: number; message: string });

  it('refuses NUL in any text field, naming it, before the token is even looked at', async () => {
    const { controller, lookups } = controllerWith(new Map());
    expect(await messageOf(controller.batchGetTrackingEvents({ shipmentIds: [A, 'x\u0000'] }, bearer()))).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'BAD_USER_INPUT: shipmentIds[1] contains a NUL character (U+0000)',
      metadata: expect.anything(),
    });
    expect(lookups).toEqual([]);
  });

  it('refuses an id that is no UUID, however long, with a message that does not repeat it', async () => {
    const { controller } = controllerWith(new Map());
    for (const id of ['not-a-shipment', 'x'.repeat(9_000)]) {
      const error = await messageOf(controller.getShipment({ id }, bearer('reader')));
      expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, message: 'BAD_USER_INPUT: id must be a UUID' });
    }
    const error = await messageOf(controller.getShipment({ id: 'x'.repeat(3_000_000) }, bearer('reader')));
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, message: 'BAD_USER_INPUT: id must be at most 10000 characters' });
  });

  it('bounds each field of a status update and quotes at most 64 characters of an unknown status', async () => {
    const { controller } = controllerWith(new Map());
    const update = { trackingNumber: 'T', status: 'TRANSIT', substatus: '', occurredAt: '', location: 'l'.repeat(501), statusDetails: '', eventId: '', carrier: '' };
    expect(await messageOf(controller.updateShipmentStatus(update, bearer('writer')))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: 'BAD_USER_INPUT: location must be at most 500 characters',
    });
    const listed = await messageOf(controller.listShipments({ first: 1, after: '', status: 's'.repeat(5_000) }, bearer('reader')));
    expect(listed).toMatchObject({ code: status.INVALID_ARGUMENT, message: `BAD_USER_INPUT: Unknown status "${'s'.repeat(64)}…"` });
  });
});
