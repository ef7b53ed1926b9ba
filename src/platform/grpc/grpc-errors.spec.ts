import { status } from '@grpc/grpc-js';
import { DomainError, type ErrorCode } from '../errors/domain-error';
import { fromRpcError, toRpcException } from './grpc-errors';

/** What a grpc-js client sees for a server's RpcException: its code and its message as details. */
function overTheWire(error: unknown): { code: number; details: string; metadata?: unknown } {
  const payload = toRpcException(error).getError() as { code: number; message: string; metadata?: unknown };
  return { code: payload.code, details: payload.message, metadata: payload.metadata };
}

describe('gRPC errors between modules', () => {
  it.each<ErrorCode>(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'TOO_MANY_REQUESTS', 'FAILED_PRECONDITION'])(
    '%s comes back as the same domain error with the same message',
    (code) => {
      const back = fromRpcError(overTheWire(new DomainError(code, 'the reason')), 'ShipmentService/GetShipment');
      expect(back).toBeInstanceOf(DomainError);
      expect(back).toMatchObject({ code, message: 'the reason' });
    },
  );

  it("keeps a domain error's details (GraphQL's extensions) across the call", () => {
    const refused = new DomainError('FAILED_PRECONDITION', 'The shipment is DELIVERED', { reason: 'label-in-use', status: 'DELIVERED' });
    expect(fromRpcError(overTheWire(refused), 'ShipmentService/CancelShipment')).toMatchObject({
      code: 'FAILED_PRECONDITION',
      message: 'The shipment is DELIVERED',
      details: { reason: 'label-in-use', status: 'DELIVERED' },
    });
    expect(overTheWire(new DomainError('NOT_FOUND', 'No shipment')).metadata).toBeUndefined();
  });

  it('UNAVAILABLE and an expired deadline become UNAVAILABLE naming the call', () => {
    expect(fromRpcError(overTheWire(new DomainError('UNAVAILABLE', 'opa down')), 'ShipmentService/CreateShipment')).toMatchObject({
      code: 'UNAVAILABLE',
      message: 'ShipmentService/CreateShipment is unavailable: opa down',
    });
    expect(fromRpcError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, 'ShipmentService/ListShipments')).toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('a masked internal error stays internal: no domain code is invented', () => {
    const back = fromRpcError(overTheWire(new Error('SELECT * FROM secrets')), 'ShipmentService/GetShipment');
    expect(back).not.toBeInstanceOf(DomainError);
    expect(back.message).toBe(`ShipmentService/GetShipment failed with gRPC status ${status.INTERNAL}: Internal error`);
  });

  it('an error without a gRPC status passes through', () => {
    const original = new TypeError('boom');
    expect(fromRpcError(original, 'x')).toBe(original);
  });

  it('a dependency outage (the database refused the connection) is UNAVAILABLE, naming no address', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    const wire = overTheWire(new AggregateError([refused], 'all attempts failed'));
    expect(wire.code).toBe(status.UNAVAILABLE);
    expect(wire.details).not.toMatch(/10\.0\.0\.5|ECONNREFUSED/);
  });
});
