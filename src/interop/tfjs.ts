/**
 * TensorFlow.js layers format, out and in. Export writes a `Sequential` of `Dense` layers (a
 * `LeakyReLU` layer after a linear Dense for leakyRelu, always with its slope: tfjs and Keras
 * default to 0.3, scratchnet to 0.01) and one weights file with `name/kernel` ([in, out], our W)
 * and `name/bias`. Import also reads what the Keras converters write: Keras 2 (`model_config`,
 * `InputLayer` with `batch_input_shape`, `dense_1/kernel`) and Keras 3 (`batch_shape`, DTypePolicy
 * objects, `sequential/dense/kernel`, LeakyReLU's `negative_slope`), in several weight shards.
 *
 * @module
 */
import {
  checkExportable, checkSizes, floatBytes, importedSpec, readFloats, shortestFloat32, type ActivationName, type ImportedSpec,
  type ModelSpec, type SpecLimits, quote,
} from './spec.js';
import { checkFloat32, describe } from '../core/validate.js';
import { toBytes } from '../data/gzip.js';

/**
 * A TensorFlow.js `model.json` (layers format), as `NeuralNetwork.toTfjs()` writes it.
 *
 * @example
 * ```ts
 * const { modelJson, weights } = net.toTfjs();
 * modelJson.weightsManifest[0]!.paths; // ['weights.bin']: save `weights` under that name
 * ```
 */
export interface TfjsModelJSON {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: { class_name: 'Sequential'; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] }; keras_version: string; backend: string };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
}

/**
 * What `NeuralNetwork.toTfjs()` returns: the `model.json` object and the bytes of `weights.bin`.
 *
 * @example
 * ```ts
 * import { mkdirSync, writeFileSync } from 'node:fs';
 * const { modelJson, weights }: TfjsArtifacts = net.toTfjs();
 * mkdirSync('out', { recursive: true });
 * writeFileSync('out/model.json', JSON.stringify(modelJson));
 * writeFileSync('out/weights.bin', weights); // tf.loadLayersModel('file://out/model.json') reads both
 * ```
 */
export interface TfjsArtifacts {
  modelJson: TfjsModelJSON;
  weights: Uint8Array;
}

/**
 * The TensorFlow.js layers-format files of a dense network.
 *
 * @internal
 * @example
 * ```ts
 * const { modelJson, weights } = encodeTfjs(net.toJSON());
 * ```
 */
export function encodeTfjs(spec: ModelSpec, op = 'NeuralNetwork.toTfjs'): TfjsArtifacts {
  checkExportable(spec, op);
  const layers: TfjsModelJSON['modelTopology']['config']['layers'] = [];
  const manifest: TfjsModelJSON['weightsManifest'][0]['weights'] = [];
  const parts: Uint8Array[] = [];
  let leaky = 0;
  spec.activations.forEach((a, i) => {
    const [inp, out] = [spec.layerSizes[i]!, spec.layerSizes[i + 1]!];
    const name = i ? `dense_${i}` : 'dense';
    const config: Record<string, unknown> = {
      name, units: out, activation: a.name === 'leakyRelu' ? 'linear' : a.name, use_bias: true, trainable: true, dtype: 'float32',
    };
    if (i === 0) config.batch_input_shape = [null, inp];
    layers.push({ class_name: 'Dense', config });
    if (a.name === 'leakyRelu') {
      layers.push({ class_name: 'LeakyReLU', config: { name: leaky ? `leaky_re_lu_${leaky}` : 'leaky_re_lu', alpha: a.slope, trainable: true, dtype: 'float32' } });
      leaky++;
    }
    manifest.push({ name: `${name}/kernel`, shape: [inp, out], dtype: 'float32' }, { name: `${name}/bias`, shape: [out], dtype: 'float32' });
    parts.push(floatBytes(spec.layers[i]!.weights), floatBytes(spec.layers[i]!.bias));
  });
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    weights.set(p, offset);
    offset += p.length;
  }
  return {
    modelJson: {
      format: 'layers-model', generatedBy: 'scratchnet', convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: ['weights.bin'], weights: manifest }],
    },
    weights,
  };
}

const KNOWN_LAYERS = 'InputLayer, Dense, LeakyReLU, ReLU, Softmax, Activation, Dropout, a leading Flatten';
const ACTIVATION_STRINGS: Record<string, ActivationName> = { relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', linear: 'linear' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A dense network from a TensorFlow.js layers-format `model.json` (object or text) and its
 * weights (one buffer, or the shards in manifest order), as a document for `NeuralNetwork.fromJSON`.
 *
 * @internal
 * @example
 * ```ts
 * const { modelJson, weights } = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()]).toTfjs();
 * const [shard1, shard2] = [weights.subarray(0, 16), weights.subarray(16)]; // shards, in manifest order
 * const net = NeuralNetwork.fromJSON(decodeTfjs(modelJson, [shard1, shard2], SAVED_NETWORK_LIMITS));
 * ```
 */
export function decodeTfjs(modelJson: unknown, weights: unknown, limits: SpecLimits, op = 'NeuralNetwork.fromTfjs'): ImportedSpec {
  const fail = (msg: string): never => {
    throw new Error(`${op}: ${msg}`);
  };
  let doc = modelJson;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      fail(`model.json is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(doc)) return fail(`expected a model.json object, got ${describe(doc)}`);
  let topology = doc.modelTopology;
  if (isObj(topology) && isObj(topology.model_config)) topology = topology.model_config;
  if (!isObj(topology)) return fail(`model.json has no modelTopology object (is it a graph model? only the layers format is supported)`);
  if (topology.class_name !== 'Sequential') fail(`the model is a ${quote(topology.class_name)}; supported: Sequential`);
  const list = Array.isArray(topology.config) ? topology.config : isObj(topology.config) ? topology.config.layers : undefined;
  if (!Array.isArray(list) || list.length > limits.maxLayers * 4) fail(`modelTopology.config.layers must be an array of at most ${limits.maxLayers * 4} layers, got ${describe(list)}`);

  const specs = readManifest(doc.weightsManifest, limits, fail);

  interface Dense { name: string; units: number; act: { name: ActivationName; slope?: number } | null; useBias: boolean }
  const dense: Dense[] = [];
  let inputShape: unknown = null;
  let flattened = false;
  let channelsFirst: { what: string; shape: unknown } | null = null;
  const setAct = (what: string, act: { name: ActivationName; slope?: number }): void => {
    const l = dense[dense.length - 1];
    if (act.name === 'linear') return;
    if (!l) fail(`${what} comes before any Dense layer`);
    if (l!.act) fail(`${what} follows layer ${quote(l!.name)}, which already has the activation ${l!.act.name}; one activation per Dense layer is supported`);
    l!.act = act;
  };
  (list as unknown[]).forEach((entry, i) => {
    if (!isObj(entry) || !isObj(entry.config)) return fail(`layers[${i}] must be { class_name, config }, got ${describe(entry)}`);
    const c = entry.config;
    const what = `layers[${i}] (${quote(entry.class_name)} ${quote(c.name)})`;
    const shape = c.batch_input_shape ?? c.batch_shape;
    if (shape !== undefined && inputShape === null) inputShape = shape; // Keras reads only the first
    switch (entry.class_name) {
      case 'InputLayer':
        if (i !== 0) fail(`${what}: InputLayer must come first`);
        break;
      case 'Dense': {
        if (typeof c.units !== 'number' || !Number.isSafeInteger(c.units) || c.units < 1 || c.units > limits.maxLayerSize) {
          fail(`${what}: units must be an integer in [1, ${limits.maxLayerSize}], got ${describe(c.units)}`);
        }
        if (typeof c.name !== 'string') fail(`${what}: a Dense layer needs a name (its weights are found by it)`);
        dense.push({ name: c.name as string, units: c.units as number, act: null, useBias: c.use_bias !== false });
        if (dense.length > limits.maxLayers) fail(`more than ${limits.maxLayers} Dense layers`);
        setAct(what, activationOf(c.activation ?? 'linear', what, fail));
        break;
      }
      case 'Activation':
        setAct(what, activationOf(c.activation, what, fail));
        break;
      case 'LeakyReLU': {
        const key = c.alpha != null ? 'alpha' : 'negative_slope'; // as `alpha ?? negative_slope` reads them
        const slope = c[key] ?? 0.3; // Keras' and tfjs' default
        checkFloat32(op, `${what}: the slope (${key})`, slope); // NaN, 1e39: a named Error here, not in fromJSON
        setAct(what, { name: 'leakyRelu', slope: shortestFloat32(slope) });
        break;
      }
      case 'ReLU':
        if ((c.max_value ?? null) !== null || (c.threshold ?? 0) !== 0 || (c.negative_slope ?? 0) !== 0) {
          fail(`${what}: ReLU with max_value, threshold or negative_slope is not supported`);
        }
        setAct(what, { name: 'relu' });
        break;
      case 'Softmax':
        // after a Dense layer the values are [batch, units]: axis 1 (tfjs' default) is axis -1
        if ((c.axis ?? -1) !== -1 && c.axis !== 1) fail(`${what}: Softmax axis ${describe(c.axis)}; supported: -1 or 1 (the units)`);
        setAct(what, { name: 'softmax' });
        break;
      case 'Dropout':
        break;
      case 'Flatten': {
        if (dense.length || flattened) fail(`${what}: Flatten is supported only before the first Dense layer`);
        // channels_first moves the channels last before flattening (a reordering of the inputs), by
        // the shape known here: the first layer's (a later layer's would not reach the Flatten)
        const format = c.data_format ?? c.dataFormat ?? 'channels_last';
        if (format === 'channels_first' || format === 'channelsFirst') channelsFirst = { what, shape: inputShape };
        else if (format !== 'channels_last' && format !== 'channelsLast') fail(`${what}: data_format ${describe(format)}; supported: channels_last, channels_first`);
        flattened = true;
        break;
      }
        break;
      default:
        fail(`${what}: unsupported layer ${quote(entry.class_name)}; supported: ${KNOWN_LAYERS}`);
    }
  });
  if (!dense.length) fail('the model has no Dense layer');

  const index = weightIndex(specs.list, dense.flatMap((l) => [`${l.name}/kernel`, `${l.name}/bias`]));
  const find = (name: string, kind: string): WeightSpec => {
    const hits = index.get(`${name}/${kind}`)!;
    if (hits.length !== 1) {
      fail(`${hits.length ? 'several' : 'no'} weights named ${quote(`${name}/${kind}`)} in the weightsManifest (it has ${specs.list.slice(0, 8).map((w) => w.name).join(', ')}${specs.list.length > 8 ? ', ...' : ''})`);
    }
    // only the weights read must be float32: others (an optimizer's int32 step count) are skipped
    const w = hits[0]!;
    if (w.dtype !== 'float32') fail(`${w.at} (${quote(w.name)}) has dtype ${describe(w.dtype)}; supported: float32`);
    if (w.quantized) fail(`${w.at} (${quote(w.name)}) is quantized; supported: float32 weights`);
    return w;
  };
  const kernels = dense.map((l) => find(l.name, 'kernel'));
  const biases = dense.map((l) => (l.useBias ? find(l.name, 'bias') : null));
  const sizes = [kernels[0]!.shape[0] ?? 0, ...dense.map((l) => l.units)];
  dense.forEach((l, i) => {
    const k = kernels[i]!;
    if (k.shape.length !== 2 || k.shape[0] !== sizes[i] || k.shape[1] !== l.units) fail(`weights ${quote(k.name)} have shape [${k.shape}], expected [${sizes[i]}, ${l.units}]`);
  });
  checkSizes(sizes, limits, op);
  // channels_first: tfjs flattens [channels, ...rest] as [...rest, channels]; the first kernel's
  // rows are put in the order of the input flattened as it is (channels first), as users feed it
  const cf = channelsFirst as { what: string; shape: unknown } | null; // (set in the forEach above)
  const dims = cf && Array.isArray(cf.shape) ? (cf.shape as unknown[]).slice(1) : null;
  if (cf && (!dims || !dims.every((d) => typeof d === 'number'))) {
    fail(`${cf.what}: Flatten with data_format channels_first needs the input shape (batch_input_shape, on the first layer) to reorder the inputs, got ${quote(cf.shape ?? null)}`);
  }
  const data = concatWeights(weights, specs.total, op, fail);
  if (Array.isArray(inputShape)) {
    const rest = inputShape.slice(1);
    const known = rest.every((d) => typeof d === 'number');
    if (!flattened && rest.length !== 1) fail(`the input shape is ${quote(inputShape)}; supported: [null, features] (or more dimensions before a Flatten)`);
    if (rest.some((d) => d !== null && !(Number.isSafeInteger(d) && (d as number) > 0))) fail(`the input shape ${quote(inputShape)} has a dimension that is not a positive integer`);
    if (known && rest.reduce((a: number, b) => a * (b as number), 1) !== sizes[0]) fail(`the input shape ${quote(inputShape)} does not match the first kernel's ${sizes[0]} inputs`);
  }
  const layers = dense.map((l, i) => {
    const k = kernels[i]!;
    let w = readFloats(data.subarray(k.offset, k.offset + k.bytes), sizes[i]! * l.units, op, `weights ${quote(k.name)}`);
    if (i === 0 && cf && dims!.length > 1) w = channelsLastRows(w, dims![0] as number, l.units);
    let b: Float32Array = new Float32Array(l.units);
    const s = biases[i];
    if (s) {
      if (s.shape.length !== 1 || s.shape[0] !== l.units) fail(`weights ${quote(s.name)} have shape [${s.shape}], expected [${l.units}]`);
      b = readFloats(data.subarray(s.offset, s.offset + s.bytes), l.units, op, `weights ${quote(s.name)}`);
    }
    return { weights: w, bias: b };
  });
  return importedSpec(sizes, dense.map((l) => l.act ?? { name: 'linear' }), layers);
}

/**
 * A kernel whose rows follow inputs flattened channels last ([...rest, channels]: row s·C + c),
 * with its rows put in the order of the same inputs flattened channels first (row c·S + s).
 */
function channelsLastRows(w: Float32Array, channels: number, units: number): Float32Array {
  const rest = w.length / units / channels;
  const out = new Float32Array(w.length);
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < rest; r++) out.set(w.subarray((r * channels + c) * units, (r * channels + c + 1) * units), (c * rest + r) * units);
  }
  return out;
}

function activationOf(a: unknown, what: string, fail: (msg: string) => never): { name: ActivationName; slope?: number } {
  const name = a;
  if (name === 'leaky_relu') return { name: 'leakyRelu', slope: 0.2 }; // Keras 3's activation string (negative_slope 0.2)
  if (typeof name !== 'string' || !Object.hasOwn(ACTIVATION_STRINGS, name)) {
    return fail(`${what}: unsupported activation ${describe(a)}; supported: ${Object.keys(ACTIVATION_STRINGS).join(', ')}, leaky_relu, or a LeakyReLU layer`);
  }
  return { name: ACTIVATION_STRINGS[name]! };
}

interface WeightSpec { name: string; shape: number[]; offset: number; bytes: number; at: string; dtype: unknown; quantized: boolean }

/** Bytes per value of the dtypes a manifest may list (tfjs' and the converters'; strings have no fixed size). */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, float16: 2, int16: 2, uint16: 2, int8: 1, uint8: 1, bool: 1, complex64: 8 };
/** Bytes per value of quantized weights (tfjs' quantization dtypes). */
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };
/** A table's entry for `key`, if it has its own (not `toString` from the prototype). */
const bytesOf = (table: Readonly<Record<string, number>>, key: unknown): number | undefined =>
  typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;

/**
 * Bytes per value of a weightsManifest entry `{ dtype, quantization? }` as stored in the weight
 * files (a quantized entry's stored type), or undefined when its size is unknown.
 *
 * @internal
 * @example
 * ```ts
 * storedValueBytes({ dtype: 'int32' }); // 4
 * storedValueBytes({ dtype: 'float32', quantization: { dtype: 'uint8' } }); // 1
 * ```
 */
export function storedValueBytes(entry: object): number | undefined {
  const { dtype, quantization: q } = entry as { dtype?: unknown; quantization?: unknown };
  if (q === undefined) return bytesOf(DTYPE_BYTES, dtype);
  return isObj(q) ? bytesOf(QUANTIZED_BYTES, q.dtype) : undefined;
}

/** The bytes a manifest may describe, in copies of the largest network's weights (the weights, an optimizer's state). */
const MAX_WEIGHT_COPIES = 4;

/**
 * For each wanted key (`dense_1/kernel`), the weights named `key` or `.../key` (Keras 3 writes
 * `sequential/dense_1/kernel`), at most two (one is a match, two say "several"), found in one
 * pass over the manifest: the keys' '/'-separated parts, last first, are interned as paths in a
 * trie (node ids in a Map keyed by parent id and part), and each weight name walks it from its
 * last part until a part leads nowhere. Time is linear in the names' lengths, however many
 * layers and weights (filtering the manifest once per layer was quadratic).
 */
function weightIndex(list: readonly WeightSpec[], keys: readonly string[]): Map<string, WeightSpec[]> {
  const nodes = new Map<string, number>(); // `${parent}/${part}` → node id; the root is 0
  const hits: WeightSpec[][] = [[]]; // by node id
  const byKey = new Map<string, WeightSpec[]>();
  for (const key of keys) {
    const parts = key.split('/');
    let id = 0;
    for (let i = parts.length - 1; i >= 0; i--) {
      const edge = `${id}/${parts[i]}`;
      let next = nodes.get(edge);
      if (next === undefined) {
        next = hits.length;
        nodes.set(edge, next);
        hits.push([]);
      }
      id = next;
    }
    byKey.set(key, hits[id]!);
  }
  for (const w of list) {
    // every node the walk reaches is a '/'-aligned suffix of w.name; the wanted ones collect it
    const parts = w.name.split('/');
    let id: number | undefined = 0;
    for (let i = parts.length - 1; i >= 0; i--) {
      id = nodes.get(`${id}/${parts[i]}`);
      if (id === undefined) break;
      if (hits[id]!.length < 2) hits[id]!.push(w);
    }
  }
  return byKey;
}

function readManifest(m: unknown, limits: SpecLimits, fail: (msg: string) => never): { list: WeightSpec[]; total: number } {
  if (!Array.isArray(m) || m.length > limits.maxLayers * 4) return fail(`model.json needs a weightsManifest array of weight groups, got ${describe(m)}`);
  const list: WeightSpec[] = [];
  let total = 0;
  m.forEach((group: unknown, g) => {
    if (!isObj(group) || !Array.isArray(group.weights)) return fail(`weightsManifest[${g}] must be { paths, weights: [...] }, got ${describe(group)}`);
    if (group.weights.length > limits.maxLayers * 4) fail(`weightsManifest[${g}] lists more than ${limits.maxLayers * 4} weights`);
    group.weights.forEach((w: unknown, j) => {
      const at = `weightsManifest[${g}].weights[${j}]`;
      if (!isObj(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || w.shape.length > 8) fail(`${at} must be { name, shape, dtype }, got ${describe(w)}`);
      const ws = w as Obj & { name: string; shape: unknown[] };
      // every entry's size is needed to find the next one's bytes; the dtype of the weights read is checked when they are found
      const q = ws.quantization;
      const size = storedValueBytes(ws);
      if (size === undefined) {
        fail(q === undefined
          ? `${at} (${quote(ws.name)}) has dtype ${describe(ws.dtype)}; supported: float32 (and ${Object.keys(DTYPE_BYTES).filter((d) => d !== 'float32').join(', ')} for weights that are not read)`
          : `${at} (${quote(ws.name)}) has quantization ${describe(q)}, whose size is unknown`);
      }
      let count = 1;
      for (const d of ws.shape) {
        if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0 || d > limits.maxLayerSize) fail(`${at} (${quote(ws.name)}) has shape ${quote(ws.shape)}`);
        count *= d as number;
      }
      if (count > limits.maxParameters) fail(`${at} (${quote(ws.name)}) has ${count} values, more than the limit of ${limits.maxParameters}`);
      list.push({ name: ws.name, shape: ws.shape as number[], offset: total, bytes: count * size!, at, dtype: ws.dtype, quantized: q !== undefined });
      total += count * size!;
      // room for an optimizer's state beside the weights (tfjs' includeOptimizer: Adam's two moments)
      if (total > limits.maxParameters * 4 * MAX_WEIGHT_COPIES) fail(`the weightsManifest lists more than ${MAX_WEIGHT_COPIES * limits.maxParameters} values`);
    });
  });
  return { list, total };
}

function concatWeights(w: unknown, total: number, op: string, fail: (msg: string) => never): Uint8Array {
  const asBytes = (b: unknown, what: string): Uint8Array =>
    b instanceof Uint8Array || b instanceof ArrayBuffer
      ? toBytes(b, `${op}: ${what}`) // a named Error for a detached buffer
      : fail(`${what} must be a Uint8Array or ArrayBuffer, got ${describe(b)}`);
  const shards = Array.isArray(w) ? w.map((s, i) => asBytes(s, `weights[${i}]`)) : [asBytes(w, 'weights')];
  const n = shards.reduce((a, s) => a + s.length, 0);
  if (n !== total) fail(`the weights hold ${n} bytes, the weightsManifest describes ${total}`);
  if (shards.length === 1) return shards[0]!;
  const out = new Uint8Array(n);
  let off = 0;
  for (const s of shards) {
    out.set(s, off);
    off += s.length;
  }
  return out;
}
