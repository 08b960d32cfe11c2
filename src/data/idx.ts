/**
 * The IDX format of MNIST (`train-images-idx3-ubyte` and friends), plain or gzip-compressed. A
 * compressed file is checked as it inflates: its header's declared size is judged as soon as the
 * header is out, before the rest is inflated.
 *
 * @module
 */
import { Matrix } from '../core/matrix.js';
import { describe, finiteArray } from '../core/validate.js';
import { concat, inflate, isGzip, maxBytesOption, toBytes, type GunzipOptions } from './gzip.js';

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

/** The most bytes of values an IDX file may declare: 2 GiB. */
const MAX_IDX_BYTES = 2 ** 31;

type IdxArray = IdxData['data'];
type IdxArrayType = { new (n: number): IdxArray; new (buffer: ArrayBuffer): IdxArray };

/** Per magic byte: the type, its size in bytes, its array, and how to read one big-endian value. */
const IDX_TYPES: Record<number, [IdxType, number, IdxArrayType, (v: DataView, at: number) => number]> = {
  0x08: ['ubyte', 1, Uint8Array, (v, at) => v.getUint8(at)],
  0x09: ['byte', 1, Int8Array, (v, at) => v.getInt8(at)],
  0x0b: ['short', 2, Int16Array, (v, at) => v.getInt16(at, false)],
  0x0c: ['int', 4, Int32Array, (v, at) => v.getInt32(at, false)],
  0x0d: ['float', 4, Float32Array, (v, at) => v.getFloat32(at, false)],
  0x0e: ['double', 8, Float64Array, (v, at) => v.getFloat64(at, false)],
};

interface IdxHeader {
  type: IdxType;
  /** Bytes per value. */
  size: number;
  array: IdxArrayType;
  read: (v: DataView, at: number) => number;
  shape: number[];
  /** Number of values. */
  count: number;
  headerBytes: number;
  /** Header plus values: the length of the whole file. */
  expected: number;
}

/**
 * The header of an IDX file, checked; `null` while `b` is too short to hold it (unless
 * `complete`, when a short file is an Error).
 */
function idxHeader(op: string, b: Uint8Array, complete: boolean): IdxHeader | null {
  const hex = (v: number): string => '0x' + v.toString(16).padStart(2, '0');
  if (b.length >= 2 && (b[0] !== 0 || b[1] !== 0)) {
    throw new Error(`${op}: bad magic number: an IDX file starts with 00 00, got ${hex(b[0]!)} ${hex(b[1]!)}`);
  }
  if (b.length < 4) {
    if (!complete) return null;
    throw new Error(`${op}: ${b.length} bytes is too short for an IDX file (a 4-byte magic number, then dimensions)`);
  }
  const t = IDX_TYPES[b[2]!];
  if (!t) throw new Error(`${op}: unknown element type ${hex(b[2]!)} (expected 0x08 ubyte, 0x09 byte, 0x0b short, 0x0c int, 0x0d float or 0x0e double)`);
  const [type, size, array, read] = t;
  const ndim = b[3]!;
  if (ndim < 1) throw new Error(`${op}: the file has 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (b.length < headerBytes) {
    if (!complete) return null;
    throw new Error(`${op}: ${b.length} bytes is too short for the header of a ${ndim}-dimensional file (${headerBytes} bytes)`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  // The product of up to 255 uint32s can overflow to Infinity (and Infinity × 0 is NaN, which
  // passes every size check): a dimension of 0 means no values; otherwise stop multiplying once
  // past the 2 GiB cap, so `count` stays a finite lower bound.
  let count = 1, zero = false, partial = false;
  for (let d = 0; d < ndim; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    if (dim === 0) zero = true;
    else if (count * size <= MAX_IDX_BYTES) count *= dim;
    else partial = true;
  }
  if (zero) count = 0;
  if (count * size > MAX_IDX_BYTES) {
    const need = partial || !Number.isSafeInteger(count * size) ? '' : `${count * size} bytes, `;
    throw new Error(`${op}: dimensions ${shapeText(shape)} of ${type} need ${need}more than the ${MAX_IDX_BYTES} (2 GiB) an IDX file may hold`);
  }
  return { type, size, array, read, shape, count, headerBytes, expected: headerBytes + count * size };
}

/** Dimensions for a message: `[2, 3]`, or the first 8 and the count when there are more. */
function shapeText(shape: readonly number[]): string {
  return shape.length <= 8 ? `[${shape.join(', ')}]` : `[${shape.slice(0, 8).join(', ')}, … (${shape.length} dimensions)]`;
}

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
  return parseIdxAs('parseIdx', toBytes(bytes, 'parseIdx'));
}

/** {@link parseIdx}, its errors naming `op` (`loadIdx` when called through it). */
function parseIdxAs(op: string, b: Uint8Array): IdxData {
  if (isGzip(b)) throw new Error(`${op}: the bytes are gzip-compressed; use loadIdx(), or gunzip() first`);
  const h = idxHeader(op, b, true)!;
  const { shape, type, size, count, expected, headerBytes } = h;
  if (b.length !== expected) {
    throw new Error(
      `${op}: dimensions ${shapeText(shape)} of ${type} (${size} byte${size > 1 ? 's' : ''} each) need ${expected} bytes, ` +
        `the file has ${b.length}${b.length < expected ? ' (truncated?)' : ''}`,
    );
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let data: IdxArray;
  if (size === 1) data = new h.array(b.slice(headerBytes, expected).buffer); // a copy, no byte order
  else {
    data = new h.array(count);
    for (let i = 0; i < count; i++) data[i] = h.read(view, headerBytes + size * i);
  }
  return { shape, type, data };
}

/**
 * Parse an IDX file that may be gzip-compressed (as MNIST's `*-ubyte.gz` files are): gunzips
 * when the bytes start with the gzip magic number, then {@link parseIdx}. Compressed input is
 * checked as it inflates: a bad magic number, or a header declaring more than `maxBytes`
 * (default 512 MiB) or more bytes than follow, stops the decompression at once.
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
export async function loadIdx(bytes: Uint8Array | ArrayBuffer, options?: GunzipOptions): Promise<IdxData> {
  const op = 'loadIdx';
  const b = toBytes(bytes, op);
  const maxBytes = maxBytesOption(op, options);
  if (!isGzip(b)) return parseIdxAs(op, b);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let header: IdxHeader | null = null;
  await inflate(op, b, (chunk) => {
    chunks.push(chunk);
    total += chunk.length;
    if (!header) {
      if (chunks.length > 1) chunks.splice(0, chunks.length, concat(op, chunks, total));
      header = idxHeader(op, chunks[0]!, false);
      if (header && header.expected > maxBytes) {
        throw new Error(
          `${op}: the IDX header declares dimensions ${shapeText(header.shape)} of ${header.type}, ${header.expected} bytes, ` +
            `more than maxBytes = ${maxBytes}; pass a larger { maxBytes } if the file is trusted`,
        );
      }
    }
    if (header ? total > header.expected : total > maxBytes) {
      throw new Error(
        header
          ? `${op}: dimensions ${shapeText(header.shape)} of ${header.type} need ${header.expected} bytes, the inflated file has more`
          : `${op}: the ${b.length} bytes inflate to more than maxBytes = ${maxBytes}`,
      );
    }
  });
  return parseIdxAs(op, concat(op, chunks, total));
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
  if (idx === null || typeof idx !== 'object' || !Array.isArray(idx.shape) || !ArrayBuffer.isView(idx.data) || idx.data instanceof DataView) {
    throw new Error(`${op}: idx must be what parseIdx() returns, got ${describe(idx)}`);
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`${op}: scale must be a finite number, got ${describe(scale)}`);
  const shape = finiteArray(op, 'idx.shape', idx.shape, { nonEmpty: true });
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${op}: idx.shape ${shapeText(shape)} must hold integers >= 0`);
  const d: ArrayLike<unknown> = idx.data;
  const rows = shape[0]!;
  // a 0 first, so that huge dimensions and a 0 never multiply to Infinity × 0 = NaN
  if (shape.includes(0)) throw new Error(`${op}: shape ${shapeText(shape)} has no values`);
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  if (d.length !== rows * cols) {
    throw new Error(`${op}: shape ${shapeText(shape)} needs ${rows * cols} values, data has ${d.length}`);
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    const x = d[i];
    if (typeof x !== 'number') throw new Error(`${op}: idx.data[${i}] is ${describe(x)}, not a number`);
    const v = Math.fround(x * scale);
    if (!Number.isFinite(v)) throw new Error(`${op}: value ${i} (${x} × ${scale}) is not a finite float32`);
    out[i] = v;
  }
  return new Matrix(rows, cols, out);
}
