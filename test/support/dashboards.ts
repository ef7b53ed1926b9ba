import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DASHBOARDS = join(__dirname, '..', '..', 'infra', 'observability', 'grafana', 'dashboards');

/**
 * Series that only a deployment on the real servers has: the brokers' backlog gauges (Kafka and
 * RabbitMQ answer them, pg-boss has none) and Temporal's own SDK metrics (TEMPORAL_METRICS_PORT).
 */
const REAL_SERVER_SERIES = /\b(logisynapse_event_log_consumer_lag|logisynapse_task_queue_depth|temporal_[a-z_]+)\b/;

export interface PanelQuery {
  name: string;
  expr: string;
  /** Shows data only for an app on the real servers (see REAL_SERVER_SERIES). */
  realServersOnly: boolean;
}

/** Every panel query of every Grafana dashboard, with Grafana's rate interval as Prometheus would get it. */
export function dashboardExpressions(): PanelQuery[] {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
      return dashboard.panels.flatMap((p) =>
        p.targets.map((t) => ({ name: `${file}: ${p.title}`, expr: t.expr.replaceAll('$__rate_interval', '1m'), realServersOnly: REAL_SERVER_SERIES.test(t.expr) })),
      );
    });
}
