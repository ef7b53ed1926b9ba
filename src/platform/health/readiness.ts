import { Injectable } from '@nestjs/common';

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
