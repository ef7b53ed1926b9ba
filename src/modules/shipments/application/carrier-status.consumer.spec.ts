import type { EntityManager } from 'typeorm';
import type { CarrierStatusUpdate } from '../../carriers';
import type { TenantTransactions } from '../../tenancy';
import type { DeadLetterRecorder, EventLogPort, EventMessage } from '../../../platform/messaging';
import type { ShipmentStatus } from '../domain/shipment-status';
import { planCarrierUpdates } from './carrier-status-batch';
import { CarrierStatusConsumer } from './carrier-status.consumer';

const TENANT_A = '11111111-1111-4111-8111-111111111111';
const TENANT_B = '22222222-2222-4222-8222-222222222222';

const update = (tenantId: string, trackingNumber: string, eventId: string, status: CarrierStatusUpdate['status'] = 'TRANSIT'): CarrierStatusUpdate => ({
  tenantId,
  carrier: 'usps',
  trackingNumber,
  status,
  occurredAt: '2026-11-24T06:00:00.000Z',
  eventId,
});
const message = (u: CarrierStatusUpdate): EventMessage<unknown> => ({ key: u.trackingNumber, payload: u, headers: {} });

describe('planCarrierUpdates', () => {
  const shipments = new Map([
    ['TN1', { id: 's1', status: 'LABEL_CREATED' as ShipmentStatus }],
    ['TN2', { id: 's2', status: 'IN_TRANSIT' as ShipmentStatus }],
  ]);

  it('decides in delivery order, each update from the status the earlier ones left', () => {
    const plan = planCarrierUpdates(
      [update(TENANT_A, 'TN1', 'e1', 'PRE_TRANSIT'), update(TENANT_A, 'TN1', 'e2', 'DELIVERED'), update(TENANT_A, 'TN1', 'e3', 'TRANSIT')],
      shipments,
      new Set(),
    );
    expect(plan.outcomes).toEqual(['applied', 'applied', 'recorded']);
    expect(plan.events.map((e) => [e.eventId, e.status, e.applied])).toEqual([
      ['e1', 'PRE_TRANSIT', true],
      ['e2', 'DELIVERED', true],
      ['e3', 'IN_TRANSIT', false],
    ]);
    expect([...plan.statuses]).toEqual([['s1', 'DELIVERED']]);
  });

  it('records an event id once: already recorded, or twice in the batch', () => {
    const plan = planCarrierUpdates(
      [update(TENANT_A, 'TN1', 'old', 'DELIVERED'), update(TENANT_A, 'TN2', 'e1', 'DELIVERED'), update(TENANT_A, 'TN2', 'e1', 'DELIVERED')],
      shipments,
      new Set(['old']),
    );
    expect(plan.outcomes).toEqual(['duplicate', 'applied', 'duplicate']);
    expect(plan.events.map((e) => e.eventId)).toEqual(['e1']);
    expect([...plan.statuses]).toEqual([['s2', 'DELIVERED']]);
  });

  it('reports an unknown tracking number and records nothing for it', () => {
    const plan = planCarrierUpdates([update(TENANT_A, 'NOPE', 'e1')], shipments, new Set());
    expect(plan).toEqual({ outcomes: ['unknown_tracking_number'], events: [], statuses: new Map() });
  });
});

/**
 * A tenant transaction over in-memory tables that answers the consumer's four statements, with
 * row-level security (a transaction sees its tenant's rows only).
 */
function fakes() {
  const shipments = [
    { id: 'a1', tenantId: TENANT_A, trackingNumber: 'TN-A1', status: 'LABEL_CREATED' as ShipmentStatus },
    { id: 'a2', tenantId: TENANT_A, trackingNumber: 'TN-A2', status: 'LABEL_CREATED' as ShipmentStatus },
    { id: 'b1', tenantId: TENANT_B, trackingNumber: 'TN-B1', status: 'LABEL_CREATED' as ShipmentStatus },
  ];
  const events: { tenantId: string; eventId: string; shipmentId: string }[] = [];
  const transactions: { tenantId: string; statements: number }[] = [];
  const byTracking = (tn: string) => shipments.find((s) => s.trackingNumber === tn);
  const tx = {
    runFor: async <T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> => {
      const current = { tenantId, statements: 0 };
      transactions.push(current);
      const query = (sql: string, params: unknown[]): Promise<unknown[]> => {
        current.statements += 1;
        if (sql.includes('FROM shipments')) {
          const wanted = params[0] as string[];
          return Promise.resolve(
            shipments.filter((s) => s.tenantId === tenantId && wanted.includes(s.trackingNumber)).map((s) => ({ id: s.id, status: s.status, tracking_number: s.trackingNumber })),
          );
        }
        if (sql.includes('FROM tracking_events')) {
          const wanted = params[0] as string[];
          return Promise.resolve(events.filter((e) => e.tenantId === tenantId && wanted.includes(e.eventId)).map((e) => ({ event_id: e.eventId })));
        }
        if (sql.includes('INSERT INTO tracking_events')) {
          const [tenant, ids, eventIds] = params as [string, string[], string[]];
          for (const [i, eventId] of eventIds.entries()) {
            if (!events.some((e) => e.tenantId === tenant && e.eventId === eventId)) events.push({ tenantId: tenant, eventId, shipmentId: ids[i]! });
          }
          return Promise.resolve([]);
        }
        if (sql.includes('UPDATE shipments')) {
          const [ids, statuses] = params as [string[], ShipmentStatus[]];
          for (const [i, id] of ids.entries()) {
            const s = shipments.find((x) => x.id === id && x.tenantId === tenantId);
            if (s) s.status = statuses[i]!;
          }
          return Promise.resolve([]);
        }
        throw new Error(`unexpected SQL ${sql}`);
      };
      return work({ query } as unknown as EntityManager);
    },
  } as unknown as TenantTransactions;
  const deadLettered: string[] = [];
  const deadLetters = {
    record: (_topic: string, _message: unknown, reason: string) => {
      deadLettered.push(reason);
      return Promise.resolve();
    },
  } as unknown as DeadLetterRecorder;
  // No real pauses: the retries of unknown tracking numbers happen at once, twice.
  const consumer = new CarrierStatusConsumer({} as EventLogPort, tx, deadLetters, [0, 0]);
  return { consumer, shipments, byTracking, events, transactions, deadLettered };
}

describe('CarrierStatusConsumer (batched)', () => {
  it("applies each tenant's updates of a batch in one transaction of at most four statements", async () => {
    const { consumer, byTracking, transactions } = fakes();
    await consumer.handleBatch([
      message(update(TENANT_A, 'TN-A1', 'e1', 'PRE_TRANSIT')),
      message(update(TENANT_B, 'TN-B1', 'e2')),
      message(update(TENANT_A, 'TN-A1', 'e3')),
      message(update(TENANT_A, 'TN-A2', 'e4', 'DELIVERED')),
    ]);
    expect(transactions).toEqual([
      { tenantId: TENANT_A, statements: 4 },
      { tenantId: TENANT_B, statements: 4 },
    ]);
    expect(byTracking('TN-A1')!.status).toBe('IN_TRANSIT');
    expect(byTracking('TN-A2')!.status).toBe('DELIVERED');
    expect(byTracking('TN-B1')!.status).toBe('IN_TRANSIT');
  });

  it('is idempotent: a redelivered batch records nothing twice and moves nothing back', async () => {
    const { consumer, byTracking, events } = fakes();
    const batch = [message(update(TENANT_A, 'TN-A1', 'e1', 'DELIVERED')), message(update(TENANT_A, 'TN-A1', 'e2', 'PRE_TRANSIT'))];
    await consumer.handleBatch(batch);
    await consumer.handleBatch(batch);
    expect(events.map((e) => e.eventId)).toEqual(['e1', 'e2']);
    expect(byTracking('TN-A1')!.status).toBe('DELIVERED');
  });

  it('dead-letters malformed updates and unknown tracking numbers, and applies the rest', async () => {
    const { consumer, byTracking, deadLettered } = fakes();
    await consumer.handleBatch([
      { key: 'x', payload: { tenantId: 'nope' }, headers: {} },
      message(update(TENANT_A, 'TN-UNKNOWN', 'e1')),
      // Another tenant's tracking number is unknown in this tenant (row-level security).
      message(update(TENANT_A, 'TN-B1', 'e2')),
      message(update(TENANT_A, 'TN-A1', 'e3')),
    ]);
    expect(deadLettered).toEqual(['malformed: tenantId is not a UUID', 'unknown tracking number TN-UNKNOWN', 'unknown tracking number TN-B1']);
    expect(byTracking('TN-A1')!.status).toBe('IN_TRANSIT');
    expect(byTracking('TN-B1')!.status).toBe('LABEL_CREATED');
  });

  it('looks an unknown tracking number up again before dead-lettering it: a label recorded meanwhile gets its update', async () => {
    const { consumer, shipments, byTracking, deadLettered, transactions } = fakes();
    let lookups = 0;
    const original = transactions.push.bind(transactions);
    // The label is recorded while the consumer pauses, after its first lookup.
    transactions.push = (...entries) => {
      lookups += 1;
      if (lookups === 2) shipments.push({ id: 'a3', tenantId: TENANT_A, trackingNumber: 'TN-LATE', status: 'LABEL_CREATED' });
      return original(...entries);
    };
    await consumer.handleBatch([message(update(TENANT_A, 'TN-LATE', 'e1', 'PRE_TRANSIT')), message(update(TENANT_A, 'TN-A1', 'e2'))]);
    expect(deadLettered).toEqual([]);
    expect(byTracking('TN-LATE')!.status).toBe('PRE_TRANSIT');
    expect(byTracking('TN-A1')!.status).toBe('IN_TRANSIT');
    // One transaction for the batch, one retry for the unknown number only, then nothing more.
    expect(lookups).toBe(2);
  });
});
