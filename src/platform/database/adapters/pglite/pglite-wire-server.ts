import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { canonicalStartupPacket, errorResponse, scramVerifier, StartupHandshake, type ScramVerifier } from './pglite-wire-auth';

export interface PgliteWireServerOptions {
  /** The password every client must prove (SCRAM-SHA-256) before its first byte reaches PGlite. */
  readonly password: string;
  /** How long a client may take from connecting to being authenticated (PostgreSQL's `authentication_timeout`). */
  readonly authenticationTimeoutMs?: number;
}

/**
 * Generous, like PostgreSQL's 60 s: the app's own clients connect while its main thread may be
 * busy loading modules, and a client still authenticating holds nothing but its socket.
 */
const AUTHENTICATION_TIMEOUT_MS = 30_000;
/** PostgreSQL's own bound on one message (`PQ_LARGE_MESSAGE_LIMIT` is 1 GB minus a page). */
const MAX_MESSAGE_LENGTH = 0x3fff_ffff;

/**
 * Serves one PGlite instance over the PostgreSQL wire protocol to many clients.
 *
 * Why not `PGLiteSocketServer`: its multiplexer interleaves the extended-protocol messages of
 * different connections (Parse from A, Parse from B, Bind from A...), which corrupts unnamed
 * statements and portals as soon as two pooled connections run queries at once (seen here:
 * "unnamed prepared statement does not exist"). PGlite has one backend session, so a client
 * must own it from its first message until the server is idle again: until a Sync or simple
 * Query leaves no transaction open. This server grants that ownership in FIFO order.
 *
 * Before a client may ask for the session it authenticates (`pglite-wire-auth.ts`): a startup
 * packet that is malformed, hostile or unauthenticated closes that connection only.
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private owner: Connection | null = null;
  private readonly waiters: Array<{ connection: Connection; grant: () => void }> = [];
  private readonly connections = new Set<Connection>();
  private nextId = 1;
  readonly verifier: ScramVerifier;
  readonly authenticationTimeoutMs: number;

  constructor(
    private readonly db: PGlite,
    options: PgliteWireServerOptions,
  ) {
    this.verifier = scramVerifier(options.password);
    this.authenticationTimeoutMs = options.authenticationTimeoutMs ?? AUTHENTICATION_TIMEOUT_MS;
  }

  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    await this.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('PGlite wire server has no TCP address');
    return address.port;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(this.nextId++, socket, this);
    this.connections.add(connection);
    socket.on('close', () => {
      this.connections.delete(connection);
      void this.disconnect(connection);
    });
    socket.on('error', () => socket.destroy());
  }

  /** Waits until `connection` owns the backend session. */
  acquire(connection: Connection): Promise<void> {
    if (this.owner === connection) return Promise.resolve();
    if (this.owner === null) {
      this.owner = connection;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiters.push({ connection, grant }));
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return;
    const next = this.waiters.shift();
    this.owner = next ? next.connection : null;
    next?.grant();
  }

  /**
   * Runs protocol messages (one, or a run of them ending at a Sync or Query) in one call into
   * PostgreSQL, which reads them in order as a server would from its socket. `syncToFs: false`:
   * the data directory is PGlite's Node file system, written through as PostgreSQL writes (its
   * sync step does nothing), so the step would only add a lock round per call.
   */
  async execute(messages: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    await this.db.runExclusive(() => this.db.execProtocolRawStream(messages, { onRawData: onData, syncToFs: false }));
  }

  isIdle(): boolean {
    return !this.db.isInTransaction();
  }

  private async disconnect(connection: Connection): Promise<void> {
    const queued = this.waiters.findIndex((w) => w.connection === connection);
    if (queued >= 0) this.waiters.splice(queued, 1);
    if (this.owner !== connection) return;
    // A client that vanished mid-transaction must not leave the shared session inside it.
    if (!this.isIdle()) await this.db.exec('ROLLBACK').catch(() => undefined);
    this.release(connection);
  }
}

const TERMINATE = 0x58; // 'X'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private handshake: StartupHandshake | null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly server: PgliteWireServer,
  ) {
    this.handshake = new StartupHandshake(server.verifier);
    const timer = setTimeout(() => {
      if (this.handshake) this.refuse(errorResponse('08006', 'authentication timed out'));
    }, server.authenticationTimeoutMs);
    socket.once('close', () => clearTimeout(timer));
    socket.on('data', (data) => {
      if (this.handshake) {
        this.authenticate(data, timer);
        return;
      }
      this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
      this.drainInOrder();
    });
  }

  /** Messages of one connection are handled strictly in order. */
  private drainInOrder(): void {
    this.chain = this.chain
      .then(() => this.drain())
      .catch(() => {
        this.socket.destroy();
      });
  }

  private authenticate(data: Buffer, timer: NodeJS.Timeout): void {
    let step;
    try {
      step = this.handshake!.feed(data);
    } catch {
      // Whatever the bytes were, they end this connection only (an exception here would end the thread).
      step = { kind: 'close' as const, bytes: errorResponse('08P01', 'invalid startup packet') };
    }
    if (step.kind === 'reply') this.socket.write(step.bytes);
    if (step.kind === 'close') this.refuse(step.bytes);
    if (step.kind !== 'done') return;
    clearTimeout(timer);
    this.handshake = null;
    this.socket.write(step.bytes);
    this.buffer = step.rest;
    // PGlite answers this canonical startup with AuthenticationOk, its parameters and ReadyForQuery.
    this.chain = this.handle(canonicalStartupPacket(), true).catch(() => {
      this.socket.destroy();
    });
    this.drainInOrder();
  }

  private refuse(bytes: Buffer | undefined): void {
    this.handshake = null;
    if (bytes?.length && this.socket.writable) this.socket.end(bytes);
    else this.socket.end();
    // A client that does not read its refusal does not keep the socket open.
    setTimeout(() => this.socket.destroy(), 1_000).unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.nextBatch();
      if (!batch) return;
      await this.handle(batch.messages, batch.boundary);
      if (batch.terminate) {
        this.socket.end();
        return;
      }
    }
  }

  /**
   * The complete messages buffered so far, up to and including the first Sync or Query (the
   * points where a client waits for an answer, and where the session may pass to another
   * client): a client's Parse, Bind, Describe, Execute and Sync go to PostgreSQL in one call,
   * and its answers go back in one write, instead of one of each per message.
   */
  private nextBatch(): { messages: Buffer; boundary: boolean; terminate: boolean } | null {
    const start = this.buffer;
    let offset = 0;
    let boundary = false;
    let terminate = false;
    while (start.length - offset >= 5) {
      const type = start[offset]!;
      const declared = start.readInt32BE(offset + 1);
      // A length below its own four bytes would never advance: a protocol violation, not a loop.
      if (declared < 4 || declared > MAX_MESSAGE_LENGTH) throw new Error(`invalid message length ${declared}`);
      const length = 1 + declared;
      if (start.length - offset < length) break;
      if (type === TERMINATE) {
        terminate = true;
        this.buffer = start.subarray(offset + length);
        break;
      }
      offset += length;
      if (type === SYNC || type === QUERY) {
        boundary = true;
        break;
      }
    }
    if (!terminate) this.buffer = start.subarray(offset);
    if (offset === 0 && !terminate) return null;
    return { messages: start.subarray(0, offset), boundary, terminate };
  }

  private async handle(messages: Buffer, boundary: boolean): Promise<void> {
    if (messages.length === 0) return;
    await this.server.acquire(this);
    const answers: Uint8Array[] = [];
    try {
      // PGlite reuses its output buffer: copy each chunk before the next call overwrites it.
      await this.server.execute(new Uint8Array(messages), (chunk) => void answers.push(Buffer.from(chunk)));
    } finally {
      if (answers.length > 0 && this.socket.writable) this.socket.write(answers.length === 1 ? answers[0]! : Buffer.concat(answers));
    }
    if (boundary && this.server.isIdle()) this.server.release(this);
  }
}
