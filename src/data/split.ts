/**
 * A seeded, optionally stratified train/test split of rows.
 *
 * @module
 */
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { RandomState } from '../core/random.js';
import { describe, readOptions } from '../core/validate.js';
import { argmaxRows, checkLabelArray, isLabels } from './encoding.js';

/**
 * Options of {@link trainTestSplit}.
 *
 * @example
 * ```ts
 * import { trainTestSplit, type SplitOptions } from 'scratchnet';
 * const options: SplitOptions = { testFraction: 0.25, seed: 42, stratify: true };
 * trainTestSplit([[0], [1], [2], [3], [4], [5], [6], [7]], [0, 0, 0, 0, 1, 1, 1, 1], options).yTest.length; // 2
 * ```
 */
export interface SplitOptions {
  /** The fraction of rows held out for testing, in (0, 1): `ceil(testFraction · n)` rows (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffle (a NumPy-compatible `RandomState`, default 0). */
  seed?: number;
  /**
   * Keep each class's share of rows in both parts (default false). The classes are `y`'s labels,
   * the argmax of one-hot rows, or the value of a one-column `y`.
   */
  stratify?: boolean;
}

/**
 * What {@link trainTestSplit} returns: `y` parts have the type `y` was given in.
 *
 * @example
 * ```ts
 * import { trainTestSplit, type Split } from 'scratchnet';
 * const split: Split<number[]> = trainTestSplit([[0], [1], [2], [3], [4]], [0, 1, 0, 1, 0]);
 * split.xTest.rows; // 1
 * ```
 */
export interface Split<Y> {
  xTrain: Matrix;
  yTrain: Y;
  xTest: Matrix;
  yTest: Y;
}

function takeRows(m: Matrix, rows: readonly number[]): Matrix {
  const c = m.cols, d = m.data, out = new Float32Array(rows.length * c);
  rows.forEach((r, i) => out.set(d.subarray(r * c, (r + 1) * c), i * c));
  return new Matrix(rows.length, c, out);
}

/**
 * Split rows into a shuffled training part and a held-out test part, seeded (the same seed gives
 * the same split), optionally stratified by class. `y` is labels (`number[]`, returned as
 * `number[]`) or a matrix (one-hot or a column; returned as `Matrix`).
 *
 * @example
 * ```ts
 * import { trainTestSplit } from 'scratchnet';
 * const x = [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]];
 * const y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
 * const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.2, seed: 1, stratify: true });
 * xTrain.rows; // 8
 * yTest;       // one 0 and one 1, in some order
 * ```
 */
export function trainTestSplit(x: MatrixLike, y: readonly number[], options?: SplitOptions): Split<number[]>;
export function trainTestSplit(x: MatrixLike, y: MatrixLike, options?: SplitOptions): Split<Matrix>;
export function trainTestSplit(
  x: MatrixLike,
  y: MatrixLike | readonly number[],
  options: SplitOptions = {},
): Split<number[]> | Split<Matrix> {
  const op = 'trainTestSplit';
  const o = readOptions(op, options, ['testFraction', 'seed', 'stratify']) as SplitOptions;
  const X = toMatrix(x, op, 'x');
  const n = X.rows;
  const yLabels = isLabels(y) ? checkLabelArray(y, op, 'y') : null;
  const Y = yLabels ? null : toMatrix(y, op, 'y');
  const ny = yLabels ? yLabels.length : Y!.rows;
  if (ny !== n) throw new Error(`${op}: x has ${n} rows but y has ${ny}`);
  const testFraction = o.testFraction ?? 0.2;
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new Error(`${op}: testFraction must be a number in (0, 1), got ${describe(testFraction)}`);
  }
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`${op}: seed must be an integer in [0, 2^32 - 1], got ${describe(seed)}`);
  }
  const stratify = o.stratify ?? false;
  if (typeof stratify !== 'boolean') throw new Error(`${op}: stratify must be true or false, got ${describe(stratify)}`);
  const nTest = Math.ceil(testFraction * n - 1e-9);
  if (nTest < 1 || nTest > n - 1) {
    throw new Error(`${op}: testFraction ${testFraction} of ${n} rows leaves ${nTest} test and ${n - nTest} training rows; both need at least 1`);
  }
  const rng = new RandomState(seed);
  let test: number[], train: number[];
  if (!stratify) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    test = order.slice(0, nTest);
    train = order.slice(nTest);
  } else {
    const keys = yLabels ?? (Y!.cols > 1 ? argmaxRows(Y!) : Array.from(Y!.data));
    const byClass = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const list = byClass.get(k);
      if (list) list.push(i);
      else byClass.set(k, [i]);
    });
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    for (const c of classes) {
      const count = byClass.get(c)!.length;
      if (count < 2) throw new Error(`${op}: stratify needs at least 2 rows of every class; class ${c} has ${count}`);
    }
    if (nTest < classes.length || n - nTest < classes.length) {
      throw new Error(
        `${op}: stratify needs at least one row of each of the ${classes.length} classes in both parts; ` +
          `${nTest} test and ${n - nTest} training rows are too few`,
      );
    }
    // Test rows per class: proportional, the remainder to the largest fractional parts (then to
    // the larger classes), at least 1 and at most count − 1 for every class.
    const share = classes.map((c) => (byClass.get(c)!.length * nTest) / n);
    const quota = share.map((s, i) => Math.min(Math.max(Math.floor(s), 1), byClass.get(classes[i]!)!.length - 1));
    let left = nTest - quota.reduce((a, b) => a + b, 0);
    const rank = classes.map((_, i) => i).sort((a, b) => share[b]! - Math.floor(share[b]!) - (share[a]! - Math.floor(share[a]!)) || share[b]! - share[a]! || a - b);
    while (left !== 0) {
      let moved = false;
      for (const i of left > 0 ? rank : [...rank].reverse()) {
        if (left === 0) break;
        const count = byClass.get(classes[i]!)!.length;
        if (left > 0 && quota[i]! < count - 1) {
          quota[i]!++;
          left--;
          moved = true;
        } else if (left < 0 && quota[i]! > 1) {
          quota[i]!--;
          left++;
          moved = true;
        }
      }
      if (!moved) throw new Error(`${op}: cannot stratify ${n} rows into ${nTest} test rows`);
    }
    test = [];
    train = [];
    classes.forEach((c, i) => {
      const rows = rng.shuffle([...byClass.get(c)!]);
      // a loop, not push(...rows): a class of a million rows would overflow the call stack
      rows.forEach((r, k) => (k < quota[i]! ? test : train).push(r));
    });
    rng.shuffle(test);
    rng.shuffle(train);
  }
  const xTrain = takeRows(X, train), xTest = takeRows(X, test);
  if (yLabels) return { xTrain, yTrain: train.map((i) => yLabels[i]!), xTest, yTest: test.map((i) => yLabels[i]!) };
  return { xTrain, yTrain: takeRows(Y!, train), xTest, yTest: takeRows(Y!, test) };
}

