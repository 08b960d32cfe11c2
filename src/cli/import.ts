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
import { bare, CliError, usageError } from './errors.js';
import { MAX_FILE_BYTES, readBytes, writeText, type CliIO } from './io.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from './model-file.js';

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

Supported: Gemm or MatMul + Add layers with Relu, Sigmoid, Tanh, LeakyRelu, Softmax (ONNX);
Dense, LeakyReLU, ReLU, Softmax, Activation, Dropout layers (TensorFlow.js). Anything else is
refused with an error naming it.

Options:
  -o, --out <file>      the model file to write
  --classes <a,b,...>   the class names, in output order (default: 0, 1, ...)
  -q, --quiet           print nothing but errors
  --debug               print stack traces of errors

Files are regular files of at most ${MAX_FILE_BYTES / 2 ** 20} MiB.

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
  const groups = Array.isArray(doc?.weightsManifest) ? (doc.weightsManifest as { paths?: unknown }[]) : [];
  const paths = groups.flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
  const shards: Uint8Array[] = [];
  for (const p of paths) {
    if (typeof p !== 'string' || !p || isAbsolute(p) || normalize(p).startsWith('..')) {
      throw new CliError(`import: ${file}: the weights file ${JSON.stringify(p)} is not a path inside the model's folder`);
    }
    shards.push(await readBytes(io, join(dirname(file), p), 'import'));
  }
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
    throw usageError(`import: --classes must be distinct, non-empty names separated by commas, got ${JSON.stringify(v.classes)}`);
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
    await writeText(io, out, text, 'import');
    if (!v.quiet) io.stdout.write(`wrote ${out}: a ${shape} network from ${from}, ${what}\n`);
  } finally {
    net.dispose();
  }
  return 0;
}
