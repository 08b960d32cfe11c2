/**
 * Saving and loading networks: a versioned, complete JSON document (architecture, activations,
 * weights, the last optimizer and loss used), exact after a round trip, and a loader that
 * validates everything before it allocates, so a bad or hostile file gets a clear Error.
 *
 * @module
 */
import { Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
import { Loss, losses, resolveLoss } from './losses.js';
import { MAX_STATE_ARRAYS, Optimizer, optimizerKernel, optimizers, resolveOptimizer } from './optimizers.js';
import { OptimizerId } from '../backend/contract.js';
import { describe, finiteArray, userCode } from '../core/validate.js';
import type { TrainingConfig } from './arena.js';

/**
 * The saved form of a network (`format: 'scratchnet'`, `version: 1`).
 *
 * @example
 * ```ts
 * const doc: NetworkJSON = net.toJSON(); doc.layerSizes; // [2, 4, 1]
 * ```
 */
export interface NetworkJSON {
  format: 'scratchnet';
  version: 1;
  layerSizes: number[];
  activations: ({ name: string } & Record<string, unknown>)[];
  layers: { weights: number[]; bias: number[] }[];
  training?: { optimizer?: { name: string } & Record<string, unknown>; loss?: string; state?: OptimizerStateJSON };
}

/**
 * The optimizer's state when the network was saved (`training.state`), so that training resumed
 * after `fromJSON` goes on exactly as it would have without the save: the steps taken, Adam's
 * β1^t and β2^t, and each state array (momentum's velocity, Adam's m and v, RMSprop's mean
 * square; a custom optimizer's `stateArrays`), per layer, for the weights and the bias.
 *
 * @example
 * ```ts
 * net.train(X, y, { epochs: 2, optimizer: 'adam' });
 * const state = net.toJSON().training!.state!; // { step: 2, pow1: 0.81, pow2: 0.998, arrays: [m, v] }
 * ```
 */
export interface OptimizerStateJSON {
  step: number;
  pow1: number;
  pow2: number;
  arrays: { weights: number[]; bias: number[] }[][];
}

/**
 * Options of `NeuralNetwork.fromJSON`: factories for the custom activations, optimizers and
 * losses a saved network names (a network trained with a custom `Optimizer` or `Loss` records
 * its name in `training`).
 *
 * @example
 * ```ts
 * class Square extends Activation {
 *   readonly name = 'square';
 *   forward(x: MatrixLike) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => v * v)); }
 *   backward(x: MatrixLike) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => 2 * v)); }
 * }
 * const doc = new NeuralNetwork([2, 3, 1], [new Square(), new Sigmoid()], { seed: 1 }).toJSON();
 * NeuralNetwork.fromJSON(doc, { activations: { square: () => new Square() } });
 * NeuralNetwork.fromJSON(doc); // throws 'square'
 * // a network trained with a custom optimizer and loss
 * class SignSGD extends Optimizer {
 *   readonly name = 'signSgd';
 *   update(p: Float32Array, g: Float32Array, _s: readonly Float32Array[], lr: number) { for (let i = 0; i < p.length; i++) p[i]! -= lr * Math.sign(g[i]!); }
 * }
 * class HalfMSE extends Loss {
 *   readonly name = 'halfMse';
 *   forward(p: MatrixLike, t: MatrixLike) { return new MeanSquaredError().forward(p, t) / 2; }
 *   backward(p: MatrixLike, t: MatrixLike) { const g = new MeanSquaredError().backward(p, t); return new Matrix(g.rows, g.cols, g.data.map((v) => v / 2)); }
 * }
 * net.train(X, y, { epochs: 2, learningRate: 0.01, optimizer: new SignSGD(), loss: new HalfMSE() });
 * const saved = net.toJSON();
 * saved.training; // { optimizer: { name: 'signSgd' }, loss: 'halfMse', state: { step: 2, pow1: 1, pow2: 1, arrays: [] } }
 * NeuralNetwork.fromJSON(saved); // throws 'unknown optimizer "signSgd"'
 * const back = NeuralNetwork.fromJSON(saved, { optimizers: { signSgd: () => new SignSGD() }, losses: { halfMse: () => new HalfMSE() } });
 * back.trainingConfig; // { optimizer: { name: 'signSgd' }, loss: 'halfMse' }
 * ```
 */
export interface FromJSONOptions {
  /** Factories for custom activations, by the `name` they saved. */
  activations?: Record<string, (saved: Record<string, unknown>) => Activation>;
  /**
   * Factories for custom optimizers, by the `name` they saved in `training.optimizer` (the
   * factory gets that saved object: the name and the settings its `toJSON()` wrote).
   */
  optimizers?: Record<string, (saved: Record<string, unknown>) => Optimizer>;
  /** Factories for custom losses, by the name they saved in `training.loss` (a loss saves only its name). */
  losses?: Record<string, () => Loss>;
}

/**
 * Largest layer width and parameter count a saved file may ask for (a hostile file cannot exhaust memory).
 *
 * @example
 * ```ts
 * SAVED_NETWORK_LIMITS.maxParameters; // 268435456: fromJSON refuses larger files
 * ```
 */
export const LIMITS = { maxLayerSize: 1 << 20, maxParameters: 1 << 28, maxLayers: 1000 } as const;

const builtins: Record<string, (saved: Record<string, unknown>, op: string) => Activation> = {
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  linear: () => new Linear(),
  softmax: () => new Softmax(),
  leakyRelu: (s, op) => {
    if (typeof s.slope !== 'number' || !Number.isFinite(s.slope)) throw new Error(`${op}: leakyRelu slope must be a finite number, got ${describe(s.slope)}`);
    return new LeakyReLU(s.slope);
  },
};

/**
 * A new built-in activation by the name it saves (`'relu'`, `'tanh'`, `'sigmoid'`, `'leakyRelu'`
 * with its default slope, `'linear'`, `'softmax'`); `undefined` for any other name.
 *
 * @internal
 * @example
 * ```ts
 * builtinActivation('tanh'); // a Tanh
 * builtinActivation('gelu'); // undefined
 * ```
 */
export function builtinActivation(name: string): Activation | undefined {
  return Object.hasOwn(builtins, name) ? builtins[name]!({ name, slope: new LeakyReLU().slope }, 'builtinActivation') : undefined;
}

/**
 * The saved form of one activation.
 *
 * @internal
 */
export function activationToJSON(a: Activation): { name: string } & Record<string, unknown> {
  return a instanceof LeakyReLU ? { name: a.name, slope: a.slope } : { name: a.name };
}

function fail(op: string, msg: string): never {
  throw new Error(`${op}: ${msg}`);
}

/**
 * A plain copy of the array `v` (its length read once, each element once), whose length must be
 * in [min, max]; everything after reads the copy, so a getter or a Proxy in a document cannot
 * answer one thing to a check and another to the use.
 */
function copyArray(op: string, what: string, v: unknown, min: number, max: number, must: string, hint = ''): unknown[] {
  const refuse = (): never => fail(op, `${what} must ${must}, got ${describe(v)}${hint}`);
  if (!Array.isArray(v)) refuse();
  const n: unknown = (v as unknown[]).length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) refuse();
  return Array.from({ length: n as number }, (_, i) => (v as unknown[])[i]);
}

/**
 * The name of what a factory returned, which must be the saved `name` (a factory that returned
 * something else would silently change the network's saved settings).
 */
function checkFactoryName(op: string, hook: string, name: string, made: { readonly name: unknown }): void {
  const got = userCode(op, `${hook}: reading the name of what the factory for "${name}" returned`, () => made.name);
  if (got !== name) {
    fail(op, `${hook}: the factory for "${name}" returned one named ${typeof got === 'string' ? JSON.stringify(got) : describe(got)}; it must return one named "${name}"`);
  }
}

/**
 * A copy of what `optimizer.toJSON()` returns, checked as `train()` checks it: it must survive a
 * JSON round trip (no BigInt, no cycle) and be an object with a string `name`. `what` names the
 * optimizer in errors.
 *
 * @internal
 * @example
 * ```ts
 * optimizerJSON(new Adam(), 'NeuralNetwork.fromJSON', 'training.optimizer'); // { name: 'adam', beta1: 0.9, ... }
 * ```
 */
export function optimizerJSON(optimizer: Optimizer, op: string, what: string): TrainingConfig['optimizer'] {
  const text = userCode(op, `${what}: toJSON()`, () => JSON.stringify(optimizer.toJSON()) as string | undefined);
  const settings: unknown = text === undefined ? undefined : JSON.parse(text);
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings) || typeof (settings as { name?: unknown }).name !== 'string') {
    fail(op, `${what}: toJSON() must return an object with a string name, got ${describe(settings)}`);
  }
  return settings as TrainingConfig['optimizer'];
}

/**
 * The factory `options[hook]` holds for `name` (a custom one wins over a built-in of the same
 * name), or undefined; a hook that is not an object of functions is an Error.
 */
function customFactory<K extends keyof FromJSONOptions>(
  options: FromJSONOptions, hook: K, name: string, op: string,
): NonNullable<FromJSONOptions[K]>[string] | undefined {
  const table: unknown = options[hook];
  if (table === undefined) return undefined;
  if (table === null || typeof table !== 'object') fail(op, `options.${hook} must be an object of factories by name, got ${describe(table)}`);
  if (!Object.hasOwn(table as object, name)) return undefined;
  const make: unknown = (table as Record<string, unknown>)[name];
  if (typeof make !== 'function') fail(op, `options.${hook}["${name}"] must be a function, got ${describe(make)}`);
  return make as NonNullable<FromJSONOptions[K]>[string];
}

/**
 * The saved `training.optimizer` (an object with a name, or a name; absent: sgd), resolved
 * (through the options' factory for a custom one) to the settings the loaded network records.
 */
function savedOptimizer(v: unknown, options: FromJSONOptions, op: string): { settings: TrainingConfig['optimizer']; optimizer: Optimizer } {
  const what = 'training.optimizer';
  const made = (optimizer: Optimizer) => ({ settings: optimizerJSON(optimizer, op, what), optimizer });
  if (v == null) return made(resolveOptimizer('sgd', op));
  const saved = typeof v === 'string' ? { name: v } : v;
  if (saved === null || typeof saved !== 'object' || typeof (saved as { name?: unknown }).name !== 'string') {
    fail(op, `${what} must be an object with a name, got ${describe(v)}`);
  }
  const s = saved as Record<string, unknown> & { name: string };
  const custom = customFactory(options, 'optimizers', s.name, op);
  if (custom) {
    const o = userCode(op, `${what}: the factory for "${s.name}"`, () => custom(s));
    if (!(o instanceof Optimizer)) fail(op, `${what}: the factory for "${s.name}" did not return an Optimizer, got ${describe(o)}`);
    const settings = optimizerJSON(o, op, `${what}: the optimizer from the factory for "${s.name}"`);
    checkFactoryName(op, what, s.name, settings);
    return { settings, optimizer: o };
  }
  if (!Object.hasOwn(optimizers, s.name)) {
    fail(op, `${what}: unknown optimizer "${s.name}" (known: ${Object.keys(optimizers).join(', ')}; pass options.optimizers for custom ones)`);
  }
  return made(resolveOptimizer(s, op));
}

/** How many state arrays `optimizer` keeps (a custom one says so in `stateArrays`). */
function stateSlots(optimizer: Optimizer, op: string): number {
  const kernel = optimizerKernel(optimizer);
  const slots: unknown = kernel ? kernel.slots : userCode(op, 'reading optimizer.stateArrays', () => optimizer.stateArrays);
  if (!Number.isInteger(slots) || (slots as number) < 0 || (slots as number) > MAX_STATE_ARRAYS) {
    fail(op, `optimizer.stateArrays must be an integer in [0, ${MAX_STATE_ARRAYS}], got ${describe(slots)}`);
  }
  return slots as number;
}

/**
 * Which state arrays of a built-in hold running means of squared gradients (Adam's v, RMSprop's
 * mean square): never negative (a negative one makes the update's square root NaN).
 */
function squaresArray(optimizer: Optimizer): number {
  const kernel = optimizerKernel(optimizer);
  return kernel?.id === OptimizerId.Adam ? 1 : kernel?.id === OptimizerId.RMSprop ? 0 : -1;
}

/** The saved `training.state`, checked against the optimizer and the layer sizes. */
function savedState(v: unknown, optimizer: Optimizer, layerSizes: readonly number[], op: string): OptimizerStateJSON {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(op, `training.state must be an object, got ${describe(v)}`);
  const t = v as Record<string, unknown>;
  const { step, pow1, pow2, arrays } = t;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) fail(op, `training.state.step must be an integer ≥ 0, got ${describe(step)}`);
  for (const [name, x] of [['pow1', pow1], ['pow2', pow2]] as const) {
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) fail(op, `training.state.${name} must be a number in [0, 1], got ${describe(x)}`);
  }
  const slots = stateSlots(optimizer, op);
  const saved = copyArray(op, 'training.state.arrays', arrays, slots, slots,
    `hold the optimizer's ${String(slots)} state arrays`, ' (delete training.state to start the optimizer afresh)');
  const layers = layerSizes.length - 1, squares = squaresArray(optimizer);
  return {
    step, pow1: pow1 as number, pow2: pow2 as number,
    arrays: saved.map((a: unknown, j) => {
      return copyArray(op, `training.state.arrays[${j}]`, a, layers, layers, `be an array of ${layers} layers`).map((l: unknown, i) => {
        if (l === null || typeof l !== 'object') fail(op, `training.state.arrays[${j}][${i}] must be { weights, bias }, got ${describe(l)}`);
        const o = l as Record<string, unknown>;
        const [inp, out] = [layerSizes[i]!, layerSizes[i + 1]!];
        const values = (name: 'weights' | 'bias', length: number) => {
          const what = `training.state.arrays[${j}][${i}].${name}`;
          const v = finiteArray(op, what, o[name], { length, float32: true });
          const at = j === squares ? v.findIndex((x) => x < 0) : -1;
          if (at >= 0) fail(op, `${what}[${at}] is ${v[at]}: a mean of squared gradients is never negative`);
          return v;
        };
        return { weights: values('weights', inp * out), bias: values('bias', out) };
      });
    }),
  };
}

/**
 * The saved `training.loss` (a name; absent: meanSquaredError), resolved (through the options'
 * factory for a custom one) to the name the loaded network records.
 */
function savedLoss(v: unknown, options: FromJSONOptions, op: string): string {
  if (v == null) return resolveLoss('meanSquaredError', op).name;
  if (typeof v !== 'string') fail(op, `training.loss must be the name of a loss, got ${describe(v)}`);
  const name = v as string;
  const custom = customFactory(options, 'losses', name, op);
  if (custom) {
    const l = userCode(op, `training.loss: the factory for "${name}"`, () => custom());
    if (!(l instanceof Loss)) fail(op, `training.loss: the factory for "${name}" did not return a Loss, got ${describe(l)}`);
    checkFactoryName(op, 'training.loss', name, l);
    return name;
  }
  if (!Object.hasOwn(losses, name)) {
    fail(op, `training.loss: unknown loss "${name}" (known: ${Object.keys(losses).join(', ')}; pass options.losses for custom ones)`);
  }
  return resolveLoss(name, op).name;
}

/**
 * Everything needed to rebuild a network from a saved document, checked.
 *
 * @internal
 */
export function parseNetworkJSON(
  json: unknown, options: FromJSONOptions, op: string,
): ParsedNetwork {
  try {
    return parseDocument(json, options, op);
  } catch (e) {
    // a Proxy or getter in the document that throws (its own TypeError, or not an Error at all):
    // still a named Error
    if (!(e instanceof Error)) throw new Error(`${op}: could not read the document (it threw ${describe(e)})`, { cause: e });
    if (e.constructor !== Error) throw new Error(`${op}: could not read the document (${e.message})`, { cause: e });
    // a saved setting an activation's or optimizer's constructor refuses ("Adam: beta1 must be …")
    if (!e.message.startsWith(`${op}:`)) throw new Error(`${op}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * A saved network, checked and copied.
 *
 * @internal
 */
export interface ParsedNetwork {
  layerSizes: number[];
  activations: Activation[];
  layers: { weights: number[]; bias: number[] }[];
  /**
   * The saved training settings, resolved (through the options' factories for custom ones) and
   * checked: what the loaded network records (absent ones default to sgd and meanSquaredError).
   */
  training?: TrainingConfig;
  /** The optimizer those settings make, and its saved state (absent: it starts afresh). */
  optimizer?: Optimizer;
  state?: OptimizerStateJSON;
}

function parseDocument(json: unknown, options: FromJSONOptions, op: string): ParsedNetwork {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      fail(op, `not valid JSON (${(e as Error).message})`);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(op, `expected a saved network object, got ${describe(doc)}`);
  // each field read once (a getter runs once), each array copied once: the checks and the uses
  // below see the same values
  const { format, version, layerSizes: sizes, activations: acts, layers: ls, training: tr } = doc as Record<string, unknown>;
  if (format !== 'scratchnet') fail(op, `not a scratchnet network (format is ${describe(format)}, expected "scratchnet")`);
  if (version !== 1) fail(op, `unsupported version ${describe(version)} (this scratchnet reads version 1)`);
  const layerSizes = copyArray(op, 'layerSizes', sizes, 2, LIMITS.maxLayers + 1, `be an array of 2 to ${LIMITS.maxLayers + 1} sizes`) as number[];
  layerSizes.forEach((s: unknown, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > LIMITS.maxLayerSize) {
      fail(op, `layerSizes[${i}] must be an integer in [1, ${LIMITS.maxLayerSize}], got ${describe(s)}`);
    }
  });
  let params = 0;
  for (let i = 0; i + 1 < layerSizes.length; i++) params += layerSizes[i]! * layerSizes[i + 1]! + layerSizes[i + 1]!;
  if (params > LIMITS.maxParameters) fail(op, `the network has ${params} parameters, more than the limit of ${LIMITS.maxParameters}`);
  const entries = layerSizes.length - 1;
  const activations = copyArray(op, 'activations', acts, entries, entries, `be an array of ${entries} entries`).map((a: unknown, i) => {
    if (a === null || typeof a !== 'object' || typeof (a as { name?: unknown }).name !== 'string') {
      fail(op, `activations[${i}] must be an object with a name, got ${describe(a)}`);
    }
    const saved = a as Record<string, unknown> & { name: string };
    const custom = customFactory(options, 'activations', saved.name, op);
    if (!custom) {
      if (!Object.hasOwn(builtins, saved.name)) {
        fail(op, `activations[${i}]: unknown activation "${saved.name}" (known: ${Object.keys(builtins).join(', ')}; pass options.activations for custom ones)`);
      }
      return builtins[saved.name]!(saved, op);
    }
    const act = userCode(op, `activations[${i}]: the factory for "${saved.name}"`, () => custom(saved));
    if (!(act instanceof Activation)) fail(op, `activations[${i}]: the factory for "${saved.name}" did not return an Activation`);
    checkFactoryName(op, `activations[${i}]`, saved.name, act);
    return act;
  });
  const layers = copyArray(op, 'layers', ls, entries, entries, `be an array of ${entries} entries`).map((l: unknown, i) => {
    if (l === null || typeof l !== 'object') fail(op, `layers[${i}] must be { weights, bias }, got ${describe(l)}`);
    const o = l as Record<string, unknown>;
    const [inp, out] = [layerSizes[i]!, layerSizes[i + 1]!];
    return {
      weights: finiteArray(op, `layers[${i}].weights (${inp}x${out})`, o.weights, { length: inp * out, float32: true }),
      bias: finiteArray(op, `layers[${i}].bias (1x${out})`, o.bias, { length: out, float32: true }),
    };
  });
  if (tr === undefined) return { layerSizes, activations, layers };
  if (tr === null || typeof tr !== 'object' || Array.isArray(tr)) fail(op, `training must be an object, got ${describe(tr)}`);
  const t = tr as Record<string, unknown>;
  const { optimizer: savedSettings, loss, state: savedStateJSON } = t;
  // resolved here, where the options' factories are (absent ones default to sgd and meanSquaredError)
  const { settings, optimizer } = savedOptimizer(savedSettings, options, op);
  const training = { optimizer: settings, loss: savedLoss(loss, options, op) };
  const state = savedStateJSON === undefined ? undefined : savedState(savedStateJSON, optimizer, layerSizes, op);
  return { layerSizes, activations, layers, training, optimizer, state };
}
