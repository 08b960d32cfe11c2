#!/usr/bin/env node
/// <reference types="node" />
/**
 * The `scratchnet` command: train a network on a CSV file and predict with it, without writing
 * code. One file per command in this folder (train.ts, predict.ts, export.ts, import.ts, help.ts); this one dispatches.
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
 * or option, a missing argument, a bad option value). Every error is one line on stderr;
 * `--debug` adds the stack trace.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suggest } from './args.js';
import { CliError, oneLine, quote, usageError } from './errors.js';
import { exportCommand } from './export.js';
import { HELP_MAIN, helpCommand } from './help.js';
import { importCommand } from './import.js';
import { defaultIO, version, type CliIO } from './io.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

export type { CliIO, CliWriter } from './io.js';
export { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from './model-file.js';

const COMMANDS = ['train', 'predict', 'export', 'import', 'help'] as const;

async function dispatch(args: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined) {
    io.stderr.write(HELP_MAIN);
    return 2;
  }
  if (command === '--help' || command === '-h') return helpCommand([], io);
  if (command === '--version' || command === '-v' || command === '-V' || command === 'version') {
    io.stdout.write(`scratchnet ${version()}\n`);
    return 0;
  }
  if (command === 'help') return helpCommand(rest, io);
  if (command === 'train') return await trainCommand(rest, io);
  if (command === 'predict') return await predictCommand(rest, io);
  if (command === 'export') return await exportCommand(rest, io);
  if (command === 'import') return await importCommand(rest, io);
  if (command.startsWith('-')) throw usageError(`unknown option ${command} before the command; see scratchnet --help`);
  const guess = suggest(command, COMMANDS);
  const hint = guess ? `; did you mean ${guess}?` : /\.(csv|tsv|txt)(\.gz)?$/i.test(command) ? `; did you mean scratchnet train ${command}?` : '';
  throw usageError(`unknown command ${quote(command)}${hint} (the commands are train, predict, export, import and help; see scratchnet --help)`);
}

/** An error as the one line the user reads (the stack only with --debug). */
function reportError(e: unknown, io: CliIO, debug: boolean): number {
  // escaped and bounded: a message may hold a path or words from a file (never raw control bytes)
  const message = oneLine(e instanceof Error ? e.message : String(e), false);
  if (e instanceof CliError) {
    // "train: ..." reads "scratchnet train: ..."; anything else "scratchnet: ..."
    io.stderr.write(`scratchnet${/^(train|predict|export|import|help):/.test(message) ? ' ' : ': '}${message}\n`);
  } else {
    io.stderr.write(`scratchnet: ${message} (an unexpected error${debug ? '' : ': run again with --debug for the stack trace'})\n`);
  }
  if (debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return e instanceof CliError ? e.exitCode : 1;
}

/**
 * Run the CLI: `argv` are the arguments after the script (`process.argv.slice(2)`); returns the
 * exit code (0 done, 1 error, 2 usage error). Never throws; every error is one line on stderr.
 *
 * @example
 * ```ts
 * // the package's bin runs this; in-process (as the tests do):
 * const code = await main(['train', 'iris.csv', '--epochs', '50', '--out', 'model.json']);
 * ```
 */
export async function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  const ioFull: CliIO = { ...defaultIO(), ...io };
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv.filter((a) => a !== '--debug'), ioFull);
  } catch (e) {
    return reportError(e, ioFull, debug);
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
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
