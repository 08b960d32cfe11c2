/**
 * `scratchnet predict <model.json> <data.csv>`: load a model file, read a CSV file of the same
 * features (by name or in order, with or without the label column), write the predictions as
 * CSV and, when the labels are there, the accuracy or the error.
 *
 * @module
 */
import { init, Matrix } from '../index.js';
import { COMMON_OPTIONS, csvFlags, labelOption, outOption, parse, type CsvFlags, type LabelOption } from './args.js';
import { CliError, nameList, oneLine, quote, usageError } from './errors.js';
import { MAX_FILE_BYTES, readText, writeText, type CliIO, type CliWriter } from './io.js';
import {
  classMetrics, describeRegression, fmtProb, fmtValue, predictAll, predictedClasses, probabilities, regressionMetrics,
} from './metrics.js';
import { loadModel, scaleFeatures, unscaleTargets, type Model } from './model-file.js';
import { dataWidth, delimiterHint, labelNames, quoteCell, readTable, resolveLabel, type Table } from './table.js';

/**
 * `scratchnet help predict`.
 *
 * @internal
 * @example
 * ```ts
 * io.stdout.write(HELP_PREDICT);
 * ```
 */
export const HELP_PREDICT = `Usage: scratchnet predict <model.json> <data.csv> [options]

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
  -h, --help            show this help

Both files are regular files of at most ${MAX_FILE_BYTES / 2 ** 20} MiB (a .gz file: at most that once inflated).

Example:
  scratchnet predict model.json new-flowers.csv --out predictions.csv
`;

/** What one prediction run works on. */
interface Run {
  model: Model;
  file: string;
  flags: CsvFlags;
  label: LabelOption;
  info: CliWriter;
  warn: (message: string) => void;
}

/** Where the label column is, if the file has one: by --label, by the model's label name or position. */
function findLabel(r: Run, text: string): { spec: number | string | null; width: number } {
  const { model: { doc, features }, file, flags } = r;
  const { width, first } = dataWidth(text, flags, 'predict', file);
  if (r.label) {
    if (width !== features + 1) {
      throw new CliError(`predict: model expects ${features} features and --label names a label column, ${file} has ${width} columns`);
    }
    return { spec: resolveLabel(r.label, width, first, 'predict', file), width };
  }
  if (width === features) return { spec: null, width };
  if (width === features + 1) {
    const byName = doc.labelName !== undefined && flags.header !== false && first.includes(doc.labelName);
    return { spec: byName ? doc.labelName! : doc.labelIndex ?? width - 1, width };
  }
  if (width < features) throw new CliError(`predict: model expects ${features} features, ${file} has ${width}${delimiterHint(text, width, flags)}`);
  throw new CliError(`predict: model expects ${features} features (and optionally the label column), ${file} has ${width} columns`);
}

/** The features in the model's column order, when both the file and the model name their columns. */
function inModelOrder(r: Run, table: Table): Matrix {
  const want = r.model.doc.featureNames, x = table.x;
  if (!table.header || !want) return x;
  const have = table.header.filter((_, j) => j !== table.labelIndex);
  if (have.every((h, j) => h === want[j])) return x;
  const pos = want.map((w) => have.indexOf(w));
  if (new Set(have).size !== have.length || pos.some((p) => p < 0)) {
    r.warn(`the columns of ${r.file} (${nameList(have)}) are not the model's (${nameList(want)}); using them in order`);
    return x;
  }
  const d = x.data, cols = x.cols, moved = new Float32Array(d.length);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < cols; j++) moved[i * cols + j] = d[i * cols + pos[j]!]!;
  r.info.write(`columns of ${r.file} reordered by name to the model's order\n`);
  return new Matrix(x.rows, cols, moved);
}

/** The file's labels as the model's class indices, or undefined (with a warning) when one is not a class. */
function classIndices(r: Run, table: Table): number[] | undefined {
  const classes = r.model.doc.classes!, k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const names = labelNames(table);
  let y = names.map((s) => index.get(s));
  // a file whose labels are the class indices of a model trained with class names
  if (y.every((c) => c === undefined) && !table.classes && table.labels.every((l) => Number.isInteger(l) && l >= 0 && l < k)) y = table.labels;
  const unknown = y.findIndex((c) => c === undefined);
  if (unknown < 0) return y as number[];
  r.warn(`row ${unknown + 1}'s label ${quote(names[unknown])} is not one of the model's classes (${nameList(classes)}); no accuracy`);
  return undefined;
}

/** Classification: the class and its probabilities per row; the accuracy when the labels are there. */
function classify(r: Run, outp: Matrix, table: Table): { lines: string[]; metrics: string } {
  const classes = r.model.doc.classes!, k = classes.length;
  const probs = probabilities(outp, k), predicted = predictedClasses(outp);
  const lines = [['prediction', ...classes.map((c) => `prob_${c}`)].map(quoteCell).join(',')];
  for (let i = 0; i < outp.rows; i++) {
    const row = [quoteCell(classes[predicted[i]!]!)];
    for (let j = 0; j < k; j++) row.push(fmtProb(probs[i * k + j]!));
    lines.push(row.join(','));
  }
  const y = table.labelIndex !== null ? classIndices(r, table) : undefined;
  if (!y) return { lines, metrics: '' };
  const m = classMetrics(outp, k, y);
  return { lines, metrics: `accuracy ${(m.correct / m.n).toFixed(3)} (${m.correct}/${m.n})  loss ${m.loss.toFixed(4)}` };
}

/** Regression: the value per row, in the target's units; the error when the labels are there. */
function regress(r: Run, outp: Matrix, table: Table): { lines: string[]; metrics: string } {
  const ts = r.model.targetScaler;
  const pred = ts ? unscaleTargets(ts, outp, 'predict', r.file) : outp.data;
  const lines = ['prediction'];
  for (let i = 0; i < outp.rows; i++) lines.push(fmtValue(pred[i]!));
  if (table.labelIndex === null) return { lines, metrics: '' };
  if (table.classes) {
    r.warn(`the label column holds text (${quote(table.classes[0])}), not numbers; no error measured`);
    return { lines, metrics: '' };
  }
  return { lines, metrics: describeRegression(regressionMetrics(pred, table.labels)) };
}

function readArgs(args: string[], io: CliIO): { help: true } | { help: false; modelFile: string; file: string; run: Omit<Run, 'model' | 'file'>; out: string } {
  const cmd = 'predict';
  const { values: v, positionals } = parse(cmd, args, COMMON_OPTIONS);
  if (v.help) return { help: true };
  if (positionals.length < 2) {
    throw usageError(`predict: missing the ${positionals.length ? 'data file' : 'model and data files'}: scratchnet predict <model.json> <data.csv> [options]`);
  }
  if (positionals.length > 2) throw usageError(`predict: two files expected (model, data), got ${positionals.length}: ${nameList(positionals, 20, ' ')}`);
  const [flags, label, out] = [csvFlags(cmd, v), labelOption(cmd, v), outOption(cmd, v, '-')];
  const info: CliWriter = v.quiet ? { write: () => undefined } : out === '-' ? io.stderr : io.stdout;
  const warn = (m: string): void => void io.stderr.write(`scratchnet predict: warning: ${oneLine(m, false)}\n`);
  return { help: false, modelFile: positionals[0]!, file: positionals[1]!, run: { flags, label, info, warn }, out };
}

/**
 * `scratchnet predict <model.json> <data.csv> [options]`: returns the exit code; errors are
 * thrown as CliErrors.
 *
 * @internal
 * @example
 * ```ts
 * import { defaultIO } from './io.js';
 * await predictCommand(['model.json', 'new.csv', '--out', 'pred.csv'], defaultIO()); // 0
 * ```
 */
export async function predictCommand(args: string[], io: CliIO): Promise<number> {
  const a = readArgs(args, io);
  if (a.help) {
    io.stdout.write(HELP_PREDICT);
    return 0;
  }
  const modelText = await readText(io, a.modelFile, 'predict');
  await init();
  const r: Run = { ...a.run, model: loadModel(modelText, a.modelFile), file: a.file };
  try {
    const text = await readText(io, a.file, 'predict');
    const { spec, width } = findLabel(r, text);
    const table = readTable(text, 'predict', a.file, r.flags, spec, width);
    const outp = predictAll(r.model.net, scaleFeatures(r.model.scaler, inModelOrder(r, table), 'predict', a.file), 'predict');
    const { lines, metrics } = r.model.doc.task === 'classification' ? classify(r, outp, table) : regress(r, outp, table);
    const csv = lines.join('\n') + '\n';
    if (a.out === '-') io.stdout.write(csv);
    else {
      await writeText(io, a.out, csv, 'predict');
      r.info.write(`wrote ${outp.rows} predictions to ${a.out}\n`);
    }
    if (metrics) r.info.write(`${a.file}: ${metrics}\n`);
  } finally {
    r.model.net.dispose();
  }
  return 0;
}
