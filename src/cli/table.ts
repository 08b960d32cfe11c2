/**
 * The CLI's view of a CSV file: its width and first line (the first two records of the library's
 * `csvRecords`, to place the label column before parsing), then `parseCsv` with the options the
 * command line gave, its errors worded for command-line users.
 *
 * @module
 */
import { parseCsv, type CsvData } from '../index.js';
import { csvRecords, parseNumber } from '../data/csv.js';
import type { CsvFlags, LabelOption } from './args.js';
import { bare, CliError, nameList, quote } from './errors.js';

/**
 * A parsed file: parseCsv's result with the data's width and where the label column was.
 *
 * @internal
 * @example
 * ```ts
 * const t: Table = readTable('a,b,y\n1,2,0\n3,4,1\n', 'train', 'f.csv', { header: 'auto', delimiter: ',' }, 2, 3);
 * t.labelIndex; // 2
 * ```
 */
export interface Table extends CsvData {
  /** Columns of a data line, the label's included. */
  width: number;
  /** The label column (0-based), or null when there is none. */
  labelIndex: number | null;
}

/**
 * The width of the data lines (the second record's: the first may be a scikit-learn header)
 * and the first line's cells.
 *
 * @internal
 * @example
 * ```ts
 * dataWidth('a,b,y\n1,2,0\n', { header: 'auto', delimiter: ',' }, 'train', 'f.csv'); // { width: 3, first: ['a', 'b', 'y'] }
 * ```
 */
export function dataWidth(text: string, flags: CsvFlags, cmd: string, file: string): { width: number; first: string[] } {
  const recs: string[][] = [];
  try {
    for (const rec of csvRecords(text, flags.delimiter)) if (recs.push(rec.cells) === 2) break;
  } catch (e) {
    throw csvError(e, cmd, file);
  }
  if (recs.length === 0) throw new CliError(`${cmd}: ${file}: no data (the file is empty or blank)`);
  return { width: (recs[1] ?? recs[0]!).length, first: recs[0]!.map((c) => c.trim()) };
}

/**
 * ` (is the delimiter ";"? ...)` when a file read as one column has another separator.
 *
 * @internal
 * @example
 * ```ts
 * delimiterHint('1;2;0\n', 1, { header: 'auto', delimiter: ',' }); // ' (is the delimiter ";"? pass --delimiter ";")'
 * ```
 */
export function delimiterHint(text: string, width: number, flags: CsvFlags): string {
  if (width !== 1) return '';
  const line = text.slice(0, 4096).split(/\r?\n|\r/).find((l) => l.trim() !== '') ?? '';
  const other = [';', '\t', '|', ','].find((d) => d !== flags.delimiter && line.includes(d));
  return other ? ` (is the delimiter ${quote(other)}? pass --delimiter ${other === '\t' ? 'tab' : `"${other}"`})` : '';
}

/**
 * The label column for parseCsv: a header name or a 0-based index; the last column by default.
 *
 * @internal
 * @example
 * ```ts
 * resolveLabel({ number: -1 }, 5, ['5.1', '3.5', '1.4', '0.2', '0'], 'train', 'iris.csv'); // 4
 * resolveLabel({ name: 'y' }, 3, ['a', 'b', 'y'], 'train', 'f.csv'); // 'y'
 * resolveLabel({ name: 'z' }, 3, ['a', 'b', 'y'], 'train', 'f.csv'); // throws 'f.csv has no such column; its columns are a, b, y'
 * ```
 */
export function resolveLabel(label: LabelOption, width: number, first: string[], cmd: string, file: string): number | string {
  if (!label) return width - 1;
  if ('name' in label) {
    if (first.includes(label.name)) return label.name;
    const names = first.length === width && first.every((c) => Number.isNaN(parseNumber(c)));
    throw new CliError(
      `${cmd}: --label ${quote(label.name)}: ` +
        (names
          ? `${file} has no such column; its columns are ${nameList(first)}`
          : `${file} has no header line of column names; give a column number (1 to ${width}, or -1 for the last)`),
    );
  }
  const n = label.number;
  if (n > width || n < -width) throw new CliError(`${cmd}: --label ${n}: ${file} has ${width} columns`);
  return n > 0 ? n - 1 : width + n;
}

/** A parseCsv error, for people who pass command-line options rather than `CsvOptions`. */
function csvError(e: unknown, cmd: string, file: string): CliError {
  const m = bare(e)
    .replace('pass header: true', 'pass --header')
    .replace('pass header: false', 'pass --no-header')
    .replace(/\blabelColumn\b/g, '--label');
  return new CliError(`${cmd}: ${file}: ${m}`);
}

/**
 * The file parsed by parseCsv, or a one-line CliError naming the file, line and column.
 *
 * @internal
 * @example
 * ```ts
 * const table = readTable('a,b,species\n1,2,cat\n3,4,dog\n', 'train', 'f.csv', { header: 'auto', delimiter: ',' }, 2, 3);
 * table.classes; // ['cat', 'dog']
 * ```
 */
export function readTable(text: string, cmd: string, file: string, flags: CsvFlags, label: number | string | null, width: number): Table {
  let data: CsvData;
  try {
    data = parseCsv(text, { header: flags.header, delimiter: flags.delimiter, labelColumn: label });
  } catch (e) {
    throw csvError(e, cmd, file);
  }
  const labelIndex = label === null ? null : typeof label === 'number' ? label : data.header!.indexOf(label);
  return { ...data, width, labelIndex };
}

/**
 * The labels as text: class names as they are, numbers in their shortest form ("1.0" is "1").
 *
 * @internal
 * @example
 * ```ts
 * const table = readTable('a,species\n1,cat\n2,dog\n3,cat\n', 'train', 'f.csv', { header: 'auto', delimiter: ',' }, 1, 2);
 * labelNames(table); // ['cat', 'dog', 'cat']
 * ```
 */
export function labelNames(t: Table): string[] {
  return t.labels.map((l) => (t.classes ? t.classes[l]! : String(l)));
}

/**
 * A CSV cell, quoted when it must be.
 *
 * @internal
 * @example
 * ```ts
 * quoteCell('a, b'); // '"a, b"'
 * ```
 */
export const quoteCell = (s: string): string => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
