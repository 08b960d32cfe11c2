// The NumPy-compatible generator (src/core/random.ts). Oracle values from NumPy 2.4 (float64).
import { describe, expect, it } from 'vitest';
import { RandomState, seed, globalRandom } from '../../src/core/random.js';
import { namedError } from '../support/named-error.js';

describe('RandomState (NumPy legacy MT19937)', () => {
  it('reproduces np.random.seed(42); np.random.randn(5)', () => {
    // np.random.seed(42); np.random.randn(5)
    const want = [0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597];
    const got = Array.from(new RandomState(42).randnArray(5));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  });

  it('reproduces np.random.seed(0); np.random.randn(3)', () => {
    // np.random.seed(0); np.random.randn(3) -> [1.764052345967664, 0.4001572083672233, 0.9787379841057392]
    const got = Array.from(new RandomState(0).randnArray(3));
    [1.764052345967664, 0.4001572083672233, 0.9787379841057392].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
  });

  it('matches raw MT19937 output and random_sample', () => {
    // np.random.RandomState(0)._bit_generator.random_raw(2) -> [2357136044, 2546248239]
    const r = new RandomState(0);
    expect([r.uint32(), r.uint32()]).toEqual([2357136044, 2546248239]);
    // np.random.seed(42); np.random.random_sample() -> 0.3745401188473625
    expect(new RandomState(42).random()).toBe(0.3745401188473625);
  });

  it('seed() resets the global generator and the cached normal', () => {
    seed(42);
    globalRandom.randn(); // leaves the pair's second value cached
    seed(42);
    expect(globalRandom.randn()).toBe(new RandomState(42).randn());
  });

  it('integer() is in range and shuffle() is a seeded permutation', () => {
    const r = new RandomState(3);
    for (let i = 0; i < 1000; i++) {
      const v = r.integer(7);
      expect(v >= 0 && v < 7 && Number.isInteger(v)).toBe(true);
    }
    const a = new RandomState(9).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    const b = new RandomState(9).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(a).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects seeds NumPy rejects', () => {
    expect(() => new RandomState(-1)).toThrow(/seed must be an integer in \[0, 2\^32 - 1\]/);
    expect(() => new RandomState(2 ** 32)).toThrow(/seed must be an integer/);
    expect(() => new RandomState(1.5)).toThrow(/got 1.5/);
  });
});

describe('RandomState: bad counts and arrays are named Errors, and draw nothing', () => {
  /** The generator draws nothing on a rejected call: its next normal is a fresh one's. */
  const expectUntouched = (r: RandomState): void => expect(r.randn()).toBe(new RandomState(5).randn());

  it('randnArray takes an integer count from 0 to 2^30', async () => {
    for (const count of [-1, 1e12, 1.5, NaN, 2 ** 30 + 1, '3', null]) {
      const r = new RandomState(5);
      await namedError(() => r.randnArray(count as never), /^RandomState\.randnArray: count must be an integer from 0 to 1073741824, got /);
      expectUntouched(r);
    }
    await namedError(() => new RandomState(5).randnArray(1e12), 'got 1000000000000');
    await namedError(() => new RandomState(5).randnArray('3' as never), 'got "3" (a string)');
    expect(new RandomState(5).randnArray(0)).toEqual(new Float64Array(0));
  });

  it('randn takes no argument: randn(1, 2) is an Error pointing to randnArray, not one number', async () => {
    for (const args of [[1, 2], [3], [undefined], [2, 3, 4]]) {
      const r = new RandomState(5);
      await namedError(() => (r.randn as (...a: unknown[]) => number)(...args), `RandomState.randn: takes no arguments (it returns one normal), got ${args.length}; for many, call randnArray(count)`);
      expectUntouched(r);
    }
    // randnArray draws the same normals as randn, pair cache included
    const a = new RandomState(7), b = new RandomState(7);
    expect(Array.from(a.randnArray(5))).toEqual([b.randn(), b.randn(), b.randn(), b.randn(), b.randn()]);
    expect(a.randn()).toBe(b.randn());
  });

  it('shuffle takes an array or a typed array, not a string, null or an array-like', async () => {
    const cases: [unknown, string][] = [
      [null, 'RandomState.shuffle: items must be an array or a typed array, got null'],
      ['abc', 'RandomState.shuffle: items must be an array or a typed array, got "abc" (a string)'],
      [{ length: 2 ** 33 }, 'RandomState.shuffle: items must be an array or a typed array, got [object Object] (object)'],
      [Object.freeze([1, 2, 3]), 'RandomState.shuffle: items is a frozen array, which cannot be shuffled in place'],
      [new Proxy([1, 2], { get: (t, k, r) => (k === 'length' ? 2 ** 33 : Reflect.get(t, k, r)) }), 'RandomState.shuffle: items has a length of 8589934592, not an integer from 0 to 4294967295'],
    ];
    for (const [items, message] of cases) {
      const r = new RandomState(5);
      await namedError(() => r.shuffle(items as never), message);
      expectUntouched(r);
    }
    // typed arrays shuffle like arrays: the same permutation
    const typed = new RandomState(9).shuffle(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(Array.from(typed)).toEqual(new RandomState(9).shuffle([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(new RandomState(9).shuffle(Object.freeze([1]))).toEqual([1]); // nothing to move
  });
  it('keeps its state private: nothing to read or overwrite from outside (an all-zero state would hang randn)', () => {
    const r = new RandomState(42);
    expect(Object.keys(r)).toEqual([]);
    expect(Object.getOwnPropertyNames(r)).toEqual([]);
    const a = r.uint32();
    Object.assign(r, { index: 9999, mt: new Uint32Array(624) }); // what TS 'private' fields allowed
    const b = new RandomState(42);
    b.uint32();
    expect(r.uint32()).toBe(b.uint32());
    expect(a).toBe(new RandomState(42).uint32());
    expect(Number.isFinite(r.randn())).toBe(true);
  });
});
