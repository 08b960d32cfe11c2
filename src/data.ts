/**
 * Data loading and preprocessing, in Node and in browsers: a CSV parser (with scikit-learn's
 * `n_samples,n_features,class names...` header), the IDX format of MNIST, gunzip, one-hot
 * encoding, accuracy, scalers fitted on training data and a seeded (optionally stratified)
 * train/test split. Nothing here reads files: pass text or bytes (`fs.readFileSync`, `fetch`).
 * Nothing here needs `init()` either; the matrices it returns feed `NeuralNetwork` directly.
 *
 * @module
 */
import { Matrix, toMatrix, type MatrixLike } from './core/matrix.js';
import { describe } from './core/validate.js';
import { RandomState } from './core/random.js';

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

interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  cells: string[];
}

/** Split CSV text into records: RFC 4180 quoting ("" escapes, newlines inside quotes), CRLF/LF/CR
 * line ends, unquoted cells trimmed of spaces and tabs, blank lines skipped. */
function* csvRecords(text: string, delim: string): Generator<CsvRecord> {
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

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number, or NaN (no hex, no empty string as 0, no "Infinity"). */
function parseNumber(cell: string): number {
  return NUMBER.test(cell) ? Number(cell) : NaN;
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
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object`);
  const headerOpt = options.header ?? 'auto';
  if (headerOpt !== true && headerOpt !== false && headerOpt !== 'auto' && headerOpt !== 'sklearn') {
    throw new Error(`${op}: header must be true, false, 'auto' or 'sklearn', got ${describe(headerOpt)}`);
  }
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`${op}: delimiter must be one character other than a quote or a line end, got ${describe(delimiter)}`);
  }
  const labelOpt = options.labelColumn === undefined ? -1 : options.labelColumn;
  if (labelOpt !== null && typeof labelOpt !== 'string' && !(typeof labelOpt === 'number' && Number.isInteger(labelOpt))) {
    throw new Error(`${op}: labelColumn must be an integer, a column name or null, got ${describe(labelOpt)}`);
  }
  if (options.classes !== undefined) {
    if (!Array.isArray(options.classes) || options.classes.some((c) => typeof c !== 'string')) {
      throw new Error(`${op}: classes must be an array of strings`);
    }
    if (new Set(options.classes).size !== options.classes.length) throw new Error(`${op}: classes has duplicates`);
  }

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
    !(firstRec.cells.length === second!.cells.length && firstRec.cells.every((c) => !Number.isNaN(parseNumber(c.trim()))))
  ) {
    kind = 'sklearn';
  } else {
    const w = firstRec.cells.length;
    const li = labelOpt === null ? -1 : labelOpt < 0 ? w + labelOpt : labelOpt;
    // column names: no cell outside the label column is a number (a line mixing numbers and
    // text is read as data, and its bad cell reported)
    kind = firstRec.cells.every((c, j) => j === li || Number.isNaN(parseNumber(c.trim()))) ? 'names' : 'none';
  }

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
      const v = parseNumber(cell.trim());
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
          `the data has ${rows} rows of ${features} features`,
      );
    }
  }

  // --- labels
  const out: CsvData = { x: new Matrix(rows, features, x.finish()), labels: [] };
  if (header) out.header = header;
  if (labelIndex >= 0) {
    const numeric = labelCells.map((c) => parseNumber(c.trim()));
    const allNumeric = options.classes === undefined && numeric.every((v) => Number.isFinite(v));
    if (allNumeric) {
      out.labels = numeric;
      if (sklearnClasses) {
        const k = sklearnClasses.length;
        numeric.forEach((v, r) => {
          if (!Number.isInteger(v) || v < 0 || v >= k) {
            throw new Error(
              `${op}: line ${labelLines[r]}, column ${labelIndex + 1}: label ${labelCells[r]} is not a class index 0..${k - 1} ` +
                `of the header's ${k} classes`,
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
            `(the scikit-learn header names the classes)`,
        );
      }
      const classes = options.classes ? [...options.classes] : [...new Set(labelCells)].sort();
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

// ---------------------------------------------------------------------------------------------
// gzip and IDX
// ---------------------------------------------------------------------------------------------

/** Bytes as a Uint8Array (an ArrayBuffer or any typed-array view is accepted). */
function toBytes(bytes: unknown, op: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new Error(`${op}: bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
}

/**
 * Whether bytes start with the gzip magic number `1f 8b`.
 *
 * @example
 * ```ts
 * import { isGzip } from 'scratchnet';
 * isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])); // true
 * isGzip(new TextEncoder().encode('1,2,3'));  // false
 * ```
 */
export function isGzip(bytes: Uint8Array | ArrayBuffer): boolean {
  const b = toBytes(bytes, 'isGzip');
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

interface NodeZlib {
  gunzip(buf: Uint8Array, cb: (err: Error | null, out: Uint8Array) => void): void;
}

/**
 * Decompress gzip bytes: with the platform's `DecompressionStream('gzip')` (browsers, Deno,
 * Node 18+), else with `node:zlib` (loaded on demand, so this module has no Node imports).
 *
 * @example
 * ```ts
 * import { gunzip, parseCsv } from 'scratchnet';
 * import { readFileSync } from 'node:fs';
 * const text = new TextDecoder().decode(await gunzip(readFileSync('test/fixtures/digits.csv.gz')));
 * const digits = parseCsv(text, { header: false }); // 1797 rows, 64 features
 * ```
 */
export async function gunzip(bytes: Uint8Array | ArrayBuffer): Promise<Uint8Array> {
  const op = 'gunzip';
  const input = toBytes(bytes, op);
  if (!isGzip(input)) {
    const head = Array.from(input.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${op}: not gzip data: it starts with ${head ? `bytes ${head}` : 'nothing (0 bytes)'}, gzip starts with 1f 8b`);
  }
  const DS = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  try {
    if (typeof DS === 'function') return await gunzipStream(input, new DS('gzip'));
    const specifier = 'node:zlib';
    const zlib = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeZlib;
    const out = await new Promise<Uint8Array>((resolve, reject) =>
      zlib.gunzip(input, (err, res) => (err ? reject(err) : resolve(res))),
    );
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new Error(`${op}: the ${input.length} bytes are not valid gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function gunzipStream(input: Uint8Array, ds: DecompressionStream): Promise<Uint8Array> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(input.slice());
      controller.close();
    },
  });
  const reader = (source.pipeThrough(ds as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The element types of an IDX file (magic byte 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e).
 *
 * @example
 * ```ts
 * import { parseIdx, type IdxType } from 'scratchnet';
 * const t: IdxType = parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 0])).type; // 'float'
 * ```
 */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

/**
 * What {@link parseIdx} returns: the dimensions and the values, row-major, in native byte order.
 *
 * @example
 * ```ts
 * import { parseIdx, type IdxData } from 'scratchnet';
 * const idx: IdxData = parseIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2]));
 * idx.data; // Int16Array [258] (big-endian 01 02)
 * ```
 */
export interface IdxData {
  /** Dimensions, e.g. `[60000, 28, 28]` for MNIST's training images. */
  shape: number[];
  /** The element type named by the file's magic number. */
  type: IdxType;
  /** The values (a copy, never a view of the input bytes). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const IDX_TYPES: Record<number, [IdxType, number]> = {
  0x08: ['ubyte', 1],
  0x09: ['byte', 1],
  0x0b: ['short', 2],
  0x0c: ['int', 4],
  0x0d: ['float', 4],
  0x0e: ['double', 8],
};

/**
 * Parse an (uncompressed) IDX file, the format of MNIST: magic `00 00 type ndim`, then `ndim`
 * big-endian uint32 dimensions, then the values, big-endian. Checks the magic number, the
 * dimensions and that the length is exactly what they announce.
 *
 * @example
 * ```ts
 * import { parseIdx } from 'scratchnet';
 * // a 2x3 ubyte array
 * const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * const { shape, type, data } = parseIdx(bytes);
 * shape; // [2, 3]
 * type;  // 'ubyte'
 * data;  // Uint8Array [1, 2, 3, 4, 5, 6]
 * ```
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer): IdxData {
  const op = 'parseIdx';
  const b = toBytes(bytes, op);
  if (b.length < 4) throw new Error(`${op}: ${b.length} bytes is too short for an IDX file (a 4-byte magic number, then dimensions)`);
  if (isGzip(b)) throw new Error(`${op}: the bytes are gzip-compressed; use loadIdx(), or gunzip() first`);
  const hex = (v: number): string => '0x' + v.toString(16).padStart(2, '0');
  if (b[0] !== 0 || b[1] !== 0) {
    throw new Error(`${op}: bad magic number: an IDX file starts with 00 00, got ${hex(b[0]!)} ${hex(b[1]!)}`);
  }
  const t = IDX_TYPES[b[2]!];
  if (!t) throw new Error(`${op}: unknown element type ${hex(b[2]!)} (expected 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float or 0x0e double)`);
  const [type, size] = t;
  const ndim = b[3]!;
  if (ndim < 1) throw new Error(`${op}: the file has 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (b.length < headerBytes) {
    throw new Error(`${op}: ${b.length} bytes is too short for the header of a ${ndim}-dimensional file (${headerBytes} bytes)`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    count *= dim;
  }
  if (count * size > 2 ** 31) throw new Error(`${op}: dimensions [${shape.join(', ')}] of ${type} need ${count * size} bytes, too many`);
  const expected = headerBytes + count * size;
  if (b.length !== expected) {
    throw new Error(
      `${op}: dimensions [${shape.join(', ')}] of ${type} (${size} byte${size > 1 ? 's' : ''} each) need ${expected} bytes, ` +
        `the file has ${b.length}${b.length < expected ? ' (truncated?)' : ''}`,
    );
  }
  let data: IdxData['data'];
  const at = headerBytes;
  switch (type) {
    case 'ubyte':
      data = b.slice(at, expected);
      break;
    case 'byte':
      data = new Int8Array(b.slice(at, expected).buffer);
      break;
    case 'short':
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(at + 2 * i, false);
      break;
    case 'int':
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, false);
      break;
    case 'float':
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, false);
      break;
    case 'double':
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, false);
      break;
  }
  return { shape, type, data };
}

/**
 * Parse an IDX file that may be gzip-compressed (as MNIST's `*-ubyte.gz` files are): gunzips
 * when the bytes start with the gzip magic number, then {@link parseIdx}.
 *
 * @example
 * ```ts
 * import { loadIdx, idxToMatrix } from 'scratchnet';
 * import { gzipSync } from 'node:zlib';
 * // a gzip'd IDX labels file holding 7, 2, 1
 * const { shape, data } = await loadIdx(gzipSync(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])));
 * shape; // [3]
 * data;  // Uint8Array [7, 2, 1]
 * // MNIST, with the files downloaded (Node: readFileSync; browsers: new Uint8Array(await (await fetch(url)).arrayBuffer())):
 * //   const x = idxToMatrix(await loadIdx(readFileSync('train-images-idx3-ubyte.gz')), 1 / 255); // 60000x784 in [0, 1]
 * //   const labels = Array.from((await loadIdx(readFileSync('train-labels-idx1-ubyte.gz'))).data);
 * ```
 */
export async function loadIdx(bytes: Uint8Array | ArrayBuffer): Promise<IdxData> {
  const b = toBytes(bytes, 'loadIdx');
  return parseIdx(isGzip(b) ? await gunzip(b) : b);
}

/**
 * An IDX array as a Matrix: the first dimension is the rows, the others are flattened into the
 * columns (28×28 images → 784 columns), each value multiplied by `scale`.
 *
 * @example
 * ```ts
 * import { parseIdx, idxToMatrix } from 'scratchnet';
 * const idx = parseIdx(new Uint8Array([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255]));
 * idxToMatrix(idx, 1 / 255).toArray(); // [[0, 1]]
 * ```
 */
export function idxToMatrix(idx: IdxData, scale = 1): Matrix {
  const op = 'idxToMatrix';
  if (idx === null || typeof idx !== 'object' || !Array.isArray(idx.shape) || !ArrayBuffer.isView(idx.data)) {
    throw new Error(`${op}: idx must be what parseIdx() returns, got ${describe(idx)}`);
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${op}: scale must be a finite number, got ${describe(scale)}`);
  const rows = idx.shape[0] ?? 0;
  const cols = idx.shape.length > 1 ? idx.shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  if (rows < 1 || cols < 1) throw new Error(`${op}: shape [${idx.shape.join(', ')}] has no values`);
  if (idx.data.length !== rows * cols) {
    throw new Error(`${op}: shape [${idx.shape.join(', ')}] needs ${rows * cols} values, data has ${idx.data.length}`);
  }
  const out = new Float32Array(rows * cols);
  const d = idx.data;
  for (let i = 0; i < out.length; i++) {
    const v = Math.fround(d[i]! * scale);
    if (!Number.isFinite(v)) throw new Error(`${op}: value ${i} (${d[i]} × ${scale}) is not a finite float32`);
    out[i] = v;
  }
  return new Matrix(rows, cols, out);
}

// ---------------------------------------------------------------------------------------------
// Labels, one-hot, accuracy
// ---------------------------------------------------------------------------------------------

type Labels = readonly number[] | ArrayLike<number>;

function isLabels(v: unknown): v is Labels {
  return (Array.isArray(v) && (v.length === 0 || !Array.isArray(v[0]))) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function checkLabelArray(labels: unknown, op: string, name: string): ArrayLike<number> {
  if (!isLabels(labels)) throw new Error(`${op}: ${name} must be an array of numbers, got ${describe(labels)}`);
  const l = labels as ArrayLike<number>;
  for (let i = 0; i < l.length; i++) {
    const v: unknown = l[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${name}[${i}] is ${describe(v)}, not a finite number`);
  }
  return l;
}

/**
 * One-hot encode integer class labels 0..k−1 as an n×k Matrix (`k = classes`, default the
 * largest label + 1), the targets of a Softmax output.
 *
 * @example
 * ```ts
 * import { oneHot } from 'scratchnet';
 * oneHot([0, 2, 1]).toArray();    // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * oneHot([1], 4).toArray();       // [[0, 1, 0, 0]]
 * ```
 */
export function oneHot(labels: readonly number[] | ArrayLike<number>, classes?: number): Matrix {
  const op = 'oneHot';
  const l = checkLabelArray(labels, op, 'labels');
  if (l.length === 0) throw new Error(`${op}: labels is empty`);
  let max = 0;
  for (let i = 0; i < l.length; i++) {
    const v = l[i]!;
    if (!Number.isInteger(v) || v < 0) throw new Error(`${op}: labels[${i}] is ${v}, not a class index (an integer >= 0)`);
    if (v > max) max = v;
  }
  const k = classes ?? max + 1;
  if (!Number.isInteger(k) || k < 1) throw new Error(`${op}: classes must be a positive integer, got ${describe(classes)}`);
  if (max >= k) {
    const i = Array.prototype.findIndex.call(l, (v: number) => v >= k);
    throw new Error(`${op}: labels[${i}] is ${l[i]}, outside 0..${k - 1} for ${k} classes`);
  }
  const out = new Float32Array(l.length * k);
  for (let i = 0; i < l.length; i++) out[i * k + l[i]!] = 1;
  return new Matrix(l.length, k, out);
}

/**
 * The column of the largest value in every row (the first one on ties): predicted classes from
 * a Softmax output, or labels from one-hot targets.
 *
 * @example
 * ```ts
 * import { argmaxRows } from 'scratchnet';
 * argmaxRows([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]); // [1, 0]
 * ```
 */
export function argmaxRows(m: MatrixLike): number[] {
  const M = toMatrix(m, 'argmaxRows', 'm');
  const d = M.data, c = M.cols;
  const out = new Array<number>(M.rows);
  for (let i = 0; i < M.rows; i++) {
    let best = 0, bv = d[i * c]!;
    for (let j = 1; j < c; j++) {
      if (d[i * c + j]! > bv) {
        bv = d[i * c + j]!;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * The fraction of rows predicted right. With one output column (a Sigmoid), a prediction
 * ≥ 0.5 means class 1; with several, the class is the argmax. `target` is a matrix of the same
 * shape (0/1 column, or one-hot rows) or one label per row (0/1, or class indices).
 *
 * @example
 * ```ts
 * import { accuracy } from 'scratchnet';
 * accuracy([[0.9], [0.2], [0.6]], [1, 0, 0]);                  // 2/3
 * accuracy([[0.1, 0.9], [0.8, 0.2]], [[0, 1], [0, 1]]);         // 0.5
 * accuracy([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [2, 0]);         // 1
 * ```
 */
export function accuracy(pred: MatrixLike, target: MatrixLike | readonly number[] | ArrayLike<number>): number {
  const op = 'accuracy';
  const P = toMatrix(pred, op, 'pred');
  const binary = P.cols === 1;
  const predicted = binary ? Array.from(P.data, (v) => (v >= 0.5 ? 1 : 0)) : argmaxRows(P);
  let truth: ArrayLike<number>;
  if (isLabels(target)) {
    truth = checkLabelArray(target, op, 'target');
    if (truth.length !== P.rows) throw new Error(`${op}: pred has ${P.rows} rows but target has ${truth.length} labels`);
    for (let i = 0; i < truth.length; i++) {
      const v = truth[i]!;
      if (binary ? v !== 0 && v !== 1 : !Number.isInteger(v) || v < 0 || v >= P.cols) {
        throw new Error(
          `${op}: target[${i}] is ${v}, ` +
            (binary ? 'not 0 or 1 (pred has one column: a binary classifier)' : `not a class index 0..${P.cols - 1} of pred's ${P.cols} columns`),
        );
      }
    }
  } else {
    const T = toMatrix(target, op, 'target');
    if (T.rows !== P.rows || T.cols !== P.cols) {
      throw new Error(`${op}: pred is ${P.rows}x${P.cols} but target is ${T.rows}x${T.cols}`);
    }
    truth = binary ? Array.from(T.data, (v) => (v >= 0.5 ? 1 : 0)) : argmaxRows(T);
  }
  let right = 0;
  for (let i = 0; i < P.rows; i++) if (predicted[i] === truth[i]) right++;
  return right / P.rows;
}

// ---------------------------------------------------------------------------------------------
// Scalers
// ---------------------------------------------------------------------------------------------

function checkColumns(op: string, name: string, x: Matrix, cols: number): void {
  if (x.cols !== cols) throw new Error(`${op}: ${name} has ${x.cols} columns, the scaler was fitted on ${cols}`);
}

function finiteArray(op: string, name: string, v: unknown, length?: number): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((e) => typeof e !== 'number' || !Number.isFinite(e))) {
    throw new Error(`${op}: ${name} must be a non-empty array of finite numbers, got ${describe(v)}`);
  }
  if (length !== undefined && v.length !== length) throw new Error(`${op}: ${name} has ${v.length} values, expected ${length}`);
  return [...(v as number[])];
}

/**
 * The JSON form of a fitted {@link StandardScaler}.
 *
 * @example
 * ```ts
 * import { StandardScaler, type StandardScalerJSON } from 'scratchnet';
 * const json: StandardScalerJSON = new StandardScaler().fit([[1], [3]]).toJSON(); // { type: 'StandardScaler', mean: [2], scale: [1] }
 * ```
 */
export interface StandardScalerJSON {
  type: 'StandardScaler';
  mean: number[];
  scale: number[];
}

/**
 * Standardize features: `(x − mean) / std` per column, with the mean and the (population)
 * standard deviation of the data it was fitted on, as scikit-learn's `StandardScaler`. Fit it
 * on the training rows only, then transform both training and test rows. A column that is
 * constant in the training data gets scale 1 (it is only centred).
 *
 * @example
 * ```ts
 * import { StandardScaler } from 'scratchnet';
 * const scaler = new StandardScaler();
 * scaler.fitTransform([[1, 10], [3, 10]]).toArray(); // [[-1, 0], [1, 0]]
 * scaler.transform([[5, 11]]).toArray();              // [[3, 1]]
 * const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
 * ```
 */
export class StandardScaler {
  /** Column means (after `fit`). */
  mean: number[] | null = null;
  /** Column standard deviations, 1 for constant columns (after `fit`). */
  scale: number[] | null = null;

  /**
   * Learn each column's mean and standard deviation (float64).
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[0], [2]]).scale; // [1]
   * ```
   */
  fit(x: MatrixLike): this {
    const X = toMatrix(x, 'StandardScaler.fit', 'x');
    const { rows, cols } = X, d = X.data;
    const mean = new Array<number>(cols).fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += d[i * cols + j]!;
    for (let j = 0; j < cols; j++) mean[j]! /= rows;
    const sq = new Array<number>(cols).fill(0);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const t = d[i * cols + j]! - mean[j]!;
        sq[j]! += t * t;
      }
    }
    this.mean = mean;
    this.scale = sq.map((s) => {
      const std = Math.sqrt(s / rows);
      return std > 0 ? std : 1;
    });
    return this;
  }

  /**
   * `(x − mean) / scale`, a new Matrix. Throws before `fit` or on a different column count.
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[0], [2]]).transform([[4]]).toArray(); // [[3]]
   * ```
   */
  transform(x: MatrixLike): Matrix {
    const op = 'StandardScaler.transform';
    const [mean, scale] = this.fitted(op);
    const X = toMatrix(x, op, 'x');
    checkColumns(op, 'x', X, mean.length);
    const cols = X.cols, d = X.data, out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = (d[i]! - mean[i % cols]!) / scale[i % cols]!;
    return new Matrix(X.rows, cols, out);
  }

  /**
   * `fit(x)` then `transform(x)`.
   *
   * @example
   * ```ts
   * new StandardScaler().fitTransform([[1], [3]]).toArray(); // [[-1], [1]]
   * ```
   */
  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  /**
   * Undo `transform`: `x · scale + mean`.
   *
   * @example
   * ```ts
   * const s = new StandardScaler().fit([[1], [3]]);
   * s.inverseTransform(s.transform([[7]])).toArray(); // [[7]]
   * ```
   */
  inverseTransform(x: MatrixLike): Matrix {
    const op = 'StandardScaler.inverseTransform';
    const [mean, scale] = this.fitted(op);
    const X = toMatrix(x, op, 'x');
    checkColumns(op, 'x', X, mean.length);
    const cols = X.cols, d = X.data, out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i]! * scale[i % cols]! + mean[i % cols]!;
    return new Matrix(X.rows, cols, out);
  }

  /**
   * The fitted parameters, for `JSON.stringify`.
   *
   * @example
   * ```ts
   * new StandardScaler().fit([[1], [3]]).toJSON(); // { type: 'StandardScaler', mean: [2], scale: [1] }
   * ```
   */
  toJSON(): StandardScalerJSON {
    const [mean, scale] = this.fitted('StandardScaler.toJSON');
    return { type: 'StandardScaler', mean: [...mean], scale: [...scale] };
  }

  /**
   * A fitted scaler from `toJSON()`'s output (validated).
   *
   * @example
   * ```ts
   * StandardScaler.fromJSON({ type: 'StandardScaler', mean: [2], scale: [1] }).transform([[3]]).toArray(); // [[1]]
   * ```
   */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const op = 'StandardScaler.fromJSON';
    if (json === null || typeof json !== 'object' || json.type !== 'StandardScaler') {
      throw new Error(`${op}: expected an object with type 'StandardScaler', got ${describe(json)}`);
    }
    const mean = finiteArray(op, 'mean', json.mean);
    const scale = finiteArray(op, 'scale', json.scale, mean.length);
    scale.forEach((s, j) => {
      if (!(s > 0)) throw new Error(`${op}: scale[${j}] is ${s}, must be > 0`);
    });
    const s = new StandardScaler();
    s.mean = mean;
    s.scale = scale;
    return s;
  }

  private fitted(op: string): [number[], number[]] {
    if (!this.mean || !this.scale) throw new Error(`${op}: the scaler is not fitted; call fit(xTrain) first`);
    return [this.mean, this.scale];
  }
}

/**
 * The JSON form of a fitted {@link MinMaxScaler}.
 *
 * @example
 * ```ts
 * import { MinMaxScaler, type MinMaxScalerJSON } from 'scratchnet';
 * const json: MinMaxScalerJSON = new MinMaxScaler().fit([[1], [3]]).toJSON(); // { type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: [3] }
 * ```
 */
export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  featureRange: [number, number];
  dataMin: number[];
  dataMax: number[];
}

/**
 * Rescale features linearly so that each column's training minimum and maximum map to
 * `featureRange` (default `[0, 1]`), as scikit-learn's `MinMaxScaler`. Test values outside the
 * training range land outside `featureRange` (they are not clipped). A constant column maps to
 * the range's lower end.
 *
 * @example
 * ```ts
 * import { MinMaxScaler } from 'scratchnet';
 * const scaler = new MinMaxScaler();
 * scaler.fitTransform([[0, 5], [10, 5]]).toArray(); // [[0, 0], [1, 0]]
 * scaler.transform([[5, 6]]).toArray();              // [[0.5, 1]]
 * new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform([[0], [4]]).toArray(); // [[-1], [1]]
 * ```
 */
export class MinMaxScaler {
  /** The target range. */
  readonly featureRange: [number, number];
  /** Column minima and maxima of the data it was fitted on. */
  dataMin: number[] | null = null;
  dataMax: number[] | null = null;

  constructor(options: { featureRange?: readonly [number, number] } = {}) {
    const op = 'MinMaxScaler';
    const r = options.featureRange ?? [0, 1];
    if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(r[0]! < r[1]!)) {
      throw new Error(`${op}: featureRange must be [min, max] with finite min < max, got ${JSON.stringify(r)}`);
    }
    this.featureRange = [r[0]!, r[1]!];
  }

  /**
   * Learn each column's minimum and maximum.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[1], [3]]).dataMax; // [3]
   * ```
   */
  fit(x: MatrixLike): this {
    const X = toMatrix(x, 'MinMaxScaler.fit', 'x');
    const { rows, cols } = X, d = X.data;
    const lo = new Array<number>(cols).fill(Infinity), hi = new Array<number>(cols).fill(-Infinity);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = d[i * cols + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    this.dataMin = lo;
    this.dataMax = hi;
    return this;
  }

  /**
   * Map each column from [dataMin, dataMax] to `featureRange`, a new Matrix.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[0], [10]]).transform([[2.5]]).toArray(); // [[0.25]]
   * ```
   */
  transform(x: MatrixLike): Matrix {
    const op = 'MinMaxScaler.transform';
    const [scale, shift] = this.affine(op);
    const X = toMatrix(x, op, 'x');
    checkColumns(op, 'x', X, scale.length);
    const cols = X.cols, d = X.data, out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = d[i]! * scale[i % cols]! + shift[i % cols]!;
    return new Matrix(X.rows, cols, out);
  }

  /**
   * `fit(x)` then `transform(x)`.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fitTransform([[2], [4], [3]]).toArray(); // [[0], [1], [0.5]]
   * ```
   */
  fitTransform(x: MatrixLike): Matrix {
    return this.fit(x).transform(x);
  }

  /**
   * Undo `transform`.
   *
   * @example
   * ```ts
   * const s = new MinMaxScaler().fit([[2], [4]]);
   * s.inverseTransform([[0.5]]).toArray(); // [[3]]
   * ```
   */
  inverseTransform(x: MatrixLike): Matrix {
    const op = 'MinMaxScaler.inverseTransform';
    const [scale, shift] = this.affine(op);
    const X = toMatrix(x, op, 'x');
    checkColumns(op, 'x', X, scale.length);
    const cols = X.cols, d = X.data, out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = (d[i]! - shift[i % cols]!) / scale[i % cols]!;
    return new Matrix(X.rows, cols, out);
  }

  /**
   * The fitted parameters, for `JSON.stringify`.
   *
   * @example
   * ```ts
   * new MinMaxScaler().fit([[1], [3]]).toJSON(); // { type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: [3] }
   * ```
   */
  toJSON(): MinMaxScalerJSON {
    if (!this.dataMin || !this.dataMax) throw new Error('MinMaxScaler.toJSON: the scaler is not fitted; call fit(xTrain) first');
    return { type: 'MinMaxScaler', featureRange: [...this.featureRange], dataMin: [...this.dataMin], dataMax: [...this.dataMax] };
  }

  /**
   * A fitted scaler from `toJSON()`'s output (validated).
   *
   * @example
   * ```ts
   * const s = MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0], dataMax: [2] });
   * s.transform([[1]]).toArray(); // [[0.5]]
   * ```
   */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const op = 'MinMaxScaler.fromJSON';
    if (json === null || typeof json !== 'object' || json.type !== 'MinMaxScaler') {
      throw new Error(`${op}: expected an object with type 'MinMaxScaler', got ${describe(json)}`);
    }
    const dataMin = finiteArray(op, 'dataMin', json.dataMin);
    const dataMax = finiteArray(op, 'dataMax', json.dataMax, dataMin.length);
    dataMin.forEach((lo, j) => {
      if (lo > dataMax[j]!) throw new Error(`${op}: dataMin[${j}] = ${lo} is greater than dataMax[${j}] = ${dataMax[j]}`);
    });
    const s = new MinMaxScaler({ featureRange: json.featureRange });
    s.dataMin = dataMin;
    s.dataMax = dataMax;
    return s;
  }

  /** Per column: x·scale + shift. */
  private affine(op: string): [number[], number[]] {
    if (!this.dataMin || !this.dataMax) throw new Error(`${op}: the scaler is not fitted; call fit(xTrain) first`);
    const [a, b] = this.featureRange;
    const scale = this.dataMin.map((lo, j) => {
      const range = this.dataMax![j]! - lo;
      return (b - a) / (range > 0 ? range : 1);
    });
    const shift = this.dataMin.map((lo, j) => a - lo * scale[j]!);
    return [scale, shift];
  }
}

// ---------------------------------------------------------------------------------------------
// Train/test split
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link trainTestSplit}.
 *
 * @example
 * ```ts
 * import { trainTestSplit, type SplitOptions } from 'scratchnet';
 * const options: SplitOptions = { testFraction: 0.25, seed: 42, stratify: true };
 * trainTestSplit([[0], [1], [2], [3], [4], [5], [6], [7]], [0, 0, 0, 0, 1, 1, 1, 1], options).yTest.length; // 2
 * ```
 */
export interface SplitOptions {
  /** The fraction of rows held out for testing, in (0, 1): `ceil(testFraction · n)` rows (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffle (a NumPy-compatible `RandomState`, default 0). */
  seed?: number;
  /**
   * Keep each class's share of rows in both parts (default false). The classes are `y`'s labels,
   * the argmax of one-hot rows, or the value of a one-column `y`.
   */
  stratify?: boolean;
}

/**
 * What {@link trainTestSplit} returns: `y` parts have the type `y` was given in.
 *
 * @example
 * ```ts
 * import { trainTestSplit, type Split } from 'scratchnet';
 * const split: Split<number[]> = trainTestSplit([[0], [1], [2], [3], [4]], [0, 1, 0, 1, 0]);
 * split.xTest.rows; // 1
 * ```
 */
export interface Split<Y> {
  xTrain: Matrix;
  yTrain: Y;
  xTest: Matrix;
  yTest: Y;
}

function takeRows(m: Matrix, rows: readonly number[]): Matrix {
  const c = m.cols, d = m.data, out = new Float32Array(rows.length * c);
  rows.forEach((r, i) => out.set(d.subarray(r * c, (r + 1) * c), i * c));
  return new Matrix(rows.length, c, out);
}

/**
 * Split rows into a shuffled training part and a held-out test part, seeded (the same seed gives
 * the same split), optionally stratified by class. `y` is labels (`number[]`, returned as
 * `number[]`) or a matrix (one-hot or a column; returned as `Matrix`).
 *
 * @example
 * ```ts
 * import { trainTestSplit } from 'scratchnet';
 * const x = [[0], [1], [2], [3], [4], [5], [6], [7], [8], [9]];
 * const y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
 * const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.2, seed: 1, stratify: true });
 * xTrain.rows; // 8
 * yTest;       // one 0 and one 1, in some order
 * ```
 */
export function trainTestSplit(x: MatrixLike, y: readonly number[], options?: SplitOptions): Split<number[]>;
export function trainTestSplit(x: MatrixLike, y: MatrixLike, options?: SplitOptions): Split<Matrix>;
export function trainTestSplit(
  x: MatrixLike,
  y: MatrixLike | readonly number[],
  options: SplitOptions = {},
): Split<number[]> | Split<Matrix> {
  const op = 'trainTestSplit';
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object`);
  const X = toMatrix(x, op, 'x');
  const n = X.rows;
  const yLabels = isLabels(y) ? Array.from(checkLabelArray(y, op, 'y')) : null;
  const Y = yLabels ? null : toMatrix(y, op, 'y');
  const ny = yLabels ? yLabels.length : Y!.rows;
  if (ny !== n) throw new Error(`${op}: x has ${n} rows but y has ${ny}`);
  const testFraction = options.testFraction ?? 0.2;
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new Error(`${op}: testFraction must be a number in (0, 1), got ${describe(testFraction)}`);
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`${op}: seed must be an integer in [0, 2^32 - 1], got ${describe(seed)}`);
  }
  const stratify = options.stratify ?? false;
  if (typeof stratify !== 'boolean') throw new Error(`${op}: stratify must be true or false, got ${describe(stratify)}`);
  const nTest = Math.ceil(testFraction * n - 1e-9);
  if (nTest < 1 || nTest > n - 1) {
    throw new Error(`${op}: testFraction ${testFraction} of ${n} rows leaves ${nTest} test and ${n - nTest} training rows; both need at least 1`);
  }
  const rng = new RandomState(seed);
  let test: number[], train: number[];
  if (!stratify) {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    test = order.slice(0, nTest);
    train = order.slice(nTest);
  } else {
    const keys = yLabels ?? (Y!.cols > 1 ? argmaxRows(Y!) : Array.from(Y!.data));
    const byClass = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const list = byClass.get(k);
      if (list) list.push(i);
      else byClass.set(k, [i]);
    });
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    for (const c of classes) {
      const count = byClass.get(c)!.length;
      if (count < 2) throw new Error(`${op}: stratify needs at least 2 rows of every class; class ${c} has ${count}`);
    }
    if (nTest < classes.length || n - nTest < classes.length) {
      throw new Error(
        `${op}: stratify needs at least one row of each of the ${classes.length} classes in both parts; ` +
          `${nTest} test and ${n - nTest} training rows are too few`,
      );
    }
    // Test rows per class: proportional, the remainder to the largest fractional parts (then to
    // the larger classes), at least 1 and at most count − 1 for every class.
    const share = classes.map((c) => (byClass.get(c)!.length * nTest) / n);
    const quota = share.map((s, i) => Math.min(Math.max(Math.floor(s), 1), byClass.get(classes[i]!)!.length - 1));
    let left = nTest - quota.reduce((a, b) => a + b, 0);
    const rank = classes.map((_, i) => i).sort((a, b) => share[b]! - Math.floor(share[b]!) - (share[a]! - Math.floor(share[a]!)) || share[b]! - share[a]! || a - b);
    while (left !== 0) {
      let moved = false;
      for (const i of left > 0 ? rank : [...rank].reverse()) {
        if (left === 0) break;
        const count = byClass.get(classes[i]!)!.length;
        if (left > 0 && quota[i]! < count - 1) {
          quota[i]!++;
          left--;
          moved = true;
        } else if (left < 0 && quota[i]! > 1) {
          quota[i]!--;
          left++;
          moved = true;
        }
      }
      if (!moved) throw new Error(`${op}: cannot stratify ${n} rows into ${nTest} test rows`);
    }
    test = [];
    train = [];
    classes.forEach((c, i) => {
      const rows = rng.shuffle([...byClass.get(c)!]);
      test.push(...rows.slice(0, quota[i]));
      train.push(...rows.slice(quota[i]));
    });
    rng.shuffle(test);
    rng.shuffle(train);
  }
  const xTrain = takeRows(X, train), xTest = takeRows(X, test);
  if (yLabels) return { xTrain, yTrain: train.map((i) => yLabels[i]!), xTest, yTest: test.map((i) => yLabels[i]!) };
  return { xTrain, yTrain: takeRows(Y!, train), xTest, yTest: takeRows(Y!, test) };
}
