/**
 * The statistics of a setup over its seeds: success rate, medians (loss, epochs to the
 * threshold, epochs off the ln 2 saddle), failure modes, dead units, the median loss curve.
 *
 * @module
 */
import { LN2, type Outcome, type Setup } from './runs.js';

export type Mode = 'diverged' | 'saturated' | 'saddle' | 'dead' | 'plateau' | 'slow';
export const MODE_TEXT: Record<Mode, string> = {
  diverged: 'diverged',
  saturated: 'saturated output',
  saddle: 'saddle (loss≈ln2)',
  dead: 'dead ReLUs',
  plateau: 'plateau',
  slow: 'still falling',
};

export interface Stats {
  setup: Setup;
  outcomes: Outcome[];
  seeds: number[];
  n: number;
  ok: number;
  rate: number;
  medLoss: number;
  /** Median epochs to THRESHOLD, counting runs that never got there as ∞. */
  medEpochs: number;
  /** Median epochs to get off the ln 2 saddle (∞ for runs that never did). */
  medEscape: number;
  reached: number;
  modes: Record<Mode, number>;
  /** Mean fraction of hidden units dead at the end. */
  deadFrac: number;
  /** Failed runs' final losses, rounded, most common first. */
  plateaus: [string, number][];
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  if (s.length % 2) return s[m]!;
  const [a, b] = [s[m - 1]!, s[m]!];
  return a === Infinity || b === Infinity ? (a === b ? Infinity : b === Infinity ? Infinity : (a + b) / 2) : (a + b) / 2;
}

export function success(s: Setup, o: Outcome): boolean {
  return !o.diverged && (s.data === 'xor' ? o.accuracy === 1 : o.accuracy >= 0.95);
}

export function failureMode(s: Setup, o: Outcome): Mode | null {
  if (success(s, o)) return null;
  if (o.diverged) return 'diverged';
  if (o.loss > LN2 + 0.01) return 'saturated';
  if (Math.abs(o.loss - LN2) <= 0.01) return 'saddle';
  if (s.act === 'relu' && o.deadLayer >= 0.5) return 'dead';
  if (o.tailDrop > 0.01) return 'slow';
  return 'plateau';
}

export function stats(setup: Setup, seeds: number[], outcomes: Outcome[]): Stats {
  const modes: Record<Mode, number> = { diverged: 0, saturated: 0, saddle: 0, dead: 0, plateau: 0, slow: 0 };
  let ok = 0, deadFrac = 0;
  const plateauCount = new Map<string, number>();
  for (const o of outcomes) {
    const m = failureMode(setup, o);
    if (m === null) ok++;
    else {
      modes[m]++;
      const key = o.diverged ? 'diverged' : o.loss.toFixed(2);
      plateauCount.set(key, (plateauCount.get(key) ?? 0) + 1);
    }
    deadFrac += o.units ? o.dead / o.units : 0;
  }
  const epochs = outcomes.map((o) => (o.epochsTo < 0 ? Infinity : o.epochsTo));
  return {
    setup, outcomes, seeds, n: outcomes.length, ok, rate: outcomes.length ? ok / outcomes.length : NaN,
    medLoss: median(outcomes.map((o) => o.loss)),
    medEpochs: median(epochs), medEscape: median(outcomes.map((o) => (o.escape < 0 ? Infinity : o.escape))), reached: epochs.filter(Number.isFinite).length, modes,
    deadFrac: outcomes.length ? deadFrac / outcomes.length : 0,
    plateaus: [...plateauCount].sort((a, b) => b[1] - a[1]),
  };
}

/** The pointwise median of the runs' loss curves; a diverged run counts as ∞ after it diverged. */
export function medianCurve(st: Stats): number[] {
  const curves = st.outcomes.map((o) => o.curve).filter((c): c is Float32Array => c !== null);
  if (curves.length === 0) return [];
  const len = Math.max(...curves.map((c) => c.length), st.setup.epochs);
  const out: number[] = new Array(len);
  const col = new Float64Array(curves.length);
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < curves.length; i++) col[i] = t < curves[i]!.length ? curves[i]![t]! : Infinity;
    col.sort();
    const m = col.length >> 1;
    out[t] = col.length % 2 ? col[m]! : (col[m - 1]! + col[m]!) / 2;
  }
  return out;
}

/** The better of two setups' statistics: higher success, then fewer epochs to the threshold. */
export function better(a: Stats, b: Stats): Stats {
  if (a.rate !== b.rate) return a.rate > b.rate ? a : b;
  return a.medEpochs <= b.medEpochs ? a : b;
}
