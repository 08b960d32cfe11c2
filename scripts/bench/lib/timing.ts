/**
 * Timing helpers for the benchmark: a clock, warm-up first, then the median of repetitions.
 * Nothing here knows about any implementation.
 *
 * @module
 */

/**
 * What {@link now} reads: 'wall' (performance.now) or 'cpu', this process's CPU time (user +
 * system), which other processes on a shared machine do not inflate. CPU time only means speed
 * for one thread: multi-threaded measurements run under {@link withWallClock}.
 */
export type Clock = 'wall' | 'cpu';
let clock: Clock = 'wall';

/** Choose the clock of every later measurement. */
export function setClock(c: Clock): void {
  clock = c;
}

/** The clock in force. */
export const currentClock = (): Clock => clock;

/** Milliseconds on the current clock. */
export function now(): number {
  if (clock === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Run `fn` with the wall clock (multi-threaded measurements), then restore the clock. */
export async function withWallClock<T>(fn: () => T | Promise<T>): Promise<T> {
  const saved = clock;
  clock = 'wall';
  try {
    return await fn();
  } finally {
    clock = saved;
  }
}

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds taken by `fn` (one call). */
export function timeOnce(fn: () => void): number {
  const t = now();
  fn();
  return now() - t;
}

/** Milliseconds taken by the async `fn` (one call). */
export async function timeOnceAsync(fn: () => Promise<void>): Promise<number> {
  const t = now();
  await fn();
  return now() - t;
}

/** Options of {@link sampleCalls}. */
export interface SampleOptions {
  /** Timed repetitions (each of `inner` calls). */
  reps: number;
  /** Aim for repetitions of at least this many milliseconds (calls are batched to get there). */
  targetMs: number;
  /** Warm up for at least this many milliseconds first (at least one repetition's worth). */
  warmupMs: number;
  /** Stop adding repetitions once this much time went into them (at least one is always run). */
  budgetMs?: number;
}

/** What {@link sampleCalls} measured: per-call milliseconds of each repetition. */
export interface Samples {
  /** Milliseconds per call, one entry per repetition. */
  perCallMs: number[];
  /** Calls per repetition. */
  inner: number;
}

/**
 * Time a short synchronous call: a first call sizes the batch (`inner` calls so a repetition
 * takes about `targetMs`), a warm-up of at least `warmupMs` follows, then `reps` repetitions
 * (fewer when one repetition would blow `budgetMs`).
 */
export function sampleCalls(fn: () => void, o: SampleOptions): Samples {
  const first = Math.max(timeOnce(fn), 1e-4);
  const inner = Math.max(1, Math.min(1e6, Math.ceil(o.targetMs / first)));
  let warm = first;
  do {
    warm += timeOnce(() => {
      for (let i = 0; i < inner; i++) fn();
    });
  } while (warm < o.warmupMs);
  const perCallMs: number[] = [];
  let spent = 0;
  for (let r = 0; r < o.reps; r++) {
    const t = timeOnce(() => {
      for (let i = 0; i < inner; i++) fn();
    });
    perCallMs.push(t / inner);
    spent += t;
    if (o.budgetMs !== undefined && spent + t > o.budgetMs && perCallMs.length >= 1) break;
  }
  return { perCallMs, inner };
}

/**
 * Run `run` (one whole measurement, returning its milliseconds) until `warmupMs` have passed
 * (at least once), then `reps` more times; returns the timed milliseconds.
 */
export function sampleRuns(run: () => number, reps: number, warmupMs: number, budgetMs = Infinity): number[] {
  let warm = 0;
  do warm += run();
  while (warm < warmupMs);
  const out: number[] = [];
  let spent = 0;
  for (let r = 0; r < reps; r++) {
    const t = run();
    out.push(t);
    spent += t;
    if (spent + t > budgetMs) break;
  }
  return out;
}
