// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface Parcel {
  'length'?: (number | string);
  'width'?: (number | string);
  'height'?: (number | string);
  'distanceUnit'?: (string);
  'weight'?: (number | string);
  'massUnit'?: (string);
}

export interface Parcel__Output {
  'length': (number);
  'width': (number);
  'height': (number);
  'distanceUnit': (string);
  'weight': (number);
  'massUnit': (string);
}
