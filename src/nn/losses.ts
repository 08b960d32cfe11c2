/**
 * Losses as value objects: binary cross-entropy (the chapter's, with its 1e-15 clamps), mean
 * squared error, and softmax cross-entropy from logits. `forward(pred, target)` is the loss,
 * `backward(pred, target)` its exact gradient with respect to `pred`. Built-ins run in kernels
 * (twins in src/reference/losses.ts); a subclass of `Loss` written in TypeScript trains too.
 *
 * @module
 */
import { Activation, Linear, Sigmoid, Softmax } from './activations.js';
import { backend } from '../backend/load.js';
import type { Backend } from '../backend/heap.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { describe } from '../core/validate.js';
import { readMatrix, withScratch } from '../core/scratch.js';
import { LossId } from '../backend/contract.js';

/**
 * Base class of losses. Subclass it in TypeScript (a `name`, `forward` returning the mean loss,
 * `backward` returning its gradient with respect to `pred`) and `train()` uses it; set
 * `fromLogits = true` to receive the last layer's pre-activation instead of its output.
 *
 * @example
 * ```ts
 * import { Loss, Matrix, type MatrixLike } from 'scratchnet';
 * class MeanAbsoluteError extends Loss {
 *   readonly name = 'meanAbsoluteError';
 *   forward(pred: MatrixLike, target: MatrixLike) {
 *     const p = Matrix.from(pred).data, t = Matrix.from(target).data;
 *     return p.reduce((s, v, i) => s + Math.abs(v - t[i]!), 0) / p.length;
 *   }
 *   backward(pred: MatrixLike, target: MatrixLike) {
 *     const P = Matrix.from(pred), t = Matrix.from(target).data;
 *     return new Matrix(P.rows, P.cols, P.data.map((v, i) => Math.sign(v - t[i]!) / P.data.length));
 *   }
 * }
 * net.train(X, y, { loss: new MeanAbsoluteError(), epochs: 100 });
 * ```
 */
export abstract class Loss {
  /** The name `train({ loss })` accepts (for built-ins) and saved models record. */
  abstract readonly name: string;
  /** True when the loss takes the last layer's pre-activation (logits), not its output. */
  readonly fromLogits: boolean = false;

  /** The mean loss of predictions against targets (same shapes). */
  abstract forward(pred: MatrixLike, target: MatrixLike): number;

  /** The gradient of the loss with respect to `pred` (same shape as `pred`). */
  abstract backward(pred: MatrixLike, target: MatrixLike): Matrix;
}

/**
 * What the kernels need to run a built-in loss, and the checks that go with it.
 *
 * @internal
 */
export interface LossKernel {
  readonly id: LossId;
  /** Write the mean loss (an f64) at `out`. */
  value(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void;
  /** Write d(loss)/d(pred) (rows×cols f32) at `out`; out may alias pred. */
  grad(be: Backend, out: number, pred: number, target: number, rows: number, cols: number): void;
  /** Throw when a target value is outside what the loss accepts. */
  checkTargets(target: Matrix, op: string): void;
  /** For losses on logits: the output activations whose pre-activation they accept. */
  acceptsLogitsOf(a: Activation): boolean;
}

interface BuiltIn extends LossKernel {
  readonly forward: Loss['forward'];
  readonly backward: Loss['backward'];
}

const builtIns = new WeakMap<Loss, BuiltIn>();

/**
 * The kernels of a built-in loss, or null for a user's class (a subclass that overrides
 * `forward` or `backward` is a user's class).
 *
 * @internal
 */
export function lossKernel(loss: Loss): LossKernel | null {
  const k = builtIns.get(loss);
  return k && loss.forward === k.forward && loss.backward === k.backward ? k : null;
}

/**
 * Throw when `target` has values the loss does not accept (built-in losses only).
 *
 * @internal
 */
export function checkTargets(loss: Loss, target: Matrix, op: string): void {
  builtIns.get(loss)?.checkTargets(target, op);
}

/**
 * The check `checkTargets` runs for `loss` (null: it accepts any finite target). The function is
 * the same object for every loss that checks the same thing, so a data set that passed it once
 * can remember that (src/training/dataset.ts).
 *
 * @internal
 */
export function targetCheck(loss: Loss): LossKernel['checkTargets'] | null {
  const check = builtIns.get(loss)?.checkTargets;
  return check && check !== NO_CHECK ? check : null;
}

/**
 * Whether a loss on logits can take the pre-activation of `a` (a user's loss: any activation).
 *
 * @internal
 */
export function acceptsLogitsOf(loss: Loss, a: Activation): boolean {
  const k = lossKernel(loss);
  return k ? k.acceptsLogitsOf(a) : true;
}

function operands(k: LossKernel, pred: MatrixLike, target: MatrixLike, op: string): [Matrix, Matrix] {
  const P = toMatrix(pred, op, 'pred');
  const T = toMatrix(target, op, 'target');
  if (P.rows !== T.rows || P.cols !== T.cols) {
    throw new Error(`${op}: pred is ${P.rows}x${P.cols} but target is ${T.rows}x${T.cols}`);
  }
  k.checkTargets(T, op);
  return [P, T];
}

function kernelForward(k: LossKernel, pred: MatrixLike, target: MatrixLike, op: string): number {
  const [P, T] = operands(k, pred, target, op);
  const be = backend();
  return withScratch(be, op, [P.data.length, T.data.length, 2], ([pp, pt, pl]) => {
    be.write(pp!, P.data);
    be.write(pt!, T.data);
    k.value(be, pl!, pp!, pt!, P.rows, P.cols);
    return be.readF64(pl!);
  });
}

function kernelBackward(k: LossKernel, pred: MatrixLike, target: MatrixLike, op: string): Matrix {
  const [P, T] = operands(k, pred, target, op);
  const be = backend();
  return withScratch(be, op, [P.data.length, T.data.length], ([pp, pt]) => {
    be.write(pp!, P.data);
    be.write(pt!, T.data);
    k.grad(be, pp!, pp!, pt!, P.rows, P.cols);
    return readMatrix(be, pp!, P.rows, P.cols);
  });
}

type Kernel = Omit<LossKernel, 'checkTargets' | 'acceptsLogitsOf'> & Partial<Pick<LossKernel, 'checkTargets' | 'acceptsLogitsOf'>>;

const NO_CHECK = (): void => {};

function register(loss: Loss, cls: { prototype: Loss }, k: Kernel): void {
  builtIns.set(loss, {
    checkTargets: NO_CHECK, acceptsLogitsOf: () => false, ...k,
    forward: cls.prototype.forward, backward: cls.prototype.backward,
  });
}

const inRange = (lo: number, hi: number, why: string) => (t: Matrix, op: string) => checkRange(t, op, lo, hi, why);
const PROBABILITIES = inRange(0, 1, 'binary cross-entropy targets must lie in [0, 1]');
const NON_NEGATIVE = inRange(0, Infinity, 'softmax cross-entropy targets must be non-negative');

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
  constructor() {
    super();
    register(this, BinaryCrossEntropy, {
      id: LossId.BinaryCrossEntropy,
      value: (be, out, pred, target, rows, cols) => be.kernels.binaryCrossEntropyLoss(out, pred, target, rows * cols),
      grad: (be, out, pred, target, rows, cols) => be.kernels.binaryCrossEntropyGrad(out, pred, target, rows * cols, 1 / (rows * cols)),
      checkTargets: PROBABILITIES,
    });
  }
  forward(pred: MatrixLike, target: MatrixLike): number {
    return kernelForward(builtIns.get(this)!, pred, target, 'BinaryCrossEntropy.forward');
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    return kernelBackward(builtIns.get(this)!, pred, target, 'BinaryCrossEntropy.backward');
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
  constructor() {
    super();
    register(this, MeanSquaredError, {
      id: LossId.MeanSquaredError,
      value: (be, out, pred, target, rows, cols) => be.kernels.meanSquaredErrorLoss(out, pred, target, rows * cols),
      grad: (be, out, pred, target, rows, cols) => be.kernels.meanSquaredErrorGrad(out, pred, target, rows * cols, 1 / (rows * cols)),
    });
  }
  forward(pred: MatrixLike, target: MatrixLike): number {
    return kernelForward(builtIns.get(this)!, pred, target, 'MeanSquaredError.forward');
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    return kernelBackward(builtIns.get(this)!, pred, target, 'MeanSquaredError.backward');
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
  constructor() {
    super();
    register(this, SoftmaxCrossEntropy, {
      id: LossId.SoftmaxCrossEntropy,
      value: (be, out, pred, target, rows, cols) => be.kernels.softmaxCrossEntropyLoss(out, pred, target, rows, cols),
      grad: (be, out, pred, target, rows, cols) => be.kernels.softmaxCrossEntropyGrad(out, pred, target, rows, cols, 1 / rows),
      checkTargets: NON_NEGATIVE,
      acceptsLogitsOf: (a) => a instanceof Softmax || a instanceof Linear,
    });
  }
  forward(pred: MatrixLike, target: MatrixLike): number {
    return kernelForward(builtIns.get(this)!, pred, target, 'SoftmaxCrossEntropy.forward');
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    return kernelBackward(builtIns.get(this)!, pred, target, 'SoftmaxCrossEntropy.backward');
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
  constructor() {
    super();
    register(this, BinaryCrossEntropyFromLogits, {
      id: LossId.BinaryCrossEntropyLogits,
      value: (be, out, pred, target, rows, cols) => be.kernels.binaryCrossEntropyLogitsLoss(out, pred, target, rows * cols),
      grad: (be, out, pred, target, rows, cols) =>
        be.kernels.binaryCrossEntropyLogitsGrad(out, pred, target, rows * cols, 1 / (rows * cols)),
      checkTargets: PROBABILITIES,
      acceptsLogitsOf: (a) => a instanceof Sigmoid || a instanceof Linear,
    });
  }
  forward(pred: MatrixLike, target: MatrixLike): number {
    return kernelForward(builtIns.get(this)!, pred, target, 'BinaryCrossEntropyFromLogits.forward');
  }
  backward(pred: MatrixLike, target: MatrixLike): Matrix {
    return kernelBackward(builtIns.get(this)!, pred, target, 'BinaryCrossEntropyFromLogits.backward');
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
