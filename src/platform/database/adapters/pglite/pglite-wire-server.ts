import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite instance over the PostgreSQL wire protocol to many clients.
 *
 * Why not `PGLiteSocketServer`: its multiplexer interleaves the extended-protocol messages of
 * different connections (Parse from A, Parse from B, Bind from A...), which corrupts unnamed
 * statements and portals as soon as two pooled connections run queries at once (seen here:
 * "unnamed prepared statement does not exist"). PGlite has one backend session, so a client
 * must own it from its first message until the server is idle again: until a Sync or simple
 * Query leaves no transaction open. This server grants that ownership in FIFO order.
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private owner: Connection | null = null;
  private readonly waiters: Array<{ connection: Connection; grant: () => void }> = [];
  private readonly connections = new Set<Connection>();
  private nextId = 1;

  constructor(private readonly db: PGlite) {}

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

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const TERMINATE = 0x58; // 'X'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'

class Connection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly server: PgliteWireServer,
  ) {
    socket.on('data', (data) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      // Messages of one connection are handled strictly in order.
      this.chain = this.chain
        .then(() => this.drain())
        .catch(() => {
          socket.destroy();
        });
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (!this.started) {
        const startup = this.nextMessage();
        if (!startup) return;
        await this.handleStartup(startup);
        continue;
      }
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
      const length = 1 + start.readInt32BE(offset + 1);
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

  private nextMessage(): Buffer | null {
    if (!this.started) {
      if (this.buffer.length < 8) return null;
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < length) return null;
      return this.take(length);
    }
    if (this.buffer.length < 5) return null;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return null;
    return this.take(length);
  }

  private take(length: number): Buffer {
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  private async handleStartup(message: Buffer): Promise<void> {
    const code = message.readInt32BE(4);
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      this.socket.write('N');
      return;
    }
    if (code === CANCEL_REQUEST_CODE) {
      this.socket.end();
      return;
    }
    this.started = true;
    await this.handle(message, true);
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
