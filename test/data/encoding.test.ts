// One-hot encoding and argmax of rows (src/data/encoding.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import { Matrix } from '../../src/core/matrix.js';
import type { CsvData } from '../../src/data/csv.js';
import { argmaxRows, oneHot } from '../../src/data/encoding.js';
import { realData } from '../support/data-fixtures.js';
import { namedError } from '../support/named-error.js';

let digits: CsvData;

beforeAll(async () => {
  ({ digits } = await realData());
});

describe('oneHot, argmaxRows', () => {
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
});

describe('oneHot: sizes and inputs that cannot be', () => {
  it('a label or a class count too large for memory is a named Error, not a RangeError', async () => {
    await namedError(() => oneHot([2 ** 40]), /^oneHot: a 1 x 1099511627777 one-hot matrix \(classes = the largest label \+ 1\) would hold 1099511627777 values, more than the 268435456/);
    await namedError(() => oneHot([1], 1e12), /^oneHot: a 1 x 1000000000000 one-hot matrix would hold/);
    await namedError(() => oneHot(new Array(20_000).fill(20_000)), 'a 20000 x 20001 one-hot matrix');
    await namedError(() => oneHot([1], '3' as never), 'oneHot: classes must be a positive integer, got "3" (a string)');
    await namedError(() => oneHot([1], 2 ** 53 as never), 'would hold');
  });

  it('reads the labels once: a getter cannot pass the check and then change', () => {
    let reads = 0;
    const labels = [0, 1];
    Object.defineProperty(labels, 1, { get: () => (reads++ === 0 ? 1 : 1e9) });
    expect(oneHot(labels).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(reads).toBe(1);
  });

  it('rejects holes, BigInts and objects posing as arrays', async () => {
    await namedError(() => oneHot([0, , 1] as never), 'oneHot: labels[1] is undefined (undefined), not a finite number');
    await namedError(() => oneHot(new BigInt64Array(2) as never), 'oneHot: labels[0] is 0n (a bigint), not a finite number');
    await namedError(() => oneHot({ length: 2, 0: 0, 1: 1 } as never), 'oneHot: labels must be an array of numbers');
  });
});
