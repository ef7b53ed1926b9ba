import { credentials, loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { boundedAttributes, platformMetrics, secondsSince, type Instruments } from '../telemetry/instruments';
import { fromRpcError } from './grpc-errors';

/** How long one call to another module may take before the caller gets UNAVAILABLE. */
const CALL_DEADLINE_MS = 10_000;
/** How long a readiness probe waits for the other process's gRPC health answer. */
const PING_DEADLINE_MS = 2_000;

type ClientConstructor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>, options?: object) => Client;
type Unary = (request: unknown, metadata: Metadata, options: { deadline: Date }, callback: (error: ServiceError | null, response: unknown) => void) => void;
type HealthCheck = (request: { service: string }, options: { deadline: Date }, callback: (error: ServiceError | null, response?: { status: string }) => void) => void;

export interface GrpcServiceClientOptions {
  /** `host:port` (or `dns:///host:port`) of the process hosting the module. */
  readonly address: string;
  readonly protoPath: string;
  /** The fully qualified service name, e.g. `logisynapse.shipments.v1.ShipmentService`. */
  readonly service: string;
  /** The caller's own bearer token, sent with every call (ADR 0018); throws when there is none. */
  readonly bearerToken: () => string;
  /** Where `rpc.client.duration` is recorded (tests pass their own); the process's instruments by default. */
  readonly metrics?: Instruments;
}

/**
 * One module's gRPC service in another process, as the modules that call it use it: each call
 * carries the caller's bearer token in the `authorization` metadata and nothing else about the
 * caller, has a deadline, and fails with the domain error its status code stands for
 * (`fromRpcError`); `ping` asks the standard health service on the same channel, so readiness
 * tells whether calls would get through. Each call is measured (`rpc.client.duration`, by service,
 * method and status: the caller's view, which includes the network and the other process's queue).
 */
export class GrpcServiceClient {
  private readonly client: Client;
  private readonly health: Client;
  private readonly shortName: string;

  constructor(private readonly options: GrpcServiceClientOptions) {
    const definition = loadSync(options.protoPath, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
    const Service = lookUp(loadPackageDefinition(definition), options.service);
    this.client = new Service(options.address, credentials.createInsecure());
    const Health = lookUp(loadPackageDefinition(loadSync(healthProtoPath, { enums: String })), 'grpc.health.v1.Health');
    this.health = new Health(options.address, credentials.createInsecure(), { channelOverride: this.client.getChannel() });
    this.shortName = options.service.slice(options.service.lastIndexOf('.') + 1);
  }

  /** Resolves when the other process answers SERVING for this service. */
  ping(): Promise<void> {
    const check = (this.health as unknown as { check: HealthCheck }).check.bind(this.health);
    return new Promise<void>((resolve, reject) =>
      check({ service: this.options.service }, { deadline: new Date(Date.now() + PING_DEADLINE_MS) }, (error, response) => {
        if (error) reject(fromRpcError(error, `${this.shortName} health`));
        else if (response?.status !== 'SERVING') reject(new Error(`${this.shortName} at ${this.options.address} is ${response?.status ?? 'unknown'}`));
        else resolve();
      }),
    );
  }

  /** Calls `rpc` (grpc-js's method name `method`, e.g. `getShipment` for `GetShipment`). */
  call<T>(method: string, rpc: string, request: unknown): Promise<T> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${this.options.bearerToken()}`);
    const deadline = new Date(Date.now() + CALL_DEADLINE_MS);
    const unary = (this.client as unknown as Record<string, Unary | undefined>)[method];
    if (!unary) return Promise.reject(new Error(`${this.options.service} has no method ${method}`));
    const startedAt = performance.now();
    const record = (code: number) =>
      (this.options.metrics ?? platformMetrics()).rpcClientDuration.record(
        secondsSince(startedAt),
        boundedAttributes({ 'rpc.service': this.shortName, 'rpc.method': rpc, 'rpc.grpc.status_code': status[code] ?? 'UNKNOWN' }),
      );
    return new Promise<T>((resolve, reject) => {
      unary.call(this.client, request, metadata, { deadline }, (error, response) => {
        record(error ? error.code : status.OK);
        if (error) reject(fromRpcError(error, `${this.shortName}/${rpc}`));
        else resolve(response as T);
      });
    });
  }

  /** Closes the channel; no call is left pending. */
  close(): void {
    this.health.close();
    this.client.close();
  }
}

function lookUp(root: object, qualifiedName: string): ClientConstructor {
  let node: unknown = root;
  for (const part of qualifiedName.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'function') throw new Error(`gRPC service ${qualifiedName} is not in its proto`);
  return node as ClientConstructor;
}
