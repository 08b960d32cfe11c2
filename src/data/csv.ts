/**
 * CSV text to a feature matrix and labels: the one CSV tokenizer of scratchnet (RFC 4180
 * quoting, CRLF/LF/CR, a byte-order mark), the one decimal-number parser, and scikit-learn's
 * `n_samples,n_features,class names...` header. Nothing here reads files: pass text
 * (`fs.readFileSync(path, 'utf8')`, `await (await fetch(url)).text()`), and nothing needs `init()`.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { describe, readOptions } from '../core/validate.js';

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link parseCsv}.
 *
 * @example
 * ```ts
 * import { parseCsv, type CsvOptions } from 'scratchnet';
 * const options: CsvOptions = { delimiter: ';', labelColumn: 0, header: false };
 * parseCsv('1;0.5;2\n0;1.5;3', options).labels; // [1, 0]
 * ```
 */
export interface CsvOptions {
  /**
   * Whether the first line is a header:
   * - `true`: column names; `false`: data;
   * - `'sklearn'`: scikit-learn's `n_samples,n_features,class_name_0,...` line (its counts are
   *   checked against the data, its class names become `classes`);
   * - `'auto'` (default): `'sklearn'` when the first line starts with two integers, the second
   *   equal to the number of feature columns, and the line is not simply one more line of numbers
   *   as wide as the data (iris.csv's `150,4,setosa,...`, breast_cancer.csv's `569,30,malignant,benign`);
   *   else `true` when no cell of the first line outside the label column is a number; else
   *   `false`. A header of numbers only (`1,2,3`) cannot be told from data: say `header: true`
   *   (or `'sklearn'`).
   */
  header?: boolean | 'auto' | 'sklearn';
  /**
   * The column holding the labels: an index (0-based, negative counts from the end), a column
   * name from the header, or `null` for none (every column is a feature). Default: the last.
   */
  labelColumn?: number | string | null;
  /** The field separator, one character (default `','`; e.g. `';'`, `'\t'`). */
  delimiter?: string;
  /**
   * For text labels: the class names in the order that maps them to 0..k−1 (a label not in it is
   * an error). Default: the distinct labels, sorted.
   */
  classes?: readonly string[];
}

/**
 * What {@link parseCsv} returns.
 *
 * @example
 * ```ts
 * import { parseCsv, type CsvData } from 'scratchnet';
 * const data: CsvData = parseCsv('x,y\n1,0\n2,1');
 * data.x.shape; // [2, 1]
 * ```
 */
export interface CsvData {
  /** The features, one row per data line (float32). */
  x: Matrix;
  /**
   * One label per row: the numbers as written when every label is a number, else text labels
   * mapped to 0..k−1 by `classes`. Empty when `labelColumn` is `null`.
   */
  labels: number[];
  /** The header line's cells, when it had column names. */
  header?: string[];
  /** Class names: the text labels in index order, or the names of a scikit-learn header. */
  classes?: string[];
}

/**
 * One record of CSV text, as {@link csvRecords} yields it.
 *
 * @example
 * ```ts
 * const rec: CsvRecord = csvRecords('a,b\n1,2', ',').next().value!; // { line: 1, cells: ['a', 'b'] }
 * ```
 */
export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  cells: string[];
}

/**
 * The most cells one CSV record may have: 2^21 = 2,097,152, twice the widest input a network can
 * take (a layer has at most 2^20 units) plus its label, so no usable file is refused, while a
 * hostile line of a hundred million commas stops at a few MB of cells instead of crashing V8.
 */
const MAX_CSV_CELLS = 2 ** 21;

/**
 * Split CSV text into records: RFC 4180 quoting ("" escapes, newlines inside quotes), CRLF/LF/CR
 * line ends, unquoted cells trimmed of spaces and tabs, blank lines skipped, a byte-order mark
 * ignored. Lazy: stop iterating and the rest of the text is never scanned. Throws an Error naming
 * the line on an unclosed quote, text after a closing quote, or a record of more than 2^21
 * (2,097,152) cells. `parseCsv` and the CLI read CSV through it.
 *
 * @example
 * ```ts
 * [...csvRecords('x,"a, b"\r\n\n1,2\n', ',')]; // [{ line: 1, cells: ['x', 'a, b'] }, { line: 3, cells: ['1', '2'] }]
 * ```
 */
export function* csvRecords(text: string, delim: string): Generator<CsvRecord> {
  if (typeof text !== 'string') throw new Error(`csvRecords: text must be a string, got ${describe(text)}`);
  if (typeof delim !== 'string' || delim.length !== 1) throw new Error(`csvRecords: the delimiter must be one character, got ${describe(delim)}`);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  const dc = delim.charCodeAt(0);
  while (i < n) {
    const start = line;
    const cells: string[] = [];
    let blank = true;
    // one record
    for (;;) {
      // one cell: skip leading blanks (unless they are the delimiter)
      while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && text.charCodeAt(i) !== dc) i++;
      let cell: string;
      if (i < n && text.charCodeAt(i) === 34) {
        blank = false;
        const openLine = line;
        i++;
        let value = '';
        let from = i;
        for (;;) {
          if (i >= n) throw new Error(`parseCsv: line ${openLine}: a quoted field is never closed`);
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              value += text.slice(from, i + 1);
              i += 2;
              from = i;
              continue;
            }
            value += text.slice(from, i);
            i++;
            break;
          }
          if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
          i++;
        }
        cell = value;
        while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && text.charCodeAt(i) !== dc) i++;
        if (i < n && text.charCodeAt(i) !== dc && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) {
          throw new Error(
            `parseCsv: line ${line}, column ${cells.length + 1}: unexpected ${JSON.stringify(text[i])} after a quoted field`,
          );
        }
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === dc || c === 10 || c === 13) break;
          i++;
        }
        let to = i;
        while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9) && text.charCodeAt(to - 1) !== dc) to--;
        cell = text.slice(from, to);
        if (cell !== '') blank = false;
      }
      if (cells.length === MAX_CSV_CELLS) {
        throw new Error(`parseCsv: line ${start}: the record has more than ${MAX_CSV_CELLS} columns (the most a CSV record may have)`);
      }
      cells.push(cell);
      if (i < n && text.charCodeAt(i) === dc) {
        blank = false;
        i++;
        continue;
      }
      // end of line or of text
      if (i < n) {
        if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i += 2;
        else i++;
        line++;
      }
      break;
    }
    if (!blank) yield { line: start, cells };
  }
}

/**
 * A decimal number as CSV files and command lines write it: optional sign, digits with an
 * optional point, optional exponent (no hex, no `Infinity`, no `NaN`, no empty string).
 *
 * @example
 * ```ts
 * DECIMAL_NUMBER.test('-1.5e3'); // true
 * DECIMAL_NUMBER.test('0x10');   // false
 * ```
 */
export const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A cell as a decimal number ({@link DECIMAL_NUMBER}, surrounding spaces and tabs ignored), or
 * NaN when it is not one. May return ±Infinity for a decimal beyond float64 (`1e999`).
 *
 * @example
 * ```ts
 * parseNumber(' 2.5 '); // 2.5
 * parseNumber('abc');   // NaN
 * parseNumber('');      // NaN (not 0, as Number('') would)
 * ```
 */
export function parseNumber(cell: string): number {
  const t = cell.trim();
  return DECIMAL_NUMBER.test(t) ? Number(t) : NaN;
}

function isNonNegativeInt(cell: string | undefined): boolean {
  return cell !== undefined && /^\d+$/.test(cell);
}

/** A growable float32 buffer. */
class F32Builder {
  data = new Float32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Parse CSV text of numeric features and one label column into a feature matrix and labels.
 * Handles CRLF, blank lines, quoted fields (`"a, b"`, `""` escapes), spaces around cells and a
 * byte-order mark. Rejects ragged lines and cells that are not numbers with an Error naming the
 * line and column, e.g. `parseCsv: line 7, column 3: "abc" is not a number`.
 *
 * @example
 * ```ts
 * import { parseCsv } from 'scratchnet';
 * const { x, labels, header, classes } = parseCsv('a,b,species\n1,2,cat\n3,4,dog\n5,6,cat\n');
 * x.toArray(); // [[1, 2], [3, 4], [5, 6]]
 * labels;      // [0, 1, 0]
 * header;      // ['a', 'b', 'species']
 * classes;     // ['cat', 'dog']
 *
 * // scikit-learn's data files (iris.csv, breast_cancer.csv): n_samples,n_features,class names
 * const iris = parseCsv('2,4,setosa,versicolor\n5.1,3.5,1.4,0.2,0\n7.0,3.2,4.7,1.4,1\n');
 * iris.classes; // ['setosa', 'versicolor']
 * iris.labels;  // [0, 1]
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  const op = 'parseCsv';
  if (typeof text !== 'string') throw new Error(`${op}: text must be a string, got ${describe(text)}`);
  const o = readOptions(op, options, ['header', 'labelColumn', 'delimiter', 'classes']) as CsvOptions;
  const headerOpt = o.header ?? 'auto';
  if (headerOpt !== true && headerOpt !== false && headerOpt !== 'auto' && headerOpt !== 'sklearn') {
    throw new Error(`${op}: header must be true, false, 'auto' or 'sklearn', got ${describe(headerOpt)}`);
  }
  const delimiter = o.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`${op}: delimiter must be one character other than a quote or a line end, got ${describe(delimiter)}`);
  }
  const labelOpt = o.labelColumn === undefined ? -1 : o.labelColumn;
  if (labelOpt !== null && typeof labelOpt !== 'string' && !(typeof labelOpt === 'number' && Number.isInteger(labelOpt))) {
    throw new Error(`${op}: labelColumn must be an integer, a column name or null, got ${describe(labelOpt)}`);
  }
  let classes: string[] | undefined;
  const c: unknown = o.classes;
  if (c !== undefined) {
    if (!Array.isArray(c)) throw new Error(`${op}: classes must be an array of strings, got ${describe(c)}`);
    classes = Array.from(c as unknown[], (v, i) => {
      if (typeof v !== 'string') throw new Error(`${op}: classes[${i}] is ${describe(v)}, not a string`);
      return v;
    });
    if (new Set(classes).size !== classes.length) throw new Error(`${op}: classes has duplicates`);
  }
  const config: CsvConfig = { header: headerOpt, delimiter, labelColumn: labelOpt, classes };

  const records = csvRecords(text, delimiter);
  const first = records.next();
  if (first.done) throw new Error(`${op}: no data (the text is empty or blank)`);
  const firstRec = first.value;
  const secondIt = records.next();
  const second = secondIt.done ? undefined : secondIt.value;

  // --- which kind of first line
  let kind: 'none' | 'names' | 'sklearn';
  const sklearnShape = (rec: CsvRecord, width: number | undefined): boolean =>
    width !== undefined &&
    isNonNegativeInt(rec.cells[0]) &&
    isNonNegativeInt(rec.cells[1]) &&
    Number(rec.cells[1]) === width - (labelOpt === null ? 0 : 1);
  if (headerOpt === 'sklearn') kind = 'sklearn';
  else if (headerOpt === true) kind = 'names';
  else if (headerOpt === false) kind = 'none';
  else if (typeof labelOpt === 'string') kind = 'names';
  else if (
    sklearnShape(firstRec, second?.cells.length) &&
    // a line of numbers as wide as the data lines is data (say header: 'sklearn' otherwise)
    !(firstRec.cells.length === second!.cells.length && firstRec.cells.every((c) => !Number.isNaN(parseNumber(c))))
  ) {
    kind = 'sklearn';
  } else {
    const w = firstRec.cells.length;
    const li = labelOpt === null ? -1 : labelOpt < 0 ? w + labelOpt : labelOpt;
    // column names: no cell outside the label column is a number (a line mixing numbers and
    // text is read as data, and its bad cell reported)
    kind = firstRec.cells.every((c, j) => j === li || Number.isNaN(parseNumber(c))) ? 'names' : 'none';
  }

  const rest = (): Iterable<CsvRecord> => records;
  if (kind !== 'sklearn' || headerOpt !== 'auto') return readCsv(op, config, kind, firstRec, second, rest());
  // Only guessed: a line like `5,2,cat` is as likely data (two features and a label) as a
  // scikit-learn header. When the data does not fit the header, read the line as data, if it
  // reads as data of the same kind (a text label among text labels, a number among numbers).
  const again = (): Iterable<CsvRecord> => {
    const it = csvRecords(text, delimiter);
    it.next();
    it.next();
    return { [Symbol.iterator]: () => it };
  };
  try {
    return readCsv(op, config, kind, firstRec, second, rest());
  } catch (headerError) {
    let asData: CsvData | undefined;
    try {
      asData = readCsv(op, config, 'none', firstRec, second, again());
    } catch {
      // not data either: the header's error says more
    }
    if (asData) {
      const li = typeof labelOpt !== 'number' ? -1 : labelOpt < 0 ? firstRec.cells.length + labelOpt : labelOpt;
      const numeric = (rec: CsvRecord): boolean => !Number.isNaN(parseNumber(rec.cells[li] ?? ''));
      if (li < 0 || numeric(firstRec) === numeric(second!)) return asData;
    }
    throw headerError;
  }
}

/** The options of {@link parseCsv}, checked and copied once. */
interface CsvConfig {
  header: boolean | 'auto' | 'sklearn';
  delimiter: string;
  labelColumn: number | string | null;
  classes: string[] | undefined;
}

/** Read the records after the first line's kind is known; see {@link parseCsv}. */
function readCsv(
  op: string, config: CsvConfig, kind: 'none' | 'names' | 'sklearn', firstRec: CsvRecord, second: CsvRecord | undefined,
  records: Iterable<CsvRecord>,
): CsvData {
  const { header: headerOpt, delimiter, labelColumn: labelOpt, classes: classOrder } = config;
  const guessed = headerOpt === 'auto' ? ' (line 1 was taken for a scikit-learn header; if it is data, pass header: false)' : '';
  let header: string[] | undefined;
  let sklearnCounts: [number, number] | undefined;
  let sklearnClasses: string[] | undefined;
  if (kind === 'names') header = firstRec.cells;
  if (kind === 'sklearn') {
    const c = firstRec.cells;
    if (!isNonNegativeInt(c[0]) || !isNonNegativeInt(c[1])) {
      throw new Error(
        `${op}: line ${firstRec.line}: a scikit-learn header starts with n_samples,n_features (two integers), got ` +
          `${JSON.stringify(c.slice(0, 2).join(delimiter))}`,
      );
    }
    sklearnCounts = [Number(c[0]), Number(c[1])];
    if (c.length > 2) sklearnClasses = c.slice(2);
  }

  // --- the label column
  const dataFirst = kind === 'none' ? firstRec : second;
  if (dataFirst === undefined) throw new Error(`${op}: no data lines after the header on line ${firstRec.line}`);
  const width = dataFirst.cells.length;
  let labelIndex: number; // -1: none
  if (labelOpt === null) labelIndex = -1;
  else if (typeof labelOpt === 'string') {
    if (!header) {
      throw new Error(`${op}: labelColumn ${JSON.stringify(labelOpt)} is a column name, but the text has no header of column names`);
    }
    labelIndex = header.indexOf(labelOpt);
    if (labelIndex < 0) {
      throw new Error(`${op}: no column named ${JSON.stringify(labelOpt)}; the header is ${JSON.stringify(header)}`);
    }
  } else {
    labelIndex = labelOpt < 0 ? width + labelOpt : labelOpt;
    if (labelIndex < 0 || labelIndex >= width) {
      throw new Error(`${op}: labelColumn ${labelOpt} is outside the ${width} columns of line ${dataFirst.line}`);
    }
  }
  if (header && header.length !== width) {
    throw new Error(`${op}: line ${dataFirst.line} has ${width} columns, the header on line ${firstRec.line} has ${header.length}`);
  }
  const features = width - (labelIndex < 0 ? 0 : 1);
  if (features < 1) throw new Error(`${op}: no feature columns: line ${dataFirst.line} has only the label column`);

  // --- the data lines
  const x = new F32Builder();
  const labelCells: string[] = [];
  const labelLines: number[] = [];
  let rows = 0;
  const take = (rec: CsvRecord): void => {
    const cells = rec.cells;
    if (cells.length !== width) {
      throw new Error(`${op}: line ${rec.line} has ${cells.length} columns, line ${dataFirst.line} has ${width}`);
    }
    for (let j = 0; j < width; j++) {
      const cell = cells[j]!;
      if (j === labelIndex) {
        if (cell === '') throw new Error(`${op}: line ${rec.line}, column ${j + 1}: the label is empty`);
        labelCells.push(cell);
        labelLines.push(rec.line);
        continue;
      }
      const v = parseNumber(cell);
      if (Number.isNaN(v)) {
        const hint = rec === firstRec && headerOpt === 'auto' ? ' (if line 1 is a header, pass header: true)' : '';
        throw new Error(`${op}: line ${rec.line}, column ${j + 1}: ${JSON.stringify(cell)} is not a number${hint}`);
      }
      const f = Math.fround(v);
      if (!Number.isFinite(f)) throw new Error(`${op}: line ${rec.line}, column ${j + 1}: ${cell} overflows float32`);
      x.push(f);
    }
    rows++;
  };
  if (kind === 'none') take(firstRec);
  if (second) take(second);
  for (const rec of records) take(rec);

  if (sklearnCounts) {
    const [nSamples, nFeatures] = sklearnCounts;
    if (nSamples !== rows || nFeatures !== features) {
      throw new Error(
        `${op}: the scikit-learn header on line ${firstRec.line} announces ${nSamples} samples of ${nFeatures} features, ` +
          `the data has ${rows} rows of ${features} features${guessed}`,
      );
    }
  }

  // --- labels
  const out: CsvData = { x: new Matrix(rows, features, x.finish()), labels: [] };
  if (header) out.header = header;
  if (labelIndex >= 0) {
    const numeric = labelCells.map((c) => parseNumber(c));
    // numbers when every label is written as one (1e400 too: an overflow is an error, not a class name)
    const allNumeric = classOrder === undefined && numeric.every((v) => !Number.isNaN(v));
    if (allNumeric) {
      out.labels = numeric;
      if (!sklearnClasses) {
        // beyond float64 (1e400): Infinity is no label; within it (1e300) the number is kept, as written
        const r = numeric.findIndex((v) => !Number.isFinite(v));
        if (r >= 0) throw new Error(`${op}: line ${labelLines[r]}, column ${labelIndex + 1}: label ${labelCells[r]} overflows to Infinity`);
      } else {
        const k = sklearnClasses.length;
        numeric.forEach((v, r) => {
          if (!Number.isInteger(v) || v < 0 || v >= k) {
            throw new Error(
              `${op}: line ${labelLines[r]}, column ${labelIndex + 1}: label ${labelCells[r]} is not a class index 0..${k - 1} ` +
                `of the header's ${k} classes${guessed}`,
            );
          }
        });
        out.classes = sklearnClasses;
      }
    } else {
      if (sklearnClasses) {
        const r = numeric.findIndex((v) => !Number.isFinite(v));
        throw new Error(
          `${op}: line ${labelLines[r]}, column ${labelIndex + 1}: ${JSON.stringify(labelCells[r])} is not a class index ` +
            `(the scikit-learn header names the classes)${guessed}`,
        );
      }
      const classes = classOrder ? [...classOrder] : [...new Set(labelCells)].sort();
      const index = new Map(classes.map((c, i) => [c, i]));
      out.labels = labelCells.map((c, r) => {
        const k = index.get(c);
        if (k === undefined) {
          throw new Error(`${op}: line ${labelLines[r]}, column ${labelIndex + 1}: label ${JSON.stringify(c)} is not one of options.classes`);
        }
        return k;
      });
      out.classes = classes;
    }
  } else if (sklearnClasses) {
    out.classes = sklearnClasses;
  }
  return out;
}
