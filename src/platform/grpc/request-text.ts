import { assertStorableText } from '../validation/postgres-text';

/**
 * Longest string any field of a gRPC request may carry (a belt: fields have tighter limits of
 * their own). gRPC admits 4 MB messages; none of our fields needs more than this.
 */
export const MAX_GRPC_TEXT_LENGTH = 10_000;

/**
 * Every text field of a request message (decoded, camelCase), checked before the method does
 * anything: text PostgreSQL cannot hold or longer than MAX_GRPC_TEXT_LENGTH is INVALID_ARGUMENT
 * naming the field (`fromAddress.name`, `shipmentIds[2]`), its value not repeated (ADR 0030).
 */
export function assertGrpcRequestText(request: unknown): void {
  assertStorableText(request, '', { maxLength: MAX_GRPC_TEXT_LENGTH });
}
