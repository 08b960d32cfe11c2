/**
 * Command-line arguments: `node:util`'s parseArgs with one-line usage errors ("did you mean"),
 * and the checked readers of option values (integers with caps, numbers within float32's range,
 * choices, the label column, the CSV flags).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { parseNumber } from '../data/csv.js';
import { quote, usageError } from './errors.js';
import { editDistance } from '../core/validate.js';

/**
 * How one option is parsed.
 *
 * @internal
 * @example
 * ```ts
 * const spec: OptionSpec = { type: 'string', short: 'o' };
 * ```
 */
export type OptionSpec = { type: 'string' | 'boolean'; short?: string };

/**
 * Parsed option values, by long name.
 *
 * @internal
 * @example
 * ```ts
 * const v: Values = { epochs: '50', quiet: true };
 * ```
 */
export type Values = Record<string, string | boolean | undefined>;

/**
 * The options of every command that reads a CSV file.
 *
 * @internal
 * @example
 * ```ts
 * const TRAIN_OPTIONS = { ...COMMON_OPTIONS, epochs: { type: 'string' } } as const;
 * ```
 */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  out: { type: 'string', short: 'o' },
  label: { type: 'string' },
  header: { type: 'boolean' },
  'no-header': { type: 'boolean' },
  delimiter: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

/**
 * The candidate closest to a mistyped word, or '' when none is close.
 *
 * @internal
 * @example
 * ```ts
 * suggest('trian', ['train', 'predict']); // 'train'
 * ```
 */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = '', bestD = Infinity;
  for (const c of candidates) {
    const dd = c.startsWith(word) && word.length >= 2 ? 1 : editDistance(word, c);
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= (word.replace(/^-+/, '').length <= 3 ? 1 : 2) ? best : '';
}

/** `--label -1`, `--out -`: join a value that starts with "-" to its option, so parseArgs takes it. */
function joinDashValues(args: string[], options: Record<string, OptionSpec>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!, next = args[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|$)/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  return joined;
}

/** parseArgs' error as a one-line usage error. */
function parseError(e: unknown, cmd: string, options: Record<string, OptionSpec>): Error {
  const err = e as Error & { code?: string };
  // "Option '-q, --quiet' does not take an argument": name the long form
  const opt = (/'(-[^']*)'/.exec(err.message)?.[1] ?? '').split(/[ ,]+/).filter((o) => o.startsWith('-')).pop()?.replace(/ <value>$/, '') ?? '';
  const see = `(see scratchnet help ${cmd})`;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const guess = opt.startsWith('--') ? suggest(opt, Object.keys(options).map((n) => `--${n}`)) : '';
    return usageError(`${cmd}: unknown option ${opt}${guess ? `; did you mean ${guess}?` : ''} ${see}`);
  }
  if (/argument missing/.test(err.message)) return usageError(`${cmd}: ${opt} needs a value ${see}`);
  if (/does not take an argument/.test(err.message)) return usageError(`${cmd}: ${opt} does not take a value ${see}`);
  if (/ambiguous/.test(err.message)) return usageError(`${cmd}: ${opt} needs a value (write ${opt}=<value> for a value starting with "-")`);
  return usageError(`${cmd}: ${err.message.split('\n')[0]} ${see}`);
}

/**
 * A command's arguments: option values and positionals, or a one-line usage error.
 *
 * @internal
 * @example
 * ```ts
 * const { values, positionals } = parse('train', ['iris.csv', '--epochs', '5'], { ...COMMON_OPTIONS, epochs: { type: 'string' } });
 * positionals;   // ['iris.csv']
 * values.epochs; // '5'
 * ```
 */
export function parse(cmd: string, args: string[], options: Record<string, OptionSpec>): { values: Values; positionals: string[] } {
  let r;
  try {
    r = parseArgs({ args: joinDashValues(args, options), options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw parseError(e, cmd, options);
  }
  // no option is repeatable: a second one would silently win
  const seen = new Set<string>();
  for (const t of r.tokens) {
    if (t.kind !== 'option') continue;
    if (seen.has(t.name)) throw usageError(`${cmd}: --${t.name} is given more than once; give it once (see scratchnet help ${cmd})`);
    seen.add(t.name);
  }
  return { values: r.values as Values, positionals: r.positionals };
}

/**
 * A string option's value, or undefined.
 *
 * @internal
 * @example
 * ```ts
 * str({ out: 'm.json' }, 'out'); // 'm.json'
 * ```
 */
export const str = (v: Values, name: string): string | undefined => (typeof v[name] === 'string' ? (v[name] as string) : undefined);

/**
 * An integer option in [min, max], or its fallback. Out of range (or not an integer), the usage
 * error states the range: "from min to max", or "≥ min" when there is no maximum.
 *
 * @internal
 * @example
 * ```ts
 * intOption('train', { epochs: '50' }, 'epochs', 100, 1, 1_000_000); // 50
 * intOption('train', { epochs: '0' }, 'epochs', 100, 1); // throws 'train: --epochs must be an integer ≥ 1, got "0"'
 * intOption('export', { opset: '10' }, 'opset', 13, 11, 17); // throws 'export: --opset must be an integer from 11 to 17, got "10"'
 * ```
 */
export function intOption(cmd: string, v: Values, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const n = /^[+-]?\d+$/.test(s.trim()) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `≥ ${min}`;
    throw usageError(`${cmd}: --${name} must be an integer ${range}, got ${quote(s)}`);
  }
  return n;
}

/**
 * A decimal number option accepted by `ok`, or its fallback.
 *
 * @internal
 * @example
 * ```ts
 * numberOption('train', { validation: '0.2' }, 'validation', 0.2, (x) => x < 1, 'a fraction'); // 0.2
 * ```
 */
export function numberOption(cmd: string, v: Values, name: string, fallback: number, ok: (x: number) => boolean, what: string): number {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const n = parseNumber(s);
  if (!Number.isFinite(n) || !ok(n)) throw usageError(`${cmd}: --${name} must be ${what}, got ${quote(s)}`);
  return n;
}

/** float32's smallest normal and largest finite values. */
const F32_MIN_NORMAL = 2 ** -126, F32_MAX = 3.4028234663852886e38;

/**
 * A number > 0 that the float32 kernels can use (a normal float32: about 1.2e-38 to 3.4e38), or
 * its fallback. A value that would round to 0 or to Infinity in float32 is a usage error.
 *
 * @internal
 * @example
 * ```ts
 * positiveFloat32Option('train', { lr: '0.01' }, 'lr', 0.01); // 0.01
 * ```
 */
export function positiveFloat32Option(cmd: string, v: Values, name: string, fallback: number): number {
  const n = numberOption(cmd, v, name, fallback, (x) => x > 0, 'a number > 0');
  if (n < F32_MIN_NORMAL || n > F32_MAX) {
    throw usageError(`${cmd}: --${name} ${str(v, name)} is outside float32's range (1.2e-38 to 3.4e38), which the kernels compute in`);
  }
  return n;
}

/**
 * One of a list of names (case-insensitive), or its fallback.
 *
 * @internal
 * @example
 * ```ts
 * choice('train', { optimizer: 'SGD' }, 'optimizer', ['adam', 'sgd'], 'adam'); // 'sgd'
 * ```
 */
export function choice<T extends string>(cmd: string, v: Values, name: string, choices: readonly T[], fallback: T): T {
  const s = str(v, name);
  if (s === undefined) return fallback;
  const hit = choices.find((c) => c.toLowerCase() === s.trim().toLowerCase());
  if (!hit) {
    const guess = suggest(s, choices);
    throw usageError(`${cmd}: --${name} must be one of ${choices.join(', ')}; got ${quote(s)}${guess ? ` (did you mean ${guess}?)` : ''}`);
  }
  return hit;
}

/**
 * `--label`: a column name, or a column number (1-based, negative from the end).
 *
 * @internal
 * @example
 * ```ts
 * const label: LabelOption = { number: -1 };
 * ```
 */
export type LabelOption = { name: string } | { number: number } | undefined;

/**
 * The `--label` option.
 *
 * @internal
 * @example
 * ```ts
 * labelOption('train', { label: 'species' }); // { name: 'species' }
 * ```
 */
export function labelOption(cmd: string, v: Values): LabelOption {
  const s = str(v, 'label');
  if (s === undefined) return undefined;
  if (/^[+-]?\d+$/.test(s.trim())) {
    const n = Number(s);
    if (n === 0) throw usageError(`${cmd}: --label 0: column numbers start at 1 (-1 is the last column)`);
    if (!Number.isSafeInteger(n)) throw usageError(`${cmd}: --label ${quote(s)}: not a column number`);
    return { number: n };
  }
  if (s === '') throw usageError(`${cmd}: --label needs a column name or number`);
  return { name: s };
}

/**
 * `--header` / `--no-header` and `--delimiter`.
 *
 * @internal
 * @example
 * ```ts
 * const flags: CsvFlags = { header: 'auto', delimiter: ',' };
 * ```
 */
export interface CsvFlags {
  header: boolean | 'auto';
  delimiter: string;
}

/**
 * The CSV flags, checked.
 *
 * @internal
 * @example
 * ```ts
 * csvFlags('train', { delimiter: 'tab' }); // { header: 'auto', delimiter: '\t' }
 * ```
 */
export function csvFlags(cmd: string, v: Values): CsvFlags {
  if (v.header && v['no-header']) throw usageError(`${cmd}: give --header or --no-header, not both`);
  let delimiter = str(v, 'delimiter') ?? ',';
  if (delimiter === '\\t' || delimiter.toLowerCase() === 'tab') delimiter = '\t';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw usageError(`${cmd}: --delimiter must be one character (e.g. ";" or "\\t"), got ${quote(delimiter)}`);
  }
  return { header: v.header ? true : v['no-header'] ? false : 'auto', delimiter };
}

/**
 * The output file option (`-` is stdout), checked.
 *
 * @internal
 * @example
 * ```ts
 * outOption('predict', {}, '-'); // '-'
 * ```
 */
export function outOption(cmd: string, v: Values, fallback: string): string {
  const out = str(v, 'out') ?? fallback;
  if (out === '') throw usageError(`${cmd}: --out needs a file name`);
  return out;
}
