import type { ResultRow, RowNotes } from './report';

export interface BenchContext {
  /** `--quick`: fewer and shorter rounds (the whole run under 5 minutes). */
  quick: boolean;
  /** Measured rounds per variant (after the warm-up). */
  rounds: number;
  log(message: string): void;
}

export interface BenchRow {
  row: ResultRow;
  notes: RowNotes;
}

export interface Bench {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** A result row; `ratio` is a/b when both are known. */
export function row(
  id: string,
  metric: string,
  a: number | null,
  b: number | null,
  goal: string,
  met: (a: number, b: number | null, ratio: number | null) => boolean,
  notes: RowNotes,
): BenchRow {
  const ratio = a !== null && b !== null && b !== 0 ? Number((a / b).toFixed(3)) : null;
  return { row: { id, metric, a, b, ratio, goal, met: a === null ? false : met(a, b, ratio) }, notes };
}
