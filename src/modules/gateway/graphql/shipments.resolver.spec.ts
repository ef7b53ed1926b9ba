import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP, NOTIFICATIONS_API, type NotificationsApi, type NotificationView } from '../../communications';
import { AUTHORIZATION_API, AuthorizationService, createPolicyEngine } from '../../authorization';
import { MAX_SHIPMENTS_PAGE_SIZE, SHIPMENTS_API, type ShipmentsApi, type ShipmentView, type TrackingEventView } from '../../shipments';
import { DomainError } from '../../../platform/errors/domain-error';
import { formatGraphqlError } from '../../../platform/errors/graphql-errors';
import { AuthorizationGuard } from './authorization.guard';
import { ShipmentsResolver } from './shipments.resolver';

const view: ShipmentView = {
  id: '0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  tenantId: '11111111-1111-4111-8111-111111111111',
  status: 'IN_TRANSIT',
  carrier: 'USPS',
  trackingNumber: '9205590164917312751089',
  labelUrl: null,
  workflowId: 'shipment-0b6d1f8e-8f1c-4a55-9d0e-3f0a4f1c2d3e',
  failureReason: null,
  labelRefund: null,
  customerEmail: 'hippo@example.com',
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:05:00.000Z',
};
const events: TrackingEventView[] = [{ status: 'IN_TRANSIT', occurredAt: '2026-11-24T10:04:00.000Z', location: null, description: null }];
const welcome: NotificationView[] = [{ template: 'welcome', to: 'hippo@example.com', sentAt: '2026-11-24T10:01:00.000Z' }];

/** The n-th shipment of a page: a UUID of its own, and a status of its own for every fifth (PENDING). */
const nth = (n: number): ShipmentView => {
  const id = `0b6d1f8e-8f1c-4a55-9d0e-${n.toString(16).padStart(12, '0')}`;
  return { ...view, id, workflowId: `shipment-${id}`, status: n % 5 === 0 ? 'PENDING' : 'IN_TRANSIT' };
};
const eventsOf = (id: string): TrackingEventView[] => [{ ...events[0]!, description: `event of ${id}` }];
const notificationsOf = (id: string): NotificationView[] => [{ ...welcome[0]!, to: `${id}@example.com` }];

type Mocked<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? jest.Mock<R, A> : T[K] };

function fakes() {
  const api: Mocked<ShipmentsApi> = {
    create: jest.fn().mockRejectedValue(new Error('not expected')),
    get: jest.fn().mockRejectedValue(new Error('not expected')),
    list: jest.fn().mockRejectedValue(new Error('not expected')),
    cancel: jest.fn().mockRejectedValue(new Error('not expected')),
    // Answers events for every id it is asked about, as the shipments module would for its own tenant.
    trackingEventsOf: jest.fn(async (ids: readonly string[]) => new Map(ids.map((id) => [id, eventsOf(id)]))),
  };
  const listForShipments = jest.fn(async (ids: readonly string[]) => new Map(ids.map((id) => [id, notificationsOf(id)])));
  const notifications: NotificationsApi = { notificationsOf: listForShipments };
  return { api, notifications, listForShipments };
}

describe('ShipmentsResolver.trackingEvents', () => {
  it('answers the events the view already carries without asking the shipments module again', async () => {
    const { api, notifications } = fakes();
    await expect(Promise.resolve(new ShipmentsResolver(api, notifications).trackingEvents({ ...view, trackingEvents: events }, {}))).resolves.toEqual(events);
    expect(api.trackingEventsOf).not.toHaveBeenCalled();
  });

  it('asks the shipments module when the view came without them (a list, or the module in process)', async () => {
    const { api, notifications } = fakes();
    await expect(Promise.resolve(new ShipmentsResolver(api, notifications).trackingEvents(view, {}))).resolves.toEqual(eventsOf(view.id));
    expect(api.trackingEventsOf).toHaveBeenCalledWith([view.id]);
  });

  it('answers none for a shipment the batched answer leaves out (no events, or not visible)', async () => {
    const { api, notifications } = fakes();
    api.trackingEventsOf.mockResolvedValue(new Map());
    await expect(Promise.resolve(new ShipmentsResolver(api, notifications).trackingEvents(view, {}))).resolves.toEqual([]);
  });

  it('answers none for a PENDING shipment without asking', async () => {
    const { api, notifications, listForShipments } = fakes();
    const resolver = new ShipmentsResolver(api, notifications);
    await expect(Promise.resolve(resolver.trackingEvents({ ...view, status: 'PENDING' }, {}))).resolves.toEqual([]);
    await expect(Promise.resolve(resolver.notifications({ ...view, status: 'PENDING' }, {}))).resolves.toEqual([]);
    expect(api.trackingEventsOf).not.toHaveBeenCalled();
    expect(listForShipments).not.toHaveBeenCalled();
  });
});

describe('ShipmentsResolver fields of a page', () => {
  it('looks up the events and the notifications of a whole page with one call each', async () => {
    const { api, notifications, listForShipments } = fakes();
    const resolver = new ShipmentsResolver(api, notifications);
    const page = Array.from({ length: 50 }, (_, i) => nth(i + 1));
    const context = {};
    const answers = await Promise.all(page.flatMap((s) => [resolver.trackingEvents(s, context), resolver.notifications(s, context)]));

    const looked = page.filter((s) => s.status !== 'PENDING').map((s) => s.id);
    expect(looked).toHaveLength(40);
    expect(api.trackingEventsOf).toHaveBeenCalledTimes(1);
    expect(api.trackingEventsOf).toHaveBeenCalledWith(looked);
    expect(listForShipments).toHaveBeenCalledTimes(1);
    expect(listForShipments).toHaveBeenCalledWith(looked);
    page.forEach((s, i) => {
      expect(answers[2 * i]).toEqual(s.status === 'PENDING' ? [] : eventsOf(s.id));
      expect(answers[2 * i + 1]).toEqual(s.status === 'PENDING' ? [] : notificationsOf(s.id));
    });
  });

  it('never batches two requests together: each request context has its own loaders', async () => {
    const { api, notifications } = fakes();
    const resolver = new ShipmentsResolver(api, notifications);
    await Promise.all([resolver.trackingEvents(nth(1), {}), resolver.trackingEvents(nth(2), {})]);
    expect(api.trackingEventsOf.mock.calls).toEqual([[[nth(1).id]], [[nth(2).id]]]);
  });

  it('gives every field of the page the same domain error when the batched call fails', async () => {
    const { api, notifications } = fakes();
    const failure = new DomainError('UNAVAILABLE', 'ShipmentService/BatchGetTrackingEvents is unavailable: no answer');
    api.trackingEventsOf.mockRejectedValue(failure);
    const resolver = new ShipmentsResolver(api, notifications);
    const context = {};
    const results = await Promise.allSettled([1, 2, 3].map((n) => resolver.trackingEvents(nth(n), context)));
    expect(results.map((r) => (r as PromiseRejectedResult).reason)).toEqual([failure, failure, failure]);
    expect(api.trackingEventsOf).toHaveBeenCalledTimes(1);
  });

  it('fits a full page into one notifications look-up', () => {
    // The shipments module's look-up is a page by definition; the communications module sets its own limit.
    expect(MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP).toBeGreaterThanOrEqual(MAX_SHIPMENTS_PAGE_SIZE);
  });
});

/**
 * The resolver as GraphQL runs it (Nest, Apollo, graphql-js, the real authorization guard): the
 * field resolutions of a listed page come in the same tick, so they reach the modules as one call each.
 */
describe('ShipmentsResolver executed by GraphQL', () => {
  const tenantId = view.tenantId;
  const req = { principal: { clientId: 'client-a', tenantId, scopes: ['shipments:read'] } };
  let app: INestApplication;
  let deps: ReturnType<typeof fakes>;

  beforeAll(async () => {
    deps = fakes();
    @Module({
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          autoSchemaFile: true,
          graphiql: false,
          formatError: formatGraphqlError,
          context: ({ req }: { req: unknown }) => ({ req }),
        }),
      ],
      providers: [
        ShipmentsResolver,
        { provide: SHIPMENTS_API, useValue: deps.api },
        { provide: NOTIFICATIONS_API, useValue: deps.notifications },
        { provide: AUTHORIZATION_API, useValue: new AuthorizationService(createPolicyEngine({ kind: 'casl' })) },
        AuthorizationGuard,
      ],
    })
    class ResolverTestModule {}
    app = await NestFactory.create(ResolverTestModule, { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    jest.clearAllMocks();
  });

  const execute = async (query: string) => {
    const driver = app.get(GraphQLModule).graphQlAdapter as ApolloDriver;
    // A fresh context per operation, as the HTTP integration makes one per request.
    const response = await driver.instance.executeOperation({ query }, { contextValue: { req } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] };
  };

  const PAGE_QUERY = `{ shipments(first: 50) { edges { node { id trackingEvents { status description } notifications { template to } } } } }`;

  it("gives each edge the cursor the shipments module gave its item (the format is that module's)", async () => {
    deps.api.list.mockResolvedValue({ items: [nth(1), nth(2)], cursors: ['first-cursor', 'second-cursor'], hasNextPage: true, endCursor: 'second-cursor' });
    const result = await execute(`{ shipments(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.shipments).toEqual({
      edges: [
        { cursor: 'first-cursor', node: { id: nth(1).id } },
        { cursor: 'second-cursor', node: { id: nth(2).id } },
      ],
      pageInfo: { hasNextPage: true, endCursor: 'second-cursor' },
    });
  });

  it('answers a page of 50 shipments with one events look-up and one notifications look-up', async () => {
    const page = Array.from({ length: 50 }, (_, i) => nth(i + 1));
    deps.api.list.mockResolvedValue({ items: page, cursors: page.map((v) => `cursor-${v.id}`), hasNextPage: false, endCursor: null });
    const result = await execute(PAGE_QUERY);
    expect(result.errors).toBeUndefined();

    const looked = page.filter((s) => s.status !== 'PENDING').map((s) => s.id);
    expect(deps.api.trackingEventsOf).toHaveBeenCalledTimes(1);
    expect(deps.api.trackingEventsOf).toHaveBeenCalledWith(looked);
    expect(deps.listForShipments).toHaveBeenCalledTimes(1);
    expect(deps.listForShipments).toHaveBeenCalledWith(looked);

    const nodes = (result.data!.shipments as { edges: { node: { id: string; trackingEvents: unknown[]; notifications: unknown[] } }[] }).edges.map((e) => e.node);
    expect(nodes.map((n) => n.id)).toEqual(page.map((s) => s.id));
    for (const [i, node] of nodes.entries()) {
      const pending = page[i]!.status === 'PENDING';
      expect(node.trackingEvents).toEqual(pending ? [] : [{ status: 'IN_TRANSIT', description: `event of ${node.id}` }]);
      expect(node.notifications).toEqual(pending ? [] : [{ template: 'welcome', to: `${node.id}@example.com` }]);
    }
  });

  it('makes a separate look-up for each request', async () => {
    deps.api.list.mockResolvedValue({ items: [nth(1), nth(2)], cursors: ['c1', 'c2'], hasNextPage: false, endCursor: null });
    await execute(PAGE_QUERY);
    await execute(PAGE_QUERY);
    expect(deps.api.trackingEventsOf).toHaveBeenCalledTimes(2);
    expect(deps.listForShipments).toHaveBeenCalledTimes(2);
  });

  it('answers the failure of a batched look-up with its domain error and code, never a 500', async () => {
    deps.api.list.mockResolvedValue({ items: [nth(1), nth(2), nth(3)], cursors: ['c1', 'c2', 'c3'], hasNextPage: false, endCursor: null });
    deps.api.trackingEventsOf.mockRejectedValueOnce(new DomainError('UNAVAILABLE', 'ShipmentService/BatchGetTrackingEvents is unavailable: no answer'));
    const result = await execute(`{ shipments(first: 3) { edges { node { id trackingEvents { status } } } } }`);
    // trackingEvents is non-null, so the first failed field nulls the whole answer (as it did
    // with one look-up per shipment); each error GraphQL reports is the domain error.
    expect(result.data).toBeNull();
    expect(result.errors!.length).toBeGreaterThanOrEqual(1);
    for (const error of result.errors!) {
      expect(error).toMatchObject({ message: 'ShipmentService/BatchGetTrackingEvents is unavailable: no answer', extensions: { code: 'UNAVAILABLE' } });
      expect(error.path).toEqual(['shipments', 'edges', expect.any(Number), 'node', 'trackingEvents']);
    }
    expect(deps.api.trackingEventsOf).toHaveBeenCalledTimes(1);
  });
});
