import { DomainError } from '../../../platform/errors/domain-error';
import type { CreateShipmentCommand } from '../contracts/shipment.contracts';
import { validateCreateShipment } from './shipment-request.validation';

const valid = (): CreateShipmentCommand => ({
  idempotencyKey: 'order-1001',
  fromAddress: { name: 'Shawn Ippotle', street1: '215 Clayton St.', city: 'San Francisco', state: 'CA', zip: '94117', country: 'US' },
  toAddress: { name: 'Mr Hippo', street1: '1092 Indian Summer Ct', city: 'San Jose', state: 'CA', zip: '95122', country: 'US' },
  parcel: { length: 10, width: 15, height: 10, distanceUnit: 'in', weight: 1, massUnit: 'lb' },
  customerEmail: 'hippo@example.com',
});

function problemsOf(command: CreateShipmentCommand): string[] {
  try {
    validateCreateShipment(command);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_USER_INPUT');
    return (error as DomainError).details?.problems as string[];
  }
}

describe('validateCreateShipment', () => {
  it('accepts a complete request', () => {
    expect(problemsOf(valid())).toEqual([]);
  });

  it('reports every problem at once, naming the field', () => {
    const command = valid();
    command.toAddress.country = 'USA';
    command.parcel.weight = -1;
    command.parcel.massUnit = 'stone' as never;
    command.customerEmail = 'nope';
    command.idempotencyKey = '';
    expect(problemsOf(command)).toEqual([
      'idempotencyKey must be 1 to 200 letters, digits, or . _ : -',
      'toAddress.country must be an ISO 3166-1 alpha-2 code such as US',
      'parcel.weight must be a positive number',
      'parcel.massUnit must be one of g, kg, lb, oz',
      'customerEmail is not an email address',
    ]);
  });

  it('requires the address fields', () => {
    const command = valid();
    command.fromAddress = { ...command.fromAddress, street1: '  ', city: '' };
    expect(problemsOf(command)).toEqual(['fromAddress.street1 is required', 'fromAddress.city is required']);
  });

  it('refuses text PostgreSQL cannot hold in any text field (NUL, lone surrogates), naming it', () => {
    const command = valid();
    command.fromAddress = { ...command.fromAddress, name: 'Nul\u0000Co', street2: 'x\uD800' };
    command.toAddress = { ...command.toAddress, zip: '\uDC00' };
    command.customerEmail = 'a\u0000@example.com';
    expect(problemsOf(command)).toEqual([
      'fromAddress.name contains a NUL character (U+0000)',
      'fromAddress.street2 contains a lone UTF-16 surrogate (not valid Unicode text)',
      'toAddress.zip contains a lone UTF-16 surrogate (not valid Unicode text)',
      'customerEmail contains a NUL character (U+0000)',
    ]);
  });
});
