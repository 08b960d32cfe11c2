// Data loading and preprocessing (src/data.ts): the CSV and IDX parsers and their errors, gunzip,
// one-hot / argmax / accuracy, the scalers, the split, then real data sets end to end: networks
// trained with scratchnet on digits, iris and breast cancer (test/fixtures/, see its README),
// judged on held-out rows.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { init, Matrix, NeuralNetwork, ReLU, Sigmoid, Softmax } from '../../src/index.js';
import {
  accuracy, argmaxRows, gunzip, idxToMatrix, isGzip, loadIdx, MinMaxScaler, oneHot, parseCsv, parseIdx, StandardScaler,
  trainTestSplit, type CsvData,
} from '../../src/data/csv.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

let digits: CsvData, iris: CsvData, cancer: CsvData;

beforeAll(async () => {
  await init();
  digits = parseCsv(new TextDecoder().decode(await gunzip(fixture('digits.csv.gz'))));
  iris = parseCsv(fixture('iris.csv').toString('utf8'));
  cancer = parseCsv(fixture('breast_cancer.csv').toString('utf8'));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const counts = (labels: readonly number[]): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
};

describe('parseCsv', () => {
  it('reads a header of column names and maps text labels to sorted classes', () => {
    const r = parseCsv('a,b,species\n1,2,cat\n3,4.5,dog\n-5e-1,6,cat\n');
    expect(r.x.shape).toEqual([3, 2]);
    expect(r.x.toArray()).toEqual([[1, 2], [3, 4.5], [-0.5, 6]]);
    expect(r.header).toEqual(['a', 'b', 'species']);
    expect(r.classes).toEqual(['cat', 'dog']);
    expect(r.labels).toEqual([0, 1, 0]);
  });

  it('keeps numeric labels as they are (regression targets too)', () => {
    const r = parseCsv('1,2,0.25\n3,4,7\n', { header: false });
    expect(r.labels).toEqual([0.25, 7]);
    expect(r.classes).toBeUndefined();
    expect(r.header).toBeUndefined();
    // 'auto' sees a line of numbers: data, not a header
    expect(parseCsv('1,2,0.25\n3,4,7\n').x.rows).toBe(2);
  });

  it('handles CRLF, blank lines, spaces, quotes, a byte-order mark', () => {
    const text = '\uFEFF x , "y, quoted" ,label\r\n 1 , 2 ,"a ""b"""\r\n\r\n3,"4",\t"c\r\nd"\r\n\r\n  \r\n';
    const r = parseCsv(text);
    expect(r.header).toEqual(['x', 'y, quoted', 'label']);
    expect(r.x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(r.classes).toEqual(['a "b"', 'c\r\nd']);
    expect(r.labels).toEqual([0, 1]);
    // a lone CR ends a line too
    expect(parseCsv('1,2,0\r3,4,1').x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('takes other delimiters, label columns by index, negative index, name, or none', () => {
    expect(parseCsv('1;2;3\n4;5;6', { delimiter: ';' }).labels).toEqual([3, 6]);
    const tsv = parseCsv('1\t2\t3\n4\t5\t6\n', { delimiter: '\t', labelColumn: 0 });
    expect(tsv.labels).toEqual([1, 4]);
    expect(tsv.x.toArray()).toEqual([[2, 3], [5, 6]]);
    expect(parseCsv('1,2,3\n4,5,6', { labelColumn: -2 }).x.toArray()).toEqual([[1, 3], [4, 6]]);
    const named = parseCsv('y,x1,x2\nb,1,2\na,3,4', { labelColumn: 'y' });
    expect(named.classes).toEqual(['a', 'b']);
    expect(named.labels).toEqual([1, 0]);
    expect(named.x.toArray()).toEqual([[1, 2], [3, 4]]);
    const none = parseCsv('1,2,3\n4,5,6', { labelColumn: null });
    expect(none.x.shape).toEqual([2, 3]);
    expect(none.labels).toEqual([]);
  });

  it('reads an all-numeric header when told to, and maps labels in a given class order', () => {
    const r = parseCsv('10,20,30\n1,2,0\n', { header: true });
    expect(r.header).toEqual(['10', '20', '30']);
    expect(r.x.toArray()).toEqual([[1, 2]]);
    const c = parseCsv('1,cat\n2,dog\n3,cat', { classes: ['dog', 'cat'] });
    expect(c.labels).toEqual([1, 0, 1]);
    expect(c.classes).toEqual(['dog', 'cat']);
    // classes forces class mapping even for numeric-looking labels
    expect(parseCsv('1,7\n2,5', { classes: ['5', '7'] }).labels).toEqual([1, 0]);
  });

  it("reads scikit-learn's n_samples,n_features,class names header, detected or named", () => {
    const text = '3,2,neg,pos\n1,2,0\n3,4,1\n5,6,1\n';
    for (const header of ['auto', 'sklearn'] as const) {
      const r = parseCsv(text, { header });
      expect(r.x.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
      expect(r.labels).toEqual([0, 1, 1]);
      expect(r.classes).toEqual(['neg', 'pos']);
      expect(r.header).toBeUndefined();
    }
    // without class names
    expect(parseCsv('2,2\n1,2,0.5\n3,4,1.5\n').labels).toEqual([0.5, 1.5]);
    // a line of numbers as wide as the data is data, even when it could pass for such a header
    const data = parseCsv('2,2,1\n1,2,0\n3,4,1\n');
    expect(data.x.rows).toBe(3);
    expect(data.labels).toEqual([1, 0, 1]);
    const forced = parseCsv('2,2,9\n1,2,0\n3,4,0\n', { header: 'sklearn' });
    expect(forced.classes).toEqual(['9']);
    expect(forced.x.rows).toBe(2);
  });

  it('parses the real fixtures', () => {
    expect(iris.x.shape).toEqual([150, 4]);
    expect(iris.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(counts(iris.labels)).toEqual({ 0: 50, 1: 50, 2: 50 });
    expect(iris.x.toArray()[0]).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));

    expect(cancer.x.shape).toEqual([569, 30]);
    expect(cancer.classes).toEqual(['malignant', 'benign']);
    expect(counts(cancer.labels)).toEqual({ 0: 212, 1: 357 });
    expect(cancer.x.get(0, 3)).toBe(1001);

    expect(digits.x.shape).toEqual([1797, 64]);
    expect(digits.header).toBeUndefined();
    expect(digits.classes).toBeUndefined();
    expect(new Set(digits.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Math.min(...digits.x.data)).toBe(0);
    expect(Math.max(...digits.x.data)).toBe(16);
    expect(digits.x.data.every((v) => Number.isInteger(v))).toBe(true);
  });

  it('rejects malformed input naming the line and column', () => {
    const bad = ['x,y,z', '1,2,0', '3,4,1', '', '5,6,0', '7,8,1', '9,abc,0'].join('\n');
    expect(() => parseCsv(bad)).toThrow('parseCsv: line 7, column 2: "abc" is not a number');
    const crlf = 'a,b\r\n1,0\r\n\r\n2,0\r\nNaN,1\r\n';
    expect(() => parseCsv(crlf)).toThrow('parseCsv: line 5, column 1: "NaN" is not a number');
    expect(() => parseCsv('1,2,0\n3,4,5,1\n')).toThrow('parseCsv: line 2 has 4 columns, line 1 has 3');
    // a first line mixing numbers and text is bad data, not a header
    expect(() => parseCsv('1,abc,0\n3,4,1\n')).toThrow(
      'parseCsv: line 1, column 2: "abc" is not a number (if line 1 is a header, pass header: true)',
    );
    expect(() => parseCsv('1,2,0\n3,,1\n')).toThrow('parseCsv: line 2, column 2: "" is not a number');
    expect(() => parseCsv('1,2,0\n3,4,\n')).toThrow('parseCsv: line 2, column 3: the label is empty');
    expect(() => parseCsv('1,0x10,0', { header: false })).toThrow('parseCsv: line 1, column 2: "0x10" is not a number');
    expect(() => parseCsv('1,1e39,0', { header: false })).toThrow('parseCsv: line 1, column 2: 1e39 overflows float32');
    expect(() => parseCsv('1,2,0\n3,"4,1\n5,6,0')).toThrow('parseCsv: line 2: a quoted field is never closed');
    expect(() => parseCsv('1,"2"x,0')).toThrow('parseCsv: line 1, column 2: unexpected "x" after a quoted field');
    expect(() => parseCsv('a,b,c\n1,2\n')).toThrow('parseCsv: line 2 has 2 columns, the header on line 1 has 3');
    expect(() => parseCsv('')).toThrow('parseCsv: no data (the text is empty or blank)');
    expect(() => parseCsv('\r\n \n')).toThrow('parseCsv: no data');
    expect(() => parseCsv('a,b,c\n')).toThrow('parseCsv: no data lines after the header on line 1');
    expect(() => parseCsv('1\n2\n')).toThrow('parseCsv: no feature columns');
    expect(() => parseCsv('1,2\n', { labelColumn: 2 })).toThrow('parseCsv: labelColumn 2 is outside the 2 columns of line 1');
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'c' })).toThrow('parseCsv: no column named "c"');
    expect(() => parseCsv('1,2\n', { labelColumn: 'b', header: false })).toThrow('has no header of column names');
    expect(() => parseCsv('1,2\n', { delimiter: ';;' })).toThrow('parseCsv: delimiter must be one character');
    expect(() => parseCsv('1,2\n', { header: 'yes' as never })).toThrow("parseCsv: header must be true, false, 'auto' or 'sklearn'");
    expect(() => parseCsv(42 as never)).toThrow('parseCsv: text must be a string, got 42');
    expect(() => parseCsv('1,cat\n2,cow', { classes: ['cat', 'dog'] })).toThrow(
      'parseCsv: line 2, column 2: label "cow" is not one of options.classes',
    );
  });

  it('checks a scikit-learn header against the data', () => {
    expect(() => parseCsv('4,2,a,b\n1,2,0\n3,4,1\n', { header: 'sklearn' })).toThrow(
      'parseCsv: the scikit-learn header on line 1 announces 4 samples of 2 features, the data has 2 rows of 2 features',
    );
    // detected from its class names: a truncated file is reported, not read as data
    expect(() => parseCsv('4,2,a,b\n1,2,0\n3,4,1\n')).toThrow('announces 4 samples');
    expect(() => parseCsv('2,2,a,b\n1,2,0\n3,4,2\n')).toThrow(
      "parseCsv: line 3, column 3: label 2 is not a class index 0..1 of the header's 2 classes",
    );
    expect(() => parseCsv('x,2,a\n1,2,0\n', { header: 'sklearn' })).toThrow('a scikit-learn header starts with n_samples,n_features');
    // a broken line in a file with such a header is reported where it is
    const broken = fixture('iris.csv').toString('utf8').replace('\n6.4,3.2,4.5,1.5,1', '\n6.4,3.2,4.5,1');
    expect(() => parseCsv(broken)).toThrow(/^parseCsv: line \d+ has 4 columns, line 2 has 5$/);
  });
});

describe('gunzip', () => {
  const payload = new TextEncoder().encode('scratchnet,'.repeat(5000) + 'ü\n');

  it('round-trips node:zlib gzip through DecompressionStream', async () => {
    expect(typeof globalThis.DecompressionStream).toBe('function');
    const gz = gzipSync(payload);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(payload)).toBe(false);
    const out = await gunzip(gz);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out).equals(Buffer.from(payload))).toBe(true);
    // an ArrayBuffer, and an offset view into a larger buffer
    const big = new Uint8Array(gz.length + 7);
    big.set(gz, 7);
    expect((await gunzip(big.subarray(7))).length).toBe(payload.length);
    expect((await gunzip(big.slice(7).buffer)).length).toBe(payload.length);
  });

  it('falls back to node:zlib without DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    expect(globalThis.DecompressionStream).toBeUndefined();
    const out = await gunzip(gzipSync(payload));
    expect(Buffer.from(out).equals(Buffer.from(payload))).toBe(true);
    await expect(gunzip(gzipSync(payload).subarray(0, 40))).rejects.toThrow('gunzip: the 40 bytes are not valid gzip data');
  });

  it('rejects data that is not gzip, or is corrupt', async () => {
    await expect(gunzip(payload)).rejects.toThrow('gunzip: not gzip data: it starts with bytes 73 63, gzip starts with 1f 8b');
    await expect(gunzip(new Uint8Array(0))).rejects.toThrow('gunzip: not gzip data: it starts with nothing (0 bytes)');
    const gz = gzipSync(payload);
    await expect(gunzip(gz.subarray(0, gz.length - 20))).rejects.toThrow(/^gunzip: the \d+ bytes are not valid gzip data/);
    await expect(gunzip('abc' as never)).rejects.toThrow('gunzip: bytes must be a Uint8Array or an ArrayBuffer');
  });
});

/** An IDX file: magic 00 00 type ndim, big-endian uint32 dims, big-endian values. */
function idx(typeCode: number, shape: number[], values: number[]): Uint8Array {
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

describe('oneHot, argmaxRows, accuracy', () => {
  it('one-hot encodes labels', () => {
    const m = oneHot([0, 2, 1, 2]);
    expect(m).toBeInstanceOf(Matrix);
    expect(m.toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]]);
    expect(oneHot([1], 4).toArray()).toEqual([[0, 1, 0, 0]]);
    expect(oneHot(new Uint8Array([1, 0])).shape).toEqual([2, 2]);
    expect(argmaxRows(oneHot(digits.labels))).toEqual(digits.labels);
  });

  it('rejects labels that are not class indices', () => {
    expect(() => oneHot([])).toThrow('oneHot: labels is empty');
    expect(() => oneHot([0, 1.5])).toThrow('oneHot: labels[1] is 1.5, not a class index (an integer >= 0)');
    expect(() => oneHot([0, -1])).toThrow('oneHot: labels[1] is -1, not a class index');
    expect(() => oneHot([0, 3, 1], 3)).toThrow('oneHot: labels[1] is 3, outside 0..2 for 3 classes');
    expect(() => oneHot([0], 0)).toThrow('oneHot: classes must be a positive integer, got 0');
    expect(() => oneHot([0, NaN])).toThrow('oneHot: labels[1] is NaN, not a finite number');
    expect(() => oneHot('012' as never)).toThrow('oneHot: labels must be an array of numbers');
  });

  it('argmax of rows, first on ties', () => {
    expect(argmaxRows([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [1, 1, 0], [-3, -2, -1]])).toEqual([1, 0, 0, 2]);
    expect(argmaxRows(Matrix.from([[4]]))).toEqual([0]);
    expect(() => argmaxRows([])).toThrow('argmaxRows: m is empty (no rows)');
  });

  it('accuracy: binary by a 0.5 threshold, multi-class by argmax, labels or matrices', () => {
    expect(accuracy([[0.9], [0.2], [0.6], [0.5]], [1, 0, 0, 1])).toBe(0.75);
    expect(accuracy([[0.9], [0.2], [0.6]], [[1], [0], [0]])).toBeCloseTo(2 / 3, 12);
    expect(accuracy([[0.1, 0.9], [0.8, 0.2]], [[0, 1], [0, 1]])).toBe(0.5);
    expect(accuracy([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], [2, 0])).toBe(1);
    expect(accuracy(oneHot([2, 0, 1]), new Int32Array([2, 1, 1]))).toBeCloseTo(2 / 3, 12);
  });

  it('accuracy rejects mismatched shapes and impossible labels', () => {
    expect(() => accuracy([[0.1, 0.9]], [1, 0])).toThrow('accuracy: pred has 1 rows but target has 2 labels');
    expect(() => accuracy([[0.1, 0.9]], [[0, 1, 0]])).toThrow('accuracy: pred is 1x2 but target is 1x3');
    expect(() => accuracy([[0.1, 0.9]], [2])).toThrow("accuracy: target[0] is 2, not a class index 0..1 of pred's 2 columns");
    expect(() => accuracy([[0.7]], [3])).toThrow('accuracy: target[0] is 3, not 0 or 1 (pred has one column: a binary classifier)');
    expect(() => accuracy([[NaN]], [1])).toThrow('accuracy: pred[0][0] is NaN, not a finite number');
  });
});

describe('scalers', () => {
  // column 0 varies, column 1 is constant in the training rows
  const xTrain = [[1, 5], [2, 5], [6, 5]];
  const xTest = [[3, 7], [-1, 5]];

  it('StandardScaler: fit on the training rows, transform test rows with their statistics', () => {
    const s = new StandardScaler().fit(xTrain);
    const std = Math.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + (6 - 3) ** 2) / 3); // population std, mean 3
    expect(s.mean).toEqual([3, 5]);
    expect(s.scale![0]).toBeCloseTo(std, 12);
    expect(s.scale![1]).toBe(1); // zero variance -> scale 1
    const t = s.transform(xTest).toArray();
    expect(t[0]![0]).toBeCloseTo(0, 6);
    expect(t[1]![0]).toBeCloseTo(-4 / std, 6);
    expect(t.map((r) => r[1])).toEqual([2, 0]);
    // the training rows come out with mean 0, std 1 in the varying column
    const tr = s.fitTransform(xTrain);
    const col = tr.toArray().map((r) => r[0]!);
    expect(col.reduce((a, b) => a + b) / 3).toBeCloseTo(0, 6);
    expect(Math.sqrt(col.reduce((a, b) => a + b * b, 0) / 3)).toBeCloseTo(1, 6);
    expect(s.inverseTransform(s.transform(xTest)).toArray()).toEqual(xTest);
  });

  it('StandardScaler: JSON round trip and errors', () => {
    const s = new StandardScaler().fit(xTrain);
    const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(copy.transform(xTest).toArray()).toEqual(s.transform(xTest).toArray());
    expect(() => new StandardScaler().transform(xTest)).toThrow('StandardScaler.transform: the scaler is not fitted; call fit(xTrain) first');
    expect(() => new StandardScaler().toJSON()).toThrow('StandardScaler.toJSON: the scaler is not fitted');
    expect(() => s.transform([[1, 2, 3]])).toThrow('StandardScaler.transform: x has 3 columns, the scaler was fitted on 2');
    expect(() => new StandardScaler().fit([[1, NaN]])).toThrow('StandardScaler.fit: x[0][1] is NaN, not a finite number');
    expect(() => StandardScaler.fromJSON({ type: 'MinMaxScaler' } as never)).toThrow(
      "StandardScaler.fromJSON: expected an object with type 'StandardScaler'",
    );
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0, 1], scale: [1] })).toThrow(
      'StandardScaler.fromJSON: scale has 1 values, expected 2',
    );
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], scale: [0] })).toThrow(
      'StandardScaler.fromJSON: scale[0] is 0, must be > 0',
    );
  });

  it('MinMaxScaler: training min/max to the feature range, test rows may land outside', () => {
    const s = new MinMaxScaler().fit(xTrain);
    expect(s.dataMin).toEqual([1, 5]);
    expect(s.dataMax).toEqual([6, 5]);
    const f = s.fitTransform(xTrain).toArray();
    expect(f.map((r) => r[1])).toEqual([0, 0, 0]);
    [0, 0.2, 1].forEach((v, i) => expect(f[i]![0]).toBeCloseTo(v, 6));
    const t = s.transform(xTest).toArray();
    expect(t[0]![0]).toBeCloseTo(0.4, 6);
    expect(t[1]![0]).toBeCloseTo(-0.4, 6);
    expect(t.map((r) => r[1])).toEqual([2, 0]); // constant column: range taken as 1
    const r = new MinMaxScaler({ featureRange: [-1, 1] }).fit(xTrain);
    expect(r.transform([[6, 5], [1, 5]]).toArray()).toEqual([[1, -1], [-1, -1]]);
    expect(r.inverseTransform(r.transform(xTest)).toArray()[0]![0]).toBeCloseTo(3, 6);
    const copy = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(r)));
    expect(copy.featureRange).toEqual([-1, 1]);
    expect(copy.transform(xTest).toArray()).toEqual(r.transform(xTest).toArray());
  });

  it('MinMaxScaler: errors', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow('MinMaxScaler: featureRange must be [min, max] with finite min < max, got [1,1]');
    expect(() => new MinMaxScaler().transform(xTest)).toThrow('MinMaxScaler.transform: the scaler is not fitted');
    expect(() => new MinMaxScaler().fit(xTrain).transform([[1]])).toThrow('MinMaxScaler.transform: x has 1 columns, the scaler was fitted on 2');
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [2], dataMax: [1] })).toThrow(
      'MinMaxScaler.fromJSON: dataMin[0] = 2 is greater than dataMax[0] = 1',
    );
  });

  it('scales real data with training statistics only', () => {
    const { xTrain: tr, xTest: te } = trainTestSplit(cancer.x, cancer.labels, { seed: 3 });
    const s = new StandardScaler().fit(tr);
    const meanOf = (m: Matrix, j: number): number => m.toArray().reduce((a, r) => a + r[j]!, 0) / m.rows;
    const trainT = s.transform(tr), testT = s.transform(te);
    for (let j = 0; j < 30; j++) expect(Math.abs(meanOf(trainT, j))).toBeLessThan(1e-5);
    // the test rows are scaled by the training statistics: their means are near 0, not exactly 0
    const testMeans = Array.from({ length: 30 }, (_, j) => Math.abs(meanOf(testT, j)));
    expect(Math.max(...testMeans)).toBeGreaterThan(1e-3);
    expect(Math.max(...testMeans)).toBeLessThan(0.5);
  });
});

describe('trainTestSplit', () => {
  const n = 50;
  const x = Array.from({ length: n }, (_, i) => [i, i * 10]);
  const y = Array.from({ length: n }, (_, i) => i % 5);

  it('sizes, disjoint parts covering every row, rows kept with their labels', () => {
    const s = trainTestSplit(x, y, { testFraction: 0.3, seed: 7 });
    expect(s.xTest.rows).toBe(15);
    expect(s.xTrain.rows).toBe(35);
    expect(s.yTest.length).toBe(15);
    const ids = [...s.xTrain.toArray(), ...s.xTest.toArray()].map((r) => r[0]!);
    expect(new Set(ids).size).toBe(n);
    s.xTrain.toArray().forEach((r, i) => expect(s.yTrain[i]).toBe(r[0]! % 5));
    s.xTest.toArray().forEach((r, i) => expect(s.yTest[i]).toBe(r[0]! % 5));
    expect(ids.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // shuffled
    // default 20%, rounded up
    expect(trainTestSplit(digits.x, digits.labels).xTest.rows).toBe(360);
    expect(trainTestSplit(iris.x, iris.labels).xTest.rows).toBe(30);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = trainTestSplit(x, y, { seed: 1 }), b = trainTestSplit(x, y, { seed: 1 }), c = trainTestSplit(x, y, { seed: 2 });
    expect(a.xTest.toArray()).toEqual(b.xTest.toArray());
    expect(a.yTrain).toEqual(b.yTrain);
    expect(a.xTest.toArray()).not.toEqual(c.xTest.toArray());
  });

  it('returns matrix targets for matrix targets', () => {
    const Y = oneHot(y);
    const s = trainTestSplit(x, Y, { seed: 4 });
    expect(s.yTrain).toBeInstanceOf(Matrix);
    expect(s.yTest.shape).toEqual([10, 5]);
    expect(argmaxRows(s.yTest)).toEqual(s.xTest.toArray().map((r) => r[0]! % 5));
  });

  it('stratifies: every class keeps its share in both parts', () => {
    const s = trainTestSplit(iris.x, iris.labels, { seed: 0, stratify: true });
    expect(counts(s.yTest)).toEqual({ 0: 10, 1: 10, 2: 10 });
    expect(counts(s.yTrain)).toEqual({ 0: 40, 1: 40, 2: 40 });
    const c = trainTestSplit(cancer.x, cancer.labels, { seed: 0, stratify: true });
    expect(c.yTest.length).toBe(114);
    expect(counts(c.yTest)).toEqual({ 0: 42, 1: 72 }); // 212·114/569 = 42.5, 357·114/569 = 71.5
    const d = trainTestSplit(digits.x, digits.labels, { seed: 0, stratify: true });
    const all = counts(digits.labels), test = counts(d.yTest);
    for (let k = 0; k < 10; k++) expect(Math.abs(test[k]! - (all[k]! * 360) / 1797)).toBeLessThan(1);
    // with one-hot targets too, and deterministic
    const m = trainTestSplit(iris.x, oneHot(iris.labels), { seed: 0, stratify: true });
    expect(argmaxRows(m.yTest)).toEqual(s.yTest);
    // without stratification, shares wander
    const loose = [0, 1, 2, 3, 4].map((seed) => counts(trainTestSplit(iris.x, iris.labels, { seed }).yTest));
    expect(loose.some((cnt) => cnt[0] !== 10)).toBe(true);
  });

  it('rejects bad input', () => {
    expect(() => trainTestSplit(x, y.slice(1))).toThrow('trainTestSplit: x has 50 rows but y has 49');
    expect(() => trainTestSplit(x, y, { testFraction: 1 })).toThrow('trainTestSplit: testFraction must be a number in (0, 1), got 1');
    expect(trainTestSplit(x, y, { testFraction: 0.001 }).xTest.rows).toBe(1); // ceil
    expect(() => trainTestSplit(x, y, { testFraction: 0.999 })).toThrow(
      'trainTestSplit: testFraction 0.999 of 50 rows leaves 50 test and 0 training rows; both need at least 1',
    );
    expect(() => trainTestSplit([[1]], [0])).toThrow('leaves 1 test and 0 training rows; both need at least 1');
    expect(() => trainTestSplit(x, y, { seed: -1 })).toThrow('trainTestSplit: seed must be an integer in [0, 2^32 - 1], got -1');
    expect(() => trainTestSplit(x, [...y.slice(1), 9], { stratify: true })).toThrow(
      'trainTestSplit: stratify needs at least 2 rows of every class; class 9 has 1',
    );
    expect(() => trainTestSplit(x, y, { stratify: true, testFraction: 0.05 })).toThrow(
      'trainTestSplit: stratify needs at least one row of each of the 5 classes in both parts',
    );
    expect(() => trainTestSplit(x, [...y.slice(1), NaN])).toThrow('trainTestSplit: y[49] is NaN, not a finite number');
  });
});

// Real data, end to end: split (stratified, seeded), standardize with the training statistics,
// train with scratchnet's SGD from the chapter's 0.01·randn weights, judge on the held-out rows.
describe('real data: held-out accuracy', () => {
  interface Run { testAcc: number; trainAcc: number; loss: number[] }

  function run(data: CsvData, hidden: number, classes: number, o: { epochs: number; learningRate: number; batchSize: number; seed: number }): Run {
    const { xTrain, yTrain, xTest, yTest } = trainTestSplit(data.x, data.labels, { seed: o.seed, stratify: true });
    const scaler = new StandardScaler().fit(xTrain);
    const binary = classes === 2;
    const net = new NeuralNetwork(
      [data.x.cols, hidden, binary ? 1 : classes],
      [new ReLU(), binary ? new Sigmoid() : new Softmax()],
      { seed: o.seed },
    );
    try {
      const { loss } = net.train(scaler.transform(xTrain), binary ? yTrain.map((v) => [v]) : oneHot(yTrain, classes), {
        epochs: o.epochs, learningRate: o.learningRate, batchSize: o.batchSize, seed: o.seed,
        loss: binary ? 'binaryCrossEntropy' : 'softmaxCrossEntropy',
      });
      return {
        trainAcc: accuracy(net.predict(scaler.transform(xTrain)), yTrain),
        testAcc: accuracy(net.predict(scaler.transform(xTest)), yTest),
        loss,
      };
    } finally {
      net.dispose();
    }
  }

  const report = (name: string, r: Run): void =>
    console.log(`${name}: held-out accuracy ${r.testAcc.toFixed(4)} (train ${r.trainAcc.toFixed(4)}), loss ${r.loss[0]!.toFixed(4)} -> ${r.loss.at(-1)!.toFixed(4)}`);

  it('digits (1797 8x8 images, 10 classes): [64, 64, 10] ReLU/Softmax >= 0.95', () => {
    const r = run(digits, 64, 10, { epochs: 100, learningRate: 0.1, batchSize: 32, seed: 0 });
    report('digits', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.95);
  });

  it('iris (150 flowers, 3 classes): [4, 16, 3] ReLU/Softmax >= 0.93', () => {
    const r = run(iris, 16, 3, { epochs: 500, learningRate: 0.1, batchSize: 16, seed: 0 });
    report('iris', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.93);
  });

  it('breast cancer (569 tumours, binary): [30, 16, 1] ReLU/Sigmoid with BCE >= 0.95', () => {
    const r = run(cancer, 16, 2, { epochs: 100, learningRate: 0.1, batchSize: 32, seed: 0 });
    report('breast cancer', r);
    expect(r.testAcc).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic: the same seeds give the same accuracy and losses', () => {
    const a = run(cancer, 16, 2, { epochs: 20, learningRate: 0.1, batchSize: 32, seed: 5 });
    const b = run(cancer, 16, 2, { epochs: 20, learningRate: 0.1, batchSize: 32, seed: 5 });
    expect(b.loss).toEqual(a.loss);
    expect(b.testAcc).toBe(a.testAcc);
  });

  it('holds up across splits and initial weights, not only for seed 0', () => {
    const accs = [1, 2, 3, 4, 5].map((seed) => run(iris, 16, 3, { epochs: 500, learningRate: 0.1, batchSize: 16, seed }).testAcc);
    const cancerAccs = [1, 2, 3, 4, 5].map((seed) => run(cancer, 16, 2, { epochs: 100, learningRate: 0.1, batchSize: 32, seed }).testAcc);
    console.log(`iris seeds 1-5: ${accs.map((a) => a.toFixed(3)).join(' ')}; breast cancer seeds 1-5: ${cancerAccs.map((a) => a.toFixed(3)).join(' ')}`);
    expect(accs.reduce((a, b) => a + b) / accs.length).toBeGreaterThanOrEqual(0.93);
    expect(cancerAccs.reduce((a, b) => a + b) / cancerAccs.length).toBeGreaterThanOrEqual(0.95);
  });
});
