import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { tap, type Observable } from 'rxjs';
import { boundedAttributes, platformMetrics, secondsSince } from '../telemetry/instruments';

/** The gRPC status a handler's error leaves with (our controllers throw RpcException with a code). */
export function grpcStatusName(error: unknown): string {
  const code = error instanceof RpcException ? (error.getError() as { code?: unknown }).code : undefined;
  const name = typeof code === 'number' ? status[code] : undefined;
  return typeof name === 'string' ? name : 'UNKNOWN';
}

/**
 * Measures every gRPC call this process serves (`rpc.server.duration`, OpenTelemetry's name, in
 * seconds) by service, method and status. The service and method come from the handler's
 * @GrpcMethod, so they are ours and bounded; HTTP and GraphQL calls pass through untouched.
 */
@Injectable()
export class GrpcMetricsInterceptor implements NestInterceptor {
  private readonly histogram = platformMetrics().rpcServerDuration;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const pattern = Reflect.getMetadata(PATTERN_METADATA, context.getHandler()) as { service?: string; rpc?: string }[] | { service?: string; rpc?: string } | undefined;
    const { service = 'other', rpc = 'other' } = (Array.isArray(pattern) ? pattern[0] : pattern) ?? {};
    const startedAt = performance.now();
    const record = (statusName: string) =>
      this.histogram.record(
        secondsSince(startedAt),
        boundedAttributes({ 'rpc.service': service, 'rpc.method': rpc, 'rpc.grpc.status_code': statusName }),
      );
    return next.handle().pipe(tap({ complete: () => record('OK'), error: (error: unknown) => record(grpcStatusName(error)) }));
  }
}
