/**
 * `scratchnet train <data.csv>`: read a CSV file, choose the task (classes or a number), split off
 * validation rows, standardize, train a network and write it with its scalers as a model file.
 *
 * @module
 */
import {
  init, Linear, Matrix, NeuralNetwork, oneHot, Sigmoid, Softmax, StandardScaler,
  TrainingDivergedError, trainTestSplit, type Activation, type EpochLogs, type TrainResult,
} from '../index.js';
import { builtinActivation } from '../nn/serialize.js';
import {
  choice, COMMON_OPTIONS, csvFlags, intOption, labelOption, numberOption, outOption, parse, positiveFloat32Option, str,
  type CsvFlags, type LabelOption, type OptionSpec, type Values,
} from './args.js';
import { bare, CliError, nameList, quote, shown, usageError } from './errors.js';
import { MAX_FILE_BYTES, readText, writeText, type CliIO, type CliWriter } from './io.js';
import { classMetrics, describeClass, describeRegression, fmtMetric, predictAll, regressionMetrics, rowsText } from './metrics.js';
import { MODEL_FORMAT, MODEL_VERSION, scaleFeatures, unscaleTargets, type ModelFile } from './model-file.js';
import { progressReporter } from './progress.js';
import { dataWidth, delimiterHint, labelNames, readTable, resolveLabel, type Table } from './table.js';

/**
 * The most epochs `scratchnet train` runs (a typo of a few zeros must not run for days).
 *
 * @internal
 * @example
 * ```ts
 * MAX_EPOCHS; // 1000000
 * ```
 */
export const MAX_EPOCHS = 1_000_000;

/**
 * The most parameters a network of `scratchnet train` may have: 2^24, so that its model file (about
 * 13 characters a number) stays under the 256 MiB that `scratchnet predict` reads, and its memory
 * (weights, gradients, optimizer state: 16 bytes a parameter) far under WebAssembly's 4 GiB.
 */
const MAX_PARAMETERS = 2 ** 24;
/** The widest hidden layer. */
const MAX_WIDTH = 1 << 16;

/**
 * `scratchnet help train`.
 *
 * @internal
 * @example
 * ```ts
 * io.stdout.write(HELP_TRAIN);
 * ```
 */
export const HELP_TRAIN = `Usage: scratchnet train <data.csv> [options]

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
                        the labels are names with at most 100 distinct values or integers with
                        at most 20; other labels stop with an error asking for --task: auto
                        never picks regression)
  --header / --no-header  the first line is / is not column names (default: detected)
  --delimiter <c>       the field separator (default ","; e.g. ";" or "\\t")
  --validation <f>      fraction of rows held out to validate (default 0.2; 0 = none); for
                        classification every class keeps its share (stratified)

Network options:
  --layers <sizes>      hidden layer sizes, comma-separated (default 16; "none" = no hidden layer;
                        at most ${MAX_PARAMETERS} parameters in all)
  --activation <a>      hidden activation: relu, tanh, sigmoid or leakyRelu (default relu)
  --init <i>            weight initialization: he, xavier or chapter (default he for relu and
                        leakyRelu hidden layers, else xavier)

Training options:
  --epochs <n>          passes over the training rows (default 100, at most ${MAX_EPOCHS})
  --lr <x>              learning rate (default 0.01; 0.1 for sgd), within float32's range
                        (1.2e-38 to 3.4e38)
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
  -h, --help            show this help

The data file is a regular file of at most ${MAX_FILE_BYTES / 2 ** 20} MiB (a .gz file: at most that once
inflated); the numbers are float32 (up to ±3.4e38), labels included for regression.

Example:
  scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json
`;

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

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leakyRelu'] as const;
const OPTIMIZERS = ['adam', 'sgd', 'momentum', 'nesterov', 'rmsprop'] as const;
const INITS = ['he', 'xavier', 'chapter'] as const;
const TASKS = ['auto', 'classification', 'regression'] as const;
/** auto: integer labels with at most this many distinct values are classes. */
const MAX_AUTO_INTEGER_CLASSES = 20;
/** auto: text labels with more distinct values than this are probably not classes. */
const MAX_AUTO_TEXT_CLASSES = 100;
const MAX_CLASSES = 1000;
const F32_MAX = 3.4028234663852886e38;

type Task = 'classification' | 'regression';

/** Every option of the command, checked before anything is read. */
interface Options {
  file: string;
  flags: CsvFlags;
  label: LabelOption;
  taskOpt: (typeof TASKS)[number];
  hidden: number[];
  activation: (typeof ACTIVATIONS)[number];
  initName: (typeof INITS)[number];
  epochs: number;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  batchSize: number;
  validation: number;
  patience: number;
  seed: number;
  logEvery: number;
  out: string;
  info: CliWriter;
}

const paramCount = (sizes: number[]): number => sizes.slice(1).reduce((sum, s, i) => sum + (sizes[i]! + 1) * s, 0);

/** `--layers`: hidden sizes; the hidden layers alone must fit the parameter limit. */
function hiddenLayers(v: Values): number[] {
  const text = str(v, 'layers') ?? '16';
  if (/^\s*(none|0?)\s*$/i.test(text)) return [];
  const hidden = text.split(',').map((s) => (/^\s*\d+\s*$/.test(s) ? Number(s) : NaN));
  if (hidden.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_WIDTH)) {
    throw usageError(
      `train: --layers must be hidden layer sizes separated by commas, like 32,16 (or "none"), each 1 to ${MAX_WIDTH}, got ${JSON.stringify(text)}`,
    );
  }
  if (paramCount(hidden) > MAX_PARAMETERS) throw tooManyParameters(hidden, paramCount(hidden), 2);
  return hidden;
}

const tooManyParameters = (hidden: number[], params: number, code: 1 | 2): CliError =>
  new CliError(
    `train: --layers ${hidden.join(',')} makes a network of ${params} parameters, more than the ${MAX_PARAMETERS} a model file may hold (${MAX_FILE_BYTES / 2 ** 20} MiB)`,
    code,
  );

function readOptions(v: Values, positionals: string[], io: CliIO): Options {
  if (positionals.length === 0) throw usageError('train: missing the data file: scratchnet train <data.csv> [options] (see scratchnet help train)');
  if (positionals.length > 1) {
    throw usageError(`train: one data file expected, got ${positionals.length}: ${nameList(positionals, 20, ' ')} (options start with --)`);
  }
  const cmd = 'train';
  const [flags, label, taskOpt, hidden] = [csvFlags(cmd, v), labelOption(cmd, v), choice(cmd, v, 'task', TASKS, 'auto'), hiddenLayers(v)];
  const activation = choice(cmd, v, 'activation', ACTIVATIONS, 'relu');
  const initName = choice(cmd, v, 'init', INITS, hidden.length && (activation === 'relu' || activation === 'leakyRelu') ? 'he' : 'xavier');
  const epochs = intOption(cmd, v, 'epochs', 100, 1, MAX_EPOCHS);
  const optimizer = choice(cmd, v, 'optimizer', OPTIMIZERS, 'adam');
  const lr = positiveFloat32Option(cmd, v, 'lr', optimizer === 'sgd' ? 0.1 : 0.01);
  const batchSize = intOption(cmd, v, 'batch-size', 32, 1);
  const validation = numberOption(cmd, v, 'validation', 0.2, (x) => x >= 0 && x < 1, 'a fraction in [0, 1), like 0.2');
  const patience = intOption(cmd, v, 'patience', 0, 1, MAX_EPOCHS);
  const seed = intOption(cmd, v, 'seed', 0, 0, 0xffffffff);
  const logEvery = intOption(cmd, v, 'log-every', Math.max(1, Math.round(epochs / 10)), 1);
  const out = outOption(cmd, v, 'model.json');
  const info: CliWriter = v.quiet ? { write: () => undefined } : out === '-' ? io.stderr : io.stdout;
  if (v.patience !== undefined && validation === 0) {
    io.stderr.write('scratchnet train: warning: --patience without validation rows watches the training loss\n');
  }
  return { file: positionals[0]!, flags, label, taskOpt, hidden, activation, initName, epochs, optimizer, lr, batchSize, validation, patience, seed, logEvery, out, info };
}

/** The file as a table with its label column. */
async function readData(io: CliIO, o: Options): Promise<Table & { labelText: string; labelName: string | undefined }> {
  const text = await readText(io, o.file, 'train');
  const { width, first } = dataWidth(text, o.flags, 'train', o.file);
  if (width < 2) {
    throw new CliError(`train: ${o.file} has ${width} column; it needs feature columns and a label column${delimiterHint(text, width, o.flags)}`);
  }
  const labelSpec = resolveLabel(o.label, width, first, 'train', o.file);
  await init();
  const table = readTable(text, 'train', o.file, o.flags, labelSpec, width);
  const labelName = table.header?.[table.labelIndex!];
  return { ...table, labelName, labelText: labelName !== undefined ? quote(labelName) : `column ${table.labelIndex! + 1}` };
}

/** Regression targets: numbers the float32 network can hold. */
function regressionTargets(table: Table, labelText: string, file: string): number[] {
  if (table.classes) {
    throw new CliError(`train: --task regression needs numeric labels; the label column (${labelText}) holds class names such as ${quote(table.classes[0])}`);
  }
  const i = table.labels.findIndex((l) => !(Math.abs(l) <= F32_MAX));
  if (i >= 0) {
    throw new CliError(`train: ${file}: the label of data row ${i + 1} is ${table.labels[i]}, beyond float32's range (±3.4e38) that the network computes in`);
  }
  return table.labels;
}

/** Classes: the text labels, or the distinct numbers in order; y as class indices. */
function classTargets(table: Table, taskOpt: Options['taskOpt'], labelText: string): { classes: string[]; y: number[] } {
  let classes: string[], y: number[];
  if (table.classes) [classes, y] = [table.classes, table.labels];
  else {
    const distinct = [...new Set(table.labels)].sort((a, b) => a - b);
    const index = new Map(distinct.map((c, i) => [c, i]));
    [classes, y] = [distinct.map(String), table.labels.map((l) => index.get(l)!)];
  }
  const present = new Set(y).size, n = y.length;
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
  if (present < 2) throw new CliError(`train: every row has the same label (${quote(labelNames(table)[0])}): there is nothing to learn`);
  if (classes.length > MAX_CLASSES) throw new CliError(`train: ${classes.length} classes is more than ${MAX_CLASSES}`);
  return { classes, y };
}

interface Rows {
  xTrain: Matrix;
  yTrain: number[];
  xVal: Matrix | null;
  yVal: number[] | null;
  stratified: boolean;
}

/** Hold out the validation rows (stratified for classification, when every class can be). */
function splitRows(x: Matrix, y: number[], task: Task, o: Options, io: CliIO): Rows {
  if (o.validation === 0) return { xTrain: x, yTrain: y, xVal: null, yVal: null, stratified: false };
  const split = (stratify: boolean) => trainTestSplit(x, y, { testFraction: o.validation, seed: o.seed, stratify });
  const rows = (s: ReturnType<typeof split>, stratified: boolean): Rows => ({ xTrain: s.xTrain, yTrain: s.yTrain, xVal: s.xTest, yVal: s.yTest, stratified });
  try {
    return rows(split(task === 'classification'), task === 'classification');
  } catch (e) {
    if (task !== 'classification') throw new CliError(`train: --validation ${o.validation}: ${bare(e)}`);
    try {
      const s = split(false);
      io.stderr.write(`scratchnet train: warning: the validation rows are not stratified (${bare(e)})\n`);
      return rows(s, false);
    } catch (e2) {
      throw new CliError(`train: --validation ${o.validation}: ${bare(e2)}`);
    }
  }
}

/** The network, or a one-line error when it is too large for the model file or for memory. */
function buildNetwork(o: Options, features: number, task: Task, k: number): NeuralNetwork {
  const outputs = task === 'regression' || k === 2 ? 1 : k;
  const outAct = task === 'regression' ? new Linear() : k === 2 ? new Sigmoid() : new Softmax();
  const sizes = [features, ...o.hidden, outputs];
  if (paramCount(sizes) > MAX_PARAMETERS) throw tooManyParameters(o.hidden, paramCount(sizes), 1);
  const acts: Activation[] = [...o.hidden.map(() => builtinActivation(o.activation)!), outAct];
  try {
    return new NeuralNetwork(sizes, acts, { seed: o.seed, init: o.initName });
  } catch (e) {
    throw new CliError(`train: cannot build the network [${sizes.join(', ')}] (${paramCount(sizes)} parameters): ${bare(e)}`);
  }
}


/** Everything one training run works on. */
interface Run {
  o: Options;
  data: Awaited<ReturnType<typeof readData>>;
  task: Task;
  classes: string[];
  y: number[];
  rows: Rows;
  scaler: StandardScaler;
  targetScaler: StandardScaler | null;
  xs: Matrix;
  xvs: Matrix | null;
}

/** The targets the network trains on: standardized numbers, a 0/1 column, or one-hot rows. */
function targets(r: Run, labels: number[]): Matrix {
  const column = new Matrix(labels.length, 1, Float32Array.from(labels));
  if (r.task === 'regression') return r.targetScaler!.transform(column);
  return r.classes.length === 2 ? column : oneHot(labels, r.classes.length);
}

/** The data, model and split lines. */
function describeRun(r: Run, net: NeuralNetwork): void {
  const { o, data, task, classes, rows } = r;
  const k = classes.length, sizes = net.layerSizes;
  const counts = new Map<number, number>();
  for (const c of r.y) counts.set(c, (counts.get(c) ?? 0) + 1);
  const taskText =
    task === 'regression'
      ? 'regression'
      : `classification, ${k} classes: ${classes.slice(0, 10).map((c, i) => `${shown(c)} (${counts.get(i) ?? 0})`).join(', ')}${k > 10 ? `, … and ${k - 10} more` : ''}`;
  o.info.write(`data:  ${o.file}: ${data.x.rows} rows, ${data.x.cols} features, label ${data.labelText}; ${taskText}\n`);
  const outName = net.layers[net.layers.length - 1]!.activation.name;
  const arch = [data.x.cols, ...o.hidden.map((h) => `${h} ${o.activation}`), `${sizes[sizes.length - 1]} ${outName}`].join(' → ');
  o.info.write(
    `model: ${arch} (${paramCount([...sizes])} parameters); ${o.optimizer}, lr ${o.lr}, batch ${o.batchSize}, ${o.epochs} epochs, init ${o.initName}, seed ${o.seed}\n`,
  );
  o.info.write(
    `split: ${rowsText(rows.xTrain.rows, 'training')}, ` +
      (rows.xVal ? `${rowsText(rows.xVal.rows, 'validation')}${rows.stratified ? ' (stratified)' : ''}` : 'no validation rows') +
      '; features standardized on the training rows\n',
  );
}

/** The progress line's metrics, regression losses in the target's own units. */
function describeEpoch(r: Run): (logs: EpochLogs) => string {
  const unit = r.task === 'regression' ? r.targetScaler!.scale![0]! ** 2 : 1;
  const lossName = r.task === 'regression' ? 'mse' : 'loss';
  const fmt = (l: number): string => (r.task === 'regression' ? fmtMetric(l * unit) : l.toFixed(4));
  return (logs) => {
    let s = `${lossName} ${fmt(logs.loss)}`;
    if (logs.accuracy !== undefined) s += `  acc ${logs.accuracy.toFixed(3)}`;
    if (logs.valLoss !== undefined) s += `  val_${lossName} ${fmt(logs.valLoss)}`;
    if (logs.valAccuracy !== undefined) s += `  val_acc ${logs.valAccuracy.toFixed(3)}`;
    return s;
  };
}

/** Train, with progress; divergence and any other failure as one line. */
function fit(r: Run, net: NeuralNetwork): TrainResult {
  const { o, task } = r;
  const progress = progressReporter(o.info, o.epochs, o.logEvery, describeEpoch(r));
  const loss = task === 'regression' ? 'meanSquaredError' : r.classes.length === 2 ? 'binaryCrossEntropyFromLogits' : 'softmaxCrossEntropy';
  try {
    return net.train(r.xs, targets(r, r.rows.yTrain), {
      epochs: o.epochs, learningRate: o.lr, optimizer: o.optimizer, batchSize: o.batchSize, loss, seed: o.seed,
      metrics: task === 'classification' ? ['accuracy'] : [],
      validation: r.xvs ? { x: r.xvs, y: targets(r, r.rows.yVal!) } : undefined,
      earlyStopping: o.patience ? { patience: o.patience, restoreBest: true } : undefined,
      onEpoch: (_e, _l, logs) => progress.onEpoch(logs),
    });
  } catch (e) {
    if (e instanceof TrainingDivergedError) {
      throw new CliError(`train: training diverged: the loss stopped being a finite number at epoch ${e.epoch + 1}; try a smaller --lr (it was ${o.lr})`);
    }
    throw new CliError(`train: training failed: ${bare(e)}`);
  } finally {
    progress.end();
  }
}

/** The final metrics of the trained weights on some rows. */
function report(r: Run, net: NeuralNetwork, what: string, x: Matrix, labels: number[]): string {
  let outp: Matrix;
  try {
    outp = predictAll(net, x, 'train');
  } catch (e) {
    throw new CliError(`train: training diverged: ${bare(e)}; try a smaller --lr (it was ${r.o.lr})`);
  }
  if (r.task === 'regression') return `${what} ${describeRegression(regressionMetrics(unscaled(r, net, outp), labels))}`;
  return `${what} ${describeClass(classMetrics(outp, r.classes.length, labels))}`;
}

/**
 * A regression's outputs in the label's units, or a one-line CliError naming the data row (in
 * the file's order, not the shuffled split's) whose prediction is beyond float32's range.
 */
function unscaled(r: Run, net: NeuralNetwork, outp: Matrix): Float32Array {
  const ts = r.targetScaler!, file = r.o.file;
  const unwritten = (e: unknown): CliError => new CliError(`${(e as Error).message}; no model written (labels this near float32's limit leave no room)`);
  try {
    return unscaleTargets(ts, outp, 'train', file);
  } catch {
    // the split shuffled the rows: name the first such row among all of the file's
    try {
      unscaleTargets(ts, predictAll(net, scaleFeatures(r.scaler, r.data.x, 'train', file), 'train'), 'train', file);
    } catch (e) {
      throw unwritten(e);
    }
    throw unwritten(new Error(`train: ${file}: a prediction is beyond float32's range (±3.4e38) that the network computes in`));
  }
}

function modelDoc(r: Run, net: NeuralNetwork): ModelFile {
  const { data, task } = r;
  const doc = { format: MODEL_FORMAT, version: MODEL_VERSION, task } as ModelFile;
  if (task === 'classification') doc.classes = r.classes;
  if (data.header) doc.featureNames = data.header.filter((_, j) => j !== data.labelIndex);
  if (data.labelName !== undefined) doc.labelName = data.labelName;
  doc.labelIndex = data.labelIndex!;
  doc.scaler = r.scaler.toJSON();
  if (r.targetScaler) doc.targetScaler = r.targetScaler.toJSON();
  doc.network = net.toJSON();
  // predict and export never resume training: the optimizer's state (with Adam, 2 numbers per
  // parameter) would triple the file and take the largest networks past what a file may hold
  delete doc.network.training?.state;
  return doc;
}

/** Read, choose the task, split and scale: everything before the network. */
async function prepare(o: Options, io: CliIO): Promise<Run> {
  const data = await readData(io, o);
  const task: Task = o.taskOpt === 'regression' ? 'regression' : 'classification';
  const { classes, y } = task === 'regression' ? { classes: [], y: regressionTargets(data, data.labelText, o.file) } : classTargets(data, o.taskOpt, data.labelText);
  const rows = splitRows(data.x, y, task, o, io);
  const scaler = new StandardScaler().fit(rows.xTrain);
  const targetScaler = task === 'regression' ? new StandardScaler().fit(new Matrix(rows.yTrain.length, 1, Float32Array.from(rows.yTrain))) : null;
  const xs = scaleFeatures(scaler, rows.xTrain, 'train', o.file);
  const xvs = rows.xVal ? scaleFeatures(scaler, rows.xVal, 'train', o.file) : null;
  return { o, data, task, classes, y, rows, scaler, targetScaler, xs, xvs };
}

/**
 * `scratchnet train <data.csv> [options]`: returns the exit code; errors are thrown as CliErrors.
 *
 * @internal
 * @example
 * ```ts
 * import { defaultIO } from './io.js';
 * await trainCommand(['iris.csv', '--epochs', '50', '--out', 'model.json'], defaultIO()); // 0
 * ```
 */
export async function trainCommand(args: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parse('train', args, TRAIN_OPTIONS);
  if (v.help) {
    io.stdout.write(HELP_TRAIN);
    return 0;
  }
  const o = readOptions(v, positionals, io);
  const r = await prepare(o, io);
  const net = buildNetwork(o, r.data.x.cols, r.task, r.classes.length);
  try {
    describeRun(r, net);
    const started = Date.now();
    const result = fit(r, net);
    if (result.stopReason === 'earlyStopping') {
      o.info.write(
        `stopped early after ${result.epochs} epochs: no improvement for ${o.patience} epochs; kept the weights of epoch ${(result.bestEpoch ?? result.epochs - 1) + 1}\n`,
      );
    }
    o.info.write(`done in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    o.info.write(`${report(r, net, 'train:     ', r.xs, r.rows.yTrain)}\n`);
    if (r.xvs) o.info.write(`${report(r, net, 'validation:', r.xvs, r.rows.yVal!)}\n`);
    const json = JSON.stringify(modelDoc(r, net)) + '\n';
    if (o.out === '-') io.stdout.write(json);
    else {
      await writeText(io, o.out, json, 'train');
      o.info.write(`wrote ${o.out}\n`);
    }
  } finally {
    net.dispose();
  }
  return 0;
}
