import { Inject, UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { NotificationsService } from '../../communications';
import { encodeCursor, SHIPMENTS_API, SHIPMENT_STATUSES, type ShipmentsApi, type ShipmentStatus, type ShipmentView } from '../../shipments';
import { badInput } from '../../../platform/errors/domain-error';
import { RequireAction } from '../../authorization';
import { AuthorizationGuard } from './authorization.guard';
import {
  CreateShipmentInput,
  MAX_PAGE_SIZE,
  Notification,
  Shipment,
  ShipmentConnection,
  ShipmentStatusEnum,
  TrackingEvent,
} from './shipment.types';
import type { CreateShipmentCommand } from '../../shipments';

@Resolver(() => Shipment)
@UseGuards(AuthorizationGuard)
export class ShipmentsResolver {
  constructor(
    @Inject(SHIPMENTS_API) private readonly shipmentsApi: ShipmentsApi,
    private readonly notificationsService: NotificationsService,
  ) {}

  @Mutation(() => Shipment, { description: 'Accepts a shipment and answers at once (PENDING); the label is bought by a durable workflow.' })
  @RequireAction('shipment:create')
  createShipment(@Args('input') input: CreateShipmentInput): Promise<ShipmentView> {
    return this.shipmentsApi.create(input as unknown as CreateShipmentCommand);
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
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
    if (status !== undefined && status !== null && !SHIPMENT_STATUSES.includes(status as ShipmentStatus)) throw badInput('Unknown status');
    const page = await this.shipmentsApi.list({ first, after: after ?? undefined, status: (status as ShipmentStatus | null) ?? undefined });
    return {
      edges: page.items.map((node) => ({ cursor: encodeCursor(node), node })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @ResolveField(() => [TrackingEvent])
  trackingEvents(@Parent() shipment: ShipmentView) {
    if (shipment.status === 'PENDING') return [];
    return shipment.trackingEvents ?? this.shipmentsApi.trackingEvents(shipment.id);
  }

  @ResolveField(() => [Notification])
  notifications(@Parent() shipment: ShipmentView) {
    return shipment.status === 'PENDING' ? [] : this.notificationsService.listForShipment(shipment.id);
  }
}
