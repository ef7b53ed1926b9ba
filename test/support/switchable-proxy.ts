import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy a test switches off and on, standing in for a dependency that goes away:
 * `stop()` closes the listener and cuts every connection (new ones are refused, as by a stopped
 * server), `resume()` listens again on the same port. The shared server itself is never touched.
 * `rewrite` may edit what the server answers (the Kafka proxy redirects brokers to itself).
 */
export class SwitchableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  /** What arrived while frozen, delivered in order on `thaw()`. */
  private held: [Socket, Buffer][] = [];
  port = 0;

  protected constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: string): Promise<SwitchableProxy> {
    const proxy = new SwitchableProxy(...hostPort(target));
    await proxy.resume();
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.held = [];
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * The link freezes: connections stay open and new ones are accepted, but nothing is forwarded
   * either way (a hung server, a network partition) until `thaw()`.
   */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const [to, chunk] of held) if (!to.destroyed) to.write(chunk);
  }

  /** Connects a client to the target; subclasses may interpose on both directions. */
  protected pipe(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(client, upstream);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /** Copies `from` to `to`, holding the bytes while frozen. */
  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.frozen) this.held.push([to, chunk]);
      else to.write(chunk);
    });
    from.once('end', () => to.end());
  }

  protected track(client: Socket, upstream: Socket): void {
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
  }

  protected connectUpstream(): Socket {
    return connect(this.targetPort, this.targetHost);
  }
}

function hostPort(target: string): [string, number] {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at), Number(target.slice(at + 1))];
}

const METADATA = 3;
const FIND_COORDINATOR = 10;

/**
 * A switchable proxy in front of one Kafka broker. Kafka clients connect to the addresses the
 * broker advertises, not to the one they were given, so a plain TCP proxy would be bypassed after
 * the first request: this one rewrites the broker addresses in Metadata and FindCoordinator
 * answers (the non-flexible versions kafkajs 2 speaks: Metadata ≤ v6, FindCoordinator ≤ v2) to
 * itself. Single-broker clusters only (the shared dev server is one).
 */
export class KafkaProxy extends SwitchableProxy {
  static override async start(target: string): Promise<KafkaProxy> {
    const proxy = new KafkaProxy(...hostPort(target));
    await proxy.resume();
    return proxy;
  }

  protected override pipe(client: Socket): void {
    const upstream = this.connectUpstream();
    this.track(client, upstream);
    const requests = new Map<number, { apiKey: number; version: number }>();
    frames(client, (frame) => {
      requests.set(frame.readInt32BE(4), { apiKey: frame.readInt16BE(0), version: frame.readInt16BE(2) });
      upstream.write(framed(frame));
    });
    frames(upstream, (frame) => {
      const correlationId = frame.readInt32BE(0);
      const request = requests.get(correlationId);
      requests.delete(correlationId);
      client.write(framed(request ? this.rewrite(request.apiKey, request.version, frame) : frame));
    });
  }

  private rewrite(apiKey: number, version: number, frame: Buffer): Buffer {
    if (apiKey === METADATA && version <= 6) {
      let at = 4 + (version >= 3 ? 4 : 0);
      const count = frame.readInt32BE(at);
      at += 4;
      const start = at;
      const brokers: Buffer[] = [];
      for (let i = 0; i < count; i++) {
        const nodeId = frame.readInt32BE(at);
        at += 4;
        at += 2 + frame.readInt16BE(at);
        at += 4;
        let rack: Buffer = Buffer.alloc(0);
        if (version >= 1) {
          const length = frame.readInt16BE(at);
          rack = frame.subarray(at, at + 2 + Math.max(length, 0));
          at += 2 + Math.max(length, 0);
        }
        brokers.push(Buffer.concat([int32(nodeId), this.hostAndPort(), rack]));
      }
      return Buffer.concat([frame.subarray(0, start), ...brokers, frame.subarray(at)]);
    }
    if (apiKey === FIND_COORDINATOR && version <= 2) {
      let at = 4;
      if (version >= 1) at += 4;
      at += 2;
      if (version >= 1) at += 2 + Math.max(frame.readInt16BE(at), 0);
      at += 4;
      const end = at + 2 + frame.readInt16BE(at) + 4;
      return Buffer.concat([frame.subarray(0, at), this.hostAndPort(), frame.subarray(end)]);
    }
    return frame;
  }

  private hostAndPort(): Buffer {
    const host = Buffer.from('127.0.0.1');
    const length = Buffer.alloc(2);
    length.writeInt16BE(host.length);
    return Buffer.concat([length, host, int32(this.port)]);
  }
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function framed(frame: Buffer): Buffer {
  return Buffer.concat([int32(frame.length), frame]);
}

/** Kafka's framing: a 4-byte length, then that many bytes. */
function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const length = pending.readInt32BE(0);
      onFrame(pending.subarray(4, 4 + length));
      pending = pending.subarray(4 + length);
    }
  });
}
