/**
 * Losses as value objects: binary cross-entropy (the chapter's, with its 1e-15 clamps), mean
 * squared error, and softmax cross-entropy from logits. `forward(pred, target)` is the loss,
 * `backward(pred, target)` its exact gradient with respect to `pred`. Kernels do the arithmetic.
 *
 * @module
 */
import { Activation, Linear, Sigmoid, Softmax } from './activations.js';
import { backend } from '../backend/load.js';
import { type Backend } from '../backend/heap.js';
import { Matrix, describe, toMatrix, type MatrixLike } from '../core/matrix.js';
import { readMatrix, withScratch } from '../backend/scratch.js';
import { LossId } from '../backend/contract.js';

/**
 * Base class of the losses `train()` understands.
 *
 * @example
 * ```ts
 * import { init, BinaryCrossEntropy } from 'scratchnet';
 * await init();
 * new BinaryCrossEntropy().forward([[0.5]], [[1]]); // 0.6931471805589453 (−log 0.5)
 * ```
 */
export abstract class Loss {
  /** The name `train({ loss })` accepts. */
  abstract readonly name: string;
  /** True when the loss takes the last layer's pre-activation (logits), not its output. */
  readonly fromLogits: boolean = false;
  /** @internal Loss kind in the kernels' training loop (assembly/network.ts), if built in. */
  readonly _kind: LossId | undefined = undefined;

  /** @internal Write the mean loss (an f64) at `out`. */
  abstract _value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void;
  /** @internal Write d(loss)/d(pred) (rows×cols f32) at `out`; out may alias pred. */
  abstract _grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void;

  /** @internal Throw when a target value is outside what the loss accepts. */
  checkTargets(_target: Matrix, _op: string): void {}

  /** @internal For losses on logits: the output activations whose pre-activation they accept. */
  _acceptsLogitsOf(_activation: Activation): boolean {
    return false;
  }

  /**
   * The loss of predictions against targets (same shapes).
   *
   * @example
   * ```ts
   * new MeanSquaredError().forward([[1, 2]], [[1, 4]]); // 2
   * ```
   */
  forward(pred: MatrixLike, target: MatrixLike): number {
    const op = `${this.constructor.name}.forward`;
    const [P, T] = this.operands(pred, target, op);
    const be = backend();
    return withScratch(be, op, [P.data.length, T.data.length, 2], ([pp, pt, pl]) => {
      be.write(pp!, P.data);
      be.write(pt!, T.data);
      this._value(be, pl!, pp!, pt!, P.rows, P.cols);
      return be.readF64(pl!);
    });
  }

  /**
   * The gradient of the loss with respect to `pred` (for softmax cross-entropy, the logits).
   *
   * @example
   * ```ts
   * new MeanSquaredError().backward([[1, 2]], [[1, 4]]).toArray(); // [[0, -2]]
   * ```
   */
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    const op = `${this.constructor.name}.backward`;
    const [P, T] = this.operands(pred, target, op);
    const be = backend();
    return withScratch(be, op, [P.data.length, T.data.length], ([pp, pt]) => {
      be.write(pp!, P.data);
      be.write(pt!, T.data);
      this._grad(be, pp!, pp!, pt!, P.rows, P.cols);
      return readMatrix(be, pp!, P.rows, P.cols);
    });
  }

  private operands(pred: MatrixLike, target: MatrixLike, op: string): [Matrix, Matrix] {
    const P = toMatrix(pred, op, 'pred');
    const T = toMatrix(target, op, 'target');
    if (P.rows !== T.rows || P.cols !== T.cols) {
      throw new Error(`${op}: pred is ${P.rows}x${P.cols} but target is ${T.rows}x${T.cols}`);
    }
    this.checkTargets(T, op);
    return [P, T];
  }
}

/**
 * Binary cross-entropy, as the chapter computes it: −mean(y·log(p + 1e-15) + (1 − y)·log(1 − p + 1e-15)).
 * Targets must lie in [0, 1].
 *
 * @example
 * ```ts
 * new BinaryCrossEntropy().backward([[0.5]], [[1]]).toArray(); // [[-2]]
 * ```
 */
export class BinaryCrossEntropy extends Loss {
  readonly name = 'binaryCrossEntropy';
  override readonly _kind = LossId.BinaryCrossEntropy;
  _value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.binaryCrossEntropyLoss(out, pred, target, rows * cols);
  }
  _grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.binaryCrossEntropyGrad(out, pred, target, rows * cols, 1 / (rows * cols));
  }
  override checkTargets(t: Matrix, op: string): void {
    checkRange(t, op, 0, 1, 'binary cross-entropy targets must lie in [0, 1]');
  }
}

/**
 * Mean squared error: mean((p − y)²).
 *
 * @example
 * ```ts
 * new MeanSquaredError().forward([[0, 0]], [[1, 1]]); // 1
 * ```
 */
export class MeanSquaredError extends Loss {
  readonly name = 'meanSquaredError';
  override readonly _kind = LossId.MeanSquaredError;
  _value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.meanSquaredErrorLoss(out, pred, target, rows * cols);
  }
  _grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.meanSquaredErrorGrad(out, pred, target, rows * cols, 1 / (rows * cols));
  }
}

/**
 * Softmax cross-entropy from logits, stable (log-sum-exp): the mean over rows of
 * −Σ_j y_j·log softmax(z)_j. Its gradient with respect to the logits is (softmax(z) − y)/rows.
 * `train()` uses it with a Softmax (or Linear) output layer and skips the softmax backward.
 * Targets (usually one-hot rows) must be non-negative.
 *
 * @example
 * ```ts
 * new SoftmaxCrossEntropy().forward([[0, 0]], [[1, 0]]); // 0.6931471805599453 (log 2)
 * ```
 */
export class SoftmaxCrossEntropy extends Loss {
  readonly name = 'softmaxCrossEntropy';
  override readonly fromLogits = true;
  override readonly _kind = LossId.SoftmaxCrossEntropy;
  _value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.softmaxCrossEntropyLoss(out, pred, target, rows, cols);
  }
  _grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.softmaxCrossEntropyGrad(out, pred, target, rows, cols, 1 / rows);
  }
  override checkTargets(t: Matrix, op: string): void {
    checkRange(t, op, 0, Infinity, 'softmax cross-entropy targets must be non-negative');
  }
  override _acceptsLogitsOf(a: Activation): boolean {
    return a instanceof Softmax || a instanceof Linear;
  }
}

/**
 * Binary cross-entropy from logits, stable for any logit (no clamps needed):
 * mean(max(z, 0) − z·y + log(1 + e^−|z|)); gradient (sigmoid(z) − y)/count. `train()` uses it on
 * the pre-activation of a Sigmoid (or Linear) output and skips the sigmoid's backward.
 *
 * @example
 * ```ts
 * new BinaryCrossEntropyFromLogits().forward([[0]], [[1]]); // 0.6931471805599453
 * net.train(X, y, { loss: 'binaryCrossEntropyFromLogits' }); // with a Sigmoid output layer
 * ```
 */
export class BinaryCrossEntropyFromLogits extends Loss {
  readonly name = 'binaryCrossEntropyFromLogits';
  override readonly fromLogits = true;
  override readonly _kind = LossId.BinaryCrossEntropyLogits;
  _value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.binaryCrossEntropyLogitsLoss(out, pred, target, rows * cols);
  }
  _grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void {
    be.kernels.binaryCrossEntropyLogitsGrad(out, pred, target, rows * cols, 1 / (rows * cols));
  }
  override checkTargets(t: Matrix, op: string): void {
    checkRange(t, op, 0, 1, 'binary cross-entropy targets must lie in [0, 1]');
  }
  override _acceptsLogitsOf(a: Activation): boolean {
    return a instanceof Sigmoid || a instanceof Linear;
  }
}

function checkRange(t: Matrix, op: string, lo: number, hi: number, why: string): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i]! >= lo && d[i]! <= hi)) {
      const r = Math.floor(i / t.cols);
      throw new Error(`${op}: target[${r}][${i - r * t.cols}] is ${d[i]}; ${why}`);
    }
  }
}

/**
 * The loss names `train({ loss })` accepts, and the classes they stand for.
 *
 * @example
 * ```ts
 * const loss = new losses.softmaxCrossEntropy(); // same as new SoftmaxCrossEntropy()
 * ```
 */
export const losses = {
  binaryCrossEntropy: BinaryCrossEntropy,
  meanSquaredError: MeanSquaredError,
  mse: MeanSquaredError,
  softmaxCrossEntropy: SoftmaxCrossEntropy,
  categoricalCrossEntropy: SoftmaxCrossEntropy,
  binaryCrossEntropyFromLogits: BinaryCrossEntropyFromLogits,
} as const;

/**
 * A loss name of {@link losses}.
 *
 * @example
 * ```ts
 * const name: LossName = 'binaryCrossEntropy'; net.train(X, y, { loss: name });
 * ```
 */
export type LossName = keyof typeof losses;

/**
 * A Loss instance for a name or instance; throws naming the known names otherwise.
 *
 * @internal
 */
export function resolveLoss(loss: unknown, op: string): Loss {
  if (loss instanceof Loss) return loss;
  if (typeof loss === 'string' && Object.hasOwn(losses, loss)) return new losses[loss as LossName]();
  throw new Error(`${op}: unknown loss ${describe(loss)}; use one of ${Object.keys(losses).join(', ')} or a Loss instance`);
}
