import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FakeShippoServer } from '../../test/contracts/fake-shippo-server';

/**
 * The carrier of a chaos run: the loopback fake Shippo of the contract and e2e tests (a stand-in
 * for a paid service), behind a front on 127.0.0.1 that can answer 503 Service Unavailable for a
 * share of the requests, as Shippo does when it is overloaded. An HTTP status is an answer, not a
 * TCP fault, so it comes from the carrier itself; latency and lost connections come from the
 * Toxiproxy proxy in front of it (ADR 0046). Every other request goes on to the fake unchanged.
 */
export class FlakyCarrier {
  readonly fake: FakeShippoServer;
  /** Requests the front answered with 503, and all it saw. */
  unavailableAnswers = 0;
  requests = 0;
  private share = 0;
  private faulted = 0;
  private server: Server | null = null;
  private port = 0;

  private constructor(apiKey: string) {
    this.fake = new FakeShippoServer(apiKey);
  }

  static async start(): Promise<FlakyCarrier> {
    const carrier = new FlakyCarrier(`shippo_test_${randomUUID()}`);
    await carrier.fake.start();
    const server = createServer((req, res) => carrier.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    carrier.port = typeof address === 'object' && address ? address.port : 0;
    carrier.server = server;
    return carrier;
  }

  get apiKey(): string {
    return this.fake.apiKey;
  }

  /** `host:port` of the front (what the Toxiproxy proxy forwards to). */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * From now on a `share` (0..1) of the requests answer 503, spread evenly (the n-th request fails
   * when ⌊n·share⌋ grows: 1/8 is every eighth), so a short window sees the share it was given
   * rather than a random draw's. 0 turns it off.
   */
  failShare(share: number): void {
    if (share < 0 || share > 1) throw new Error(`share must be within 0..1, not ${share}`);
    this.share = share;
    this.faulted = 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.fake.stop();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    if (this.share > 0) {
      this.faulted += 1;
      if (Math.floor(this.faulted * this.share) > Math.floor((this.faulted - 1) * this.share)) {
        this.unavailableAnswers += 1;
        req.resume();
        const body = '<html><body><h1>503 Service Unavailable</h1></body></html>';
        res.writeHead(503, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }
    const upstream = new URL(this.fake.baseUrl);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forwarded);
  }
}
