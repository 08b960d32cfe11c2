/**
 * What the CLI measures and prints: class probabilities and predictions, accuracy and
 * cross-entropy, MSE and R², number formats, and predictions in bounded chunks.
 *
 * @module
 */
import { argmaxRows, Matrix, type NeuralNetwork } from '../index.js';
import { CliError } from './errors.js';

/**
 * A probability as printed (6 decimals at most).
 *
 * @internal
 * @example
 * ```ts
 * fmtProb(0.12345678); // '0.123457'
 * ```
 */
export const fmtProb = (p: number): string => String(Number(p.toFixed(6)));

/**
 * A predicted value as printed (7 significant digits: float32's precision).
 *
 * @internal
 * @example
 * ```ts
 * fmtValue(10.123456789); // '10.12346'
 * ```
 */
export const fmtValue = (v: number): string => String(Number(v.toPrecision(7)));

/**
 * A metric as printed (4 significant digits, exponent form when very large or small).
 *
 * @internal
 * @example
 * ```ts
 * fmtMetric(0.000012345); // '1.234e-5'
 * ```
 */
export const fmtMetric = (v: number): string =>
  Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();

/**
 * Per-class probabilities of a classifier's output (a Sigmoid column becomes [1 − p, p]).
 *
 * @internal
 * @example
 * ```ts
 * probabilities(Matrix.from([[0.9]]), 2); // Float64Array [0.1, 0.9] (to float32 precision)
 * ```
 */
export function probabilities(out: Matrix, k: number): Float64Array {
  const n = out.rows, d = out.data, probs = new Float64Array(n * k);
  if (out.cols === 1) {
    for (let i = 0; i < n; i++) {
      probs[i * 2 + 1] = d[i]!;
      probs[i * 2] = 1 - d[i]!;
    }
  } else probs.set(d);
  return probs;
}

/**
 * The predicted class of every row: class 1 when p ≥ 0.5 for one Sigmoid column (as the
 * library's `accuracy` and `decisionBoundarySvg` decide), else the argmax.
 *
 * @internal
 * @example
 * ```ts
 * predictedClasses(Matrix.from([[0.2, 0.8]])); // [1]
 * predictedClasses(Matrix.from([[0.5], [0.49]])); // [1, 0]
 * ```
 */
export function predictedClasses(out: Matrix): number[] {
  return out.cols === 1 ? Array.from(out.data, (p) => (p >= 0.5 ? 1 : 0)) : argmaxRows(out);
}

/**
 * Classification metrics: the mean cross-entropy and the rows predicted right.
 *
 * @internal
 * @example
 * ```ts
 * const m: ClassMetrics = { loss: 0.1, correct: 9, n: 10 };
 * ```
 */
export interface ClassMetrics {
  loss: number;
  correct: number;
  n: number;
}

/**
 * The cross-entropy and accuracy of a classifier's output against class indices.
 *
 * @internal
 * @example
 * ```ts
 * const out = Matrix.from([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]]); // a 3-class network's output
 * classMetrics(out, 3, [0, 2, 1]).correct; // 2
 * ```
 */
export function classMetrics(out: Matrix, k: number, y: readonly number[]): ClassMetrics {
  const probs = probabilities(out, k), predicted = predictedClasses(out);
  let loss = 0, correct = 0;
  for (let i = 0; i < y.length; i++) {
    loss -= Math.log(Math.max(probs[i * k + y[i]!]!, 1e-15));
    if (predicted[i] === y[i]) correct++;
  }
  return { loss: loss / y.length, correct, n: y.length };
}

/**
 * Regression metrics: mean squared error and R² (null when the targets are constant).
 *
 * @internal
 * @example
 * ```ts
 * const m: RegressionMetrics = { mse: 0.5, r2: 0.98, n: 60 };
 * ```
 */
export interface RegressionMetrics {
  mse: number;
  r2: number | null;
  n: number;
}

/**
 * MSE and R² of predictions against targets.
 *
 * @internal
 * @example
 * ```ts
 * regressionMetrics([1, 2], [1, 3]).mse; // 0.5
 * ```
 */
export function regressionMetrics(pred: ArrayLike<number>, y: readonly number[]): RegressionMetrics {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let se = 0, st = 0;
  for (let i = 0; i < n; i++) {
    se += (pred[i]! - y[i]!) ** 2;
    st += (y[i]! - mean) ** 2;
  }
  return { mse: se / n, r2: st > 0 ? 1 - se / st : null, n };
}

/**
 * "120 training rows".
 *
 * @internal
 * @example
 * ```ts
 * rowsText(1, 'validation'); // '1 validation row'
 * ```
 */
export const rowsText = (n: number, what: string): string => `${n} ${what} row${n === 1 ? '' : 's'}`;

/**
 * Classification metrics as printed.
 *
 * @internal
 * @example
 * ```ts
 * describeClass({ loss: 0.1, correct: 9, n: 10 }); // 'loss 0.1000  accuracy 0.900 (9/10)'
 * ```
 */
export const describeClass = (m: ClassMetrics): string =>
  `loss ${m.loss.toFixed(4)}  accuracy ${(m.correct / m.n).toFixed(3)} (${m.correct}/${m.n})`;

/**
 * Regression metrics as printed.
 *
 * @internal
 * @example
 * ```ts
 * describeRegression({ mse: 4, r2: null, n: 3 }); // 'mse 4  rmse 2 (3 rows)'
 * ```
 */
export const describeRegression = (m: RegressionMetrics): string =>
  `mse ${fmtMetric(m.mse)}  rmse ${fmtMetric(Math.sqrt(m.mse))}${m.r2 === null ? '' : `  r2 ${m.r2.toFixed(4)}`} (${m.n} rows)`;

/**
 * The network's output for x, in chunks (bounded workspace memory for big files); a CliError when
 * an output is not a finite number.
 *
 * @internal
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit(X);
 * const out = predictAll(net, scaler.transform(X), 'predict'); // 4x1
 * ```
 */
export function predictAll(net: NeuralNetwork, x: Matrix, cmd: string): Matrix {
  const CHUNK = 8192, out = new Float32Array(x.rows * net.outputSize);
  for (let start = 0; start < x.rows; start += CHUNK) {
    const rows = Math.min(CHUNK, x.rows - start);
    const part = new Matrix(rows, x.cols, x.data.subarray(start * x.cols, (start + rows) * x.cols));
    out.set(net.predict(part).data, start * net.outputSize);
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new CliError(`${cmd}: the network's output for row ${Math.floor(bad / net.outputSize) + 1} is ${out[bad]}: its weights overflow float32 on this row`);
  }
  return new Matrix(x.rows, net.outputSize, out);
}
