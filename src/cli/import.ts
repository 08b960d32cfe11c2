/// <reference types="node" />
/**
 * `scratchnet import <model.onnx | model.json> --out model.json`: a dense network from an ONNX
 * file or a TensorFlow.js layers model (its weight files read from beside it), written as a
 * model file `scratchnet predict` uses (when its output is a classifier's or a regression's) or
 * else as a bare network (`NeuralNetwork.toJSON()`).
 *
 * @module
 */
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { init, NeuralNetwork } from '../index.js';
import { parse, str } from './args.js';
import { bare, CliError, quote, usageError } from './errors.js';
import { fileError, MAX_FILE_BYTES, readBytes, sizeText, writeText, type CliIO } from './io.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from './model-file.js';
import { storedValueBytes } from '../interop/tfjs.js';

/**
 * `scratchnet help import`.
 *
 * @internal
 * @example
 * ```ts
 * io.stdout.write(HELP_IMPORT);
 * ```
 */
export const HELP_IMPORT = `Usage: scratchnet import <model.onnx | model.json> --out <model.json> [options]

Read a dense network made elsewhere: an ONNX file (e.g. a PyTorch MLP from torch.onnx.export)
or a TensorFlow.js layers model.json (its weight files are read from the same folder), and write
it as a scratchnet model file. A network whose output is a softmax (k classes), one sigmoid
(2 classes) or one linear unit (regression) becomes a model file for "scratchnet predict",
which then feeds it the features as they are in the CSV (no scaling: the imported network's own
input); any other network is written as a bare network (NeuralNetwork.toJSON()).

Supported:
  ONNX           a chain of Gemm (any transB, alpha, beta) or MatMul + Add layers, each
                 followed by Relu, Sigmoid, Tanh, LeakyRelu, Softmax (axis -1 or 1) or nothing;
                 Identity and Dropout (no-ops), a leading Flatten, Constant nodes,
                 a Transpose of a constant (PyTorch's unfolded bias-free Linear); float32
                 tensors in the file (raw_data or float_data)
  TensorFlow.js  a Sequential model of Dense layers (activation relu, sigmoid, tanh, softmax,
                 linear or leaky_relu), Activation, LeakyReLU, ReLU and Softmax layers;
                 InputLayer, Dropout, a leading Flatten (either data_format); an optimizer's
                 weights saved beside the model (includeOptimizer) are skipped
Anything else (other ops or layers, branching graphs, external data, other tensor types) is
refused with an error naming it and listing what is supported.

Options:
  -o, --out <file>      the model file to write ("-" = stdout)
  --classes <a,b,...>   the class names, in output order (default: 0, 1, ...)
  -q, --quiet           print nothing but errors
  --debug               print stack traces of errors
  -h, --help            show this help

Files are regular files of at most ${MAX_FILE_BYTES / 2 ** 20} MiB; the weight files of a model.json
hold at most that in all, and exactly what its weightsManifest describes.

Examples:
  scratchnet import mlp.onnx --out model.json --classes setosa,versicolor,virginica
  scratchnet import web_model/model.json --out model.json
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  out: { type: 'string', short: 'o' },
  classes: { type: 'string' },
} as const;

/** The most weight files a model.json may list (TensorFlow.js writes 4 MB shards: 64 make 256 MiB). */
const MAX_WEIGHT_FILES = 1024;

/**
 * The bytes of weights a weightsManifest describes (the sum of its weights' shapes times their
 * dtypes' sizes, quantized ones at their stored size), or null when it is not a list of { shape, dtype } weights
 * (NeuralNetwork.fromTfjs then says what is wrong).
 */
function describedBytes(groups: readonly unknown[]): number | null {
  let total = 0;
  for (const g of groups) {
    const weights = (g as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(weights)) return null;
    for (const w of weights) {
      if (w === null || typeof w !== 'object') return null;
      const { shape } = w as { shape?: unknown };
      const size = storedValueBytes(w as object);
      if (!size || !Array.isArray(shape)) return null;
      let count = size;
      for (const d of shape) {
        if (!Number.isSafeInteger(d) || (d as number) < 0) return null;
        count *= d as number;
      }
      total += count; // may pass 2^53 or become Infinity: either way more than any limit
    }
  }
  return total;
}

/**
 * The weight files a model.json lists, read from its folder: never more bytes in all than its
 * weightsManifest describes (each file's size is checked before it is read), which is at most the
 * file limit.
 */
async function readWeightFiles(io: CliIO, file: string, doc: { weightsManifest?: unknown }): Promise<Uint8Array[]> {
  const groups = Array.isArray(doc?.weightsManifest) ? (doc.weightsManifest as unknown[]) : [];
  const described = describedBytes(groups);
  if (described === null) return []; // fromTfjs names what is wrong with the manifest
  if (described > io.maxFileBytes) {
    throw new CliError(`import: ${file}: its weightsManifest describes ${described} bytes of weights, more than the ${sizeText(io.maxFileBytes)} scratchnet reads`);
  }
  const paths = groups.flatMap((g) => (Array.isArray((g as { paths?: unknown } | null)?.paths) ? (g as { paths: unknown[] }).paths : []));
  if (paths.length > MAX_WEIGHT_FILES) throw new CliError(`import: ${file}: its weightsManifest lists ${paths.length} weight files, more than the ${MAX_WEIGHT_FILES} scratchnet reads`);
  const shards: Uint8Array[] = [];
  let left = described;
  for (const p of paths) {
    if (typeof p !== 'string' || !p || isAbsolute(p) || normalize(p).startsWith('..')) {
      throw new CliError(`import: ${file}: the weights file ${quote(p)} is not a path inside the model's folder`);
    }
    const path = join(dirname(file), p);
    let data: Uint8Array | string;
    try {
      data = await io.readFile(path, left); // refused by its size, before reading, when it is more than is left
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code !== 'EFBIG') throw fileError(e, 'read', path, 'import', io.maxFileBytes);
      throw new CliError(`import: ${file}: the weight files hold more than the ${described} bytes its weightsManifest describes (${path} is past them)`);
    }
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    shards.push(bytes);
    left -= bytes.length;
  }
  return shards;
}

/** The network in an ONNX file or a tfjs model.json (weight shards read from its folder). */
async function readNetwork(io: CliIO, file: string): Promise<{ net: NeuralNetwork; from: string }> {
  const bytes = await readBytes(io, file, 'import');
  let k = 0;
  while (k < bytes.length && (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09 || bytes[k] === 0xef || bytes[k] === 0xbb || bytes[k] === 0xbf)) k++;
  await init();
  if (bytes[k] !== 0x7b) { // not "{": ONNX
    try {
      return { net: NeuralNetwork.fromONNX(bytes), from: 'ONNX' };
    } catch (e) {
      throw new CliError(`import: ${file}: ${bare(e)}`);
    }
  }
  let doc: { weightsManifest?: unknown };
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes)) as typeof doc;
  } catch (e) {
    throw new CliError(`import: ${file} is neither ONNX nor a TensorFlow.js model.json (it starts with "{" but is not JSON: ${bare(e)})`);
  }
  const shards = await readWeightFiles(io, file, doc);
  try {
    return { net: NeuralNetwork.fromTfjs(doc, shards), from: 'TensorFlow.js' };
  } catch (e) {
    throw new CliError(`import: ${file}: ${bare(e)}`);
  }
}

/**
 * `scratchnet import <model.onnx | model.json> --out model.json`; returns the exit code.
 *
 * @internal
 * @example
 * ```ts
 * await importCommand(['mlp.onnx', '--out', 'model.json'], io); // 0
 * ```
 */
export async function importCommand(args: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('import', args, OPTIONS);
  if (v.help) {
    io.stdout.write(HELP_IMPORT);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`import: expected one model file (.onnx or model.json), got ${positionals.length} arguments (see scratchnet help import)`);
  const out = str(v, 'out');
  if (!out) throw usageError('import: --out <model.json> is required');
  const classesOpt = str(v, 'classes')?.split(',').map((s) => s.trim());
  if (classesOpt && (classesOpt.some((c) => !c) || new Set(classesOpt).size !== classesOpt.length)) {
    throw usageError(`import: --classes must be distinct, non-empty names separated by commas, got ${quote(v.classes)}`);
  }
  const file = positionals[0]!;
  const { net, from } = await readNetwork(io, file);
  try {
    const network = net.toJSON();
    const last = network.activations[network.activations.length - 1]!.name;
    const k = net.outputSize;
    const task = last === 'softmax' && k >= 2 ? 'classification' : last === 'sigmoid' && k === 1 ? 'classification' : last === 'linear' && k === 1 ? 'regression' : null;
    const nClasses = last === 'softmax' ? k : 2;
    if (classesOpt && (task !== 'classification' || classesOpt.length !== nClasses)) {
      throw usageError(`import: --classes names ${classesOpt.length} classes, the network ${task === 'classification' ? `has ${nClasses}` : 'is not a classifier'}`);
    }
    const shape = `${net.layerSizes.join('-')} (${net.layers.map((l) => l.activation.name).join(', ')})`;
    let text: string, what: string;
    if (task) {
      const doc = {
        format: MODEL_FORMAT, version: MODEL_VERSION, task,
        ...(task === 'classification' ? { classes: classesOpt ?? Array.from({ length: nClasses }, (_, i) => String(i)) } : {}),
        scaler: { type: 'StandardScaler', mean: new Array<number>(net.inputSize).fill(0), scale: new Array<number>(net.inputSize).fill(1) },
        network,
      } as ModelFile;
      text = JSON.stringify(doc);
      what = task === 'classification' ? `a ${nClasses}-class model file for scratchnet predict` : 'a regression model file for scratchnet predict';
    } else {
      text = JSON.stringify(network);
      what = `a bare network (its ${k} ${last} output${k === 1 ? ' is' : 's are'} not a classifier's or a regression's): load it with NeuralNetwork.fromJSON`;
    }
    if (out === '-') io.stdout.write(text + '\n');
    else await writeText(io, out, text, 'import');
    if (!v.quiet) (out === '-' ? io.stderr : io.stdout).write(`wrote ${out === '-' ? 'the model to stdout' : out}: a ${shape} network from ${from}, ${what}\n`);
  } finally {
    net.dispose();
  }
  return 0;
}
