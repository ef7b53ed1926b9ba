// Two variants measured side by side, both up at once (B7, B8).

/**
 * `rounds` rounds of each of A and B, alternating which goes first (A B, B A, A B, ...), so what
 * else the shared machine runs meanwhile falls on both alike; before each round, `settle` (both
 * idle: a round's leftover work must not land on the other variant's round).
 */
export async function alternate(rounds: number, a: () => Promise<unknown>, b: () => Promise<unknown>, settle: () => Promise<unknown>): Promise<void> {
  for (let r = 0; r < rounds; r += 1) {
    for (const run of r % 2 === 0 ? [a, b] : [b, a]) {
      await settle();
      await run();
    }
  }
}

/** Starts A, then B; runs `body` with both up; closes both whatever happens. Answers `body`'s result and A's close note. */
export async function withBoth<S extends { close(): Promise<string> }, T>(
  startA: () => Promise<S>,
  startB: () => Promise<S>,
  body: (a: S, b: S) => Promise<T>,
): Promise<{ result: T; noteA: string }> {
  const a = await startA();
  let aClosed = false;
  try {
    const b = await startB();
    let result: T;
    try {
      result = await body(a, b);
    } finally {
      await b.close();
    }
    aClosed = true;
    return { result, noteA: await a.close() };
  } finally {
    if (!aClosed) await a.close();
  }
}
