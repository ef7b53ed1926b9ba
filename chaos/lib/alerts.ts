import { createServer, type Server } from 'node:http';

/** One alert of Prometheus's `/api/v1/alerts`. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  value: string;
}

/** What the watcher saw of one alert (by alertname and its labels) over the run. */
export interface AlertTimeline {
  alertname: string;
  labels: Record<string, string>;
  /** When the watcher first saw it pending, firing, and first saw it gone after firing (ms since epoch). */
  firstPendingAt?: number;
  firstFiringAt?: number;
  resolvedAt?: number;
  /** Times it fired again after the watcher had seen it resolved (0: it fired once, steadily). */
  refirings: number;
  /** Prometheus's own `activeAt` (when the condition started to hold), ms since epoch. */
  activeAt?: number;
}

/**
 * Polls a Prometheus server's `/api/v1/alerts` (every second by default) and keeps, for each
 * alert it reports, when it was first pending, first firing and when it stopped firing.
 */
export class AlertWatcher {
  private readonly timelines = new Map<string, AlertTimeline>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private lastError: unknown = null;
  polls = 0;

  constructor(
    private readonly prometheusUrl: string,
    private readonly intervalMs = 1_000,
  ) {}

  async alerts(): Promise<PrometheusAlert[]> {
    const res = await fetch(`${this.prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json()) as { status: string; data?: { alerts?: PrometheusAlert[] } };
    if (body.status !== 'success') throw new Error(`Prometheus /api/v1/alerts answered ${JSON.stringify(body)}`);
    return body.data?.alerts ?? [];
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    await this.poll();
  }

  /** Every alert seen so far. */
  seen(): AlertTimeline[] {
    return [...this.timelines.values()];
  }

  /** The alerts that were firing at some point (pending alone does not count). */
  fired(): AlertTimeline[] {
    return this.seen().filter((t) => t.firstFiringAt !== undefined);
  }

  firingNow(): AlertTimeline[] {
    return this.fired().filter((t) => t.resolvedAt === undefined);
  }

  timeline(alertname: string): AlertTimeline | undefined {
    return this.seen().find((t) => t.alertname === alertname);
  }

  /** The last error of a poll, if the last poll failed. */
  get error(): unknown {
    return this.lastError;
  }

  private async poll(): Promise<void> {
    let alerts: PrometheusAlert[];
    try {
      alerts = await this.alerts();
      this.lastError = null;
      this.polls += 1;
    } catch (error) {
      this.lastError = error;
      return;
    }
    const now = Date.now();
    const present = new Set<string>();
    for (const alert of alerts) {
      const key = alertKey(alert.labels);
      present.add(key);
      let t = this.timelines.get(key);
      if (!t) {
        t = { alertname: alert.labels.alertname ?? '?', labels: alert.labels, refirings: 0 };
        this.timelines.set(key, t);
      }
      t.activeAt ??= Date.parse(alert.activeAt);
      if (alert.state === 'pending') t.firstPendingAt ??= now;
      if (alert.state === 'firing') {
        t.firstFiringAt ??= now;
        if (t.resolvedAt !== undefined) t.refirings += 1;
        t.resolvedAt = undefined;
      }
    }
    for (const [key, t] of this.timelines) {
      if (!present.has(key) && t.firstFiringAt !== undefined) t.resolvedAt ??= now;
    }
  }
}

function alertKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/** One notification Alertmanager POSTed (its webhook payload, version 4). */
export interface AlertmanagerNotification {
  receivedAt: number;
  receiver: string;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }[];
}

/** Where infra/observability/alertmanager/alertmanager.yml's chaos-webhook receiver posts. */
export const ALERT_WEBHOOK_PORT = 9099;
export const ALERT_WEBHOOK_PATH = '/alerts';

/**
 * The webhook receiver of Alertmanager's `chaos-webhook` route, on 127.0.0.1:9099 (the fixed
 * port of alertmanager.yml: one chaos run at a time per machine). Records every notification;
 * a run reads those carrying its own `chaos_run` label.
 */
export class AlertWebhookReceiver {
  readonly notifications: AlertmanagerNotification[] = [];
  private server: Server | null = null;

  static async start(port = ALERT_WEBHOOK_PORT): Promise<AlertWebhookReceiver> {
    const receiver = new AlertWebhookReceiver();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== ALERT_WEBHOOK_PATH) {
          res.writeHead(404).end();
          return;
        }
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<AlertmanagerNotification, 'receivedAt'>;
          receiver.notifications.push({ ...body, receivedAt: Date.now() });
          res.writeHead(200).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new Error(`127.0.0.1:${port} is taken: another chaos run (or something else) holds Alertmanager's webhook port`) : error),
      );
      server.listen(port, '127.0.0.1', () => resolve());
    });
    receiver.server = server;
    return receiver;
  }

  /** The alerts notified for `chaosRun`, each with the status of that notification. */
  alertsOf(chaosRun: string): { alertname: string; status: 'firing' | 'resolved'; receivedAt: number; labels: Record<string, string> }[] {
    return this.notifications.flatMap((n) =>
      n.alerts.filter((a) => a.labels.chaos_run === chaosRun).map((a) => ({ alertname: a.labels.alertname ?? '?', status: a.status, receivedAt: n.receivedAt, labels: a.labels })),
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
