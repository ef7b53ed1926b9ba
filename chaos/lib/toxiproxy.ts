/**
 * A client of Toxiproxy's HTTP API (`TOXIPROXY_URL`, started by `npm run infra:up`): proxies
 * that a scenario puts in a dependency's path, and the toxics that make the link slow or cut it.
 * Toxiproxy works on TCP: it delays, stalls or resets connections, and never reads HTTP (ADR 0046).
 */

export type ToxicStream = 'upstream' | 'downstream';

/** The toxics the chaos scenarios use (Toxiproxy has more: bandwidth, slicer, limit_data, ...). */
export type ToxicSpec =
  /** Every chunk waits `latency` ms (± `jitter`). */
  | { type: 'latency'; attributes: { latency: number; jitter?: number } }
  /** Data stops flowing; the connection closes after `timeout` ms (0: never). */
  | { type: 'timeout'; attributes: { timeout: number } }
  /** The connection is reset (TCP RST) after `timeout` ms. */
  | { type: 'reset_peer'; attributes: { timeout: number } };

export interface Toxic {
  name: string;
  type: ToxicSpec['type'];
  stream: ToxicStream;
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ProxyInfo {
  name: string;
  /** `host:port` it listens on. */
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: Toxic[];
}

export class ToxiproxyClient {
  constructor(private readonly baseUrl: string) {}

  /** The server's version (`git` for a build from the module's source). */
  async version(): Promise<string> {
    const text = (await this.request('GET', '/version')).trim();
    try {
      return (JSON.parse(text) as { version?: string }).version ?? text;
    } catch {
      return text; // before v2.6 the answer was plain text
    }
  }

  /**
   * A new proxy `name` from `listen` (default: a free port on 127.0.0.1) to `upstream`
   * (`host:port`). A proxy of that name left by an earlier run is deleted first.
   */
  async createProxy(name: string, upstream: string, listen = '127.0.0.1:0'): Promise<ChaosProxy> {
    if (!/^127\.\d+\.\d+\.\d+:\d+$/.test(listen)) throw new Error(`a chaos proxy listens on loopback only, not ${listen}`);
    await this.deleteProxy(name);
    const info = JSON.parse(await this.request('POST', '/proxies', { name, listen, upstream, enabled: true })) as ProxyInfo;
    return new ChaosProxy(this, info);
  }

  async proxy(name: string): Promise<ProxyInfo> {
    return JSON.parse(await this.request('GET', `/proxies/${encodeURIComponent(name)}`)) as ProxyInfo;
  }

  /** Deletes the proxy (closing its connections); no error when there is none. */
  async deleteProxy(name: string): Promise<void> {
    await this.request('DELETE', `/proxies/${encodeURIComponent(name)}`, undefined, [404]);
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  async addToxic(proxy: string, toxic: string, spec: ToxicSpec, { stream = 'downstream', toxicity = 1 }: { stream?: ToxicStream; toxicity?: number } = {}): Promise<Toxic> {
    const body = { name: toxic, type: spec.type, stream, toxicity, attributes: spec.attributes };
    return JSON.parse(await this.request('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, body)) as Toxic;
  }

  async removeToxic(proxy: string, toxic: string): Promise<void> {
    await this.request('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`, undefined, [404]);
  }

  private async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, tolerated: number[] = []): Promise<string> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    if (!res.ok && !tolerated.includes(res.status)) throw new Error(`Toxiproxy ${method} ${path} answered ${res.status}: ${text}`);
    return text;
  }
}

/** One proxy of a run, with the toxics it added, so `clear()` and `delete()` undo them. */
export class ChaosProxy {
  private readonly toxics = new Set<string>();

  constructor(
    private readonly client: ToxiproxyClient,
    readonly info: ProxyInfo,
  ) {}

  get name(): string {
    return this.info.name;
  }

  /** `host:port` the dependency's clients connect to instead of the dependency. */
  get listen(): string {
    return this.info.listen;
  }

  async add(toxic: string, spec: ToxicSpec, options?: { stream?: ToxicStream; toxicity?: number }): Promise<Toxic> {
    const added = await this.client.addToxic(this.name, toxic, spec, options);
    this.toxics.add(toxic);
    return added;
  }

  async remove(toxic: string): Promise<void> {
    await this.client.removeToxic(this.name, toxic);
    this.toxics.delete(toxic);
  }

  /** Removes every toxic this object added. */
  async clear(): Promise<void> {
    for (const toxic of [...this.toxics]) await this.remove(toxic);
  }

  /** Toxics Toxiproxy holds on this proxy now (its own view, not this object's). */
  async activeToxics(): Promise<Toxic[]> {
    return (await this.client.proxy(this.name)).toxics;
  }

  async delete(): Promise<void> {
    await this.client.deleteProxy(this.name);
    this.toxics.clear();
  }
}
