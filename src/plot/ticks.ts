/**
 * Axis ticks for charts: round linear ticks (1, 2 or 5 × 10ⁿ), log ticks, and their labels.
 *
 * @module
 */

/**
 * An axis: its domain [lo, hi], tick values, and the tick step (linear) or null (log).
 *
 * @example
 * ```ts
 * const s: Scale = linearTicks(0, 1, 5, false); // { lo: 0, hi: 1, ticks: [0, 0.2, ..., 1], step: 0.2, log: false }
 * ```
 */
export interface Scale {
  lo: number;
  hi: number;
  ticks: number[];
  step: number | null;
  log: boolean;
}

/**
 * Position of `v` in the scale's domain, 0 at lo and 1 at hi.
 *
 * @example
 * ```ts
 * unit(linearTicks(0, 10, 5, false), 5); // 0.5
 * ```
 */
export function unit(s: Scale, v: number): number {
  if (s.log) {
    const a = Math.log10(s.lo), b = Math.log10(s.hi);
    return b > a ? (Math.log10(v) - a) / (b - a) : 0.5;
  }
  const span = s.hi - s.lo;
  if (!Number.isFinite(span)) return (v / 2 - s.lo / 2) / (s.hi / 2 - s.lo / 2);
  return span > 0 ? (v - s.lo) / span : 0.5;
}

/**
 * Round ticks k·step, step = 1, 2 or 5 × 10ⁿ chosen for about `target` intervals, from the
 * largest multiple ≤ min to the smallest ≥ max. `integer` forces step ≥ 1 (indices).
 *
 * @example
 * ```ts
 * linearTicks(0.3, 9.2, 5, false).ticks; // [0, 2, 4, 6, 8, 10]
 * ```
 */
export function linearTicks(min: number, max: number, target: number, integer: boolean): Scale {
  // equal ends, or ends so close that tick values of 12 significant digits cannot tell them
  // apart (100 and 100.00000000000003): a flat line, drawn inside ticks around it
  if (!(max > min) || max / 2 - min / 2 <= Math.max(Math.abs(min), Math.abs(max)) * NEAR_EQUAL) {
    const pad = min === 0 && max === 0 ? 1 : Math.max(Math.abs(min), Math.abs(max)) * 0.1;
    [min, max] = [Math.max(min - pad, -Number.MAX_VALUE), Math.min(max + pad, Number.MAX_VALUE)];
  }
  const ends: Scale = { lo: min, hi: max, ticks: [min, max], step: null, log: false }; // degenerate numbers: just the ends
  const raw = max / target - min / target; // not (max − min) / target, which can overflow
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const i0 = Math.floor(min / step + 1e-9), i1 = Math.ceil(max / step - 1e-9);
  // beyond 2^53, i + 1 === i: the loop below would never end
  if (!(Number.isFinite(step) && step > 0 && Number.isSafeInteger(i0) && Number.isSafeInteger(i1)) || i1 - i0 > MAX_TICKS || i1 <= i0) return ends;
  const ticks: number[] = [];
  for (let k = 0; k <= i1 - i0; k++) {
    const t = clean((i0 + k) * step);
    if (!(Number.isFinite(t) && (k === 0 || t > ticks[k - 1]!))) return ends; // rounding merged two ticks
    ticks.push(t);
  }
  return { lo: ticks[0]!, hi: ticks[ticks.length - 1]!, ticks, step, log: false };
}

/** The most intervals between linear ticks (more fall back to the two ends). */
const MAX_TICKS = 1000;
/** Ends closer than this, relative to their magnitude, are drawn as one value (a flat line). */
const NEAR_EQUAL = 1e-10;

/**
 * Log-axis ticks for 0 < min ≤ max: within one decade, round linear ticks (when they stay > 0);
 * else m·10ᵏ with m in 1..9, {1, 2, 5} or {1} as the decades grow, and every few powers of ten
 * beyond ten decades. The domain runs from the tick ≤ min to the tick ≥ max.
 *
 * @example
 * ```ts
 * logTicks(0.01, 10, 5).ticks; // [0.01, 0.1, 1, 10]
 * ```
 */
export function logTicks(min: number, max: number, target: number): Scale {
  const a = Math.log10(min), b = Math.log10(max);
  const decades = b - a;
  if (decades < 1) {
    const lin = linearTicks(min, max, target, false);
    if (lin.lo > 0 && lin.step !== null) return { ...lin, log: true };
  }
  const mantissas = decades > 2.5 ? [1] : decades > 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const stride = decades > 10 ? Math.ceil(decades / target) : 1;
  const k0 = Math.max(-323, Math.floor(a / stride) * stride - stride), k1 = Math.min(308, Math.ceil(b / stride) * stride + stride);
  const candidates: number[] = [];
  for (let k = k0; k <= k1; k += stride) for (const m of mantissas) {
    const c = Number(`${m}e${k}`);
    if (c > 0 && Number.isFinite(c)) candidates.push(c);
  }
  let lo = -1, hi = -1;
  for (let j = 0; j < candidates.length; j++) if (candidates[j]! <= min * (1 + 1e-12)) lo = j;
  for (let j = candidates.length - 1; j >= 0; j--) if (candidates[j]! >= max * (1 - 1e-12)) hi = j;
  if (lo >= 0 && lo === hi) [lo, hi] = [Math.max(0, lo - 1), Math.min(candidates.length - 1, hi + 1)];
  if (lo < 0 || hi < 0 || hi <= lo) {
    // a decade above a single value, or below it when that would overflow (1.8e308)
    const [a0, b0] = max > min ? [min, max] : min * 10 < Infinity ? [min, min * 10] : [min / 10, min];
    return { lo: a0, hi: b0, ticks: [a0, b0], step: null, log: true };
  }
  const ticks = candidates.slice(lo, hi + 1);
  return { lo: ticks[0]!, hi: ticks[ticks.length - 1]!, ticks, step: null, log: true };
}

/**
 * Drop float noise from a tick value (0.30000000000000004 → 0.3); −0 → 0.
 *
 * @example
 * ```ts
 * clean(0.1 + 0.2); // 0.3
 * ```
 */
export function clean(v: number): number {
  const c = Number(v.toPrecision(12));
  return c === 0 ? 0 : c;
}

/**
 * Tick labels: fixed decimals matching the step (0.45, 0.50, 0.55) for ordinary magnitudes;
 * otherwise, and on log axes spanning decades, the shortest plain form (0.001, 200), or the
 * shortest exponent form (2e6, 1.5e-5) for all labels when any is very large or very small.
 *
 * @example
 * ```ts
 * tickLabels(linearTicks(0, 1, 2, false)); // ['0', '0.5', '1.0']
 * ```
 */
export function tickLabels(s: Scale): string[] {
  const maxAbs = Math.max(Math.abs(s.lo), Math.abs(s.hi));
  if (s.step !== null && s.step >= 1e-4 && maxAbs < 1e6) {
    const decimals = Math.max(0, Math.min(20, -Math.floor(Math.log10(s.step) + 1e-9)));
    return s.ticks.map((v) => (v === 0 ? '0' : v.toFixed(decimals)));
  }
  const plain = s.step === null && s.ticks.every((v) => v === 0 || (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e6));
  return s.ticks.map((v) => (v === 0 ? '0' : plain ? String(clean(v)) : clean(v).toExponential().replace('e+', 'e')));
}
