/**
 * The model file `scratchnet train` writes and `scratchnet predict` reads: one JSON document with
 * the network, the feature scaler (and for regression the target's), the class names and the
 * training file's columns. Loading checks everything before it allocates the network.
 *
 * @module
 */
import {
  Matrix, NeuralNetwork, StandardScaler, type NetworkJSON, type StandardScalerJSON,
} from '../index.js';
import { bare, CliError, quote } from './errors.js';
import { version } from './io.js';

/**
 * The `format` of the model files `scratchnet train` writes.
 *
 * @internal
 * @example
 * ```ts
 * MODEL_FORMAT; // 'scratchnet-model'
 * ```
 */
export const MODEL_FORMAT = 'scratchnet-model';

/**
 * The model-file version this CLI writes and reads.
 *
 * @internal
 * @example
 * ```ts
 * MODEL_VERSION; // 1
 * ```
 */
export const MODEL_VERSION = 1;

/**
 * What `scratchnet train` writes.
 *
 * @internal
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * // after `scratchnet train iris.csv --out model.json`
 * const doc = JSON.parse(readFileSync('model.json', 'utf8')) as ModelFile; doc.task; // 'classification'
 * ```
 */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  task: 'classification' | 'regression';
  /** Classification: the original label names/values, in output order. */
  classes?: string[];
  /** The feature columns' header names, when the training CSV had them. */
  featureNames?: string[];
  /** The label column's header name, when the training CSV had one. */
  labelName?: string;
  /** The label column's position (0-based) in the training CSV. */
  labelIndex?: number;
  /** The feature standardization, fitted on the training rows. */
  scaler: StandardScalerJSON;
  /** Regression: the target standardization the network was trained on (predictions are mapped back). */
  targetScaler?: StandardScalerJSON;
  /** The network, `NeuralNetwork.toJSON()`. */
  network: NetworkJSON;
}

/**
 * A loaded model file: the document, the network (dispose it) and the scalers.
 *
 * @internal
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const { net, scaler, features } = loadModel(readFileSync('model.json', 'utf8'), 'model.json');
 * features; // 4 (iris' four measurements)
 * net.dispose();
 * ```
 */
export interface Model {
  doc: ModelFile;
  net: NeuralNetwork;
  scaler: StandardScaler;
  targetScaler: StandardScaler | null;
  features: number;
}

type Bad = (why: string) => CliError;

/**
 * Throw a one-line CliError pointing to `scratchnet import` when a model file's text is an ONNX
 * file's bytes: a protobuf ModelProto starts with its ir_version field (tag 0x08, a small
 * varint), then another field's tag (producer_name 0x12, graph 0x3a, opset_import 0x42...).
 *
 * @internal
 * @example
 * ```ts
 * notOnnx('{"format": "scratchnet-model"}', 'model.json', 'predict'); // returns
 * notOnnx('\x08\x06\x12\x07pytorch', 'mlp.onnx', 'predict'); // throws 'predict: mlp.onnx is an ONNX model, not a scratchnet model file'
 * ```
 */
export function notOnnx(text: string, file: string, cmd: string): void {
  const [tag, ir, next] = [text.charCodeAt(0), text.charCodeAt(1), text.charCodeAt(2)];
  if (tag === 0x08 && ir >= 1 && ir < 0x80 && (next & 7) <= 2 && next >> 3 >= 2 && next >> 3 <= 20) {
    throw new CliError(`${cmd}: ${file} is an ONNX model, not a scratchnet model file: make one of it with "scratchnet import ${file} --out model.json"`);
  }
}

/** The document as an object of this format and version. */
function parseDoc(text: string, file: string): Record<string, unknown> {
  const not = (why: string): CliError => new CliError(`predict: ${file} is not a scratchnet model file (${why})`);
  notOnnx(text, file, 'predict');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw not(`it is not JSON: ${bare(e)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw not(`it holds ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}, not an object`);
  }
  const d = doc as Record<string, unknown>;
  if (d.format === 'scratchnet') {
    throw new CliError(
      `predict: ${file} is a bare network (NeuralNetwork.toJSON()), not a model file from "scratchnet train": it has no feature scaler or class names`,
    );
  }
  if (d.modelTopology !== undefined && d.weightsManifest !== undefined) { // "format": "layers-model", or none
    throw new CliError(
      `predict: ${file} is a TensorFlow.js model, not a scratchnet model file: make one of it with "scratchnet import ${file} --out model.json"`,
    );
  }
  if (d.format !== MODEL_FORMAT) {
    throw new CliError(`predict: ${file} is not a scratchnet model file (no "format": "${MODEL_FORMAT}"); write one with "scratchnet train"`);
  }
  if (d.version !== MODEL_VERSION) {
    throw new CliError(`predict: ${file} is a model file of version ${quote(d.version)}; this scratchnet (${version()}) reads version ${MODEL_VERSION}`);
  }
  return d;
}

/** A saved scaler, its every number usable in float32 (a scale that rounds to 0 would divide by 0). */
function loadScaler(json: unknown, what: string, bad: Bad): StandardScaler {
  let s: StandardScaler;
  try {
    s = StandardScaler.fromJSON(json as StandardScalerJSON);
  } catch (e) {
    throw bad(`${what}: ${bare(e)}`);
  }
  const check = (name: string, values: number[], ok: (f: number) => boolean, why: string): void => {
    const j = values.findIndex((v) => !ok(Math.fround(v)));
    if (j >= 0) throw bad(`${what}: ${name}[${j}] is ${values[j]}, ${why}`);
  };
  check('mean', s.mean!, Number.isFinite, 'beyond float32\'s range (±3.4e38)');
  check('scale', s.scale!, (f) => f > 0 && Number.isFinite(f), 'outside float32\'s range (1.4e-45 to 3.4e38)');
  return s;
}

function loadScalers(d: Record<string, unknown>, bad: Bad): { scaler: StandardScaler; targetScaler: StandardScaler | null } {
  const scaler = loadScaler(d.scaler, 'scaler', bad);
  if (d.targetScaler === undefined) return { scaler, targetScaler: null };
  if (d.task !== 'regression') throw bad('targetScaler is only for regression');
  const targetScaler = loadScaler(d.targetScaler, 'targetScaler', bad);
  if (targetScaler.mean!.length !== 1) throw bad(`targetScaler has ${targetScaler.mean!.length} columns, expected 1`);
  return { scaler, targetScaler };
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkClasses(d: Record<string, unknown>, bad: Bad): void {
  if (d.task === 'classification') {
    if (!strings(d.classes) || d.classes.length < 2) throw bad('classes must be an array of at least 2 class names');
    if (new Set(d.classes).size !== d.classes.length) throw bad('classes has duplicates');
  } else if (d.classes !== undefined) throw bad('a regression model has no classes');
}

/** The network's inputs and outputs against the scaler and the task (before allocating it). */
function checkNetworkShape(d: Record<string, unknown>, features: number, bad: Bad): Partial<NetworkJSON> {
  const nw = d.network as Partial<NetworkJSON> | null;
  if (nw === null || typeof nw !== 'object') throw bad('it has no network');
  const sizes = nw.layerSizes, acts = nw.activations;
  if (!Array.isArray(sizes) || sizes.length < 2) return nw; // fromJSON names what is wrong
  if (sizes[0] !== features) throw bad(`the network takes ${quote(sizes[0])} inputs, the scaler ${features}`);
  const outputs = sizes[sizes.length - 1], last = Array.isArray(acts) ? (acts[acts.length - 1] as { name?: unknown } | undefined)?.name : undefined;
  const k = (d.classes as string[] | undefined)?.length ?? 0;
  const [wantOut, wantAct] = d.task === 'regression' ? [1, 'linear'] : k === 2 ? [1, 'sigmoid'] : [k, 'softmax'];
  if (outputs !== wantOut || last !== wantAct) {
    throw bad(
      `a ${d.task === 'regression' ? 'regression' : `${k}-class`} model needs ${wantOut} ${wantAct} output${wantOut === 1 ? '' : 's'}, ` +
        `the network has ${quote(outputs)} ${quote(last)}`,
    );
  }
  return nw;
}

function checkColumns(d: Record<string, unknown>, features: number, bad: Bad): void {
  if (d.featureNames !== undefined && (!strings(d.featureNames) || d.featureNames.length !== features)) {
    throw bad(`featureNames must be an array of ${features} names`);
  }
  if (d.labelName !== undefined && typeof d.labelName !== 'string') throw bad('labelName must be a string');
  if (d.labelIndex !== undefined && !(Number.isInteger(d.labelIndex) && (d.labelIndex as number) >= 0 && (d.labelIndex as number) <= features)) {
    throw bad(`labelIndex must be an integer in 0..${features}`);
  }
}

/**
 * A model file's text, checked and loaded, or a one-line CliError saying what is wrong.
 *
 * @internal
 * @example
 * ```ts
 * import { defaultIO, readText } from './io.js';
 * const model = loadModel(await readText(defaultIO(), 'model.json', 'predict'), 'model.json');
 * try { model.net.predict(model.scaler.transform([[5.1, 3.5, 1.4, 0.2]])); } finally { model.net.dispose(); }
 * loadModel('{}', 'model.json'); // throws 'predict: model.json is not a scratchnet model file'
 * ```
 */
export function loadModel(text: string, file: string): Model {
  const bad: Bad = (why) => new CliError(`predict: ${file} is not a valid scratchnet model: ${why}`);
  const d = parseDoc(text, file);
  if (d.task !== 'classification' && d.task !== 'regression') throw bad(`task must be "classification" or "regression", got ${quote(d.task)}`);
  const { scaler, targetScaler } = loadScalers(d, bad);
  const features = scaler.mean!.length;
  checkClasses(d, bad);
  const nw = checkNetworkShape(d, features, bad);
  checkColumns(d, features, bad);
  let net: NeuralNetwork;
  try {
    net = NeuralNetwork.fromJSON(nw);
  } catch (e) {
    throw bad(`network: ${bare(e)}`);
  }
  return { doc: d as unknown as ModelFile, net, scaler, targetScaler, features };
}

/**
 * Features standardized by a scaler, or a one-line CliError naming the first row and column whose
 * scaled value is beyond float32's range.
 *
 * @internal
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit([[0, 0], [2, 2e-20]]); // column 2: mean 1e-20, scale 1e-20
 * scaleFeatures(scaler, Matrix.from([[1, 3e-20]]), 'predict', 'data.csv').toArray(); // [[0, 2]]
 * scaleFeatures(scaler, Matrix.from([[1, 1e30]]), 'predict', 'data.csv'); // throws 'predict: data.csv: row 1, feature 2'
 * ```
 */
export function scaleFeatures(scaler: StandardScaler, x: Matrix, cmd: string, file: string): Matrix {
  const mean = scaler.mean!, scale = scaler.scale!;
  const bad = x.data.findIndex((v, k) => !Number.isFinite(Math.fround((v - mean[k % x.cols]!) / scale[k % x.cols]!)));
  if (bad >= 0) {
    const [i, j] = [Math.floor(bad / x.cols), bad % x.cols];
    throw new CliError(
      `${cmd}: ${file}: row ${i + 1}, feature ${j + 1}: ${Number(x.data[bad]!.toPrecision(7))} standardized (mean ${scaler.mean![j]}, scale ${scaler.scale![j]}) ` +
        'is beyond float32\'s range',
    );
  }
  return scaler.transform(x);
}

/**
 * A regression network's outputs in the label's units (the target scaler inverted), or a one-line
 * CliError naming the first data row whose prediction is beyond float32's range.
 *
 * @internal
 * @example
 * ```ts
 * const ts = new StandardScaler().fit([[0], [2e38]]); // mean 1e38, scale 1e38
 * unscaleTargets(ts, Matrix.from([[1]]), 'predict', 'data.csv'); // Float32Array [2e38]
 * unscaleTargets(ts, Matrix.from([[0], [3]]), 'predict', 'data.csv'); // throws 'predict: data.csv: the prediction for data row 2 is 4e+38'
 * ```
 */
export function unscaleTargets(ts: StandardScaler, out: Matrix, cmd: string, file: string): Float32Array {
  const mean = ts.mean![0]!, scale = ts.scale![0]!;
  const bad = out.data.findIndex((v) => !Number.isFinite(Math.fround(v * scale + mean)));
  if (bad >= 0) {
    throw new CliError(
      `${cmd}: ${file}: the prediction for data row ${bad + 1} is ${Number((out.data[bad]! * scale + mean).toPrecision(7))}, ` +
        "beyond float32's range (±3.4e38) that the network computes in",
    );
  }
  return ts.inverseTransform(out).data;
}
