// The time a run has left, for its progress line: each job's expected time (the mean of the finished
// jobs of its kind: a reference run takes seconds, a policy minutes), spread over the workers.

/** A job running now: its kind, how long it has run, and its steps when it reports them. */
export interface RunningForEstimate<K extends string = string> {
  readonly kind: K;
  readonly seconds: number;
  readonly done?: number;
  readonly total?: number;
}

/** What {@link timeLeft} estimates from. */
export interface TimeLeftInput<K extends string = string> {
  /** The kinds of the jobs that wait (one entry per job). */
  readonly pending: readonly K[];
  readonly running: readonly RunningForEstimate<K>[];
  /** The seconds each finished job took, by kind. */
  readonly finished: ReadonlyMap<K, readonly number[]>;
  /** Jobs at a time. */
  readonly workers: number;
}

/**
 * Seconds left, or `undefined` while some kind has no estimate yet. A kind's expected time is the
 * mean time of its finished jobs; before one finished, the mean over its running jobs of their pace
 * extrapolated over their steps (`seconds * total / done`). The waiting jobs count in full, the
 * running ones less what they have run (never below 0), and the sum is spread over the workers.
 */
export function timeLeft<K extends string>(input: TimeLeftInput<K>): number | undefined {
  const expected = new Map<K, number | undefined>();
  const expectedOf = (kind: K): number | undefined => {
    if (!expected.has(kind)) expected.set(kind, estimate(input, kind));
    return expected.get(kind);
  };
  let total = 0;
  for (const kind of input.pending) {
    const e = expectedOf(kind);
    if (e === undefined) return undefined;
    total += e;
  }
  for (const r of input.running) {
    const e = expectedOf(r.kind);
    if (e === undefined) return undefined;
    total += Math.max(0, e - r.seconds);
  }
  return total / Math.max(1, input.workers);
}

function estimate<K extends string>(input: TimeLeftInput<K>, kind: K): number | undefined {
  const finished = input.finished.get(kind);
  if (finished?.length) return finished.reduce((a, b) => a + b, 0) / finished.length;
  const paced = input.running.filter((r) => r.kind === kind && r.done && r.total);
  if (!paced.length) return undefined;
  return paced.reduce((a, r) => a + r.seconds * (r.total! / r.done!), 0) / paced.length;
}
