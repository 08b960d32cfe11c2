/**
 * Classification accuracy of predictions against targets (labels or matrices).
 *
 * @module
 */
import type { MatrixLike } from '../core/matrix.js';
import { toMatrix } from '../core/matrix.js';
import { argmaxRows, checkLabelArray, isLabels } from './encoding.js';

/**
 * The fraction of rows predicted right. With one output column (a Sigmoid), a prediction
 * ≥ 0.5 means class 1; with several, the class is the argmax. `target` is a matrix of the same
 * shape (0/1 column, or one-hot rows) or one label per row (0/1, or class indices).
 *
 * @example
 * ```ts
 * import { accuracy } from 'scratchnet';
 * accuracy([[0.9], [0.2], [0.6]], [1, 0, 0]);                  // 2/3
 * accuracy([[0.1, 0.9], [0.8, 0.2]], [[0, 1], [0, 1]]);         // 0.5
 * accuracy([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [2, 0]);         // 1
 * ```
 */
export function accuracy(pred: MatrixLike, target: MatrixLike | readonly number[] | ArrayLike<number>): number {
  const op = 'accuracy';
  const P = toMatrix(pred, op, 'pred');
  const binary = P.cols === 1;
  const predicted = binary ? Array.from(P.data, (v) => (v >= 0.5 ? 1 : 0)) : argmaxRows(P);
  let truth: ArrayLike<number>;
  if (isLabels(target)) {
    truth = checkLabelArray(target, op, 'target');
    if (truth.length !== P.rows) throw new Error(`${op}: pred has ${P.rows} rows but target has ${truth.length} labels`);
    for (let i = 0; i < truth.length; i++) {
      const v = truth[i]!;
      if (binary ? v !== 0 && v !== 1 : !Number.isInteger(v) || v < 0 || v >= P.cols) {
        throw new Error(
          `${op}: target[${i}] is ${v}, ` +
            (binary ? 'not 0 or 1 (pred has one column: a binary classifier)' : `not a class index 0..${P.cols - 1} of pred's ${P.cols} columns`),
        );
      }
    }
  } else {
    const T = toMatrix(target, op, 'target');
    if (T.rows !== P.rows || T.cols !== P.cols) {
      throw new Error(`${op}: pred is ${P.rows}x${P.cols} but target is ${T.rows}x${T.cols}`);
    }
    truth = binary ? Array.from(T.data, (v) => (v >= 0.5 ? 1 : 0)) : argmaxRows(T);
  }
  let right = 0;
  for (let i = 0; i < P.rows; i++) if (predicted[i] === truth[i]) right++;
  return right / P.rows;
}
