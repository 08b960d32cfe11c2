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
    expect(() => new MinMaxScaler({ featureRange: [0, 1e300] }).fit([[0], [1e-40]])).toThrow(
      "MinMaxScaler.fit: column 0's range [0, 9.99994610111476e-41] cannot be mapped onto featureRange [0, 1e+300]",
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

describe('scalers: a rejected fit or fitTransform keeps the previous parameters', () => {
  it('MinMaxScaler.fit checks the map before keeping anything; fitTransform restores on any error', async () => {
    // featureRange [0, 1e300]: the training maximum would map to Infinity in float32
    const s = new MinMaxScaler({ featureRange: [0, 1e300] });
    await namedError(() => s.fit([[0], [1]]), "MinMaxScaler.fit: column 0's range [0, 1] cannot be mapped onto featureRange [0, 1e+300] (its ends map to 0 and Infinity");
    expect([s.dataMin, s.dataMax]).toEqual([null, null]);
    const t = new MinMaxScaler({ featureRange: [0, 1e30] }).fit([[0], [1]]);
    await namedError(() => t.fitTransform([[0], [NaN]]), 'MinMaxScaler.fit: x[1][0] is NaN');
    // [1, 1.0001] holds 840 float32 values: enough for 8 inputs, not for the float32 values of [0, 1]
    const u = new MinMaxScaler({ featureRange: [1, 1.0001] }).fit([[0], [1e-44]]);
    const before = u.toJSON();
    await namedError(() => u.fitTransform([[0], [1]]), "MinMaxScaler.fit: column 0's range [0, 1] cannot be mapped onto featureRange [1, 1.0001]: it lands on only 840 distinct float32 values");
    expect(u.toJSON()).toEqual(before);
    expect(MinMaxScaler.fromJSON(u.toJSON()).transform([[0]]).toArray()).toEqual([[1]]);
  });

  it('StandardScaler.fitTransform restores the parameters when transform or fit throws', async () => {
    const s = new StandardScaler().fit([[1], [3]]);
    await namedError(() => s.fitTransform([[1, 2], [NaN, 3]]), 'StandardScaler.fit: x[1][0] is NaN');
    expect(s.toJSON()).toEqual({ type: 'StandardScaler', mean: [2], scale: [1] });
    // a transform that throws after fit succeeded: fitTransform of something read differently twice
    let reads = 0;
    const rows = [[0], [2]];
    Object.defineProperty(rows, 1, { get: () => (reads++ === 0 ? [2] : [NaN]) });
    await namedError(() => s.fitTransform(rows), 'StandardScaler.transform: x[1][0] is NaN');
    expect(s.toJSON()).toEqual({ type: 'StandardScaler', mean: [2], scale: [1] });
  });
});

describe('scalers: parameters within float32 that send the rows onto one or a few values are refused', () => {
  const X = [[0], [2.5], [5], [7.5], [10]];

  it('MinMaxScaler: a featureRange holding too few float32 values, from fit or from JSON', async () => {
    for (const featureRange of [[1e30, 1.0000001e30], [0, 1e-45]] as [number, number][]) {
      const s = new MinMaxScaler({ featureRange });
      await namedError(() => s.fit(X), `MinMaxScaler.fit: column 0's range [0, 10] cannot be mapped onto featureRange [${featureRange.join(', ').replace(/e\+/g, 'e+')}]: it lands on only 2 distinct float32 values`);
      expect(s.dataMin).toBeNull();
      await namedError(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange, dataMin: [0], dataMax: [10] }), "MinMaxScaler.fromJSON: column 0's range [0, 10]");
    }
    // a few input values need only as many outputs: subnormals onto [0, 1e-40] (71,362 float32 values)
    expect(new MinMaxScaler({ featureRange: [0, 1e-40] }).fitTransform([[0], [1e-44]]).toArray()[1]![0]).toBe(Math.fround(1e-40));
    // a constant column still maps to the range's lower end
    expect(new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform([[5, 1], [5, 2]]).toArray()).toEqual([[-1, -1], [-1, 1]]);
  });

  it("StandardScaler.fromJSON: a scale far below float32's resolution at the mean", async () => {
    await namedError(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0, 1e30], scale: [1, 1] }),
      /^StandardScaler\.fromJSON: column 1's scale 1 is far below float32's resolution at its mean 1e\+30: consecutive float32 values there are 7\.55\d+e\+22 apart/);
    await namedError(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [1e10], scale: [1e-4] }), "column 0's scale 0.0001 is far below");
    // a constant column as fit writes it (scale 1 around a float32 mean) is only centred: kept
    const constant = new StandardScaler().fit([[1e30, 1], [1e30, 3]]);
    expect(StandardScaler.fromJSON(constant.toJSON()).transform([[1e30, 2]]).toArray()).toEqual([[0, 0]]);
    // nearly constant large values: 1,000 rows of 1e8, one of 1e8 + 8 (the next float32): the round trip works
    const near = new StandardScaler().fit([...Array.from({ length: 1000 }, () => [1e8]), [1e8 + 8]]);
    const copy = StandardScaler.fromJSON(near.toJSON());
    expect(copy.transform([[1e8], [1e8 + 8]]).toArray()).toEqual(near.transform([[1e8], [1e8 + 8]]).toArray());
    // a scale whose map overflows next to the mean is left to transform (and the CLI) to report
    await namedError(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], scale: [1e-300] }).transform([[1]]), 'StandardScaler.transform: x[0][0] = 1 maps to');
  });
});
