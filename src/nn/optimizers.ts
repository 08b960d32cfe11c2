/**
 * Optimizers as value objects: how `train()` turns gradients into weight updates (the chapter's
 * "potential improvements": momentum and adaptive learning rates). The built-ins run in WASM
 * kernels (assembly/optimizers.ts; twins in src/reference/optimizers.ts); their state lives in the
 * network's arena and persists across `train()` calls with the same optimizer settings (as a
 * compiled Keras model's optimizer does). A subclass written in TypeScript trains too.
 *
 * @module
 */
import { describe, readOptions, typedArrayName } from '../core/validate.js';
import { OptimizerId } from '../backend/contract.js';
import * as twin from '../reference/optimizers.js';

/**
 * Most state arrays an optimizer may keep per parameter (`stateArrays`).
 *
 * @internal
 */
export const MAX_STATE_ARRAYS = 8;

/**
 * Base class of optimizers. Subclass it in TypeScript: a `name`, how many state arrays it keeps
 * per parameter (`stateArrays`, zero-filled at the start), and `update`, which changes `param`
 * in place from `grad`; `train()` calls it for every weight and bias array after each step.
 *
 * @example
 * ```ts
 * import { Optimizer } from 'scratchnet';
 * class SignSGD extends Optimizer {
 *   readonly name = 'signSgd';
 *   update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], lr: number) {
 *     for (let i = 0; i < param.length; i++) param[i] = param[i]! - lr * Math.sign(grad[i]!);
 *   }
 * }
 * net.train(X, y, { optimizer: new SignSGD(), learningRate: 0.01 });
 * ```
 */
export abstract class Optimizer {
  /** The name `train({ optimizer })` accepts for the default settings (built-ins). */
  abstract readonly name: string;
  /** State arrays kept per parameter array (0–8; e.g. 1 for momentum's velocity, 2 for Adam's moments). */
  readonly stateArrays: number = 0;

  /**
   * One step: update `param` in place from its gradient `grad`, with `state` (this parameter's
   * `stateArrays` arrays, kept between steps), the learning rate, and the step number (1, 2, ...).
   */
  abstract update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], learningRate: number, step: number): void;

  /** The settings, for saved models and for telling whether optimizer state can be reused. */
  toJSON(): { name: string } & Record<string, number | boolean | string> {
    return { name: this.name };
  }
}

/**
 * What the kernels need to run a built-in optimizer: its id in the contract, how many state
 * blocks it keeps, and its hyperparameters as the plan stores them: [h1, h2, epsilon, nesterov].
 *
 * @internal
 */
export interface OptimizerKernel {
  readonly id: OptimizerId;
  readonly slots: number;
  readonly hyper: readonly [number, number, number, number];
}

const builtIns = new WeakMap<Optimizer, OptimizerKernel & { update: Optimizer['update'] }>();

function register(o: Optimizer, cls: { prototype: Optimizer }, k: OptimizerKernel): void {
  builtIns.set(o, { ...k, update: cls.prototype.update });
}

/**
 * The kernel of a built-in optimizer, or null for a user's class (a subclass that overrides
 * `update` is a user's class, updated from TypeScript).
 *
 * @internal
 */
export function optimizerKernel(o: Optimizer): OptimizerKernel | null {
  const k = builtIns.get(o);
  return k && o.update === k.update ? k : null;
}

/**
 * The arguments of a built-in's `update` called directly: Float32Arrays of one length (param,
 * grad and `slots` state arrays), a finite learning rate, and (Adam) a step ≥ 1.
 */
function checkUpdate(op: string, param: unknown, grad: unknown, state: unknown, slots: number, learningRate: unknown, step?: unknown): void {
  const array = (name: string, v: unknown): number => {
    if (typedArrayName(v) !== 'Float32Array') throw new Error(`${op}: ${name} must be a Float32Array, got ${describe(v)}`);
    return (v as Float32Array).length;
  };
  const n = array('param', param);
  const g = array('grad', grad);
  if (g !== n) throw new Error(`${op}: grad has ${g} values, param has ${n}`);
  if (!Array.isArray(state) || state.length < slots) throw new Error(`${op}: state must be an array of ${slots} Float32Arrays, got ${Array.isArray(state) ? `${state.length}` : describe(state)}`);
  for (let i = 0; i < slots; i++) {
    const s = array(`state[${i}]`, state[i]);
    if (s !== n) throw new Error(`${op}: state[${i}] has ${s} values, param has ${n}`);
  }
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate)) throw new Error(`${op}: learningRate must be a finite number, got ${describe(learningRate)}`);
  if (step !== undefined && !(Number.isInteger(step) && (step as number) >= 1)) throw new Error(`${op}: step must be an integer ≥ 1, got ${describe(step)}`);
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
  constructor() {
    super();
    register(this, SGD, { id: OptimizerId.SGD, slots: 0, hyper: [0, 0, 0, 0] });
  }
  update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], learningRate: number): void {
    checkUpdate('SGD.update', param, grad, state, 0, learningRate);
    twin.sgdUpdate(param, param, grad, learningRate, param.length);
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
  override readonly stateArrays = 1;
  /** μ, in [0, 1). */
  readonly momentum: number;
  /** Nesterov's look-ahead step. */
  readonly nesterov: boolean;
  constructor(options: { momentum?: number; nesterov?: boolean } = {}) {
    super();
    const o = readOptions('Momentum', options, ['momentum', 'nesterov']) as typeof options;
    this.momentum = num('Momentum', 'momentum', o.momentum ?? 0.9, 0, 1, false, true);
    if (o.nesterov !== undefined && typeof o.nesterov !== 'boolean') {
      throw new Error(`Momentum: nesterov must be true or false, got ${describe(o.nesterov)}`);
    }
    this.nesterov = o.nesterov ?? false;
    this.name = this.nesterov ? 'nesterov' : 'momentum';
    register(this, Momentum, { id: OptimizerId.Momentum, slots: 1, hyper: [this.momentum, 0, 0, this.nesterov ? 1 : 0] });
  }
  update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], learningRate: number): void {
    checkUpdate('Momentum.update', param, grad, state, 1, learningRate);
    twin.momentumUpdate(param, param, grad, state[0]!, learningRate, this.momentum, this.nesterov ? 1 : 0, param.length);
  }
  override toJSON() {
    return { name: this.name, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Adam (Kingma & Ba 2015) with bias correction: m and v are running means of g and g²;
 * w −= lr·m̂/(√v̂ + ε). Defaults as Keras / tfjs: β1 0.9, β2 0.999, ε 1e-7. Like every optimizer's
 * state, m and v are flushed to 0 below 2⁻¹²⁶.
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: 'adam', learningRate: 0.01 });
 * ```
 */
export class Adam extends Optimizer {
  readonly name = 'adam';
  override readonly stateArrays = 2;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(options: { beta1?: number; beta2?: number; epsilon?: number } = {}) {
    super();
    const o = readOptions('Adam', options, ['beta1', 'beta2', 'epsilon']) as typeof options;
    this.beta1 = num('Adam', 'beta1', o.beta1 ?? 0.9, 0, 1, false, true);
    this.beta2 = num('Adam', 'beta2', o.beta2 ?? 0.999, 0, 1, false, true);
    this.epsilon = num('Adam', 'epsilon', o.epsilon ?? 1e-7, 0, 1, true);
    register(this, Adam, { id: OptimizerId.Adam, slots: 2, hyper: [this.beta1, this.beta2, this.epsilon, 0] });
  }
  update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], learningRate: number, step: number): void {
    checkUpdate('Adam.update', param, grad, state, 2, learningRate, step);
    const c1 = 1 / (1 - Math.fround(this.beta1) ** step), c2 = 1 / (1 - Math.fround(this.beta2) ** step);
    twin.adamUpdate(param, param, grad, state[0]!, state[1]!, learningRate, this.beta1, this.beta2, this.epsilon, c1, c2, param.length);
  }
  override toJSON() {
    return { name: this.name, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * RMSprop (Hinton): s = ρ·s + (1 − ρ)·g²; w −= lr·g/(√s + ε). Defaults ρ 0.9, ε 1e-7. ε is added
 * outside the square root, as PyTorch does; TensorFlow.js and Keras add it inside (√(s + ε)), which
 * takes smaller steps while √s is near or below √ε (gradients under ~1e-3 with ε 1e-7).
 *
 * @example
 * ```ts
 * net.train(X, y, { optimizer: new RMSprop({ rho: 0.95 }), learningRate: 0.001 });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  override readonly stateArrays = 1;
  readonly rho: number;
  readonly epsilon: number;
  constructor(options: { rho?: number; epsilon?: number } = {}) {
    super();
    const o = readOptions('RMSprop', options, ['rho', 'epsilon']) as typeof options;
    this.rho = num('RMSprop', 'rho', o.rho ?? 0.9, 0, 1, false, true);
    this.epsilon = num('RMSprop', 'epsilon', o.epsilon ?? 1e-7, 0, 1, true);
    register(this, RMSprop, { id: OptimizerId.RMSprop, slots: 1, hyper: [this.rho, 0, this.epsilon, 0] });
  }
  update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], learningRate: number): void {
    checkUpdate('RMSprop.update', param, grad, state, 1, learningRate);
    twin.rmspropUpdate(param, param, grad, state[0]!, learningRate, this.rho, this.epsilon, param.length);
  }
  override toJSON() {
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
    if (name === 'sgd') {
      // it has no settings: { name: 'sgd', momentum: 0.9 } is a mistake, not plain SGD
      const keys = Object.keys(settings);
      if (keys.length) throw new Error(`${op}: optimizer "sgd" takes no settings, got ${keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}`);
      return new SGD();
    }
    if (name === 'momentum' || name === 'nesterov') {
      // the name says which: a nesterov setting may only agree with it
      if (settings.nesterov !== undefined && settings.nesterov !== (name === 'nesterov')) {
        throw new Error(`${op}: optimizer "${name}" cannot have nesterov: ${describe(settings.nesterov)}`);
      }
      return new Momentum({ ...settings, nesterov: name === 'nesterov' } as { momentum?: number; nesterov?: boolean });
    }
    if (name === 'adam') return new Adam(settings as { beta1?: number });
    if (name === 'rmsprop') return new RMSprop(settings as { rho?: number });
  }
  throw new Error(`${op}: unknown optimizer ${describe(o)}; use one of ${Object.keys(optimizers).join(', ')} or an Optimizer instance`);
}
