export const CREATE_SHIPMENT = `mutation Create($input: CreateShipmentInput!) {
  createShipment(input: $input) { id status workflowId carrier trackingNumber labelUrl createdAt }
}`;

export const GET_SHIPMENT = `query Get($id: ID!) {
  shipment(id: $id) {
    id status carrier trackingNumber labelUrl workflowId failureReason createdAt updatedAt
    trackingEvents { status occurredAt location description }
    notifications { template to sentAt }
  }
}`;

export function shipmentInput(idempotencyKey: string, overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey,
    fromAddress: { name: 'Shawn Ippotle', street1: '215 Clayton St.', city: 'San Francisco', state: 'CA', zip: '94117', country: 'US' },
    toAddress: { name: 'Mr Hippo', street1: '1092 Indian Summer Ct', city: 'San Jose', state: 'CA', zip: '95122', country: 'US', email: 'hippo@example.com' },
    parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' },
    customerEmail: 'hippo@example.com',
    ...overrides,
  };
}

let counter = 0;
/** Shippo `track_updated` body, as in the spec's WebhookPayloadTrack. */
export function trackUpdated(trackingNumber: string, status: string, statusDate: string, substatus?: string) {
  counter += 1;
  return {
    event: 'track_updated',
    test: true,
    data: {
      carrier: 'usps',
      tracking_number: trackingNumber,
      tracking_status: {
        status,
        substatus: substatus ? { code: substatus, text: substatus, action_required: false } : null,
        status_details: `${status} ${substatus ?? ''}`.trim(),
        status_date: statusDate,
        object_id: `evt-${trackingNumber}-${status}-${substatus ?? ''}-${statusDate}`,
        location: { city: 'San Jose', state: 'CA', zip: '95122', country: 'US' },
      },
      tracking_history: [],
      seq: counter,
    },
  };
}
