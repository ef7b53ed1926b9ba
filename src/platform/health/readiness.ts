import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { metrics, type ObservableResult } from '@opentelemetry/api';
import { APP_DATA_SOURCE, type AppDataSource } from '../database';
import { GAUGES } from '../telemetry/instruments';

/**
 * How long each readiness check may take before it counts as down: a dependency that hangs
 * (a database whose session never frees) must make `/health/ready` answer 503, not hang it.
 */
export const READINESS_CHECK_DEADLINE_MS = 2_000;

/** Resolves as `check` does, or rejects once `deadlineMs` have passed without an answer. */
export function withinDeadline(check: () => Promise<void>, deadlineMs = READINESS_CHECK_DEADLINE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  return Promise.race([Promise.resolve().then(check), deadline]).finally(() => clearTimeout(timer));
}

/** Something the process needs to serve requests, asked by `GET /health/ready`. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (quickly) when it does not. */
  check(): Promise<void>;
}

/**
 * Where modules register what readiness depends on, so platform code asks them without
 * importing any module (the authorization module registers its policy engine here).
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  all(): readonly ReadinessCheck[] {
    return this.checks;
  }
}

export type ReadinessReport = { ready: boolean; checks: Record<string, 'up' | 'down'> };

/** Runs every check at once, each within its deadline: ready when all are up. */
export async function evaluateReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => [name, await withinDeadline(() => check()).then(() => 'up' as const, () => 'down' as const)] as const),
  );
  return { ready: results.every(([, state]) => state === 'up'), checks: Object.fromEntries(results) };
}

/** The checks of `GET /health/ready`: the database first, then every registered one. */
export function readinessChecks(dataSource: AppDataSource, registered: ReadinessChecks): ReadinessCheck[] {
  return [{ name: 'database', check: () => dataSource.query('SELECT 1').then(() => undefined) }, ...registered.all()];
}

/**
 * `logisynapse.ready` (1 ready, 0 not): the readiness checks, run at each collection, so
 * Prometheus sees what `/health/ready` would answer without probing the API's port (the
 * LogisynapseNotReady alert). No label: the checks' names carry addresses.
 */
@Injectable()
export class ReadinessGauge implements OnModuleInit, OnModuleDestroy {
  private readonly gauge = metrics.getMeter('logisynapse').createObservableGauge(GAUGES.ready.name, { unit: GAUGES.ready.unit, description: GAUGES.ready.description });
  private readonly observe = async (result: ObservableResult) => {
    result.observe((await evaluateReadiness(readinessChecks(this.dataSource, this.checks))).ready ? 1 : 0);
  };

  constructor(
    @Inject(APP_DATA_SOURCE) private readonly dataSource: AppDataSource,
    private readonly checks: ReadinessChecks,
  ) {}

  onModuleInit(): void {
    this.gauge.addCallback(this.observe);
  }

  onModuleDestroy(): void {
    this.gauge.removeCallback(this.observe);
  }
}
