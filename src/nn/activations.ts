/**
 * Activation functions, as value objects: the chapter's `Activation`, `ReLU` and `Sigmoid`, plus
 * Tanh, LeakyReLU, Linear and Softmax. `forward(x)` applies the function; `backward(x)` is its
 * derivative at the pre-activation `x`, exactly as in the chapter. Built-ins run in WASM kernels.
 *
 * @module
 */
import { activationKernels, type ActivationKernels } from '../backend/kernels.js';
import { backend } from '../backend/load.js';
import { type Backend } from '../backend/heap.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { ActivationId } from '../backend/contract.js';
import { readMatrix, withScratch } from '../backend/scratch.js';

/**
 * Base class for activation functions (the chapter's `Activation`). Subclass it with your own
 * `forward` and `backward` (in TypeScript) and a Layer will use them; the built-ins below run in
 * WebAssembly.
 *
 * @example
 * ```ts
 * import { Activation, Matrix } from 'scratchnet';
 * class Square extends Activation {
 *   readonly name = 'square';
 *   forward(x: Matrix) { return new Matrix(x.rows, x.cols, x.data.map((v) => v * v)); }
 *   backward(x: Matrix) { return new Matrix(x.rows, x.cols, x.data.map((v) => 2 * v)); }
 * }
 * ```
 */
export abstract class Activation {
  /** A short name, used in messages and saved models. */
  abstract readonly name: string;

  /** The activation applied elementwise (row-wise for Softmax). */
  abstract forward(x: MatrixLike): Matrix;

  /** The derivative at the pre-activation `x` (the chapter's `backward(x)`). */
  abstract backward(x: MatrixLike): Matrix;

  /**
   * @internal Pointer-level forward used by layers: out = f(x) for a rows×cols x in linear
   * memory. This default routes through the TypeScript `forward` of a custom subclass.
   */
  _forward(be: Backend, out: number, x: number, rows: number, cols: number): void {
    const y = this.forward(readMatrix(be, x, rows, cols));
    checkSameShape(`${this.name}.forward`, y, rows, cols);
    be.write(out, y.data);
  }

  /**
   * @internal Pointer-level backward used by layers: out = grad ⊙ f'(x) (y = f(x) is given for
   * kernels that use it). out may alias grad. This default uses the TypeScript `backward`.
   */
  _backward(be: Backend, out: number, grad: number, x: number, _y: number, rows: number, cols: number): void {
    const d = this.backward(readMatrix(be, x, rows, cols));
    checkSameShape(`${this.name}.backward`, d, rows, cols);
    const g = be.read(grad, rows * cols);
    const dd = d.data;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * dd[i]!;
    be.write(out, g);
  }
}

function checkSameShape(op: string, m: unknown, rows: number, cols: number): void {
  if (!(m instanceof Matrix) || m.rows !== rows || m.cols !== cols) {
    const got = m instanceof Matrix ? `${m.rows}x${m.cols}` : String(m);
    throw new Error(`${op}: a custom activation must return a ${rows}x${cols} Matrix, got ${got}`);
  }
}

/**
 * An activation whose three kernels live in the WASM module under `kernel`.
 *
 * @internal
 */
export abstract class KernelActivation extends Activation {
  /** Kernel family name in assembly/activations.ts. */
  protected abstract readonly kernel: string;
  /** @internal Id of this activation in the kernels (the contract's ActivationId). */
  abstract readonly _kernelId: ActivationId;
  /** @internal Parameter passed to the kernels (LeakyReLU's slope). */
  get alpha(): number {
    return 0;
  }
  private cached: { be: Backend; k: ActivationKernels } | null = null;

  private kernels(be: Backend): ActivationKernels {
    const c = this.cached;
    if (c !== null && c.be === be) return c.k;
    const k = activationKernels(be, this.kernel);
    this.cached = { be, k };
    return k;
  }

  forward(x: MatrixLike): Matrix {
    return this.apply(x, 'forward');
  }

  backward(x: MatrixLike): Matrix {
    return this.apply(x, 'derivative');
  }

  private apply(x: MatrixLike, which: 'forward' | 'derivative'): Matrix {
    const op = `${this.constructor.name}.${which === 'forward' ? 'forward' : 'backward'}`;
    const X = toMatrix(x, op, 'x');
    const be = backend();
    const n = X.rows * X.cols;
    return withScratch(be, op, [n, n], ([px, py]) => {
      be.write(px!, X.data);
      this.kernels(be)[which](py!, px!, X.rows, X.cols, this.alpha);
      return readMatrix(be, py!, X.rows, X.cols);
    });
  }

  // (no _forward override: layers run built-in activations inside the fused denseForward kernel)

  override _backward(be: Backend, out: number, grad: number, x: number, y: number, rows: number, cols: number): void {
    this.kernels(be).backward(out, grad, x, y, rows, cols, this.alpha);
  }
}

/**
 * Rectified Linear Unit: max(0, x); derivative 1 where x > 0, else 0.
 *
 * @example
 * ```ts
 * new ReLU().forward([[-1, 2]]).toArray();  // [[0, 2]]
 * new ReLU().backward([[-1, 2]]).toArray(); // [[0, 1]]
 * ```
 */
export class ReLU extends KernelActivation {
  readonly name = 'relu';
  protected readonly kernel = 'relu';
  /** @internal */ readonly _kernelId = ActivationId.ReLU;
}

/**
 * Sigmoid 1/(1 + e^−x), computed without overflow for large |x|; derivative s(1 − s).
 *
 * @example
 * ```ts
 * new Sigmoid().forward([[0]]).toArray();  // [[0.5]]
 * new Sigmoid().backward([[0]]).toArray(); // [[0.25]]
 * ```
 */
export class Sigmoid extends KernelActivation {
  readonly name = 'sigmoid';
  protected readonly kernel = 'sigmoid';
  /** @internal */ readonly _kernelId = ActivationId.Sigmoid;
}

/**
 * Hyperbolic tangent; derivative 1 − tanh².
 *
 * @example
 * ```ts
 * new Tanh().forward([[0]]).toArray(); // [[0]]
 * ```
 */
export class Tanh extends KernelActivation {
  readonly name = 'tanh';
  protected readonly kernel = 'tanh';
  /** @internal */ readonly _kernelId = ActivationId.Tanh;
}

/**
 * Leaky ReLU: x where x > 0, else slope·x (slope 0.01 by default); derivative 1 or slope.
 *
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward([[-2, 3]]).toArray(); // [[-0.2, 3]] (float32)
 * ```
 */
export class LeakyReLU extends KernelActivation {
  readonly name = 'leakyRelu';
  protected readonly kernel = 'leakyRelu';
  /** @internal */ readonly _kernelId = ActivationId.LeakyReLU;
  /** The slope for negative inputs. */
  readonly slope: number;

  constructor(slope = 0.01) {
    super();
    if (typeof slope !== 'number' || !Number.isFinite(slope)) {
      throw new Error(`LeakyReLU: slope must be a finite number, got ${String(slope)}`);
    }
    this.slope = slope;
  }

  override get alpha(): number {
    return this.slope;
  }
}

/**
 * Identity (no activation, e.g. a regression output); derivative 1.
 *
 * @example
 * ```ts
 * new Linear().forward([[-3]]).toArray(); // [[-3]]
 * ```
 */
export class Linear extends KernelActivation {
  readonly name = 'linear';
  protected readonly kernel = 'linear';
  /** @internal */ readonly _kernelId = ActivationId.Linear;
}

/**
 * Row-wise softmax, stable (subtracts each row's max). `backward(x)` returns the diagonal of the
 * Jacobian, s(1 − s), which is all an elementwise derivative can say; inside a Layer the full
 * Jacobian-vector product s ⊙ (g − Σ g·s) is used, so gradients are exact. With the
 * `softmaxCrossEntropy` loss, `train()` skips it entirely and uses p − y.
 *
 * @example
 * ```ts
 * new Softmax().forward([[0, 0]]).toArray(); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends KernelActivation {
  readonly name = 'softmax';
  protected readonly kernel = 'softmax';
  /** @internal */ readonly _kernelId = ActivationId.Softmax;
}
