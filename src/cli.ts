#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `scratchnet` command: train a network on a CSV file and predict with it, without writing
 * code.
 *
 * ```sh
 * npx scratchnet train data.csv --layers 32,16 --epochs 50 --out model.json
 * npx scratchnet predict model.json new-data.csv --out predictions.csv
 * npx scratchnet help train
 * ```
 *
 * `main(argv, io)` is the whole program (argv without `node` and the script; io defaults to the
 * process's streams and `node:fs`); it returns the exit code: 0 done, 1 an error (a missing file,
 * a bad CSV, a bad model file, a feature-count mismatch...), 2 a usage error (an unknown command
 * or option, a missing argument, a bad option value). Errors are one line on stderr; `--debug`
 * adds the stack trace.
 *
 * @module
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readFile as fsReadFile, writeFile as fsWriteFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Activation, gunzip, init, isGzip, LeakyReLU, Linear, Matrix, NeuralNetwork, oneHot, parseCsv, ReLU, Sigmoid, Softmax,
  StandardScaler, Tanh, TrainingDivergedError, trainTestSplit, type CsvData, type EpochLogs, type NetworkJSON,
  type StandardScalerJSON, type TrainResult,
} from './index.js';

// ---------------------------------------------------------------------------------------------
// I/O and errors
// ---------------------------------------------------------------------------------------------

/**
 * Where the CLI writes text (a `process.stdout`-like stream).
 *
 * @internal
 */
export interface CliWriter {
  write(text: string): unknown;
  /** A terminal: progress is one line redrawn with `\r`. */
  isTTY?: boolean;
}

/**
 * Everything the CLI touches outside itself; tests pass fakes.
 *
 * @internal
 */
export interface CliIO {
  stdout: CliWriter;
  stderr: CliWriter;
  /** The bytes (or text) of a file; rejects with a Node-style error (`code: 'ENOENT'`...) when it cannot. */
  readFile(path: string): Promise<Uint8Array | string>;
  writeFile(path: string, text: string): Promise<void>;
}

const defaultIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  readFile: (path) => fsReadFile(path),
  writeFile: (path, text) => fsWriteFile(path, text),
});

/** An error the CLI reports as one line; `exitCode` 2 for usage errors, 1 otherwise. */
class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

const usageError = (message: string): CliError => new CliError(message, 2);

/** The message of a library Error without its `Operation: ` prefix. */
const bare = (e: unknown): string => {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^[A-Za-z.]+(?:\([^)]*\))?: /, '');
};

/**
 * The `format` of the model files `scratchnet train` writes.
 *
 * @internal
 */
export const MODEL_FORMAT = 'scratchnet-model';
/**
 * The model-file version this CLI writes and reads.
 *
 * @internal
 */
export const MODEL_VERSION = 1;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function fileError(e: unknown, verb: 'read' | 'write', path: string, cmd: string): CliError {
  const code = (e as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT' ? (verb === 'read' ? 'no such file' : 'no such directory')
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' ? 'a part of the path is not a directory'
    : bare(e);
  return new CliError(`${cmd}: cannot ${verb} ${path}: ${why}`);
}

/** A file's text (gzip'd files are decompressed). */
async function readText(io: CliIO, path: string, cmd: string): Promise<string> {
  let data: Uint8Array | string;
  try {
    data = await io.readFile(path);
  } catch (e) {
    throw fileError(e, 'read', path, cmd);
  }
  if (typeof data === 'string') return data;
  if (isGzip(data)) {
    try {
      data = await gunzip(data);
    } catch (e) {
      throw new CliError(`${cmd}: cannot read ${path}: ${bare(e)}`);
    }
  }
  return new TextDecoder('utf-8').decode(data);
}

async function writeText(io: CliIO, path: string, text: string, cmd: string): Promise<void> {
  try {
    await io.writeFile(path, text);
  } catch (e) {
    throw fileError(e, 'write', path, cmd);
  }
}

// ---------------------------------------------------------------------------------------------
// Help
// ---------------------------------------------------------------------------------------------

const HELP_MAIN = `scratchnet: train a neural network on a CSV file, then predict with it

Usage:
  scratchnet train <data.csv> [options]                train a model, save it as JSON
  scratchnet predict <model.json> <data.csv> [options] predict with a saved model, write CSV
  scratchnet help [train|predict]                      show help (also: --help, -h)
  scratchnet --version                                 show the version

Examples:
  scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json
  scratchnet predict model.json new-flowers.csv --out predictions.csv
  scratchnet train houses.csv --task regression --label price --out price-model.json

The CSV: one row per example, numeric feature columns and one label column (the last one
unless --label says otherwise). A first line of column names is detected, and so is
scikit-learn's "n_samples,n_features,class names..." line. Files ending in .gz are fine.

Run "scratchnet help train" or "scratchnet help predict" for all options.
Exit codes: 0 done, 1 error (file, data, model), 2 usage error (command, option).
`;

const HELP_TRAIN = `Usage: scratchnet train <data.csv> [options]

Train a feed-forward network on a CSV file and save it (with its feature scaler and class
names) as one JSON model file for "scratchnet predict".

The task:
  Classification (the default): the labels are class names ("setosa", "spam") or small integers
  (0/1, 1..9). Two classes get one Sigmoid output trained with binary cross-entropy; more get a
  Softmax output trained with softmax cross-entropy.
  Regression: pass --task regression to predict a number (Linear output, mean squared error;
  the target is standardized for training and the model predicts in its original units).

Data options:
  --label <name|N>      the label column: a header name, or a column number (1 = first,
                        -1 = last); default: the last column
  --task <t>            classification, regression or auto (default auto: classification when
                        the labels are names or integers with at most 20 distinct values)
  --header / --no-header  the first line is / is not column names (default: detected)
  --delimiter <c>       the field separator (default ","; e.g. ";" or "\\t")
  --validation <f>      fraction of rows held out to validate (default 0.2; 0 = none); for
                        classification every class keeps its share (stratified)

Network options:
  --layers <sizes>      hidden layer sizes, comma-separated (default 16; "none" = no hidden layer)
  --activation <a>      hidden activation: relu, tanh, sigmoid or leakyRelu (default relu)
  --init <i>            weight initialization: he, xavier or chapter (default he for relu and
                        leakyRelu hidden layers, else xavier)

Training options:
  --epochs <n>          passes over the training rows (default 100)
  --lr <x>              learning rate (default 0.01; 0.1 for sgd)
  --optimizer <o>       adam, sgd, momentum, nesterov or rmsprop (default adam)
  --batch-size <n>      rows per step (default 32)
  --patience <n>        stop when the validation loss has not improved for n epochs, and keep
                        the best weights (default: off)
  --seed <n>            seed of the weights, the split and the shuffling (default 0)

Output options:
  -o, --out <file>      the model file to write (default model.json; "-" = stdout)
  --log-every <n>       a progress line every n epochs (default: about 10 lines); on a terminal
                        one line is redrawn instead
  -q, --quiet           print nothing but errors
  --debug               print stack traces of errors

Example:
  scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json
`;

const HELP_PREDICT = `Usage: scratchnet predict <model.json> <data.csv> [options]

Predict with a model file written by "scratchnet train". The CSV has the same feature columns
as the training data, in the same order (or with the same header names, in any order), with
or without the label column. When the labels are there, the accuracy (classification) or the
mean squared error (regression) is printed too.

The predictions are CSV, one line per data row: for classification the predicted class, then
one probability column per class ("prob_<class>"); for regression the predicted value.

Options:
  -o, --out <file>      write the predictions to this file (default: stdout)
  --label <name|N>      the label column of the data: a header name or a column number
                        (1 = first, -1 = last); default: where it was when training, if the
                        file has one column more than the model's features
  --header / --no-header  the first line is / is not column names (default: detected)
  --delimiter <c>       the field separator (default ",")
  -q, --quiet           print nothing but errors (and the predictions)
  --debug               print stack traces of errors

Example:
  scratchnet predict model.json new-flowers.csv --out predictions.csv
`;

const HELP: Record<string, string> = { train: HELP_TRAIN, predict: HELP_PREDICT };

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

type OptionSpec = { type: 'string' | 'boolean'; short?: string };

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  out: { type: 'string', short: 'o' },
  label: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  delimiter: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

const TRAIN_OPTIONS = {
  ...COMMON_OPTIONS,
  task: { type: 'string' },
  layers: { type: 'string' },
  activation: { type: 'string' },
  init: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'batch-size': { type: 'string' },
  validation: { type: 'string' },
  patience: { type: 'string' },
  seed: { type: 'string' },
  'log-every': { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

const PREDICT_OPTIONS = COMMON_OPTIONS;

type Values = Record<string, string | boolean | undefined>;

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function suggest(word: string, candidates: readonly string[]): string {
  let best = '', bestD = Infinity;
  for (const c of candidates) {
    const dd = c.startsWith(word) && word.length >= 2 ? 1 : distance(word, c);
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= (word.replace(/^-+/, '').length <= 3 ? 1 : 2) ? best : '';
}

function parse(cmd: string, args: string[], options: Record<string, OptionSpec>): { values: Values; positionals: string[] } {
  // `--label -1`, `--out -`: join a value that starts with "-" to its option, so parseArgs takes it
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!, next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|$)/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  try {
    const r = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    // "Option '-q, --quiet' does not take an argument": name the long form
    const opt = (/'(-[^']*)'/.exec(err.message)?.[1] ?? '').split(/[ ,]+/).filter((o) => o.startsWith('-')).pop()?.replace(/ <value>$/, '') ?? '';
    const see = `(see scratchnet help ${cmd})`;
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const names = Object.keys(options).map((n) => `--${n}`);
      const guess = opt.startsWith('--') ? suggest(opt, names) : '';
      throw usageError(`${cmd}: unknown option ${opt}${guess ? `; did you mean ${guess}?` : ''} ${see}`);
    }
    if (/argument missing/.test(err.message)) throw usageError(`${cmd}: ${opt} needs a value ${see}`);
    if (/does not take an argument/.test(err.message)) throw usageError(`${cmd}: ${opt} does not take a value ${see}`);
    if (/ambiguous/.test(err.message)) throw usageError(`${cmd}: ${opt} needs a value (write ${opt}=<value> for a value starting with "-")`);
    throw usageError(`${cmd}: ${err.message.split('\n')[0]} ${see}`);
  }
}

const str = (v: Values, name: string): string | undefined => (typeof v[name] === 'string' ? (v[name] as string) : undefined);

function intOption(cmd: string, v: Values, name: string, fallback: number, min: number): number {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const n = /^[+-]?\d+$/.test(s.trim()) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw usageError(`${cmd}: --${name} must be an integer${min === 1 ? ' ≥ 1' : min === 0 ? ' ≥ 0' : ''}, got ${JSON.stringify(s)}`);
  }
  return n;
}

function numberOption(cmd: string, v: Values, name: string, fallback: number, ok: (x: number) => boolean, what: string): number {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) ? Number(s) : NaN;
  if (!Number.isFinite(n) || !ok(n)) throw usageError(`${cmd}: --${name} must be ${what}, got ${JSON.stringify(s)}`);
  return n;
}

function choice<T extends string>(cmd: string, v: Values, name: string, choices: readonly T[], fallback: T): T {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const hit = choices.find((c) => c.toLowerCase() === s.trim().toLowerCase());
  if (!hit) {
    const guess = suggest(s, choices);
    throw usageError(`${cmd}: --${name} must be one of ${choices.join(', ')}; got ${JSON.stringify(s)}${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  return hit;
}

/** `--label`: a column name, or a column number (1-based, negative from the end). */
type LabelOption = { name: string } | { number: number } | undefined;

function labelOption(cmd: string, v: Values): LabelOption {
  const s = str(v, 'label');
  if (s === undefined) return undefined;
  if (/^[+-]?\d+$/.test(s.trim())) {
    const n = Number(s);
    if (n === 0) throw usageError(`${cmd}: --label 0: column numbers start at 1 (-1 is the last column)`);
    return { number: n };
  }
  if (s === '') throw usageError(`${cmd}: --label needs a column name or number`);
  return { name: s };
}

interface CsvFlags {
  header: boolean | 'auto';
  delimiter: string;
}

function csvFlags(cmd: string, v: Values): CsvFlags {
  if (v.header && v['no-header']) throw usageError(`${cmd}: give --header or --no-header, not both`);
  let delimiter = str(v, 'delimiter') ?? ',';
  if (delimiter === '\\t' || delimiter.toLowerCase() === 'tab') delimiter = '\t';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw usageError(`${cmd}: --delimiter must be one character (e.g. ";" or "\\t"), got ${JSON.stringify(delimiter)}`);
  }
  return { header: v.header ? true : v['no-header'] ? false : 'auto', delimiter };
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** The cells of the first two non-blank records (quotes honoured), to learn the data's width. */
function firstRecords(text: string, delim: string): string[][] {
  const out: string[][] = [];
  let cells: string[] = [], cell = '', quoted = false, any = false;
  const end = (): void => {
    cells.push(cell);
    if (any || cells.length > 1) out.push(cells);
    cells = [];
    cell = '';
    any = false;
  };
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length && out.length < 2; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += c;
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === delim) {
      cells.push(cell);
      cell = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      end();
    } else {
      cell += c;
      if (c !== ' ' && c !== '\t') any = true;
    }
  }
  if (out.length < 2 && (any || cells.length)) end();
  return out;
}

interface Table extends CsvData {
  /** Columns of a data line, the label's included. */
  width: number;
  /** The label column (0-based), or null when there is none. */
  labelIndex: number | null;
}

/** A parseCsv error, for people who pass command-line options rather than `CsvOptions`. */
function csvError(e: unknown, cmd: string, file: string): CliError {
  const m = bare(e)
    .replace('pass header: true', 'pass --header')
    .replace(/\blabelColumn\b/g, '--label');
  return new CliError(`${cmd}: ${file}: ${m}`);
}

/** The width of the data lines (the second record's: the first may be a scikit-learn header). */
function dataWidth(text: string, flags: CsvFlags, cmd: string, file: string): { width: number; first: string[] } {
  const recs = firstRecords(text, flags.delimiter);
  if (recs.length === 0) throw new CliError(`${cmd}: ${file}: no data (the file is empty or blank)`);
  return { width: (recs[1] ?? recs[0]!).length, first: recs[0]!.map((c) => c.trim()) };
}

/** ` (is the delimiter ";"? ...)` when a file read as one column has another separator. */
function delimiterHint(text: string, width: number, flags: CsvFlags): string {
  if (width !== 1) return '';
  const line = text.slice(0, 4096).split(/\r?\n|\r/).find((l) => l.trim() !== '') ?? '';
  const other = [';', '\t', '|', ','].find((d) => d !== flags.delimiter && line.includes(d));
  return other ? ` (is the delimiter ${JSON.stringify(other)}? pass --delimiter ${other === '\t' ? 'tab' : `"${other}"`})` : '';
}

function resolveLabel(label: LabelOption, width: number, first: string[], cmd: string, file: string): number | string {
  if (!label) return width - 1;
  if ('name' in label) {
    if (first.includes(label.name)) return label.name;
    const names = first.length === width && first.every((c) => !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(c));
    throw new CliError(
      `${cmd}: --label ${JSON.stringify(label.name)}: ` +
        (names
          ? `${file} has no such column; its columns are ${first.join(', ')}`
          : `${file} has no header line of column names; give a column number (1 to ${width}, or -1 for the last)`),
    );
  }
  const n = label.number;
  if (n > width || n < -width) throw new CliError(`${cmd}: --label ${n}: ${file} has ${width} columns`);
  return n > 0 ? n - 1 : width + n;
}

function readTable(text: string, cmd: string, file: string, flags: CsvFlags, label: number | string | null, width: number): Table {
  let data: CsvData;
  try {
    data = parseCsv(text, { header: flags.header, delimiter: flags.delimiter, labelColumn: label });
  } catch (e) {
    throw csvError(e, cmd, file);
  }
  const labelIndex = label === null ? null : typeof label === 'number' ? label : data.header!.indexOf(label);
  return { ...data, width, labelIndex };
}

/** A label as text: class names as they are, numbers in their shortest form ("1.0" is "1"). */
function labelNames(t: Table): string[] {
  return t.labels.map((l) => (t.classes ? t.classes[l]! : String(l)));
}

const quoteCell = (s: string): string => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

// ---------------------------------------------------------------------------------------------
// Numbers and metrics
// ---------------------------------------------------------------------------------------------

const fmtProb = (p: number): string => String(Number(p.toFixed(6)));
const fmtValue = (v: number): string => String(Number(v.toPrecision(7)));
const fmtMetric = (v: number): string =>
  Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-4) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();

/** Per-class probabilities of a classifier's output (a Sigmoid column becomes [1 − p, p]). */
function probabilities(out: Matrix, k: number): Float64Array {
  const n = out.rows, d = out.data, probs = new Float64Array(n * k);
  if (out.cols === 1) {
    for (let i = 0; i < n; i++) {
      probs[i * 2 + 1] = d[i]!;
      probs[i * 2] = 1 - d[i]!;
    }
  } else probs.set(d);
  return probs;
}

function argmax(probs: Float64Array, k: number, i: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + best]!) best = j;
  return best;
}

interface ClassMetrics {
  loss: number;
  correct: number;
  n: number;
}

function classMetrics(probs: Float64Array, k: number, y: readonly number[]): ClassMetrics {
  let loss = 0, correct = 0;
  for (let i = 0; i < y.length; i++) {
    loss -= Math.log(Math.max(probs[i * k + y[i]!]!, 1e-15));
    if (argmax(probs, k, i) === y[i]) correct++;
  }
  return { loss: loss / y.length, correct, n: y.length };
}

interface RegressionMetrics {
  mse: number;
  r2: number | null;
  n: number;
}

function regressionMetrics(pred: ArrayLike<number>, y: readonly number[]): RegressionMetrics {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let se = 0, st = 0;
  for (let i = 0; i < n; i++) {
    se += (pred[i]! - y[i]!) ** 2;
    st += (y[i]! - mean) ** 2;
  }
  return { mse: se / n, r2: st > 0 ? 1 - se / st : null, n };
}

const rowsText = (n: number, what: string): string => `${n} ${what} row${n === 1 ? '' : 's'}`;
const describeClass = (m: ClassMetrics): string =>
  `loss ${m.loss.toFixed(4)}  accuracy ${(m.correct / m.n).toFixed(3)} (${m.correct}/${m.n})`;
const describeRegression = (m: RegressionMetrics): string =>
  `mse ${fmtMetric(m.mse)}  rmse ${fmtMetric(Math.sqrt(m.mse))}${m.r2 === null ? '' : `  r2 ${m.r2.toFixed(4)}`} (${m.n} rows)`;

/** The network's output for x, in chunks (bounded workspace memory for big files). */
function predictAll(net: NeuralNetwork, x: Matrix): Matrix {
  const CHUNK = 8192, out = new Float32Array(x.rows * net.outputSize);
  for (let start = 0; start < x.rows; start += CHUNK) {
    const rows = Math.min(CHUNK, x.rows - start);
    const part = new Matrix(rows, x.cols, x.data.subarray(start * x.cols, (start + rows) * x.cols));
    out.set(net.predict(part).data, start * net.outputSize);
  }
  return new Matrix(x.rows, net.outputSize, out);
}

// ---------------------------------------------------------------------------------------------
// The model file
// ---------------------------------------------------------------------------------------------

/**
 * What `scratchnet train` writes.
 *
 * @internal
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

interface Model {
  doc: ModelFile;
  net: NeuralNetwork;
  scaler: StandardScaler;
  targetScaler: StandardScaler | null;
  features: number;
}

function loadModel(text: string, file: string): Model {
  const bad = (why: string): CliError => new CliError(`predict: ${file} is not a valid scratchnet model: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`predict: ${file} is not a scratchnet model file (it is not JSON: ${bare(e)})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const what = Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`;
    throw new CliError(`predict: ${file} is not a scratchnet model file (it holds ${what}, not an object)`);
  }
  const d = doc as Record<string, unknown>;
  if (d.format === 'scratchnet') {
    throw new CliError(
      `predict: ${file} is a bare network (NeuralNetwork.toJSON()), not a model file from "scratchnet train": it has no feature scaler or class names`,
    );
  }
  if (d.format !== MODEL_FORMAT) {
    throw new CliError(`predict: ${file} is not a scratchnet model file (no "format": "${MODEL_FORMAT}"); write one with "scratchnet train"`);
  }
  if (d.version !== MODEL_VERSION) {
    throw new CliError(`predict: ${file} is a model file of version ${JSON.stringify(d.version)}; this scratchnet (${version()}) reads version ${MODEL_VERSION}`);
  }
  if (d.task !== 'classification' && d.task !== 'regression') throw bad(`task must be "classification" or "regression", got ${JSON.stringify(d.task)}`);
  let scaler: StandardScaler;
  try {
    scaler = StandardScaler.fromJSON(d.scaler as StandardScalerJSON);
  } catch (e) {
    throw bad(`scaler: ${bare(e)}`);
  }
  const features = scaler.mean!.length;
  let targetScaler: StandardScaler | null = null;
  if (d.targetScaler !== undefined) {
    if (d.task !== 'regression') throw bad('targetScaler is only for regression');
    try {
      targetScaler = StandardScaler.fromJSON(d.targetScaler as StandardScalerJSON);
    } catch (e) {
      throw bad(`targetScaler: ${bare(e)}`);
    }
    if (targetScaler.mean!.length !== 1) throw bad(`targetScaler has ${targetScaler.mean!.length} columns, expected 1`);
  }
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (d.task === 'classification') {
    if (!strings(d.classes) || d.classes.length < 2) throw bad('classes must be an array of at least 2 class names');
    if (new Set(d.classes).size !== d.classes.length) throw bad('classes has duplicates');
  } else if (d.classes !== undefined) throw bad('a regression model has no classes');
  // check the network's shape before allocating it
  const nw = d.network as Partial<NetworkJSON> | null;
  if (nw === null || typeof nw !== 'object') throw bad('it has no network');
  const sizes = nw.layerSizes, acts = nw.activations;
  if (Array.isArray(sizes) && sizes.length >= 2) {
    if (sizes[0] !== features) throw bad(`the network takes ${JSON.stringify(sizes[0])} inputs, the scaler ${features}`);
    const outputs = sizes[sizes.length - 1], last = Array.isArray(acts) ? (acts[acts.length - 1] as { name?: unknown } | undefined)?.name : undefined;
    const k = (d.classes as string[] | undefined)?.length ?? 0;
    const [wantOut, wantAct] = d.task === 'regression' ? [1, 'linear'] : k === 2 ? [1, 'sigmoid'] : [k, 'softmax'];
    if (outputs !== wantOut || last !== wantAct) {
      throw bad(
        `a ${d.task === 'regression' ? 'regression' : `${k}-class`} model needs ${wantOut} ${wantAct} output${wantOut === 1 ? '' : 's'}, ` +
          `the network has ${JSON.stringify(outputs)} ${JSON.stringify(last)}`,
      );
    }
  }
  if (d.featureNames !== undefined && (!strings(d.featureNames) || d.featureNames.length !== features)) {
    throw bad(`featureNames must be an array of ${features} names`);
  }
  if (d.labelName !== undefined && typeof d.labelName !== 'string') throw bad('labelName must be a string');
  if (d.labelIndex !== undefined && !(Number.isInteger(d.labelIndex) && (d.labelIndex as number) >= 0 && (d.labelIndex as number) <= features)) {
    throw bad(`labelIndex must be an integer in 0..${features}`);
  }
  let net: NeuralNetwork;
  try {
    net = NeuralNetwork.fromJSON(nw);
  } catch (e) {
    throw bad(`network: ${bare(e)}`);
  }
  return { doc: d as unknown as ModelFile, net, scaler, targetScaler, features };
}

// ---------------------------------------------------------------------------------------------
// train
// ---------------------------------------------------------------------------------------------

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leakyRelu'] as const;
const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov', 'rmsprop'] as const;
const INITS = ['he', 'xavier', 'chapter'] as const;
const TASKS = ['auto', 'classification', 'regression'] as const;
/** auto: integer labels with at most this many distinct values are classes. */
const MAX_AUTO_INTEGER_CLASSES = 20;
/** auto: text labels with more distinct values than this are probably not classes. */
const MAX_AUTO_TEXT_CLASSES = 100;
const MAX_CLASSES = 1000;

function hiddenActivation(name: (typeof ACTIVATIONS)[number]): Activation {
  return name === 'relu' ? new ReLU() : name === 'tanh' ? new Tanh() : name === 'sigmoid' ? new Sigmoid() : new LeakyReLU();
}

/** A line redrawn on a terminal, or lines every `every` epochs elsewhere. */
function progressReporter(out: CliWriter, epochs: number, every: number, describe: (logs: EpochLogs) => string): {
  onEpoch: (logs: EpochLogs) => void;
  end: () => void;
} {
  const tty = Boolean(out.isTTY);
  const width = String(epochs).length;
  let last = 0, drawn = false, unshown: EpochLogs | null = null;
  const line = (logs: EpochLogs): string => `epoch ${String(logs.epoch + 1).padStart(width)}/${epochs}  ${describe(logs)}`;
  return {
    onEpoch(logs) {
      const e = logs.epoch + 1;
      unshown = logs;
      if (tty) {
        const now = Date.now();
        if (now - last >= 100 || e === epochs || e === 1) {
          out.write(`\r${line(logs)}\x1b[K`);
          last = now;
          drawn = true;
          unshown = null;
        }
      } else if (e === 1 || e % every === 0 || e === epochs) {
        out.write(`${line(logs)}\n`);
        unshown = null;
      }
    },
    /** After training (also when it stopped early): show the last epoch, end the line. */
    end() {
      if (unshown) out.write(tty ? `\r${line(unshown)}\x1b[K` : `${line(unshown)}\n`);
      if (tty && (drawn || unshown)) out.write('\n');
      unshown = null;
    },
  };
}

async function trainCommand(args: string[], io: CliIO): Promise<number> {
  const cmd = 'train';
  const { values: v, positionals } = parse(cmd, args, TRAIN_OPTIONS);
  if (v.help) {
    io.stdout.write(HELP_TRAIN);
    return 0;
  }
  if (positionals.length === 0) throw usageError('train: missing the data file: scratchnet train <data.csv> [options] (see scratchnet help train)');
  if (positionals.length > 1) {
    throw usageError(`train: one data file expected, got ${positionals.length}: ${positionals.join(' ')} (options start with --)`);
  }
  // every option is checked before anything is read
  const file = positionals[0]!;
  const flags = csvFlags(cmd, v);
  const label = labelOption(cmd, v);
  const taskOpt = choice(cmd, v, 'task', TASKS, 'auto');
  const layersText = str(v, 'layers') ?? '16';
  let hidden: number[];
  if (/^\s*(none|0?)\s*$/i.test(layersText)) hidden = [];
  else {
    hidden = layersText.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
    if (hidden.some((n) => !Number.isSafeInteger(n) || n < 1 || n > 1 << 16)) {
      throw usageError(`train: --layers must be hidden layer sizes separated by commas, like 32,16 (or "none"), got ${JSON.stringify(layersText)}`);
    }
  }
  const activation = choice(cmd, v, 'activation', ACTIVATIONS, 'relu');
  const initName = choice(cmd, v, 'init', INITS, hidden.length && (activation === 'relu' || activation === 'leakyRelu') ? 'he' : 'xavier');
  const epochs = intOption(cmd, v, 'epochs', 100, 1);
  const optimizer = choice(cmd, v, 'optimizer', OPTIMIZERS, 'adam');
  const lr = numberOption(cmd, v, 'lr', optimizer === 'sgd' ? 0.1 : 0.01, (x) => x > 0, 'a number > 0');
  const batchSize = intOption(cmd, v, 'batch-size', 32, 1);
  const validation = numberOption(cmd, v, 'validation', 0.2, (x) => x >= 0 && x < 1, 'a fraction in [0, 1), like 0.2');
  const patience = intOption(cmd, v, 'patience', 0, 1);
  const seed = intOption(cmd, v, 'seed', 0, 0);
  if (seed > 0xffffffff) throw usageError(`train: --seed must be at most ${0xffffffff}`);
  const logEvery = intOption(cmd, v, 'log-every', Math.max(1, Math.round(epochs / 10)), 1);
  const out = str(v, 'out') ?? 'model.json';
  if (out === '') throw usageError('train: --out needs a file name');
  const toStdout = out === '-';
  const quiet = Boolean(v.quiet);
  const info: CliWriter = quiet ? { write: () => undefined } : toStdout ? io.stderr : io.stdout;
  if (v.patience !== undefined && validation === 0) {
    io.stderr.write('scratchnet train: warning: --patience without validation rows watches the training loss\n');
  }

  // --- the data
  const text = await readText(io, file, cmd);
  const { width, first } = dataWidth(text, flags, cmd, file);
  if (width < 2) {
    throw new CliError(`train: ${file} has ${width} column; it needs feature columns and a label column${delimiterHint(text, width, flags)}`);
  }
  const labelSpec = resolveLabel(label, width, first, cmd, file);
  await init();
  const table = readTable(text, cmd, file, flags, labelSpec, width);
  const n = table.x.rows, features = table.x.cols;
  const labelIndex = table.labelIndex!;
  const labelName = table.header?.[labelIndex];
  const labelText = labelName !== undefined ? `"${labelName}"` : `column ${labelIndex + 1}`;

  // --- the task and the targets
  const names = labelNames(table);
  let task: 'classification' | 'regression';
  let classes: string[] = [];
  let y: number[]; // class indices, or target values
  if (taskOpt === 'regression') {
    if (table.classes) {
      throw new CliError(
        `train: --task regression needs numeric labels; the label column (${labelText}) holds class names such as ${JSON.stringify(table.classes[0])}`,
      );
    }
    task = 'regression';
    y = table.labels;
  } else {
    task = 'classification';
    if (table.classes) {
      classes = table.classes;
      y = table.labels;
    } else {
      const distinct = [...new Set(table.labels)].sort((a, b) => a - b);
      classes = distinct.map(String);
      const index = new Map(distinct.map((c, i) => [c, i]));
      y = table.labels.map((l) => index.get(l)!);
    }
    const present = new Set(y).size;
    const integers = !table.classes && table.labels.every((l) => Number.isInteger(l));
    if (taskOpt === 'auto' && !table.classes && (!integers || present > MAX_AUTO_INTEGER_CLASSES)) {
      throw new CliError(
        `train: the labels (${labelText}) are ${integers ? '' : 'non-integer '}numbers with ${present} different values: ` +
          'to predict a number pass --task regression; to treat them as classes pass --task classification',
      );
    }
    if (taskOpt === 'auto' && table.classes && present > MAX_AUTO_TEXT_CLASSES) {
      throw new CliError(
        `train: the label column (${labelText}) has ${present} different values in ${n} rows, too many to be classes; ` +
          'is it the right column (--label)? Pass --task classification to insist',
      );
    }
    if (present < 2) throw new CliError(`train: every row has the same label (${JSON.stringify(names[0])}): there is nothing to learn`);
    if (classes.length > MAX_CLASSES) throw new CliError(`train: ${classes.length} classes is more than ${MAX_CLASSES}`);
  }
  const k = classes.length;

  // --- split, scale
  let xTrain = table.x, yTrain = y, xVal: Matrix | null = null, yVal: number[] | null = null, stratified = false;
  if (validation > 0) {
    const split = (stratify: boolean) => trainTestSplit(table.x, y, { testFraction: validation, seed, stratify });
    let s: ReturnType<typeof split>;
    try {
      s = split(task === 'classification');
      stratified = task === 'classification';
    } catch (e) {
      if (task !== 'classification') throw new CliError(`train: --validation ${validation}: ${bare(e)}`);
      try {
        s = split(false);
        io.stderr.write(`scratchnet train: warning: the validation rows are not stratified (${bare(e)})\n`);
      } catch (e2) {
        throw new CliError(`train: --validation ${validation}: ${bare(e2)}`);
      }
    }
    [xTrain, yTrain, xVal, yVal] = [s.xTrain, s.yTrain, s.xTest, s.yTest];
  }
  const scaler = new StandardScaler().fit(xTrain);
  const xs = scaler.transform(xTrain), xvs = xVal ? scaler.transform(xVal) : null;
  let targetScaler: StandardScaler | null = null;
  const targets = (labels: number[]): Matrix => {
    if (task === 'regression') return targetScaler!.transform(new Matrix(labels.length, 1, Float32Array.from(labels)));
    if (k === 2) return new Matrix(labels.length, 1, Float32Array.from(labels));
    return oneHot(labels, k);
  };
  if (task === 'regression') targetScaler = new StandardScaler().fit(new Matrix(yTrain.length, 1, Float32Array.from(yTrain)));

  // --- the network
  const outputs = task === 'regression' || k === 2 ? 1 : k;
  const outAct = task === 'regression' ? new Linear() : k === 2 ? new Sigmoid() : new Softmax();
  const sizes = [features, ...hidden, outputs];
  const net = new NeuralNetwork(sizes, [...hidden.map(() => hiddenActivation(activation)), outAct], { seed, init: initName });
  try {
    const loss = task === 'regression' ? 'meanSquaredError' : k === 2 ? 'binaryCrossEntropyFromLogits' : 'softmaxCrossEntropy';
    const params = sizes.slice(1).reduce((sum, s, i) => sum + (sizes[i]! + 1) * s, 0);
    const counts = new Map<number, number>();
    for (const c of y) counts.set(c, (counts.get(c) ?? 0) + 1);
    const taskText =
      task === 'regression'
        ? 'regression'
        : `classification, ${k} classes: ${classes.slice(0, 10).map((c, i) => `${c} (${counts.get(i) ?? 0})`).join(', ')}${k > 10 ? ', ...' : ''}`;
    info.write(`data:  ${file}: ${n} rows, ${features} features, label ${labelText}; ${taskText}\n`);
    const arch = [features, ...hidden.map((h) => `${h} ${activation}`), `${outputs} ${outAct.name}`].join(' → ');
    info.write(
      `model: ${arch} (${params} parameters); ${optimizer}, lr ${lr}, batch ${batchSize}, ${epochs} epochs, init ${initName}, seed ${seed}\n`,
    );
    info.write(
      `split: ${rowsText(xTrain.rows, 'training')}, ` +
        (xVal ? `${rowsText(xVal.rows, 'validation')}${stratified ? ' (stratified)' : ''}` : 'no validation rows') +
        '; features standardized on the training rows\n',
    );

    // losses in the units people read: regression MSE in the target's own units
    const unit = task === 'regression' ? targetScaler!.scale![0]! ** 2 : 1;
    const lossName = task === 'regression' ? 'mse' : 'loss';
    const progress = progressReporter(info, epochs, logEvery, (logs) => {
      const fmt = (l: number): string => (task === 'regression' ? fmtMetric(l * unit) : l.toFixed(4));
      let s = `${lossName} ${fmt(logs.loss)}`;
      if (logs.accuracy !== undefined) s += `  acc ${logs.accuracy.toFixed(3)}`;
      if (logs.valLoss !== undefined) s += `  val_${lossName} ${fmt(logs.valLoss)}`;
      if (logs.valAccuracy !== undefined) s += `  val_acc ${logs.valAccuracy.toFixed(3)}`;
      return s;
    });
    const started = Date.now();
    let result: TrainResult;
    try {
      result = net.train(xs, targets(yTrain), {
        epochs, learningRate: lr, optimizer, batchSize, loss, seed,
        metrics: task === 'classification' ? ['accuracy'] : [],
        validation: xvs ? { x: xvs, y: targets(yVal!) } : undefined,
        earlyStopping: patience ? { patience, restoreBest: true } : undefined,
        onEpoch: (_e, _l, logs) => progress.onEpoch(logs),
      });
    } catch (e) {
      progress.end();
      if (e instanceof TrainingDivergedError) {
        throw new CliError(`train: training diverged: the loss stopped being a finite number at epoch ${e.epoch + 1}; try a smaller --lr (it was ${lr})`);
      }
      throw e;
    }
    progress.end();
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    if (result.stopReason === 'earlyStopping') {
      info.write(
        `stopped early after ${result.epochs} epochs: no improvement for ${patience} epochs; kept the weights of epoch ${(result.bestEpoch ?? result.epochs - 1) + 1}\n`,
      );
    }

    // --- final metrics, from the trained weights
    const report = (what: string, x: Matrix, labels: number[]): string => {
      const outp = predictAll(net, x);
      if (task === 'regression') {
        const pred = targetScaler!.inverseTransform(outp).data;
        return `${what} ${describeRegression(regressionMetrics(pred, labels))}`;
      }
      return `${what} ${describeClass(classMetrics(probabilities(outp, k), k, labels))}`;
    };
    info.write(`done in ${seconds} s\n`);
    info.write(`${report('train:     ', xs, yTrain)}\n`);
    if (xvs) info.write(`${report('validation:', xvs, yVal!)}\n`);

    // --- the model file
    const doc: ModelFile = { format: MODEL_FORMAT, version: MODEL_VERSION, task } as ModelFile;
    if (task === 'classification') doc.classes = classes;
    if (table.header) doc.featureNames = table.header.filter((_, j) => j !== labelIndex);
    if (labelName !== undefined) doc.labelName = labelName;
    doc.labelIndex = labelIndex;
    doc.scaler = scaler.toJSON();
    if (targetScaler) doc.targetScaler = targetScaler.toJSON();
    doc.network = net.toJSON();
    const json = JSON.stringify(doc) + '\n';
    if (toStdout) io.stdout.write(json);
    else {
      await writeText(io, out, json, cmd);
      info.write(`wrote ${out}\n`);
    }
  } finally {
    net.dispose();
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// predict
// ---------------------------------------------------------------------------------------------

async function predictCommand(args: string[], io: CliIO): Promise<number> {
  const cmd = 'predict';
  const { values: v, positionals } = parse(cmd, args, PREDICT_OPTIONS);
  if (v.help) {
    io.stdout.write(HELP_PREDICT);
    return 0;
  }
  if (positionals.length < 2) {
    throw usageError(
      `predict: missing the ${positionals.length ? 'data file' : 'model and data files'}: scratchnet predict <model.json> <data.csv> [options]`,
    );
  }
  if (positionals.length > 2) throw usageError(`predict: two files expected (model, data), got ${positionals.length}: ${positionals.join(' ')}`);
  const [modelFile, file] = positionals as [string, string];
  const flags = csvFlags(cmd, v);
  const label = labelOption(cmd, v);
  const out = str(v, 'out') ?? '-';
  if (out === '') throw usageError('predict: --out needs a file name');
  const toStdout = out === '-';
  const quiet = Boolean(v.quiet);
  const info: CliWriter = quiet ? { write: () => undefined } : toStdout ? io.stderr : io.stdout;
  const warn = (m: string): void => void io.stderr.write(`scratchnet predict: warning: ${m}\n`);

  const modelText = await readText(io, modelFile, cmd);
  await init();
  const model = loadModel(modelText, modelFile);
  const { doc, net, features } = model;
  try {
    const text = await readText(io, file, cmd);
    const { width, first } = dataWidth(text, flags, cmd, file);
    // where is the label column, if any?
    let labelSpec: number | string | null;
    if (label) {
      if (width !== features + 1) {
        throw new CliError(`predict: model expects ${features} features and --label names a label column, ${file} has ${width} columns`);
      }
      labelSpec = resolveLabel(label, width, first, cmd, file);
    } else if (width === features) labelSpec = null;
    else if (width === features + 1) {
      labelSpec =
        doc.labelName !== undefined && flags.header !== false && first.includes(doc.labelName) ? doc.labelName
        : doc.labelIndex ?? width - 1;
    } else if (width < features) {
      throw new CliError(`predict: model expects ${features} features, ${file} has ${width}${delimiterHint(text, width, flags)}`);
    }
    else throw new CliError(`predict: model expects ${features} features (and optionally the label column), ${file} has ${width} columns`);
    const table = readTable(text, cmd, file, flags, labelSpec, width);
    let x = table.x;

    // columns by name, when both have names
    if (table.header && doc.featureNames) {
      const have = table.header.filter((_, j) => j !== table.labelIndex);
      const want = doc.featureNames;
      if (have.some((h, j) => h !== want[j])) {
        const pos = want.map((w) => have.indexOf(w));
        if (new Set(have).size === have.length && pos.every((p) => p >= 0)) {
          const d = x.data, cols = x.cols, moved = new Float32Array(d.length);
          for (let i = 0; i < x.rows; i++) for (let j = 0; j < cols; j++) moved[i * cols + j] = d[i * cols + pos[j]!]!;
          x = new Matrix(x.rows, cols, moved);
          info.write(`columns of ${file} reordered by name to the model's order\n`);
        } else {
          warn(`the columns of ${file} (${have.join(', ')}) are not the model's (${want.join(', ')}); using them in order`);
        }
      }
    }

    const outp = predictAll(net, model.scaler.transform(x));
    const lines: string[] = [];
    let metrics = '';
    if (doc.task === 'classification') {
      const classes = doc.classes!, k = classes.length;
      const probs = probabilities(outp, k);
      lines.push(['prediction', ...classes.map((c) => `prob_${c}`)].map(quoteCell).join(','));
      for (let i = 0; i < x.rows; i++) {
        const row = [quoteCell(classes[argmax(probs, k, i)]!)];
        for (let j = 0; j < k; j++) row.push(fmtProb(probs[i * k + j]!));
        lines.push(row.join(','));
      }
      if (table.labelIndex !== null) {
        const index = new Map(classes.map((c, i) => [c, i]));
        const names = labelNames(table);
        let y = names.map((s) => index.get(s));
        // a file whose labels are the class indices of a model trained with class names
        if (y.every((c) => c === undefined) && !table.classes && table.labels.every((l) => Number.isInteger(l) && l >= 0 && l < k)) {
          y = table.labels;
        }
        const unknown = y.findIndex((c) => c === undefined);
        if (unknown >= 0) {
          warn(`row ${unknown + 1}'s label ${JSON.stringify(names[unknown])} is not one of the model's classes (${classes.join(', ')}); no accuracy`);
        } else {
          const m = classMetrics(probs, k, y as number[]);
          metrics = `accuracy ${(m.correct / m.n).toFixed(3)} (${m.correct}/${m.n})  loss ${m.loss.toFixed(4)}`;
        }
      }
    } else {
      const pred = model.targetScaler ? model.targetScaler.inverseTransform(outp).data : outp.data;
      lines.push('prediction');
      for (let i = 0; i < x.rows; i++) lines.push(fmtValue(pred[i]!));
      if (table.labelIndex !== null) {
        if (table.classes) warn(`the label column holds text (${JSON.stringify(table.classes[0])}), not numbers; no error measured`);
        else metrics = describeRegression(regressionMetrics(pred, table.labels));
      }
    }
    const csv = lines.join('\n') + '\n';
    if (toStdout) io.stdout.write(csv);
    else {
      await writeText(io, out, csv, cmd);
      info.write(`wrote ${x.rows} predictions to ${out}\n`);
    }
    if (metrics) info.write(`${file}: ${metrics}\n`);
  } finally {
    net.dispose();
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

const COMMANDS = ['train', 'predict', 'help'] as const;

/**
 * Run the CLI: `argv` are the arguments after the script (`process.argv.slice(2)`); returns the
 * exit code (0 done, 1 error, 2 usage error). Never throws.
 *
 * @example
 * ```ts
 * import { main } from 'scratchnet/dist/cli.js';
 * const code = await main(['train', 'iris.csv', '--epochs', '50', '--out', 'model.json']);
 * ```
 */
export async function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  const ioFull: CliIO = { ...defaultIO(), ...io };
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  try {
    const [command, ...rest] = args;
    if (command === undefined) {
      ioFull.stderr.write(HELP_MAIN);
      return 2;
    }
    if (command === '--help' || command === '-h') {
      ioFull.stdout.write(HELP_MAIN);
      return 0;
    }
    if (command === '--version' || command === '-v' || command === '-V' || command === 'version') {
      ioFull.stdout.write(`scratchnet ${version()}\n`);
      return 0;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined) ioFull.stdout.write(HELP_MAIN);
      else if (Object.hasOwn(HELP, topic)) ioFull.stdout.write(HELP[topic]!);
      else throw usageError(`help: no command "${topic}"; the commands are train and predict`);
      return 0;
    }
    if (command === 'train') return await trainCommand(rest, ioFull);
    if (command === 'predict') return await predictCommand(rest, ioFull);
    if (command.startsWith('-')) throw usageError(`unknown option ${command} before the command; see scratchnet --help`);
    const guess = suggest(command, COMMANDS);
    const hint = guess ? `; did you mean ${guess}?` : /\.(csv|tsv|txt)(\.gz)?$/i.test(command) ? `; did you mean scratchnet train ${command}?` : '';
    throw usageError(`unknown command "${command}"${hint} (the commands are train, predict and help; see scratchnet --help)`);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    // "train: ..." reads "scratchnet train: ..."; anything else "scratchnet: ..."
    ioFull.stderr.write(`scratchnet${e instanceof CliError && /^(train|predict|help):/.test(message) ? ' ' : ': '}${message}\n`);
    if (debug && e instanceof Error && e.stack) ioFull.stderr.write(`${e.stack}\n`);
    else if (!(e instanceof CliError)) ioFull.stderr.write('(an unexpected error: run again with --debug for the stack trace)\n');
    return e instanceof CliError ? e.exitCode : 1;
  }
}

/** Whether this module is the program node was asked to run (also through npm's bin symlink). */
function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // `scratchnet train ... | head`: a closed stdout must not stop training or the model file
  let reported = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || reported) return;
    reported = true;
    process.stderr.write(`scratchnet: cannot write to stdout: ${e.message}\n`);
    process.exitCode = 1;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
