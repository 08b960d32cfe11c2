// The seeded, optionally stratified train/test split (src/data/split.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { Matrix } from '../../src/core/matrix.js';
import type { CsvData } from '../../src/data/csv.js';
import { argmaxRows, oneHot } from '../../src/data/encoding.js';
import { trainTestSplit } from '../../src/data/split.js';
import { counts, realData } from '../support/data-fixtures.js';
import { namedError } from '../support/named-error.js';

let digits: CsvData, iris: CsvData, cancer: CsvData;

beforeAll(async () => {
  ({ digits, iris, cancer } = await realData());
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

describe('trainTestSplit: large classes', () => {
  it('stratifies 300,000 rows of two classes (no push(...rows) stack overflow)', () => {
    const n = 300_000;
    const x = new Matrix(n, 1, Float32Array.from({ length: n }, (_, i) => i));
    const y = Array.from({ length: n }, (_, i) => (i < n - 10 ? 0 : 1));
    const s = trainTestSplit(x, y, { stratify: true, seed: 1, testFraction: 0.1 });
    expect(s.yTest.length).toBe(30_000);
    expect(counts(s.yTest)[1]).toBe(1);
  });
});

describe('trainTestSplit: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => trainTestSplit([[1], [2]], [0, 1], { testSize: 0.5 } as never), 'trainTestSplit: unknown option "testSize" (known: testFraction, seed, stratify)');
  });
});
