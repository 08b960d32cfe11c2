/**
 * Optimizers as value objects: how `train()` turns gradients into weight updates (the chapter's
 * "potential improvements": momentum and adaptive learning rates). The arithmetic runs in WASM
 * kernels (assembly/optimizers.ts); their state lives in the network's arena and persists across
 * `train()` calls with the same optimizer settings (as a compiled Keras model's optimizer does).
 *
 * @module
 */
import { describe } from '../core/matrix.js';
import { OptimizerId } from '../backend/contract.js';

/**
 * Base class of the optimizers `train({ optimizer })` accepts.
 *
 * @example
 * ```ts
 * import { Adam } from 'scratchnet';
 * net.train(X, y, { optimizer: new Adam({ beta1: 0.9 }), learningRate: 0.01 });
 * ```
 */
export abstract class Optimizer {
  /** The name `train({ optimizer })` accepts for the default settings. */
  abstract readonly name: string;
  /** @internal Kind in the kernels' training loop: 0 SGD, 1 momentum, 2 Adam, 3 RMSprop. */
  abstract readonly _kind: OptimizerId;
  /** @internal Arrays of state per parameter (0, 1 or 2). */
  abstract readonly _slots: number;
  /** @internal Hyperparameters as the plan stores them: [h1, h2, epsilon, nesterov]. */
  abstract _params(): [number, number, number, number];
  /** The settings, for saved models and for telling whether optimizer state can be reused. */
  abstract toJSON(): { name: string } & Record<string, number | boolean | string>;
}

function num(op: string, name: string, v: unknown, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || (hiOpen ? v >= hi : v > hi)) {
    const range = `${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`;
    throw new Error(`${op}: ${name} must be a number in ${range}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Plain stochastic gradient descent, the chapter's: w −= lr·g.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: new SGD(), learningRate: 0.1 });
 * ```
 */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly _kind = OptimizerId.SGD;
  readonly _slots = 0;
  _params(): [number, number, number, number] {
    return [0, 0, 0, 0];
  }
  toJSON() {
    return { name: this.name };
  }
}

/**
 * SGD with momentum (Keras form): v = μ·v − lr·g, w += v; with `nesterov: true`,
 * w += μ·v − lr·g.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: new Momentum({ momentum: 0.9, nesterov: true }), learningRate: 0.05 });
 * ```
 */
export class Momentum extends Optimizer {
  readonly name: string;
  readonly _kind = OptimizerId.Momentum;
  readonly _slots = 1;
  /** μ, in [0, 1). */
  readonly momentum: number;
  /** Nesterov's look-ahead step. */
  readonly nesterov: boolean;
  constructor(options: { momentum?: number; nesterov?: boolean } = {}) {
    super();
    this.momentum = num('Momentum', 'momentum', options.momentum ?? 0.9, 0, 1, false, true);
    if (options.nesterov !== undefined && typeof options.nesterov !== 'boolean') {
      throw new Error(`Momentum: nesterov must be true or false, got ${describe(options.nesterov)}`);
    }
    this.nesterov = options.nesterov ?? false;
    this.name = this.nesterov ? 'nesterov' : 'momentum';
  }
  _params(): [number, number, number, number] {
    return [this.momentum, 0, 0, this.nesterov ? 1 : 0];
  }
  toJSON() {
    return { name: this.name, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Adam (Kingma & Ba 2015) with bias correction: m and v are running means of g and g²;
 * w −= lr·m̂/(√v̂ + ε). Defaults as Keras / tfjs: β1 0.9, β2 0.999, ε 1e-7.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: 'adam', learningRate: 0.01 });
 * ```
 */
export class Adam extends Optimizer {
  readonly name = 'adam';
  readonly _kind = OptimizerId.Adam;
  readonly _slots = 2;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(options: { beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super();
    this.beta1 = num('Adam', 'beta1', options.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = num('Adam', 'beta2', options.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = num('Adam', 'epsilon', options.epsilon ?? 1e-7, 0, 1, true);
  }
  _params(): [number, number, number, number] {
    return [this.beta1, this.beta2, this.epsilon, 0];
  }
  toJSON() {
    return { name: this.name, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * RMSprop (Hinton): s = ρ·s + (1 − ρ)·g²; w −= lr·g/(√s + ε). Defaults ρ 0.9, ε 1e-7.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: new RMSprop({ rho: 0.95 }), learningRate: 0.001 });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly _kind = OptimizerId.RMSprop;
  readonly _slots = 1;
  readonly rho: number;
  readonly epsilon: number;
  constructor(options: { rho?: number; epsilon?: number } = {}) {
    super();
    this.rho = num('RMSprop', 'rho', options.rho ?? 0.9, 0, 1, false, true);
    this.epsilon = num('RMSprop', 'epsilon', options.epsilon ?? 1e-7, 0, 1, true);
  }
  _params(): [number, number, number, number] {
    return [this.rho, 0, this.epsilon, 0];
  }
  toJSON() {
    return { name: this.name, rho: this.rho, epsilon: this.epsilon };
  }
}

/**
 * Optimizer names `train({ optimizer })` accepts, with their default settings.
 *
 * @example
 * ```ts
 * const adam = optimizers.adam(); // Adam with Keras' defaults
 * ```
 */
export const optimizers = {
  sgd: () => new SGD(),
  momentum: () => new Momentum(),
  nesterov: () => new Momentum({ nesterov: true }),
  adam: () => new Adam(),
  rmsprop: () => new RMSprop(),
} as const;

/**
 * A name of {@link optimizers}.
 *
 * @example
 * ```ts
 * const name: OptimizerName = 'nesterov'; net.train(X, y, { optimizer: name, learningRate: 0.05 });
 * ```
 */
export type OptimizerName = keyof typeof optimizers;

/**
 * An Optimizer for a name, instance or saved settings; throws naming the known names otherwise.
 *
 * @internal
 */
export function resolveOptimizer(o: unknown, op: string): Optimizer {
  if (o instanceof Optimizer) return o;
  if (typeof o === 'string' && Object.hasOwn(optimizers, o)) return optimizers[o as OptimizerName]();
  if (o !== null && typeof o === 'object' && typeof (o as { name?: unknown }).name === 'string') {
    const { name, ...settings } = o as { name: string } & Record<string, unknown>;
    if (name === 'sgd') return new SGD();
    if (name === 'momentum' || name === 'nesterov') return new Momentum(settings as { momentum?: number; nesterov?: boolean });
    if (name === 'adam') return new Adam(settings as { beta1?: number });
    if (name === 'rmsprop') return new RMSprop(settings as { rho?: number });
  }
  throw new Error(`${op}: unknown optimizer ${describe(o)}; use one of ${Object.keys(optimizers).join(', ')} or an Optimizer instance`);
}
