import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DISTANCE_UNITS, MASS_UNITS } from '../../carriers';
import { SHIPMENT_STATUSES } from '../../shipments';

export const ShipmentStatusEnum = Object.fromEntries(SHIPMENT_STATUSES.map((s) => [s, s]));
registerEnumType(ShipmentStatusEnum, { name: 'ShipmentStatus', description: 'Where a shipment is in its life.' });

@InputType({ description: `Shippo's Address, in camelCase. Units and codes as Shippo spells them.` })
export class AddressInput {
  @Field() name: string;
  @Field({ nullable: true }) company?: string;
  @Field() street1: string;
  @Field({ nullable: true }) street2?: string;
  @Field() city: string;
  @Field({ nullable: true }) state?: string;
  @Field() zip: string;
  @Field({ description: 'ISO 3166-1 alpha-2 country code, e.g. US' }) country: string;
  @Field({ nullable: true }) phone?: string;
  @Field({ nullable: true }) email?: string;
}

@InputType({ description: `Shippo's Parcel, in camelCase. distanceUnit: ${DISTANCE_UNITS.join(', ')}; massUnit: ${MASS_UNITS.join(', ')}.` })
export class ParcelInput {
  @Field(() => Float) length: number;
  @Field(() => Float) width: number;
  @Field(() => Float) height: number;
  @Field() distanceUnit: string;
  @Field(() => Float) weight: number;
  @Field() massUnit: string;
}

@InputType()
export class CreateShipmentInput {
  @Field({ description: 'Repeating a request with the same key returns the same shipment.' }) idempotencyKey: string;
  @Field(() => AddressInput) fromAddress: AddressInput;
  @Field(() => AddressInput) toAddress: AddressInput;
  @Field(() => ParcelInput) parcel: ParcelInput;
  @Field() customerEmail: string;
}

@ObjectType()
export class TrackingEvent {
  @Field(() => ShipmentStatusEnum) status: string;
  @Field() occurredAt: string;
  @Field(() => String, { nullable: true }) location: string | null;
  @Field(() => String, { nullable: true }) description: string | null;
}

@ObjectType()
export class Notification {
  @Field() template: string;
  @Field() to: string;
  @Field() sentAt: string;
}

@ObjectType({ description: "The carrier's refund of a voided label (Shippo's Refund)." })
export class LabelRefund {
  @Field({ description: "The carrier's id of the refund." }) refundId: string;
  @Field({ description: "The voided label: the carrier's id of its purchase." }) labelId: string;
  @Field({ description: 'QUEUED or PENDING while the carrier confirms it, then SUCCESS.' }) status: string;
}

@ObjectType()
export class Shipment {
  @Field(() => ID) id: string;
  @Field(() => ShipmentStatusEnum) status: string;
  @Field(() => String, { nullable: true }) carrier: string | null;
  @Field(() => String, { nullable: true }) trackingNumber: string | null;
  @Field(() => String, { nullable: true }) labelUrl: string | null;
  @Field() workflowId: string;
  @Field(() => String, { nullable: true, description: 'Why the shipment FAILED, when it did.' }) failureReason: string | null;
  @Field(() => LabelRefund, {
    nullable: true,
    description: 'The refund of its voided label: after cancelShipment (CANCELLED), or after a step failed for good once the label was bought (FAILED).',
  })
  labelRefund: LabelRefund | null;
  @Field() createdAt: string;
  @Field() updatedAt: string;
}

@ObjectType()
export class ShipmentEdge {
  @Field() cursor: string;
  @Field(() => Shipment) node: Shipment;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

@ObjectType()
export class ShipmentConnection {
  @Field(() => [ShipmentEdge]) edges: ShipmentEdge[];
  @Field(() => PageInfo) pageInfo: PageInfo;
}

@ObjectType()
export class TenantCredentials {
  @Field(() => ID) tenantId: string;
  @Field() clientId: string;
  @Field() clientSecret: string;
  @Field() webhookToken: string;
}

export { Int };
