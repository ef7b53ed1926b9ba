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

  async execute(message: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    await this.db.runExclusive(() => this.db.execProtocolRawStream(message, { onRawData: onData }));
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
      const message = this.nextMessage();
      if (!message) return;
      await this.handle(message);
    }
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

  private async handle(message: Buffer): Promise<void> {
    const isStartup = !this.started;
    if (isStartup) {
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
    } else if (message[0] === TERMINATE) {
      this.socket.end();
      return;
    }
    await this.server.acquire(this);
    await this.server.execute(new Uint8Array(message), (chunk) => {
      if (this.socket.writable) this.socket.write(Buffer.from(chunk));
    });
    const boundary = isStartup || message[0] === SYNC || message[0] === QUERY;
    if (boundary && this.server.isIdle()) this.server.release(this);
  }
}
