import { Injectable } from '@nestjs/common';

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
