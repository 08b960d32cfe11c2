// StandardScaler and MinMaxScaler (src/data/scalers.ts): fitted on training rows only, JSON
// round trips, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { Matrix } from '../../src/core/matrix.js';
import type { CsvData } from '../../src/data/csv.js';
import { MinMaxScaler, StandardScaler } from '../../src/data/scalers.js';
import { trainTestSplit } from '../../src/data/split.js';
import { realData } from '../support/data-fixtures.js';
import { namedError } from '../support/named-error.js';

let cancer: CsvData;

beforeAll(async () => {
  ({ cancer } = await realData());
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

  it('fromJSON refuses parameters that would map every row to one value (a width that overflows, a scale of 1e308)', () => {
    // dataMax − dataMin = 2e308 overflowed to Infinity: every row was transformed to 0
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [-1e308], dataMax: [1e308] })).toThrow(
      'MinMaxScaler.fromJSON: dataMin[0] is -1e+308, not a finite float32 number',
    );
    // [-1e308, 0] has a finite width, but every float32 row would land on 1
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0, -1e308], dataMax: [1, 0] })).toThrow(
      'MinMaxScaler.fromJSON: dataMin[1] is -1e+308, not a finite float32 number',
    );
    // a width whose scale onto featureRange overflows, from JSON or from fit
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1e300], dataMin: [0], dataMax: [1e-40] })).toThrow(
      "MinMaxScaler.fromJSON: column 0's range [0, 1e-40] cannot be mapped onto featureRange [0, 1e+300] (the width 1e-40 gives a scale of Infinity, not a finite number > 0)",
    );
    expect(() => new MinMaxScaler({ featureRange: [0, 1e300] }).fit([[0], [1e-40]]).transform([[0]])).toThrow(
      "MinMaxScaler.transform: column 0's range [0, 9.99994610111476e-41] cannot be mapped onto featureRange [0, 1e+300]",
    );
    // the widest float32 range is fine
    const wide = MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [-3.4e38], dataMax: [3.4e38] });
    wide.transform([[-3.4e38], [0], [3.4e38]]).toArray().forEach(([v], i) => expect(v).toBeCloseTo([0, 0.5, 1][i]!, 6));
    // StandardScaler: a scale beyond float32 (fit never gives one) would map every row to 0
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], scale: [1e308] })).toThrow(
      'StandardScaler.fromJSON: scale[0] is 1e+308, not a finite float32 number',
    );
    expect(StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], scale: [3e38] }).transform([[3e38]]).toArray()).toEqual([[1]]);
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

describe('scalers: results that are not float32, options that are not objects', () => {
  it('a transform whose result overflows float32 is a named Error, not Infinity in the matrix', async () => {
    const s = new StandardScaler().fit([[0], [1e-30]]);
    await namedError(() => s.transform([[1e10]]), /^StandardScaler\.transform: x\[0\]\[0\] = 10000000000 maps to [\d.e+]+, which is not a finite float32$/);
    const m = new MinMaxScaler().fit([[0], [1e-30]]);
    await namedError(() => m.transform([[1e10]]), 'MinMaxScaler.transform: x[0][0] = 10000000000 maps to');
    await namedError(() => new StandardScaler().fit([[0], [1e30]]).inverseTransform([[1e20]]), 'StandardScaler.inverseTransform: x[0][0]');
  });

  it('MinMaxScaler options and featureRange are checked, never read off null', async () => {
    await namedError(() => new MinMaxScaler(null as never), 'MinMaxScaler: options must be an object like { featureRange }, got null');
    await namedError(() => new MinMaxScaler({ featureRange: [-1e308, 1e308] }), 'MinMaxScaler: featureRange must be [min, max] with finite min < max, got [-1e+308,1e+308]');
    await namedError(() => new MinMaxScaler({ featureRange: [0n, 1n] as never }), 'MinMaxScaler: featureRange must be [min, max]');
  });

  it('fromJSON reads each value once', () => {
    let reads = 0;
    const mean = [1, 2];
    Object.defineProperty(mean, 0, { get: () => (reads++ === 0 ? 1 : NaN), enumerable: true });
    const s = StandardScaler.fromJSON({ type: 'StandardScaler', mean, scale: [1, 1] });
    expect(reads).toBe(1);
    expect(s.transform([[1, 2]]).toArray()).toEqual([[0, 0]]);
  });
});

describe('scalers: found by the fuzz tests', () => {
  it('fromJSON with an array Proxy claiming a huge length is a named Error, not a RangeError', async () => {
    const huge = new Proxy([1], { get: (t, k, r) => (k === 'length' ? 1e12 : Reflect.get(t, k, r)) });
    await namedError(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: huge, scale: [1] }), 'StandardScaler.fromJSON: mean has a length of 1000000000000');
    await namedError(() => new StandardScaler().fit([Object.create(null)]), 'StandardScaler.fit: x must be an array of rows (number[][]); row 0 is an unprintable object');
  });
});

describe('MinMaxScaler: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => new MinMaxScaler({ range: [0, 1] } as never), 'MinMaxScaler: unknown option "range" (known: featureRange)');
  });
});
