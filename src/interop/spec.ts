/**
 * The plain description of a dense network that the ONNX and TensorFlow.js codecs read and
 * write: the same shape as a saved network (`NeuralNetwork.toJSON()`), so a network exports
 * from its `toJSON()` and an import becomes a network through `fromJSON()`. Nothing here knows
 * the network classes or WebAssembly.
 *
 * @module
 */
import { describe } from '../core/validate.js';

/**
 * The activations the formats can carry, by their scratchnet names.
 *
 * @example
 * ```ts
 * ACTIVATION_NAMES.includes('tanh'); // true
 * ```
 */
export const ACTIVATION_NAMES = ['relu', 'sigmoid', 'tanh', 'leakyRelu', 'linear', 'softmax'] as const;

/**
 * One of {@link ACTIVATION_NAMES}.
 *
 * @example
 * ```ts
 * const a: ActivationName = 'leakyRelu';
 * ```
 */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/**
 * A dense network: sizes, one activation per layer (`leakyRelu` with its `slope`), and each
 * layer's weights (in×out, row-major) and bias.
 *
 * @internal
 * @example
 * ```ts
 * const spec: ModelSpec = net.toJSON(); // sizes, activations, weights
 * ```
 */
export interface ModelSpec {
  layerSizes: number[];
  activations: { name: string; slope?: unknown }[];
  layers: { weights: ArrayLike<number>; bias: ArrayLike<number> }[];
}

/**
 * What the importers return: a document `NeuralNetwork.fromJSON` accepts.
 *
 * @internal
 * @example
 * ```ts
 * import { decodeTfjs } from './tfjs.js';
 * const { modelJson, weights } = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()]).toTfjs();
 * const net = NeuralNetwork.fromJSON(decodeTfjs(modelJson, weights, SAVED_NETWORK_LIMITS)); // from an ImportedSpec
 * ```
 */
export interface ImportedSpec {
  format: 'scratchnet';
  version: 1;
  layerSizes: number[];
  activations: { name: ActivationName; slope?: number }[];
  layers: { weights: number[]; bias: number[] }[];
}

/**
 * Limits an imported file must respect (the ones `NeuralNetwork.fromJSON` applies).
 *
 * @internal
 * @example
 * ```ts
 * const limits: SpecLimits = { maxLayerSize: 1 << 20, maxParameters: 1 << 28, maxLayers: 1000 };
 * ```
 */
export interface SpecLimits {
  maxLayerSize: number;
  maxParameters: number;
  maxLayers: number;
}

/**
 * Throw unless every activation of `spec` is one the format can carry.
 *
 * @internal
 * @example
 * ```ts
 * checkExportable(net.toJSON(), 'NeuralNetwork.toONNX'); // fine: built-in activations only
 * const custom = { ...net.toJSON(), activations: [{ name: 'square' }, { name: 'sigmoid' }] }; // a custom activation
 * checkExportable(custom, 'NeuralNetwork.toONNX'); // throws 'square'
 * ```
 */
export function checkExportable(spec: ModelSpec, op: string): void {
  spec.activations.forEach((a, i) => {
    if (!(ACTIVATION_NAMES as readonly string[]).includes(a.name)) {
      throw new Error(`${op}: layer ${i} has the custom activation ${quote(a.name)}, which the format cannot carry (supported: ${ACTIVATION_NAMES.join(', ')})`);
    }
  });
}

/**
 * Check layer sizes against the limits, before anything is allocated.
 *
 * @internal
 * @example
 * ```ts
 * checkSizes([784, 256, 10], SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX'); // fine
 * checkSizes([784, 0, 10], SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX'); // throws 'NeuralNetwork.fromONNX'
 * ```
 */
export function checkSizes(sizes: number[], limits: SpecLimits, op: string): void {
  if (sizes.length - 1 > limits.maxLayers) throw new Error(`${op}: ${sizes.length - 1} layers, more than the limit of ${limits.maxLayers}`);
  let params = 0;
  sizes.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s < 1 || s > limits.maxLayerSize) {
      throw new Error(`${op}: layer width ${describe(s)} at position ${i} is outside [1, ${limits.maxLayerSize}]`);
    }
    if (i > 0) params += sizes[i - 1]! * s + s;
  });
  if (params > limits.maxParameters) throw new Error(`${op}: the network has ${params} parameters, more than the limit of ${limits.maxParameters}`);
}

/**
 * Float32 values from little-endian bytes, each checked finite; `what` names them in errors.
 *
 * @internal
 * @example
 * ```ts
 * readFloats(new Uint8Array([0, 0, 128, 63]), 1, 'op', 'bias'); // Float32Array [1]
 * ```
 */
export function readFloats(bytes: Uint8Array, count: number, op: string, what: string): Float32Array {
  if (bytes.length !== count * 4) throw new Error(`${op}: ${what} has ${bytes.length} bytes, expected ${count * 4} (${count} float32 values)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return checkFinite(out, op, what);
}

/**
 * Throw unless every value is finite.
 *
 * @internal
 * @example
 * ```ts
 * checkFinite([1, NaN], 'op', 'bias'); // throws: op: bias[1] is NaN, not a finite float32 number
 * ```
 */
export function checkFinite<T extends ArrayLike<number>>(v: T, op: string, what: string): T {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`${op}: ${what}[${i}] is ${v[i]}, not a finite float32 number`);
  }
  return v;
}

/**
 * Float32 values as little-endian bytes.
 *
 * @internal
 * @example
 * ```ts
 * floatBytes([1]); // Uint8Array [0, 0, 128, 63]
 * ```
 */
export function floatBytes(v: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(v.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true);
  return out;
}

/**
 * The importers' result, as `fromJSON` wants it.
 *
 * @internal
 * @example
 * ```ts
 * importedSpec([2, 1], [{ name: 'sigmoid' }], [{ weights: new Float32Array(2), bias: new Float32Array(1) }]);
 * ```
 */
export function importedSpec(
  layerSizes: number[], activations: ImportedSpec['activations'], layers: { weights: Float32Array; bias: Float32Array }[],
): ImportedSpec {
  return {
    format: 'scratchnet', version: 1, layerSizes, activations,
    layers: layers.map((l) => ({ weights: Array.from(l.weights), bias: Array.from(l.bias) })),
  };
}

/**
 * The shortest decimal that is the same float32 as `x` (a slope stored as float32 comes back as
 * 0.2, not 0.20000000298023224; the kernels use it as float32 either way).
 *
 * @internal
 * @example
 * ```ts
 * shortestFloat32(Math.fround(0.2)); // 0.2
 * ```
 */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  for (let p = 1; p < 10; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return s;
  }
  return f;
}

/**
 * A name in quotes for messages (`"dense_1"`; `undefined` for none).
 *
 * @internal
 * @example
 * ```ts
 * quote('dense_1'); // '"dense_1"'
 * ```
 */
export function quote(s: unknown): string {
  try {
    return JSON.stringify(s) ?? String(s);
  } catch {
    return describe(s); // a cycle or a BigInt
  }
}
