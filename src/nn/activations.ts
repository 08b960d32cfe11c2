/**
 * Activation functions, as value objects: the chapter's `Activation`, `ReLU` and `Sigmoid`, plus
 * Tanh, LeakyReLU, Linear and Softmax. `forward(x)` applies the function; `backward(x)` is its
 * derivative at the pre-activation `x`, exactly as in the chapter. Built-ins run in WASM kernels
 * (their plain-TypeScript twins are in src/reference/activations.ts); a subclass of `Activation`
 * written in TypeScript works everywhere a built-in does.
 *
 * @module
 */
import { backend } from '../backend/load.js';
import type { Backend } from '../backend/heap.js';
import { activationKernels, type ActivationKernels } from '../backend/kernels.js';
import { Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkFloat32, describe } from '../core/validate.js';
import { readMatrix, withScratch } from '../core/scratch.js';
import { ActivationId } from '../backend/contract.js';

/**
 * Base class for activation functions (the chapter's `Activation`). Subclass it with your own
 * `forward` and `backward` (in TypeScript) and a Layer will use them; the built-ins below run in
 * WebAssembly.
 *
 * @example
 * ```ts
 * import { Activation, Matrix, type MatrixLike } from 'scratchnet';
 * class Square extends Activation {
 *   readonly name = 'square';
 *   // x is a Matrix inside a layer, and whatever a caller passes (number[][] too): Matrix.from reads both
 *   forward(x: MatrixLike) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => v * v)); }
 *   backward(x: MatrixLike) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => 2 * v)); }
 * }
 * new Square().forward([[1, -2]]).toArray(); // [[1, 4]]
 * new Square().backward(Matrix.from([[3]])).toArray(); // [[6]]
 * ```
 */
export abstract class Activation {
  /** A short name, used in messages and saved models. */
  abstract readonly name: string;

  /** The activation applied elementwise (row-wise for Softmax). */
  abstract forward(x: MatrixLike): Matrix;

  /** The derivative at the pre-activation `x` (the chapter's `backward(x)`). */
  abstract backward(x: MatrixLike): Matrix;
}

/**
 * What the kernels need to run a built-in activation: its id in the contract, its kernel family
 * (`${family}Forward`, `...Derivative`, `...Backward`), and its parameter (LeakyReLU's slope).
 *
 * @internal
 */
export interface ActivationKernel {
  readonly id: ActivationId;
  readonly family: string;
  readonly alpha: number;
}

interface BuiltIn extends ActivationKernel {
  readonly forward: Activation['forward'];
  readonly backward: Activation['backward'];
}

const builtIns = new WeakMap<Activation, BuiltIn>();

function register(a: Activation, cls: { prototype: Activation }, id: ActivationId, family: string, alpha: number): void {
  builtIns.set(a, { id, family, alpha, forward: cls.prototype.forward, backward: cls.prototype.backward });
}

/**
 * The kernel of a built-in activation, or null for a user's class (whose TypeScript `forward` /
 * `backward` then run). A subclass of a built-in that overrides `forward` or `backward` is a
 * user's class; one that overrides neither still runs the built-in's kernels.
 *
 * @internal
 */
export function activationKernel(a: Activation): ActivationKernel | null {
  const k = builtIns.get(a);
  return k && a.forward === k.forward && a.backward === k.backward ? k : null;
}

const kernelCache = new WeakMap<Backend, Map<string, ActivationKernels>>();

/**
 * The three kernels of an activation family on `be`, looked up once per backend.
 *
 * @internal
 */
export function kernelsOf(be: Backend, family: string): ActivationKernels {
  let byFamily = kernelCache.get(be);
  if (!byFamily) kernelCache.set(be, (byFamily = new Map()));
  let k = byFamily.get(family);
  if (!k) byFamily.set(family, (k = activationKernels(be, family)));
  return k;
}

/** Run a built-in's kernel on a JS matrix: the public forward / backward of the built-ins. */
function runKernel(family: string, alpha: number, x: MatrixLike, which: 'forward' | 'derivative', op: string): Matrix {
  const X = toMatrix(x, op, 'x');
  const be = backend();
  const n = X.rows * X.cols;
  return withScratch(be, op, [n, n], ([px, py]) => {
    be.write(px!, X.data);
    kernelsOf(be, family)[which](py!, px!, X.rows, X.cols, alpha);
    return readMatrix(be, py!, X.rows, X.cols);
  });
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
export class ReLU extends Activation {
  readonly name = 'relu';
  constructor() {
    super();
    register(this, ReLU, ActivationId.ReLU, 'relu', 0);
  }
  forward(x: MatrixLike): Matrix {
    return runKernel('relu', 0, x, 'forward', 'ReLU.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('relu', 0, x, 'derivative', 'ReLU.backward');
  }
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
export class Sigmoid extends Activation {
  readonly name = 'sigmoid';
  constructor() {
    super();
    register(this, Sigmoid, ActivationId.Sigmoid, 'sigmoid', 0);
  }
  forward(x: MatrixLike): Matrix {
    return runKernel('sigmoid', 0, x, 'forward', 'Sigmoid.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('sigmoid', 0, x, 'derivative', 'Sigmoid.backward');
  }
}

/**
 * Hyperbolic tangent; derivative 1 − tanh².
 *
 * @example
 * ```ts
 * new Tanh().forward([[0]]).toArray(); // [[0]]
 * ```
 */
export class Tanh extends Activation {
  readonly name = 'tanh';
  constructor() {
    super();
    register(this, Tanh, ActivationId.Tanh, 'tanh', 0);
  }
  forward(x: MatrixLike): Matrix {
    return runKernel('tanh', 0, x, 'forward', 'Tanh.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('tanh', 0, x, 'derivative', 'Tanh.backward');
  }
}

/**
 * Leaky ReLU: x where x > 0, else slope·x (slope 0.01 by default); derivative 1 or slope.
 *
 * @example
 * ```ts
 * new LeakyReLU(0.1).forward([[-2, 3]]).toArray(); // [[-0.2, 3]] (float32)
 * ```
 */
export class LeakyReLU extends Activation {
  readonly name = 'leakyRelu';
  readonly #slope: number;

  constructor(slope = 0.01) {
    super();
    checkFloat32('LeakyReLU', 'slope', slope);
    this.#slope = slope;
    register(this, LeakyReLU, ActivationId.LeakyReLU, 'leakyRelu', slope);
  }

  /** The slope for negative inputs. */
  get slope(): number {
    return this.#slope;
  }

  forward(x: MatrixLike): Matrix {
    return runKernel('leakyRelu', this.#slope, x, 'forward', 'LeakyReLU.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('leakyRelu', this.#slope, x, 'derivative', 'LeakyReLU.backward');
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
export class Linear extends Activation {
  readonly name = 'linear';
  constructor() {
    super();
    register(this, Linear, ActivationId.Linear, 'linear', 0);
  }
  forward(x: MatrixLike): Matrix {
    return runKernel('linear', 0, x, 'forward', 'Linear.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('linear', 0, x, 'derivative', 'Linear.backward');
  }
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
export class Softmax extends Activation {
  readonly name = 'softmax';
  constructor() {
    super();
    register(this, Softmax, ActivationId.Softmax, 'softmax', 0);
  }
  forward(x: MatrixLike): Matrix {
    return runKernel('softmax', 0, x, 'forward', 'Softmax.forward');
  }
  backward(x: MatrixLike): Matrix {
    return runKernel('softmax', 0, x, 'derivative', 'Softmax.backward');
  }
}
