// The real data sets in test/fixtures/ (see its README), parsed once per test file that needs
// them, and small helpers the data tests share.
import { readFileSync } from 'node:fs';
import { parseCsv, type CsvData } from '../../src/data/csv.js';
import { gunzip } from '../../src/data/gzip.js';

/** The bytes of test/fixtures/<name>. */
export const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** digits (1797 8x8 images, 10 classes), iris (150 flowers, 3 classes), breast cancer (569, binary). */
export async function realData(): Promise<{ digits: CsvData; iris: CsvData; cancer: CsvData }> {
  return {
    digits: parseCsv(new TextDecoder().decode(await gunzip(fixture('digits.csv.gz')))),
    iris: parseCsv(fixture('iris.csv').toString('utf8')),
    cancer: parseCsv(fixture('breast_cancer.csv').toString('utf8')),
  };
}

/** How many times each label occurs. */
export const counts = (labels: readonly number[]): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
};

/** An IDX file: magic 00 00 type ndim, big-endian uint32 dims, big-endian values. */
export function idx(typeCode: number, shape: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[typeCode]!;
  const buf = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const v = new DataView(buf.buffer);
  buf.set([0, 0, typeCode, shape.length]);
  shape.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const at = 4 + 4 * shape.length;
  values.forEach((x, i) => {
    const o = at + size * i;
    if (typeCode === 0x08) v.setUint8(o, x);
    else if (typeCode === 0x09) v.setInt8(o, x);
    else if (typeCode === 0x0b) v.setInt16(o, x, false);
    else if (typeCode === 0x0c) v.setInt32(o, x, false);
    else if (typeCode === 0x0d) v.setFloat32(o, x, false);
    else v.setFloat64(o, x, false);
  });
  return buf;
}

/**
 * Replace the global DecompressionStream by one that counts the bytes it hands out, to show
 * that decompression stops early. Undo with `vi.unstubAllGlobals()`.
 */
export function countingDecompression(stub: (name: string, value: unknown) => void): { produced: () => number } {
  const Real = globalThis.DecompressionStream;
  let produced = 0;
  class Counting {
    readable: ReadableStream<Uint8Array>;
    writable: WritableStream<Uint8Array>;
    constructor(format: CompressionFormat) {
      const ds = new Real(format);
      this.writable = ds.writable as WritableStream<Uint8Array>;
      this.readable = (ds.readable as ReadableStream<Uint8Array>).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            produced += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
    }
  }
  stub('DecompressionStream', Counting);
  return { produced: () => produced };
}
