// The IDX format of MNIST (src/data/idx.ts): every element type, bad headers and lengths,
// gzip-compressed files checked as they inflate (decompression bombs).
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idxToMatrix, loadIdx, parseIdx } from '../../src/data/idx.js';
import { countingDecompression, idx } from '../support/data-fixtures.js';
import { namedError } from '../support/named-error.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('IDX', () => {
  it('parses a hand-built MNIST-like file (ubyte images)', () => {
    // two 2x3 "images": magic 0x00000803, dims 2, 2, 3
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60]);
    const r = parseIdx(bytes);
    expect(r.shape).toEqual([2, 2, 3]);
    expect(r.type).toBe('ubyte');
    expect(r.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 60]);
    expect(r.data.buffer).not.toBe(bytes.buffer); // a copy
    const m = idxToMatrix(r, 1 / 255);
    expect(m.shape).toEqual([2, 6]);
    expect(m.get(0, 5)).toBe(1);
    expect(m.get(1, 0)).toBeCloseTo(10 / 255, 7);
    // labels file: 1 dimension
    const labels = parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]));
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, 2, 1]);
    expect(idxToMatrix(labels).toArray()).toEqual([[7], [2], [1]]);
  });

  it('reads every element type big-endian', () => {
    const cases: [number, string, Function, number[]][] = [
      [0x09, 'byte', Int8Array, [-128, -1, 0, 127]],
      [0x0b, 'short', Int16Array, [-32768, -2, 258, 32767]],
      [0x0c, 'int', Int32Array, [-2147483648, -3, 16909060, 2147483647]],
      [0x0d, 'float', Float32Array, [-1.5, 0, Math.fround(0.1), 3.4e38].map(Math.fround)],
      [0x0e, 'double', Float64Array, [-1.5, 0, 0.1, 1e300]],
    ];
    for (const [code, type, ctor, values] of cases) {
      const r = parseIdx(idx(code, [2, 2], values));
      expect(r.type).toBe(type);
      expect(r.shape).toEqual([2, 2]);
      expect(r.data).toBeInstanceOf(ctor);
      expect(Array.from(r.data)).toEqual(values);
    }
    // big-endian: 0x0102 is 258, not 513
    expect(Array.from(parseIdx(new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 1, 1, 2])).data)).toEqual([258]);
    // an ArrayBuffer, and a view at an offset
    const file = idx(0x0c, [3], [1, -2, 3]);
    expect(Array.from(parseIdx(file.slice().buffer).data)).toEqual([1, -2, 3]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseIdx(padded.subarray(3)).data)).toEqual([1, -2, 3]);
  });

  it('rejects bad magic numbers, dimensions and lengths', () => {
    expect(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]))).toThrow(
      'parseIdx: bad magic number: an IDX file starts with 00 00, got 0x01 0x00',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]))).toThrow('parseIdx: unknown element type 0x0a');
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).toThrow('parseIdx: the file has 0 dimensions');
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow('parseIdx: 3 bytes is too short for an IDX file');
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]))).toThrow(
      'parseIdx: 10 bytes is too short for the header of a 3-dimensional file (16 bytes)',
    );
    const short = idx(0x0b, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(short.subarray(0, short.length - 1))).toThrow(
      'parseIdx: dimensions [2, 3] of short (2 bytes each) need 24 bytes, the file has 23 (truncated?)',
    );
    const long = new Uint8Array(short.length + 1);
    long.set(short);
    expect(() => parseIdx(long)).toThrow('parseIdx: dimensions [2, 3] of short (2 bytes each) need 24 bytes, the file has 25');
    expect(() => parseIdx(gzipSync(short))).toThrow('parseIdx: the bytes are gzip-compressed; use loadIdx(), or gunzip() first');
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow('parseIdx: bytes must be a Uint8Array or an ArrayBuffer');
    expect(() => idxToMatrix({ shape: [2, 0], type: 'ubyte', data: new Uint8Array(0) })).toThrow('idxToMatrix: shape [2, 0] has no values');
  });

  it('loadIdx gunzips when the gzip magic is there', async () => {
    const file = idx(0x0d, [2, 1, 2], [0.5, -1, 2, 4]);
    for (const bytes of [file, gzipSync(file)]) {
      const r = await loadIdx(bytes);
      expect(r.shape).toEqual([2, 1, 2]);
      expect(Array.from(r.data)).toEqual([0.5, -1, 2, 4]);
    }
  });
});

describe('loadIdx: the header is judged as soon as it is inflated', () => {
  /** An IDX header declaring `shape` of ubyte, followed by `bytes` zeros, gzip'd. */
  const gzIdx = (shape: number[], bytes: number): Uint8Array => {
    const head = idx(0x08, shape, []);
    const file = new Uint8Array(head.length + bytes);
    file.set(head);
    return gzipSync(file);
  };

  it('a header declaring more than maxBytes stops the decompression at once', async () => {
    // declares 1 GiB, holds 16 MiB of zeros (16 KiB of gzip)
    const bomb = gzIdx([2 ** 15, 2 ** 15], 16 * 2 ** 20);
    const counter = countingDecompression(vi.stubGlobal);
    await namedError(
      () => loadIdx(bomb),
      'loadIdx: the IDX header declares dimensions [32768, 32768] of ubyte, 1073741836 bytes, more than maxBytes = 536870912',
    );
    expect(counter.produced()).toBeLessThan(2 ** 20);
    vi.unstubAllGlobals();
    // through node:zlib too, and with a small maxBytes for a small file
    vi.stubGlobal('DecompressionStream', undefined);
    await namedError(() => loadIdx(bomb), 'more than maxBytes = 536870912');
    await namedError(() => loadIdx(gzipSync(idx(0x0b, [2, 3], [1, 2, 3, 4, 5, 6])), { maxBytes: 20 }), 'short, 24 bytes, more than maxBytes = 20');
  });

  it('a header declaring more than 2 GiB is refused, compressed or not', async () => {
    await namedError(() => loadIdx(gzIdx([2 ** 16, 2 ** 16], 1000)), 'loadIdx: dimensions [65536, 65536] of ubyte need 4294967296 bytes, more than the 2147483648 (2 GiB)');
    expect(() => parseIdx(idx(0x0e, [2 ** 28, 2], []))).toThrow('parseIdx: dimensions [268435456, 2] of double need 4294967296 bytes');
  });

  it('more data than the header declares stops the decompression early', async () => {
    const counter = countingDecompression(vi.stubGlobal);
    await namedError(() => loadIdx(gzIdx([3], 16 * 2 ** 20)), 'loadIdx: dimensions [3] of ubyte need 11 bytes, the inflated file has more');
    expect(counter.produced()).toBeLessThan(2 ** 20);
  });

  it('a bad magic number is reported from the first inflated bytes', async () => {
    const file = new Uint8Array(8 * 2 ** 20);
    file[0] = 7;
    const counter = countingDecompression(vi.stubGlobal);
    await namedError(() => loadIdx(gzipSync(file)), 'loadIdx: bad magic number: an IDX file starts with 00 00, got 0x07 0x00');
    expect(counter.produced()).toBeLessThan(2 ** 20);
  });

  it('checks options and bytes', async () => {
    await namedError(() => loadIdx(idx(0x08, [1], [5]), { maxBytes: 0 }), 'loadIdx: options.maxBytes must be an integer');
    await namedError(() => loadIdx('abc' as never), 'loadIdx: bytes must be a Uint8Array or an ArrayBuffer');
    // a truncated compressed file: the header's length check after inflating
    await namedError(() => loadIdx(gzipSync(idx(0x08, [5], [1, 2, 3]))), 'loadIdx: dimensions [5] of ubyte (1 byte each) need 13 bytes, the file has 11 (truncated?)');
    // errors name loadIdx for uncompressed bytes too
    await namedError(() => loadIdx(idx(0x08, [5], [1, 2, 3])), 'loadIdx: dimensions [5] of ubyte (1 byte each) need 13 bytes, the file has 11 (truncated?)');
  });

  it('dimensions whose product overflows to Infinity, then a 0: 0 values, not NaN, so the data after the header is refused at once', async () => {
    // 33 × 0xFFFFFFFF then 0: Infinity × 0 was NaN, which passed every size check, and the whole
    // bomb was inflated despite maxBytes: 1000
    const shape = [...Array<number>(33).fill(0xffffffff), 0];
    const counter = countingDecompression(vi.stubGlobal);
    await namedError(
      () => loadIdx(gzIdx(shape, 16 * 2 ** 20), { maxBytes: 1000 }),
      'loadIdx: dimensions [4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, … (34 dimensions)] of ubyte need 140 bytes, the inflated file has more',
    );
    expect(counter.produced()).toBeLessThan(2 ** 20);
    // the header alone is a valid empty array, which idxToMatrix refuses by name
    const empty = parseIdx(idx(0x08, shape, []));
    expect(empty.shape).toEqual(shape);
    expect(empty.data).toEqual(new Uint8Array(0));
    await namedError(() => idxToMatrix(empty), 'idxToMatrix: shape [4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, … (34 dimensions)] has no values');
  });

  it('255 dimensions of 0xFFFFFFFF (a product past float64) are refused by name, before inflating', async () => {
    const shape = Array<number>(255).fill(0xffffffff);
    const message = 'dimensions [4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, 4294967295, … (255 dimensions)] of double need more than the 2147483648 (2 GiB) an IDX file may hold';
    expect(() => parseIdx(idx(0x0e, shape, []))).toThrow(`parseIdx: ${message}`);
    const counter = countingDecompression(vi.stubGlobal);
    const file = new Uint8Array(4 + 4 * 255 + 16 * 2 ** 20);
    file.set(idx(0x0e, shape, []));
    await namedError(() => loadIdx(gzipSync(file)), `loadIdx: ${message}`);
    expect(counter.produced()).toBeLessThan(2 ** 20);
    // exactly at the cap's edge the exact size is shown
    expect(() => parseIdx(idx(0x08, [2 ** 16, 2 ** 15, 2], []))).toThrow('parseIdx: dimensions [65536, 32768, 2] of ubyte need 4294967296 bytes, more than the 2147483648 (2 GiB)');
  });
});

describe('idxToMatrix: what parseIdx returns, checked', () => {
  it('rejects shapes and data that parseIdx never returns', async () => {
    await namedError(() => idxToMatrix({ shape: [1.5, 2], type: 'ubyte', data: new Uint8Array(3) }), 'idxToMatrix: idx.shape [1.5, 2] must hold integers >= 0');
    await namedError(() => idxToMatrix({ shape: [], type: 'ubyte', data: new Uint8Array(0) }), 'idxToMatrix: idx.shape must be a non-empty array');
    await namedError(() => idxToMatrix({ shape: [1], type: 'int', data: new BigInt64Array(1) as never }), 'idxToMatrix: idx.data[0] is 0n (a bigint), not a number');
    await namedError(() => idxToMatrix({ shape: [1], type: 'int', data: new DataView(new ArrayBuffer(1)) as never }), 'idxToMatrix: idx must be what parseIdx() returns');
  });
});

describe('loadIdx: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => loadIdx(new Uint8Array(8), { max: 1 } as never), 'loadIdx: unknown option "max" (known: maxBytes)');
  });
});
