/**
 * Saving and loading networks: a versioned, complete JSON document (architecture, activations,
 * weights, the last optimizer and loss used), exact after a round trip, and a loader that
 * validates everything before it allocates, so a bad or hostile file gets a clear Error.
 *
 * @module
 */
import { Activation, LeakyReLU, Linear, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
import { describe } from '../core/validate.js';

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
  training?: { optimizer?: { name: string } & Record<string, unknown>; loss?: string };
}

/**
 * Options of `NeuralNetwork.fromJSON`.
 *
 * @example
 * ```ts
 * NeuralNetwork.fromJSON(doc, { activations: { square: () => new Square() } });
 * ```
 */
export interface FromJSONOptions {
  /** Factories for custom activations, by the `name` they saved. */
  activations?: Record<string, (saved: Record<string, unknown>) => Activation>;
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

function finiteArray(op: string, what: string, v: unknown, length: number): number[] {
  if (!Array.isArray(v)) fail(op, `${what} must be an array of ${length} numbers, got ${describe(v)}`);
  if (v.length !== length) fail(op, `${what} has ${v.length} values, expected ${length}`);
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || !Number.isFinite(Math.fround(x))) {
      fail(op, `${what}[${i}] is ${describe(x)}, not a finite float32 number`);
    }
  }
  return v as number[];
}

/**
 * Everything needed to rebuild a network from a saved document, checked.
 *
 * @internal
 */
export function parseNetworkJSON(
  json: unknown, options: FromJSONOptions, op: string,
): { layerSizes: number[]; activations: Activation[]; layers: { weights: number[]; bias: number[] }[]; training?: NetworkJSON['training'] } {
  let doc: unknown = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      fail(op, `not valid JSON (${(e as Error).message})`);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(op, `expected a saved network object, got ${describe(doc)}`);
  const d = doc as Record<string, unknown>;
  if (d.format !== 'scratchnet') fail(op, `not a scratchnet network (format is ${describe(d.format)}, expected "scratchnet")`);
  if (d.version !== 1) fail(op, `unsupported version ${describe(d.version)} (this scratchnet reads version 1)`);
  const sizes = d.layerSizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.length > LIMITS.maxLayers + 1) {
    fail(op, `layerSizes must be an array of 2 to ${LIMITS.maxLayers + 1} sizes, got ${describe(sizes)}`);
  }
  sizes.forEach((s: unknown, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > LIMITS.maxLayerSize) {
      fail(op, `layerSizes[${i}] must be an integer in [1, ${LIMITS.maxLayerSize}], got ${describe(s)}`);
    }
  });
  const layerSizes = sizes as number[];
  let params = 0;
  for (let i = 0; i + 1 < layerSizes.length; i++) params += layerSizes[i]! * layerSizes[i + 1]! + layerSizes[i + 1]!;
  if (params > LIMITS.maxParameters) fail(op, `the network has ${params} parameters, more than the limit of ${LIMITS.maxParameters}`);
  const acts = d.activations;
  if (!Array.isArray(acts) || acts.length !== layerSizes.length - 1) {
    fail(op, `activations must be an array of ${layerSizes.length - 1} entries, got ${describe(acts)}`);
  }
  const activations = acts.map((a: unknown, i) => {
    if (a === null || typeof a !== 'object' || typeof (a as { name?: unknown }).name !== 'string') {
      fail(op, `activations[${i}] must be an object with a name, got ${describe(a)}`);
    }
    const saved = a as Record<string, unknown> & { name: string };
    const custom = options.activations && Object.hasOwn(options.activations, saved.name) ? options.activations[saved.name] : undefined;
    const make = custom ?? (Object.hasOwn(builtins, saved.name) ? builtins[saved.name] : undefined);
    if (!make) {
      fail(op, `activations[${i}]: unknown activation "${saved.name}" (known: ${Object.keys(builtins).join(', ')}; pass options.activations for custom ones)`);
    }
    const act = make(saved, op);
    if (!(act instanceof Activation)) fail(op, `activations[${i}]: the factory for "${saved.name}" did not return an Activation`);
    return act;
  });
  const ls = d.layers;
  if (!Array.isArray(ls) || ls.length !== layerSizes.length - 1) fail(op, `layers must be an array of ${layerSizes.length - 1} entries, got ${describe(ls)}`);
  const layers = ls.map((l: unknown, i) => {
    if (l === null || typeof l !== 'object') fail(op, `layers[${i}] must be { weights, bias }, got ${describe(l)}`);
    const o = l as Record<string, unknown>;
    const [inp, out] = [layerSizes[i]!, layerSizes[i + 1]!];
    return {
      weights: finiteArray(op, `layers[${i}].weights (${inp}x${out})`, o.weights, inp * out),
      bias: finiteArray(op, `layers[${i}].bias (1x${out})`, o.bias, out),
    };
  });
  let training: NetworkJSON['training'];
  if (d.training !== undefined) {
    if (d.training === null || typeof d.training !== 'object') fail(op, `training must be an object, got ${describe(d.training)}`);
    training = d.training as NetworkJSON['training'];
  }
  return { layerSizes, activations, layers, training };
}
