/**
 * `scratchnet help [command]`, `--help` and the overview printed when no command is given.
 *
 * @module
 */
import { quote, usageError } from './errors.js';
import type { CliIO } from './io.js';
import { HELP_EXPORT } from './export.js';
import { HELP_IMPORT } from './import.js';
import { HELP_PREDICT } from './predict.js';
import { HELP_TRAIN } from './train.js';

/**
 * The overview: the commands, examples and exit codes.
 *
 * @internal
 * @example
 * ```ts
 * io.stdout.write(HELP_MAIN);
 * ```
 */
export const HELP_MAIN = `scratchnet: train a neural network on a CSV file, then predict with it

Usage:
  scratchnet train <data.csv> [options]                train a model, save it as JSON
  scratchnet predict <model.json> <data.csv> [options] predict with a saved model, write CSV
  scratchnet export <model.json> --format onnx|tfjs --out <path>
                                                       the model as ONNX or TensorFlow.js (scaler folded in)
  scratchnet import <model.onnx|model.json> --out <model.json>
                                                       a PyTorch/ONNX or TensorFlow.js network as a model file
  scratchnet help [train|predict|export|import]        show help (also: --help, -h)
  scratchnet --version                                 show the version

Examples:
  scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json
  scratchnet predict model.json new-flowers.csv --out predictions.csv
  scratchnet train houses.csv --task regression --label price --out price-model.json

The CSV: one row per example, numeric feature columns and one label column (the last one
unless --label says otherwise). A first line of column names is detected, and so is
scikit-learn's "n_samples,n_features,class names..." line. Files ending in .gz are fine.

Run "scratchnet help <command>" (train, predict, export, import) for all options.
Exit codes: 0 done, 1 error (file, data, model), 2 usage error (command, option).
Every error is one line on stderr (--debug adds the stack trace).
`;

const HELP: Record<string, string> = { train: HELP_TRAIN, predict: HELP_PREDICT, export: HELP_EXPORT, import: HELP_IMPORT };

/**
 * `scratchnet help [topic]`.
 *
 * @internal
 * @example
 * ```ts
 * helpCommand(['train'], io); // 0, the train options on stdout
 * ```
 */
export function helpCommand(rest: string[], io: CliIO): number {
  const topic = rest[0];
  if (topic === undefined) io.stdout.write(HELP_MAIN);
  else if (Object.hasOwn(HELP, topic)) io.stdout.write(HELP[topic]!);
  else throw usageError(`help: no command ${quote(topic)}; the commands are train, predict, export and import`);
  return 0;
}
