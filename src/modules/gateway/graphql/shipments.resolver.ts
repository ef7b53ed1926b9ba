import { Inject, UseGuards } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP, NOTIFICATIONS_API, type NotificationsApi, type NotificationView } from '../../communications';
import {
  MAX_SHIPMENT_IDS_PER_LOOKUP,
  MAX_SHIPMENTS_PAGE_SIZE,
  SHIPMENTS_API,
  SHIPMENT_STATUSES,
  type ShipmentsApi,
  type ShipmentStatus,
  type ShipmentView,
  type TrackingEventView,
} from '../../shipments';
import { badInput } from '../../../platform/errors/domain-error';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';
import { BatchLoader } from './batch-loader';
import {
  CreateShipmentInput,
  Notification,
  Shipment,
  ShipmentConnection,
  ShipmentStatusEnum,
  TrackingEvent,
} from './shipment.types';
import type { CreateShipmentCommand } from '../../shipments';

/** The loaders of one GraphQL request: its shipments' fields are looked up together. */
interface FieldLoaders {
  trackingEvents: BatchLoader<string, TrackingEventView[]>;
  notifications: BatchLoader<string, NotificationView[]>;
}

@Resolver(() => Shipment)
@UseGuards(AuthorizationGuard)
export class ShipmentsResolver {
  /**
   * Keyed by the request's GraphQL context object (a new one per request, dropped with it): the
   * resolver is a singleton, and a batch must never mix two callers' shipments or tenants.
   */
  private readonly loaders = new WeakMap<object, FieldLoaders>();

  constructor(
    @Inject(SHIPMENTS_API) private readonly shipmentsApi: ShipmentsApi,
    @Inject(NOTIFICATIONS_API) private readonly notificationsApi: NotificationsApi,
  ) {}

  @Mutation(() => Shipment, { description: 'Accepts a shipment and answers at once (PENDING); the label is bought by a durable workflow.' })
  @RequireAction('shipment:create')
  createShipment(@Args('input') input: CreateShipmentInput): Promise<ShipmentView> {
    return this.shipmentsApi.create(input as unknown as CreateShipmentCommand);
  }

  @Mutation(() => Shipment, {
    description:
      'Voids the label of a shipment the carrier has not scanned yet (LABEL_CREATED, PRE_TRANSIT) and answers it CANCELLED, with the refund; ' +
      'cancelling it again answers the same. BAD_USER_INPUT (extensions.reason) when its state forbids it; NOT_FOUND when the caller cannot see it.',
  })
  @RequireAction('shipment:cancel')
  cancelShipment(@Args('id', { type: () => ID }) id: string): Promise<ShipmentView> {
    return this.shipmentsApi.cancel(id);
  }

  @Query(() => Shipment, { nullable: true, description: 'Null when the shipment does not exist or the caller cannot see it.' })
  @RequireAction('shipment:read')
  shipment(@Args('id', { type: () => ID }) id: string): Promise<ShipmentView | null> {
    return this.shipmentsApi.get(id);
  }

  @Query(() => ShipmentConnection)
  @RequireAction('shipment:list')
  async shipments(
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('status', { type: () => ShipmentStatusEnum, nullable: true }) status?: string,
  ): Promise<ShipmentConnection> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SHIPMENTS_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_SHIPMENTS_PAGE_SIZE}`);
    if (status !== undefined && status !== null && !SHIPMENT_STATUSES.includes(status as ShipmentStatus)) throw badInput('Unknown status');
    const page = await this.shipmentsApi.list({ first, after: after ?? undefined, status: (status as ShipmentStatus | null) ?? undefined });
    return {
      edges: page.items.map((node, i) => ({ cursor: page.cursors[i]!, node })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  /**
   * A PENDING shipment has none yet; a view read with its events (a remote GetShipment) carries
   * them. Otherwise the shipments of a page are looked up together: one call for the page, not
   * one per shipment (ADR 0018).
   */
  @ResolveField(() => [TrackingEvent])
  trackingEvents(@Parent() shipment: ShipmentView, @Context() context: object): TrackingEventView[] | Promise<TrackingEventView[]> {
    if (shipment.status === 'PENDING') return [];
    return shipment.trackingEvents ?? this.loadersOf(context).trackingEvents.load(shipment.id);
  }

  @ResolveField(() => [Notification])
  notifications(@Parent() shipment: ShipmentView, @Context() context: object): NotificationView[] | Promise<NotificationView[]> {
    return shipment.status === 'PENDING' ? [] : this.loadersOf(context).notifications.load(shipment.id);
  }

  private loadersOf(context: object): FieldLoaders {
    let loaders = this.loaders.get(context);
    if (!loaders) {
      loaders = {
        trackingEvents: new BatchLoader({
          batch: (ids) => this.shipmentsApi.trackingEventsOf(ids),
          missing: () => [],
          maxBatchSize: MAX_SHIPMENT_IDS_PER_LOOKUP,
        }),
        notifications: new BatchLoader({
          batch: (ids) => this.notificationsApi.notificationsOf(ids),
          missing: () => [],
          maxBatchSize: MAX_SHIPMENTS_PER_NOTIFICATIONS_LOOKUP,
        }),
      };
      this.loaders.set(context, loaders);
    }
    return loaders;
  }
}
