import { randomBytes } from 'node:crypto';

/**
 * What the messaging contracts share: a harness that opens independent clients of one broker
 * (each like a separate process), unique names, and a way to wait without fixed sleeps.
 */
export interface BrokerConnection<Port> {
  readonly port: Port;
  /** Stops this client's consumers and closes its connections (a process that stops). */
  close(): Promise<void>;
}

export interface BrokerHarness<Port> {
  /** A new, independent client of the same broker. */
  connect(): Promise<BrokerConnection<Port>>;
  /** Closes every client still open and stops/removes the broker if the harness owns it. */
  dispose(): Promise<void>;
}

export type DescribeFn = (name: string, body: () => void) => void;

export interface MessagingContractOptions {
  /** `describe`, or the one `realServerOrSkip` returns. */
  describe?: DescribeFn;
  /** How long a delivery may take (first delivery, and redelivery after a failure). Default 30 s. */
  deliveryTimeoutMs?: number;
  /**
   * How long to watch for an unwanted extra delivery (a duplicate) after the wanted ones
   * arrived. It bounds what "once" can mean for a test; choose a few polling intervals of the
   * adapter. Default 1.5 s.
   */
  quietPeriodMs?: number;
}

/** A name no other test uses: letters, digits, `.`, `-`, `_` only (safe for every broker). */
export function uniqueName(prefix: string): string {
  return `contract.${prefix}.${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Waits `ms`, to let an unwanted event (a duplicate delivery) show up if it is going to. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Tracks connections so `afterAll` can close what a failing test left open. */
export class ConnectionPool<Port> {
  private readonly open = new Set<BrokerConnection<Port>>();
  constructor(private readonly harness: () => BrokerHarness<Port>) {}

  async connect(): Promise<BrokerConnection<Port>> {
    const connection = await this.harness().connect();
    const tracked: BrokerConnection<Port> = {
      port: connection.port,
      close: async () => {
        if (!this.open.delete(tracked)) return;
        await connection.close();
      },
    };
    this.open.add(tracked);
    return tracked;
  }

  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const connection of [...this.open]) await connection.close().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, 'closing broker connections failed');
  }
}
