/**
 * Small checks and helpers shared across units (data, plot, nn): one argmax, one "finite array"
 * check, one way to show a bad value in an error message. Nothing here touches WebAssembly.
 *
 * @module
 */
import { describe as describeValue, toMatrix, type Matrix } from './matrix.js';

/**
 * A value as an error message shows it (`"abc" (a string)`, `null`, `an array`, `5`). Never
 * throws, even for objects that cannot be turned into a string (`Object.create(null)`, a Proxy
 * whose traps throw, a `toString` that throws).
 *
 * @example
 * ```ts
 * describe('abc');               // '"abc" (a string)'
 * describe(Object.create(null)); // 'an object that cannot be shown as text (object)'
 * ```
 */
export function describe(v: unknown): string {
  try {
    return describeValue(v);
  } catch {
    return `an object that cannot be shown as text (${typeof v})`;
  }
}

/**
 * The index of the largest of `length` values from `offset` (the first one on ties; a NaN never
 * wins over an earlier value, and a NaN in front is kept): the one argmax of scratchnet, for
 * rows of predictions or one-hot targets.
 *
 * @example
 * ```ts
 * argmax([0.1, 0.7, 0.2]);             // 1
 * argmax([5, 1, 2, 3, 9, 3], 3, 3);    // 1: the second value of the row [3, 9, 3]
 * ```
 */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0, bv = values[offset]!;
  for (let j = 1; j < length; j++) {
    const v = values[offset + j]!;
    if (v > bv) {
      bv = v;
      best = j;
    }
  }
  return best;
}

/**
 * A copy of `v` as a plain array of finite numbers, or an Error naming `op`, `name` and the bad
 * value. `length` (when given) is the exact length required; `float32: true` also rejects values
 * that overflow float32. The values are read once, so a getter cannot change them after the check.
 *
 * @example
 * ```ts
 * finiteArray('Scaler.fromJSON', 'mean', [1, 2]);       // [1, 2]
 * finiteArray('Scaler.fromJSON', 'mean', [1, NaN]);     // throws "Scaler.fromJSON: mean[1] is NaN, not a finite number"
 * ```
 */
export function finiteArray(
  op: string, name: string, v: unknown, options: { length?: number; float32?: boolean; nonEmpty?: boolean } = {},
): number[] {
  const { length, float32 = false, nonEmpty = false } = options;
  const what = `${nonEmpty ? 'a non-empty array' : 'an array'} of ${length === undefined ? '' : `${length} `}finite numbers`;
  if (!Array.isArray(v)) throw new Error(`${op}: ${name} must be ${what}, got ${describe(v)}`);
  const n = v.length; // read once: a Proxy may say anything
  if (!(Number.isInteger(n) && n >= 0 && n <= MAX_ELEMENTS)) throw new Error(`${op}: ${name} has a length of ${describe(n)}, not 0..${MAX_ELEMENTS}`);
  if (nonEmpty && n === 0) throw new Error(`${op}: ${name} must be ${what}, got an empty array`);
  if (length !== undefined && n !== length) throw new Error(`${op}: ${name} has ${n} values, expected ${length}`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || (float32 && !Number.isFinite(Math.fround(x)))) {
      throw new Error(`${op}: ${name}[${i}] is ${describe(x)}, not a finite${float32 ? ' float32' : ''} number`);
    }
    out[i] = x;
  }
  return out;
}

/**
 * The most values a matrix built on the JavaScript heap by data and plot functions may hold:
 * 2^28 (1 GiB of float32). Larger requests are an Error naming the operation, not a raw
 * `RangeError` from the engine.
 *
 * @example
 * ```ts
 * checkElements('oneHot', 'a 2 x 3 one-hot matrix', 2 * 3); // fine
 * ```
 */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Throw an Error `<op>: <what> would hold N values, more than MAX_ELEMENTS` when `n` is too many
 * (or not a finite number).
 *
 * @example
 * ```ts
 * checkElements('oneHot', 'a 1 x 1e12 one-hot matrix', 1e12); // throws
 * ```
 */
export function checkElements(op: string, what: string, n: number): void {
  if (!(n <= MAX_ELEMENTS)) {
    throw new Error(`${op}: ${what} would hold ${n} values, more than the ${MAX_ELEMENTS} (1 GiB of float32) allowed`);
  }
}

/**
 * `toMatrix` (a Matrix, or rows of finite numbers, checked), where a value that cannot even be
 * shown in the message (`Object.create(null)`, a throwing `toString`) is still a plain Error
 * naming `op` and `name`, never a raw TypeError.
 *
 * @example
 * ```ts
 * readMatrix([[1, 2]], 'accuracy', 'pred').shape; // [1, 2]
 * readMatrix([Object.create(null)], 'accuracy', 'pred'); // throws "accuracy: pred ..."
 * ```
 */
export function readMatrix(x: unknown, op: string, name: string): Matrix {
  try {
    return toMatrix(x, op, name);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      throw new Error(`${op}: ${name} must be a Matrix or an array of rows of finite numbers, got ${describe(x)} (${e.message})`);
    }
    throw e;
  }
}
