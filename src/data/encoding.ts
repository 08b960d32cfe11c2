/**
 * Labels and their encodings: one-hot targets from class indices, and back (the argmax of each
 * row). Nothing here needs `init()`.
 *
 * @module
 */
import { Matrix, type MatrixLike } from '../core/matrix.js';
import { argmax, checkElements, describe, MAX_ELEMENTS } from '../core/validate.js';
import { toMatrix } from '../core/matrix.js';

/**
 * Labels: one number per row.
 *
 * @example
 * ```ts
 * const labels: Labels = [0, 1, 1];
 * ```
 */
export type Labels = readonly number[] | ArrayLike<number>;

/**
 * Whether `v` is labels (an array of non-arrays, or a typed array) rather than rows of a matrix.
 *
 * @example
 * ```ts
 * isLabels([0, 1]);     // true
 * isLabels([[0], [1]]); // false
 * ```
 */
export function isLabels(v: unknown): v is Labels {
  return (Array.isArray(v) && (v.length === 0 || !Array.isArray(v[0]))) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Labels read once into a plain array, each a finite number, or an Error naming `op`, `name` and
 * the bad entry.
 *
 * @example
 * ```ts
 * checkLabelArray(new Int32Array([1, 2]), 'oneHot', 'labels'); // [1, 2]
 * ```
 */
export function checkLabelArray(labels: unknown, op: string, name: string): number[] {
  if (!isLabels(labels)) throw new Error(`${op}: ${name} must be an array of numbers, got ${describe(labels)}`);
  const n = (labels as ArrayLike<number>).length;
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_ELEMENTS)) throw new Error(`${op}: ${name} has a length of ${describe(n)}, not 0..${MAX_ELEMENTS}`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = (labels as ArrayLike<unknown>)[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${name}[${i}] is ${describe(v)}, not a finite number`);
    out[i] = v;
  }
  return out;
}

/**
 * One-hot encode integer class labels 0..k−1 as an n×k Matrix (`k = classes`, default the
 * largest label + 1), the targets of a Softmax output.
 *
 * @example
 * ```ts
 * import { oneHot } from 'scratchnet';
 * oneHot([0, 2, 1]).toArray();    // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * oneHot([1], 4).toArray();       // [[0, 1, 0, 0]]
 * ```
 */
export function oneHot(labels: readonly number[] | ArrayLike<number>, classes?: number): Matrix {
  const op = 'oneHot';
  const l = checkLabelArray(labels, op, 'labels');
  if (l.length === 0) throw new Error(`${op}: labels is empty`);
  let max = 0;
  for (let i = 0; i < l.length; i++) {
    const v = l[i]!;
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: labels[${i}] is ${v}, not a class index (an integer >= 0)`);
    if (v > max) max = v;
  }
  const k = classes ?? max + 1;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) throw new Error(`${op}: classes must be a positive integer, got ${describe(classes)}`);
  if (max >= k) {
    const i = l.findIndex((v) => v >= k);
    throw new Error(`${op}: labels[${i}] is ${l[i]}, outside 0..${k - 1} for ${k} classes`);
  }
  checkElements(op, `a ${l.length} x ${k} one-hot matrix${classes === undefined ? ` (classes = the largest label + 1)` : ''}`, l.length * k);
  const out = new Float32Array(l.length * k);
  for (let i = 0; i < l.length; i++) out[i * k + l[i]!] = 1;
  return new Matrix(l.length, k, out);
}

/**
 * The column of the largest value in every row (the first one on ties): predicted classes from
 * a Softmax output, or labels from one-hot targets.
 *
 * @example
 * ```ts
 * import { argmaxRows } from 'scratchnet';
 * argmaxRows([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]); // [1, 0]
 * ```
 */
export function argmaxRows(m: MatrixLike): number[] {
  const M = toMatrix(m, 'argmaxRows', 'm');
  const d = M.data, c = M.cols;
  const out = new Array<number>(M.rows);
  for (let i = 0; i < M.rows; i++) out[i] = argmax(d, i * c, c);
  return out;
}
