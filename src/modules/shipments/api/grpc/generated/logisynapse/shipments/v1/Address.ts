// Original file: src/modules/shipments/api/grpc/shipments.proto


export interface Address {
  'name'?: (string);
  'company'?: (string);
  'street1'?: (string);
  'street2'?: (string);
  'city'?: (string);
  'state'?: (string);
  'zip'?: (string);
  'country'?: (string);
  'phone'?: (string);
  'email'?: (string);
}

export interface Address__Output {
  'name': (string);
  'company': (string);
  'street1': (string);
  'street2': (string);
  'city': (string);
  'state': (string);
  'zip': (string);
  'country': (string);
  'phone': (string);
  'email': (string);
}
