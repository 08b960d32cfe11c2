/**
 * Feature scalers fitted on training rows, as scikit-learn's: `StandardScaler` (mean 0, standard
 * deviation 1 per column) and `MinMaxScaler` (each column's training range to a target range).
 * Both are one per-column affine map, fitted differently; both round-trip through JSON.
 *
 * @module
 */
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { describe, finiteArray, readOptions } from '../core/validate.js';

/**
 * The one per-column affine map of both scalers: `x·a + b` (`'forward'`) or its inverse
 * `(x − b) / a` (`'inverse'`), column j using a[j], b[j]; checks the column count and that every
 * result is a finite float32.
 */
function affine(op: string, x: MatrixLike, a: readonly number[], b: readonly number[], direction: 'forward' | 'inverse'): Matrix {
  const X = toMatrix(x, op, 'x');
  if (X.cols !== a.length) throw new Error(`${op}: x has ${X.cols} columns, the scaler was fitted on ${a.length}`);
  const cols = X.cols, d = X.data, out = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const j = i % cols;
    const v = direction === 'forward' ? d[i]! * a[j]! + b[j]! : (d[i]! - b[j]!) / a[j]!;
    out[i] = v;
    if (!Number.isFinite(out[i]!)) {
      const r = Math.floor(i / cols);
      throw new Error(`${op}: x[${r}][${j}] = ${d[i]} maps to ${v}, which is not a finite float32`);
    }
  }
  return new Matrix(X.rows, cols, out);
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);

/** The float32 nearest `v` as a signed ordinal: consecutive float32 values differ by 1 (−0 and 0 are both 0). */
function ordinal(v: number): number {
  f32[0] = Math.abs(v);
  return v < 0 ? -u32[0]! : u32[0]!;
}

/** The next float32 above the float32 `v` (Infinity above the largest). */
function nextUp32(v: number): number {
  if (v === 0) return 2 ** -149;
  f32[0] = v;
  u32[0] = v > 0 ? u32[0]! + 1 : u32[0]! - 1; // a negative value's magnitude shrinks
  return f32[0];
}

/**
 * The fewest distinct float32 results a column's range [min, max] must map onto (or one per
 * float32 in the range, when there are fewer): a featureRange such as [0, 1e-45] or
 * [1e30, 1.0000001e30] holds one or two float32 values, and would send every row to them.
 */
const MIN_LEVELS = 1024;

/**
 * Consecutive float32 values at a column's mean more than this many scales apart: parameters no
 * float32 data gives (a fitted column, unless constant, has them at most √rows ≤ 2^15 scales
 * apart), and that send every row far from the mean to about −mean/scale.
 */
const MAX_GAP = 2 ** 20;

/**
 * Checks of a StandardScaler's parameters, column by column, before they are kept: `min`/`max`
 * (given by fit: the data's) must map to different float32 values, and the float32 values next
 * to the mean must be at most {@link MAX_GAP} scales apart (`mean: [1e30], scale: [1]` would map
 * 0, 2.5, 5, 7.5 and 10 all to −1e30). A constant column as fit writes it (scale 1 around a
 * float32 mean), and a map that overflows next to the mean (transform reports that), are exempt.
 */
function checkStandard(op: string, mean: readonly number[], scale: readonly number[], min?: readonly number[], max?: readonly number[]): void {
  const f = (x: number, j: number): number => Math.fround((x - mean[j]!) / scale[j]!);
  for (let j = 0; j < mean.length; j++) {
    const m = mean[j]!, s = scale[j]!;
    if (min && max && min[j]! < max[j]! && f(min[j]!, j) === f(max[j]!, j)) {
      throw new Error(
        `${op}: column ${j}'s values ${min[j]} and ${max[j]} both map to ${f(min[j]!, j)} (mean ${m}, scale ${s}): every row would map to one value`,
      );
    }
    if (s === 1 && Math.fround(m) === m) continue; // a constant column: only centred
    const c = Math.fround(m), next = nextUp32(c);
    const gap = (next - c) / s;
    if (gap > MAX_GAP && Number.isFinite(f(next, j))) {
      throw new Error(
        `${op}: column ${j}'s scale ${s} is far below float32's resolution at its mean ${m}: consecutive float32 values there ` +
          `are ${next - c} apart (${gap} scales), so rows would all map to about ${f(0, j)} or to a few values`,
      );
    }
  }
}

/**
 * The JSON form of a fitted {@link StandardScaler}.
 *
 * @example
 * ```ts
 * import { StandardScaler, type StandardScalerJSON } from 'scratchnet';
 * const json: StandardScalerJSON = new StandardScaler().fit([[1], [3]]).toJSON(); // { type: 'StandardScaler', mean: [2], scale: [1] }
 * ```
 */
export interface StandardScalerJSON {
  type: 'StandardScaler';
  mean: number[];
  scale: number[];
}

/** Each column's smallest and largest value, of `rows`×`cols` row-major values. */
function columnRange(d: Float32Array, rows: number, cols: number): [number[], number[]] {
  const lo = new Array<number>(cols).fill(Infinity), hi = new Array<number>(cols).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = d[i * cols + j]!;
      if (v < lo[j]!) lo[j] = v;
      if (v > hi[j]!) hi[j] = v;
    }
  }
  return [lo, hi];
}

/**
 * Standardize features: `(x − mean) / std` per column, with the mean and the (population)
 * standard deviation of the data it was fitted on, as scikit-learn's `StandardScaler`. Fit it
 * on the training rows only, then transform both training and test rows. A column that is
 * constant in the training data gets scale 1 (it is only centred).
 *
 * @example
 * ```ts
 * import { StandardScaler } from 'scratchnet';
 * const scaler = new StandardScaler();
 * scaler.fitTransform([[1, 10], [3, 10]]).toArray(); // [[-1, 0], [1, 0]]
 * scaler.transform([[5, 11]]).toArray();              // [[3, 1]]
 * const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
 * ```
 */
export class StandardScaler {
  /** Column means (after `fit`). */
  mean: number[] | null = null;
  /** Column standard deviations, 1 for constant columns (after `fit`). */
  scale: number[] | null = null;

  /**
   * Learn each column's mean and standard deviation (float64). A column whose minimum and
   * maximum would map to one float32 value is an Error, and the scaler keeps what it had.
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[0], [2]]).scale; // [1]
   * ```
   */
  fit(x: MatrixLike): this {
    const X = toMatrix(x, 'StandardScaler.fit', 'x');
    const { rows, cols } = X, d = X.data;
    const mean = new Array<number>(cols).fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += d[i * cols + j]!;
    for (let j = 0; j < cols; j++) mean[j]! /= rows;
    const sq = new Array<number>(cols).fill(0);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const t = d[i * cols + j]! - mean[j]!;
        sq[j]! += t * t;
      }
    }
    const scale = sq.map((s) => {
      const std = Math.sqrt(s / rows);
      return std > 0 ? std : 1;
    });
    const [lo, hi] = columnRange(d, rows, cols);
    checkStandard('StandardScaler.fit', mean, scale, lo, hi); // before anything is kept
    this.mean = mean;
    this.scale = scale;
    return this;
  }

  /**
   * `(x − mean) / scale`, a new Matrix. Throws before `fit` or on a different column count.
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[0], [2]]).transform([[4]]).toArray(); // [[3]]
   * ```
   */
  transform(x: MatrixLike): Matrix {
    const op = 'StandardScaler.transform';
    const [mean, scale] = this.fitted(op);
    return affine(op, x, scale, mean, 'inverse');
  }

  /**
   * `fit(x)` then `transform(x)`; when either throws, the scaler keeps its previous parameters.
   *
   * @example
   * ```ts
   * new StandardScaler().fitTransform([[1], [3]]).toArray(); // [[-1], [1]]
   * ```
   */
  fitTransform(x: MatrixLike): Matrix {
    const { mean, scale } = this;
    try {
      return this.fit(x).transform(x);
    } catch (e) {
      [this.mean, this.scale] = [mean, scale];
      throw e;
    }
  }

  /**
   * Undo `transform`: `x · scale + mean`.
   *
   * @example
   * ```ts
   * const s = new StandardScaler().fit([[1], [3]]);
   * s.inverseTransform(s.transform([[7]])).toArray(); // [[7]]
   * ```
   */
  inverseTransform(x: MatrixLike): Matrix {
    const op = 'StandardScaler.inverseTransform';
    const [mean, scale] = this.fitted(op);
    return affine(op, x, scale, mean, 'forward');
  }

  /**
   * The fitted parameters, for `JSON.stringify`.
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[1], [3]]).toJSON(); // { type: 'StandardScaler', mean: [2], scale: [1] }
   * ```
   */
  toJSON(): StandardScalerJSON {
    const [mean, scale] = this.fitted('StandardScaler.toJSON');
    return { type: 'StandardScaler', mean: [...mean], scale: [...scale] };
  }

  /**
   * A fitted scaler from `toJSON()`'s output (validated): finite means, float32 scales > 0,
   * and no scale far below float32's resolution at its mean (`mean: [1e30], scale: [1]` would
   * send every row to −1e30), but the scale 1 of a constant column.
   *
   * @example
   * ```ts
   * StandardScaler.fromJSON({ type: 'StandardScaler', mean: [2], scale: [1] }).transform([[3]]).toArray(); // [[1]]
   * ```
   */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const op = 'StandardScaler.fromJSON';
    if (json === null || typeof json !== 'object' || json.type !== 'StandardScaler') {
      throw new Error(`${op}: expected an object with type 'StandardScaler', got ${describe(json)}`);
    }
    const mean = finiteArray(op, 'mean', json.mean, { nonEmpty: true });
    // a float32 scale, as fit() on float32 data gives: a scale of 1e308 would map every row to 0
    // (a mean beyond float32 is no such trap: transform reports the overflow)
    const scale = finiteArray(op, 'scale', json.scale, { length: mean.length, float32: true });
    scale.forEach((s, j) => {
      if (!(s > 0)) throw new Error(`${op}: scale[${j}] is ${s}, must be > 0`);
    });
    checkStandard(op, mean, scale);
    const s = new StandardScaler();
    s.mean = mean;
    s.scale = scale;
    return s;
  }

  private fitted(op: string): [number[], number[]] {
    if (!this.mean || !this.scale) throw new Error(`${op}: the scaler is not fitted; call fit(xTrain) first`);
    return [this.mean, this.scale];
  }
}

/**
 * The JSON form of a fitted {@link MinMaxScaler}.
 *
 * @example
 * ```ts
 * import { MinMaxScaler, type MinMaxScalerJSON } from 'scratchnet';
 * const json: MinMaxScalerJSON = new MinMaxScaler().fit([[1], [3]]).toJSON(); // { type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: [3] }
 * ```
 */
export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  featureRange: [number, number];
  dataMin: number[];
  dataMax: number[];
}

/**
 * Rescale features linearly so that each column's training minimum and maximum map to
 * `featureRange` (default `[0, 1]`), as scikit-learn's `MinMaxScaler`. Test values outside the
 * training range land outside `featureRange` (they are not clipped). A constant column maps to
 * the range's lower end.
 *
 * @example
 * ```ts
 * import { MinMaxScaler } from 'scratchnet';
 * const scaler = new MinMaxScaler();
 * scaler.fitTransform([[0, 5], [10, 5]]).toArray(); // [[0, 0], [1, 0]]
 * scaler.transform([[5, 6]]).toArray();              // [[0.5, 1]]
 * new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform([[0], [4]]).toArray(); // [[-1], [1]]
 * ```
 */
export class MinMaxScaler {
  /** The target range. */
  readonly featureRange: [number, number];
  /** Column minima and maxima of the data it was fitted on. */
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;

  constructor(options: { featureRange?: readonly [number, number] } = {}) {
    const op = 'MinMaxScaler';
    const given: unknown = readOptions(op, options, ['featureRange']).featureRange ?? [0, 1];
    const r = Array.isArray(given) && given.length === 2 ? [given[0] as unknown, given[1] as unknown] : null;
    if (!r || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !((r[0] as number) < (r[1] as number)) ||
      !Number.isFinite((r[1] as number) - (r[0] as number))) {
      let shown: string;
      try {
        shown = JSON.stringify(r ?? given) ?? describe(given);
      } catch {
        shown = describe(given);
      }
      throw new Error(`${op}: featureRange must be [min, max] with finite min < max, got ${shown}`);
    }
    this.featureRange = [r[0] as number, r[1] as number];
  }

  /**
   * Learn each column's minimum and maximum. The map onto featureRange is checked first: a
   * column whose range cannot map onto it (a scale or an end beyond float32, or too few distinct
   * float32 results, as [0, 1e-45] gives) is an Error, and the scaler keeps what it had.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[1], [3]]).dataMax; // [3]
   * ```
   */
  fit(x: MatrixLike): this {
    const X = toMatrix(x, 'MinMaxScaler.fit', 'x');
    const { rows, cols } = X, d = X.data;
    const [lo, hi] = columnRange(d, rows, cols);
    minMaxMap('MinMaxScaler.fit', this.featureRange, lo, hi); // the map must be usable before anything is kept
    this.dataMin = lo;
    this.dataMax = hi;
    return this;
  }

  /**
   * Map each column from [dataMin, dataMax] to `featureRange`, a new Matrix.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[0], [10]]).transform([[2.5]]).toArray(); // [[0.25]]
   * ```
   */
  transform(x: MatrixLike): Matrix {
    const op = 'MinMaxScaler.transform';
    const [scale, shift] = this.affine(op);
    return affine(op, x, scale, shift, 'forward');
  }

  /**
   * `fit(x)` then `transform(x)`; when either throws, the scaler keeps its previous parameters.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fitTransform([[2], [4], [3]]).toArray(); // [[0], [1], [0.5]]
   * ```
   */
  fitTransform(x: MatrixLike): Matrix {
    const { dataMin, dataMax } = this;
    try {
      return this.fit(x).transform(x);
    } catch (e) {
      [this.dataMin, this.dataMax] = [dataMin, dataMax];
      throw e;
    }
  }

  /**
   * Undo `transform`.
   *
   * @example
   * ```ts
   * const s = new MinMaxScaler().fit([[2], [4]]);
   * s.inverseTransform([[0.5]]).toArray(); // [[3]]
   * ```
   */
  inverseTransform(x: MatrixLike): Matrix {
    const op = 'MinMaxScaler.inverseTransform';
    const [scale, shift] = this.affine(op);
    return affine(op, x, scale, shift, 'inverse');
  }

  /**
   * The fitted parameters, for `JSON.stringify`.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[1], [3]]).toJSON(); // { type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: [3] }
   * ```
   */
  toJSON(): MinMaxScalerJSON {
    if (!this.dataMin || !this.dataMax) throw new Error('MinMaxScaler.toJSON: the scaler is not fitted; call fit(xTrain) first');
    return { type: 'MinMaxScaler', featureRange: [...this.featureRange], dataMin: [...this.dataMin], dataMax: [...this.dataMax] };
  }

  /**
   * A fitted scaler from `toJSON()`'s output, validated as `fit` checks its map.
   *
   * @example
   * ```ts
   * const s = MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0], dataMax: [2] });
   * s.transform([[1]]).toArray(); // [[0.5]]
   * ```
   */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const op = 'MinMaxScaler.fromJSON';
    if (json === null || typeof json !== 'object' || json.type !== 'MinMaxScaler') {
      throw new Error(`${op}: expected an object with type 'MinMaxScaler', got ${describe(json)}`);
    }
    // float32, as fit() on float32 data gives: [-1e308, 1e308] would overflow the width to
    // Infinity, and [-1e308, 0] would map every row to the same value
    const dataMin = finiteArray(op, 'dataMin', json.dataMin, { nonEmpty: true, float32: true });
    const dataMax = finiteArray(op, 'dataMax', json.dataMax, { length: dataMin.length, float32: true });
    dataMin.forEach((lo, j) => {
      if (lo > dataMax[j]!) throw new Error(`${op}: dataMin[${j}] = ${lo} is greater than dataMax[${j}] = ${dataMax[j]}`);
    });
    const s = new MinMaxScaler({ featureRange: json.featureRange });
    s.dataMin = dataMin;
    s.dataMax = dataMax;
    s.affine(op); // the map must be usable: refused now, not at the first transform
    return s;
  }

  /** Per column: x·scale + shift (see {@link minMaxMap}). */
  private affine(op: string): [number[], number[]] {
    if (!this.dataMin || !this.dataMax) throw new Error(`${op}: the scaler is not fitted; call fit(xTrain) first`);
    return minMaxMap(op, this.featureRange, this.dataMin, this.dataMax);
  }
}

/**
 * A MinMaxScaler's map, per column `x·scale + shift`, or an Error when a column's range
 * [dataMin, dataMax] cannot map onto featureRange: a scale that is not a finite number > 0, ends
 * that do not map to finite float32 values, or too few distinct float32 results
 * (see {@link MIN_LEVELS}).
 */
function minMaxMap(op: string, featureRange: readonly [number, number], dataMin: readonly number[], dataMax: readonly number[]): [number[], number[]] {
  const [a, b] = featureRange;
  const scale: number[] = [], shift: number[] = [];
  for (let j = 0; j < dataMin.length; j++) {
    const lo = dataMin[j]!, hi = dataMax[j]!;
    const range = hi - lo;
    const k = (b - a) / (range > 0 ? range : 1);
    const cannot = `${op}: column ${j}'s range [${lo}, ${hi}] cannot be mapped onto featureRange [${a}, ${b}]`;
    if (!Number.isFinite(range) || !Number.isFinite(k) || !(k > 0)) {
      throw new Error(`${cannot} (the width ${range} gives a scale of ${k}, not a finite number > 0)`);
    }
    const c = a - lo * k;
    // the same arithmetic as transform's
    const fLo = Math.fround(lo * k + c), fHi = Math.fround(hi * k + c);
    if (!Number.isFinite(fLo) || !Number.isFinite(fHi)) throw new Error(`${cannot} (its ends map to ${fLo} and ${fHi}, not finite float32 values)`);
    if (lo < hi) {
      const levels = ordinal(fHi) - ordinal(fLo), needed = Math.min(MIN_LEVELS, ordinal(hi) - ordinal(lo));
      if (levels < needed) {
        throw new Error(
          `${cannot}: it lands on only ${levels + 1} distinct float32 values (${fLo} to ${fHi}), at least ${needed + 1} needed, ` +
            'so different rows would map to the same value',
        );
      }
    }
    scale.push(k);
    shift.push(c);
  }
  return [scale, shift];
}
