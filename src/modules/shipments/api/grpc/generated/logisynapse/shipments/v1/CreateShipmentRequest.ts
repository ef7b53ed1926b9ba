// Original file: src/modules/shipments/api/grpc/shipments.proto

import type { Address as _logisynapse_shipments_v1_Address, Address__Output as _logisynapse_shipments_v1_Address__Output } from '../../../logisynapse/shipments/v1/Address';
import type { Parcel as _logisynapse_shipments_v1_Parcel, Parcel__Output as _logisynapse_shipments_v1_Parcel__Output } from '../../../logisynapse/shipments/v1/Parcel';

export interface CreateShipmentRequest {
  'idempotencyKey'?: (string);
  'fromAddress'?: (_logisynapse_shipments_v1_Address | null);
  'toAddress'?: (_logisynapse_shipments_v1_Address | null);
  'parcel'?: (_logisynapse_shipments_v1_Parcel | null);
  'customerEmail'?: (string);
}

export interface CreateShipmentRequest__Output {
  'idempotencyKey': (string);
  'fromAddress': (_logisynapse_shipments_v1_Address__Output | null);
  'toAddress': (_logisynapse_shipments_v1_Address__Output | null);
  'parcel': (_logisynapse_shipments_v1_Parcel__Output | null);
  'customerEmail': (string);
}
