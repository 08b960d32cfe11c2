/// <reference types="node" />
/**
 * `scratchnet export <model.json> --format onnx|tfjs --out PATH`: a model file from `scratchnet
 * train` (or a network saved with `NeuralNetwork.toJSON()`) as ONNX or TensorFlow.js layers
 * format. The model file's feature scaler is folded into the first layer (and a regression's
 * target scaler into the last), so the exported model takes raw features and answers in the
 * label's units.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { init, NeuralNetwork, type NetworkJSON } from '../index.js';
import { choice, intOption, parse, str } from './args.js';
import { bare, CliError, nameList, quote, usageError } from './errors.js';
import { MAX_FILE_BYTES, readText, writeFiles, writeText, type CliIO } from './io.js';
import { loadModel, notOnnx } from './model-file.js';

/**
 * `scratchnet help export`.
 *
 * @internal
 * @example
 * ```ts
 * io.stdout.write(HELP_EXPORT);
 * ```
 */
export const HELP_EXPORT = `Usage: scratchnet export <model.json> --format onnx|tfjs --out <path> [options]

Write a model as ONNX (for ONNX Runtime in Node, Python, C#, mobile, browsers) or as a
TensorFlow.js layers model. <model.json> is a model file from "scratchnet train" or a network
saved with NeuralNetwork.toJSON().

A model file's feature standardization (its scaler) is folded into the first layer's weights
and bias, so the exported model takes the raw feature columns, in training order; a regression
model's target scaling is folded into the last layer, so it answers in the label's units. The
exported model's input is "input" [N, features]; its output "output" [N, outputs] holds the
class probabilities (one sigmoid column for two classes) or the predicted value.

Options:
  --format onnx|tfjs    onnx: one .onnx file (opset 13); tfjs: a folder (created if needed)
                        that gets model.json and weights.bin
  -o, --out <path>      the .onnx file, or the tfjs folder
  --opset <n>           the ONNX opset, 11 to 17 (default 13)
  -q, --quiet           print nothing but errors
  --debug               print stack traces of errors
  -h, --help            show this help

The model file is a regular file of at most ${MAX_FILE_BYTES / 2 ** 20} MiB.

Examples:
  scratchnet export model.json --format onnx --out model.onnx
  scratchnet export model.json --format tfjs --out web_model
`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  out: { type: 'string', short: 'o' },
  format: { type: 'string' },
  opset: { type: 'string' },
} as const;

/** Scalers as saved in a model file. */
interface Scaling {
  mean: readonly number[];
  scale: readonly number[];
}

/**
 * A network with `(x − mean) / scale` folded into its first layer (W′ = W / scale per input row,
 * b′ = b − Σ mean/scale · W) and `y · scale + mean` into its last (for a linear output), computed
 * in float64 and rounded once to float32. Throws a CliError if a folded value leaves float32.
 *
 * @internal
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const doc = JSON.parse(readFileSync('model.json', 'utf8')); // written by `scratchnet train`
 * const raw = foldScalers(doc.network, doc.scaler, doc.targetScaler ?? null, 'export'); // takes raw features
 * ```
 */
export function foldScalers(network: NetworkJSON, input: Scaling | null, target: Scaling | null, cmd: string): NetworkJSON {
  const sizes = network.layerSizes;
  const layers = network.layers.map((l) => ({ weights: [...l.weights], bias: [...l.bias] }));
  if (input) {
    const [inp, out] = [sizes[0]!, sizes[1]!];
    const { weights: w, bias: b } = layers[0]!;
    for (let j = 0; j < out; j++) {
      let shift = 0;
      for (let i = 0; i < inp; i++) shift += (input.mean[i]! / input.scale[i]!) * w[i * out + j]!;
      b[j] = b[j]! - shift;
    }
    for (let i = 0; i < inp; i++) for (let j = 0; j < out; j++) w[i * out + j] = w[i * out + j]! / input.scale[i]!;
  }
  if (target) {
    const { weights: w, bias: b } = layers[layers.length - 1]!;
    for (let k = 0; k < w.length; k++) w[k] = w[k]! * target.scale[0]!;
    b[0] = b[0]! * target.scale[0]! + target.mean[0]!;
  }
  layers.forEach((l, i) => {
    for (const [what, v] of [['weights', l.weights], ['bias', l.bias]] as const) {
      const k = v.findIndex((x) => !Number.isFinite(Math.fround(x)));
      if (k >= 0) throw new CliError(`${cmd}: folding the scaler into layer ${i + 1} gives ${what}[${k}] = ${v[k]}, beyond float32's range`);
      for (let m = 0; m < v.length; m++) v[m] = Math.fround(v[m]!);
    }
  });
  return { ...network, layers };
}

/**
 * How much float32 loses where the scaler is folded in: the folded first layer computes
 * Σ x·(W/scale) + (b − Σ mean/scale·W) on raw features, so a feature far from zero next to its
 * spread (|mean/scale| large: a timestamp, a year) adds terms of about |mean/scale·W| that cancel
 * against the bias, each rounded to 2⁻²⁴ of itself. Returns the largest such rounding, per first-layer
 * unit, relative to that unit's spread on standardized features (√Σ W²), and the feature that
 * contributes most to it.
 *
 * @internal
 * @example
 * ```ts
 * const network = { layerSizes: [2, 1], layers: [{ weights: [1, 1], bias: [0] }] };
 * foldLoss(network, { mean: [1.7e9, 0], scale: [600, 1] }).relative; // ≈ 0.1
 * foldLoss(network, { mean: [5, 0], scale: [2, 1] }).relative; // ≈ 0
 * ```
 */
export function foldLoss(network: Pick<NetworkJSON, 'layerSizes' | 'layers'>, input: Scaling): { relative: number; feature: number } {
  const [inp, out] = [network.layerSizes[0]!, network.layerSizes[1]!];
  const w = network.layers[0]!.weights;
  let relative = 0, feature = 0;
  for (let j = 0; j < out; j++) {
    let lost = 0, spread = 0, top = 0, topAt = 0;
    for (let i = 0; i < inp; i++) {
      const term = Math.abs((input.mean[i]! / input.scale[i]!) * w[i * out + j]!);
      lost += term;
      spread += w[i * out + j]! ** 2;
      if (term > top) [top, topAt] = [term, i];
    }
    const r = spread > 0 ? (lost * 2 ** -24) / Math.sqrt(spread) : 0;
    if (r > relative) [relative, feature] = [r, topAt];
  }
  return { relative, feature };
}

/** Above this estimated loss (foldLoss) the export warns that its predictions differ from scratchnet's. */
const FOLD_WARN = 1e-4;

/** The network to export, with its scalers folded in, from a model file's or a bare network's text (and a warning, if the fold loses precision). */
function networkOf(text: string, file: string): { net: NeuralNetwork; note: string; warning?: string } {
  notOnnx(text, file, 'export');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`export: ${file} is not a scratchnet model file (it is not JSON: ${bare(e)})`);
  }
  if (doc !== null && typeof doc === 'object' && (doc as { format?: unknown }).format === 'scratchnet') {
    try {
      return { net: NeuralNetwork.fromJSON(doc), note: 'a bare network: no scaler to fold' };
    } catch (e) {
      throw new CliError(`export: ${file} is not a valid saved network: ${bare(e)}`);
    }
  }
  let model;
  try {
    model = loadModel(text, file);
  } catch (e) {
    if (e instanceof CliError) throw new CliError(e.message.replace(/^predict:/, 'export:'), e.exitCode);
    throw e;
  }
  const { doc: d, scaler, targetScaler } = model;
  model.net.dispose();
  const input = { mean: scaler.mean!, scale: scaler.scale! };
  const folded = foldScalers(d.network, input, targetScaler ? { mean: targetScaler.mean!, scale: targetScaler.scale! } : null, 'export');
  const loss = foldLoss(d.network, input);
  const name = d.featureNames?.[loss.feature] !== undefined ? quote(d.featureNames[loss.feature]) : `${loss.feature + 1}`;
  const warning = loss.relative <= FOLD_WARN ? undefined
    : `the scaler folded into float32 weights loses about ${loss.relative.toPrecision(2)} of a standardized unit in the first layer, mostly through feature ${name} ` +
      `(mean ${input.mean[loss.feature]}, scale ${input.scale[loss.feature]}: far from zero next to its spread), so the exported model's predictions can differ from scratchnet predict's; ` +
      'center such a feature in the data before training (e.g. subtract a reference date) for an export that agrees';
  const outputs = d.task === 'regression' ? `the predicted ${d.labelName ?? 'value'}`
    : d.classes!.length === 2 ? `the probability of ${quote(d.classes![1])}`
    : `the probabilities of ${nameList(d.classes!, undefined, undefined, quote)}`;
  return { net: NeuralNetwork.fromJSON(folded), note: `scaler folded in: raw features in, ${outputs} out`, warning };
}

/**
 * `scratchnet export <model.json> --format onnx|tfjs --out PATH`; returns the exit code.
 *
 * @internal
 * @example
 * ```ts
 * await exportCommand(['model.json', '--format', 'onnx', '--out', 'model.onnx'], io); // 0
 * ```
 */
export async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('export', args, OPTIONS);
  if (v.help) {
    io.stdout.write(HELP_EXPORT);
    return 0;
  }
  if (positionals.length !== 1) throw usageError(`export: expected one model file, got ${positionals.length} arguments (see scratchnet help export)`);
  if (v.format === undefined) throw usageError('export: --format onnx|tfjs is required (see scratchnet help export)');
  const format = choice('export', v, 'format', ['onnx', 'tfjs'] as const, 'onnx');
  const out = str(v, 'out');
  const what = format === 'onnx' ? '.onnx file' : 'folder for model.json and weights.bin';
  if (!out) throw usageError(`export: --out is required: the ${what} to write`);
  if (out === '-') throw usageError(`export: --out - (stdout) is not for export: give the ${what} to write (./- for one named "-")`);
  if (v.opset !== undefined && format !== 'onnx') throw usageError('export: --opset is for --format onnx');
  const opset = intOption('export', v, 'opset', 13, 11, 17);
  const file = positionals[0]!;
  const text = await readText(io, file, 'export');
  await init();
  const { net, note, warning } = networkOf(text, file);
  if (warning) io.stderr.write(`scratchnet export: warning: ${warning}\n`);
  const say = (s: string): void => void (v.quiet || io.stdout.write(s));
  try {
    if (format === 'onnx') {
      const bytes = net.toONNX({ opset });
      await writeText(io, out, bytes, 'export');
      say(`wrote ${out} (ONNX opset ${opset}, ${bytes.length} bytes; input "input" [N, ${net.inputSize}], output "output" [N, ${net.outputSize}]; ${note})\n`);
    } else {
      const { modelJson, weights } = net.toTfjs();
      try {
        await mkdir(out, { recursive: true });
      } catch (e) {
        throw new CliError(`export: cannot create the folder ${out}: ${bare(e)}`);
      }
      // both to temporary files first: a failed write leaves the old pair as it was
      await writeFiles(io, [[join(out, 'weights.bin'), weights], [join(out, 'model.json'), JSON.stringify(modelJson)]], 'export');
      say(`wrote ${join(out, 'model.json')} and ${join(out, 'weights.bin')} (${weights.length} bytes; TensorFlow.js layers format; ${note})\n`);
    }
  } finally {
    net.dispose();
  }
  return 0;
}

