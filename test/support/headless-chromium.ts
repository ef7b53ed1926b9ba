import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { eventually } from './poll';
import { requireInfra } from './postgres-server';

const ROOT = join(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, '.data', 'screenshots');
export const CHROMIUM_INSTALL = 'install Debian `chromium` (`apt-get install chromium`; `npm run infra:up` does)';

/** Chromium from CHROMIUM_BIN, else `chromium` on PATH; null when there is none. */
export function chromiumBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.CHROMIUM_BIN, ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium'))];
  return candidates.find((file): file is string => Boolean(file) && existsSync(file!)) ?? null;
}

/**
 * `describe` when Chromium is installed; otherwise `describe.skip` with a line saying what to
 * install, or, under LOGISYNAPSE_REQUIRE_INFRA=1, a suite that fails.
 */
export function describeWithChromium(name: string, body: (binary: string) => void): void {
  const binary = chromiumBinary();
  if (binary) return describe(name, () => body(binary));
  const message = `no Chromium (CHROMIUM_BIN, PATH \`chromium\`): ${CHROMIUM_INSTALL}`;
  if (requireInfra()) {
    return describe(name, () => {
      it('has Chromium', () => {
        throw new Error(`${message} (LOGISYNAPSE_REQUIRE_INFRA=1)`);
      });
    });
  }
  process.stderr.write(`[skipped] ${name}: ${message}\n`);
  // Skipped only when Chromium is absent and not required; the line above says what to install.
  return describe.skip(name, () => body(''));
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * Headless Chromium driven over the Chrome DevTools Protocol with Node's global WebSocket: a
 * real browser for the few tests that need one (the playground), without a browser driver
 * dependency. Each instance has its own profile directory and its own process; `close` ends both.
 */
export class HeadlessChromium {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly socket: WebSocket,
    private readonly profileDir: string,
  ) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as CdpMessage;
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`CDP: ${message.error.message}`));
      else waiter?.resolve(message.result ?? {});
    });
  }

  static async launch(binary: string): Promise<HeadlessChromium> {
    const profileDir = mkdtempSync(join(tmpdir(), 'logisynapse-chromium-'));
    const child = spawn(
      binary,
      [
        '--headless=new',
        '--remote-debugging-port=0',
        `--user-data-dir=${profileDir}`,
        '--window-size=1400,1000',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        // Chromium refuses to start as root with its sandbox; CI containers run as root.
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const stderr: string[] = [];
    let exited = false;
    child.once('exit', () => (exited = true));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    try {
      const endpoint = await eventually(
        'Chromium to print its DevTools endpoint',
        async () => {
          if (exited) throw new Error(`chromium exited: ${stderr.join('').slice(-2000)}`);
          const printed = /DevTools listening on (ws:\/\/\S+)/.exec(stderr.join(''))?.[1];
          if (printed) return printed;
          // The same endpoint, as Chromium writes it into the profile: port, then path.
          const file = join(profileDir, 'DevToolsActivePort');
          if (!existsSync(file)) return undefined;
          const [port, path] = readFileSync(file, 'utf8').split('\n');
          return port && path ? `ws://127.0.0.1:${port}${path}` : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      const socket = new WebSocket(endpoint);
      await new Promise<void>((resolve, reject) => {
        socket.addEventListener('open', () => resolve(), { once: true });
        socket.addEventListener('error', () => reject(new Error(`cannot connect to ${endpoint}`)), { once: true });
      });
      const browser = new HeadlessChromium(child, socket, profileDir);
      browser.stderr.push(...stderr);
      child.stderr?.on('data', (chunk: Buffer) => browser.stderr.push(chunk.toString('utf8')));
      return browser;
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }

  /** A new tab at `url`, attached to this connection (flat session). */
  async open(url: string): Promise<ChromiumPage> {
    const { targetId } = (await this.send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await this.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    const page = new ChromiumPage(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.navigate(url);
    return page;
  }

  /** Ends the browser process (SIGKILL after 5 s) and removes its profile. */
  async close(): Promise<void> {
    this.socket.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    // Chromium's helper processes can still write into the profile for a moment after the browser
    // exits (seen once in CI: ENOTEMPTY); rm retries those, with a growing delay, for about 5 s.
    rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

export class ChromiumPage {
  constructor(
    private readonly browser: HeadlessChromium,
    private readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Navigates and waits (with a deadline) until the document has loaded. */
  async navigate(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
    await eventually('the page to load', async () => ((await this.evaluate<string>('document.readyState')) === 'complete' ? true : undefined), {
      timeoutMs: 30_000,
    });
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails) throw new Error(`page script failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** A PNG of the viewport, saved as `.data/screenshots/<name>.png`; returns its path. */
  async screenshot(name: string): Promise<string> {
    const { data } = (await this.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, `${name}.png`);
    writeFileSync(file, Buffer.from(data, 'base64'));
    return file;
  }
}
