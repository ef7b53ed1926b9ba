import {
  connect,
  constants,
  createServer,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';

/** How a call the front faults ends: never sent on (`refused`), or served and its answer replaced (`lost`). */
export type FaultKind = 'refused' | 'lost';

/** What the front saw of one gRPC method (`/package.Service/Method`). */
export interface MethodCounts {
  calls: number;
  refused: number;
  lost: number;
}

/** gRPC status 14: the call may be retried (with its idempotency key, when it changes anything). */
const UNAVAILABLE = '14';
/** The standard health service: readiness probes, passed through unfaulted (ADR 0046). */
const HEALTH_PREFIX = '/grpc.health.v1.Health/';

/**
 * A gRPC-aware front (HTTP/2, cleartext, on 127.0.0.1) in front of a module's gRPC server: every
 * call goes on to `upstream` unchanged, except a share of them (`failShare`, spread evenly as the
 * flaky carrier does: 1/10 is every tenth), answered with a trailers-only `grpc-status: 14`
 * UNAVAILABLE. Toxiproxy works on TCP and cannot answer a status (ADR 0046). Every other fault is
 * `refused` (answered at once, never sent on) and the others `lost` (sent on and served, the
 * answer replaced by UNAVAILABLE, as when a connection drops after the server answered): a
 * client that retries a lost CreateShipment must get the same shipment back, not a second one.
 * The health service is never faulted: the fault is the module's API refusing part of its calls,
 * not the process gone, so readiness (which pings it) stays as it is.
 */
export class GrpcFaultFront {
  readonly methods = new Map<string, MethodCounts>();
  /** Faultable calls seen, and those answered UNAVAILABLE by the front (refused + lost). */
  calls = 0;
  unavailableAnswers = 0;
  /** Calls the front could not forward (the upstream went away): answered UNAVAILABLE too. */
  upstreamErrors = 0;
  private share = 0;
  private faultable = 0;
  private faults = 0;
  private server: Http2Server | null = null;
  private session: ClientHttp2Session | null = null;
  private port = 0;

  private constructor(readonly upstream: string) {}

  /** A front forwarding to `upstream` (`host:port` of the gRPC server), on a free loopback port. */
  static async start(upstream: string): Promise<GrpcFaultFront> {
    const front = new GrpcFaultFront(upstream);
    const server = createServer();
    server.on('stream', (stream, headers) => front.handle(stream, headers));
    server.on('sessionError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    front.port = typeof address === 'object' && address ? address.port : 0;
    front.server = server;
    return front;
  }

  /** `host:port` the callers (or the Toxiproxy proxy in front) connect to. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** From now on a `share` (0..1) of the calls answer UNAVAILABLE, spread evenly; 0 turns it off. */
  failShare(share: number): void {
    if (share < 0 || share > 1) throw new Error(`share must be within 0..1, not ${share}`);
    this.share = share;
    this.faultable = 0;
  }

  /** Calls of `method` (its path, or the method name alone) the front saw, refused and lost. */
  countsOf(method: string): MethodCounts {
    const total: MethodCounts = { calls: 0, refused: 0, lost: 0 };
    for (const [path, counts] of this.methods) {
      if (path !== method && !path.endsWith(`/${method}`)) continue;
      total.calls += counts.calls;
      total.refused += counts.refused;
      total.lost += counts.lost;
    }
    return total;
  }

  /** Every method's counts, summed. */
  totals(): MethodCounts {
    return [...this.methods.values()].reduce((sum, c) => ({ calls: sum.calls + c.calls, refused: sum.refused + c.refused, lost: sum.lost + c.lost }), { calls: 0, refused: 0, lost: 0 });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.session?.destroy();
    this.session = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private nextFault(): FaultKind | null {
    if (this.share <= 0) return null;
    this.faultable += 1;
    if (Math.floor(this.faultable * this.share) === Math.floor((this.faultable - 1) * this.share)) return null;
    this.faults += 1;
    return this.faults % 2 === 1 ? 'refused' : 'lost';
  }

  private upstreamSession(): ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      const session = connect(`http://${this.upstream}`);
      session.on('error', () => undefined);
      session.on('close', () => {
        if (this.session === session) this.session = null;
      });
      this.session = session;
    }
    return this.session;
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const path = String(headers[':path'] ?? '');
    const counts = this.methods.get(path) ?? { calls: 0, refused: 0, lost: 0 };
    this.methods.set(path, counts);
    counts.calls += 1;
    const fault = path.startsWith(HEALTH_PREFIX) ? null : this.nextFault();
    if (!path.startsWith(HEALTH_PREFIX)) this.calls += 1;
    if (fault === 'refused') {
      counts.refused += 1;
      this.unavailableAnswers += 1;
      stream.resume();
      stream.once('end', () => answerUnavailable(stream, 'refused by the chaos front'));
      return;
    }
    const upstream = this.forward(stream, headers);
    if (!upstream) return;
    if (fault === 'lost') {
      counts.lost += 1;
      this.unavailableAnswers += 1;
      upstream.resume();
      upstream.once('end', () => answerUnavailable(stream, 'answer lost by the chaos front'));
      return;
    }
    upstream.on('response', (responseHeaders, flags) => {
      if (stream.destroyed) return;
      const copied = copyHeaders(responseHeaders);
      // Trailers-only (an error status, with no message): the status is in these headers.
      if (flags & constants.NGHTTP2_FLAG_END_STREAM || 'grpc-status' in responseHeaders) {
        stream.respond(copied, { endStream: true });
        return;
      }
      stream.respond(copied, { waitForTrailers: true });
      relayTrailers(upstream, stream);
      upstream.pipe(stream);
    });
  }

  /** Sends the call on; null when the upstream cannot take it (the caller got UNAVAILABLE). */
  private forward(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): ClientHttp2Stream | null {
    let upstream: ClientHttp2Stream;
    try {
      upstream = this.upstreamSession().request(copyHeaders(headers));
    } catch {
      this.upstreamErrors += 1;
      stream.resume();
      answerUnavailable(stream, 'the upstream is not reachable');
      return null;
    }
    upstream.on('error', () => {
      this.upstreamErrors += 1;
      if (!stream.headersSent) answerUnavailable(stream, 'the upstream is not reachable');
      else stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    });
    // The caller cancelled (its deadline): the upstream call is cancelled too.
    stream.on('close', () => {
      if (!upstream.closed) upstream.close(constants.NGHTTP2_CANCEL);
    });
    stream.pipe(upstream);
    return upstream;
  }
}

/**
 * The upstream's trailers (grpc-status) sent on once the answer's data is: Node may end the
 * upstream's body before it emits 'trailers', so whichever comes second sends them.
 */
function relayTrailers(upstream: ClientHttp2Stream, stream: ServerHttp2Stream): void {
  let trailers: OutgoingHttpHeaders | null = null;
  let wanted = false;
  let sent = false;
  const send = () => {
    if (sent || !wanted || !trailers || stream.destroyed) return;
    sent = true;
    stream.sendTrailers(trailers);
  };
  upstream.on('trailers', (received) => {
    trailers = copyHeaders(received);
    send();
  });
  stream.on('wantTrailers', () => {
    wanted = true;
    send();
  });
  upstream.on('close', () =>
    setImmediate(() => {
      trailers ??= { 'grpc-status': '13', 'grpc-message': encodeURIComponent('the upstream sent no trailers') };
      send();
    }),
  );
}

/** A trailers-only answer: HTTP 200, `content-type: application/grpc` and the status in the headers. */
function answerUnavailable(stream: ServerHttp2Stream, message: string): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': UNAVAILABLE, 'grpc-message': encodeURIComponent(message) }, { endStream: true });
}

/** The headers of one side, to send on the other (Node's own keys only, pseudo-headers included). */
function copyHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const copied: OutgoingHttpHeaders = {};
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value !== undefined) copied[key] = value;
  }
  return copied;
}
