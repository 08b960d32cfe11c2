// The toy data sets of src/data/toy.ts: shapes, balance, determinism, ranges, bad options, and
// that a small network separates the non-linear ones.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Matrix, NeuralNetwork, ReLU, Sigmoid, Softmax } from '../../src/index.js';
import { blobs, circle, moons, spirals, xor, type ToyDataset } from '../../src/data/toy.js';
import { namedError } from '../support/named-error.js';

beforeAll(async () => {
  await init();
});

type Generator = (options?: Record<string, unknown>) => ToyDataset;
const GENERATORS: [string, Generator][] = [
  ['xor', xor as Generator],
  ['circle', circle as Generator],
  ['spirals', spirals as Generator],
  ['blobs', blobs as Generator],
  ['moons', moons as Generator],
];

function counts(labels: Int32Array, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (const l of labels) c[l]!++;
  return c;
}

function range(x: Matrix): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  for (const v of x.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** Zero mean, unit variance per column (what you would do before training on real data). */
function standardize(x: Matrix): Matrix {
  const d = x.data.slice();
  for (let j = 0; j < x.cols; j++) {
    let mean = 0, v = 0;
    for (let i = 0; i < x.rows; i++) mean += d[i * x.cols + j]!;
    mean /= x.rows;
    for (let i = 0; i < x.rows; i++) v += (d[i * x.cols + j]! - mean) ** 2;
    const sd = Math.sqrt(v / x.rows);
    for (let i = 0; i < x.rows; i++) d[i * x.cols + j] = (d[i * x.cols + j]! - mean) / sd;
  }
  return new Matrix(x.rows, x.cols, d);
}

function accuracy(net: NeuralNetwork, x: Matrix, labels: Int32Array): number {
  const p = net.predict(x);
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let k = 0;
    if (p.cols === 1) k = p.get(i, 0) > 0.5 ? 1 : 0;
    else for (let j = 1; j < p.cols; j++) if (p.get(i, j) > p.get(i, k)) k = j;
    if (k === labels[i]) right++;
  }
  return right / labels.length;
}

describe('xor', () => {
  it("without options is the chapter's four points", () => {
    const { x, y, labels } = xor();
    expect(x.toArray()).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(y.toArray()).toEqual([[0], [1], [1], [0]]);
    expect(Array.from(labels)).toEqual([0, 1, 1, 0]);
  });

  it('with options: n points in four noisy clusters around the corners, XOR labels', () => {
    const { x, y, labels } = xor({ n: 400, noise: 0.1, seed: 3 });
    expect(x.shape).toEqual([400, 2]);
    expect(y.shape).toEqual([400, 1]);
    expect(counts(labels, 2)).toEqual([200, 200]);
    const sums = [[0, 0], [0, 0], [0, 0], [0, 0]];
    for (let i = 0; i < 400; i++) {
      const c = i % 4;
      sums[c]![0]! += x.get(i, 0);
      sums[c]![1]! += x.get(i, 1);
      const [cx, cy] = [(c >> 1) & 1, c & 1];
      expect(labels[i]).toBe(cx ^ cy);
      // 0.1 noise: every point within 0.6 (6 sigma) of its corner
      expect(Math.abs(x.get(i, 0) - cx)).toBeLessThan(0.6);
      expect(Math.abs(x.get(i, 1) - cy)).toBeLessThan(0.6);
    }
    // cluster means near the corners (standard error 0.01)
    expect(sums.map(([a, b]) => [Math.round(a! / 100) + 0, Math.round(b! / 100) + 0])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });

  it('n 4 and noise 0 is the chapter set again; options default to 200 points', () => {
    expect(xor({ n: 4, noise: 0 }).x.toArray()).toEqual(xor().x.toArray());
    expect(xor({}).x.shape).toEqual([200, 2]);
  });
});

describe('circle', () => {
  it('inner disc (label 1, r ≤ 0.5) and ring (label 0, 0.7 ≤ r ≤ 1) without noise', () => {
    const { x, labels } = circle({ n: 500, noise: 0, seed: 1 });
    for (let i = 0; i < 500; i++) {
      const r = Math.hypot(x.get(i, 0), x.get(i, 1));
      if (labels[i] === 1) expect(r).toBeLessThanOrEqual(0.5 + 1e-6);
      else {
        expect(r).toBeGreaterThanOrEqual(0.7 - 1e-6);
        expect(r).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
    expect(counts(labels, 2)).toEqual([250, 250]);
  });
});

describe('spirals', () => {
  it('two spirals from the centre out to radius 1, half a turn apart', () => {
    const { x, labels } = spirals({ n: 200, noise: 0, seed: 0, turns: 1 });
    expect(counts(labels, 2)).toEqual([100, 100]);
    // the last point of each spiral: radius 1, angle 2π (label 0) or 3π (label 1)
    expect(x.get(198, 0)).toBeCloseTo(1, 5);
    expect(x.get(198, 1)).toBeCloseTo(0, 5);
    expect(x.get(199, 0)).toBeCloseTo(-1, 5);
    expect(x.get(199, 1)).toBeCloseTo(0, 5);
    // radius grows along each spiral
    for (let i = 2; i < 200; i++) expect(Math.hypot(x.get(i, 0), x.get(i, 1))).toBeGreaterThan(Math.hypot(x.get(i - 2, 0), x.get(i - 2, 1)));
  });

  it('turns changes the data; the default is 1.75', () => {
    expect(spirals({ turns: 1.75 }).x.toArray()).toEqual(spirals().x.toArray());
    expect(spirals({ turns: 3 }).x.toArray()).not.toEqual(spirals().x.toArray());
  });
});

describe('blobs', () => {
  it('two classes: y is n×1 zeros and ones', () => {
    const { x, y, labels } = blobs({ n: 101, seed: 1 });
    expect(x.shape).toEqual([101, 2]);
    expect(y.shape).toEqual([101, 1]);
    expect(counts(labels, 2)).toEqual([51, 50]);
    for (let i = 0; i < 101; i++) expect(y.get(i, 0)).toBe(labels[i]);
  });

  it('k > 2 classes: one-hot rows that sum to 1, the hot column is the label', () => {
    const { y, labels } = blobs({ n: 300, classes: 5, spread: 0.2, seed: 4 });
    expect(y.shape).toEqual([300, 5]);
    expect(counts(labels, 5)).toEqual([60, 60, 60, 60, 60]);
    for (let i = 0; i < 300; i++) {
      let sum = 0;
      for (let j = 0; j < 5; j++) {
        const v = y.get(i, j);
        expect(v === 0 || v === 1).toBe(true);
        sum += v;
      }
      expect(sum).toBe(1);
      expect(y.get(i, labels[i]!)).toBe(1);
    }
  });

  it('each blob is centred on the unit circle, the first at the top', () => {
    const { x, labels } = blobs({ n: 3000, classes: 3, spread: 0.1, seed: 0 });
    const mean = [[0, 0], [0, 0], [0, 0]];
    for (let i = 0; i < 3000; i++) {
      mean[labels[i]!]![0]! += x.get(i, 0) / 1000;
      mean[labels[i]!]![1]! += x.get(i, 1) / 1000;
    }
    for (let k = 0; k < 3; k++) {
      const a = Math.PI / 2 + (2 * Math.PI * k) / 3;
      expect(mean[k]![0]).toBeCloseTo(Math.cos(a), 1);
      expect(mean[k]![1]).toBeCloseTo(Math.sin(a), 1);
    }
  });
});

describe('moons', () => {
  it("scikit-learn's two moons without noise", () => {
    const { x, labels } = moons({ n: 100, noise: 0 });
    expect(counts(labels, 2)).toEqual([50, 50]);
    for (let i = 0; i < 100; i++) {
      const [a, b] = [x.get(i, 0), x.get(i, 1)];
      if (labels[i] === 0) expect(Math.hypot(a, b)).toBeCloseTo(1, 5); // upper: (cos t, sin t)
      else expect(Math.hypot(1 - a, 0.5 - b)).toBeCloseTo(1, 5); // lower: (1 - cos t, 0.5 - sin t)
    }
    // t runs over [0, π]: the ends of each moon
    expect([x.get(0, 0), x.get(0, 1)].map((v) => +v.toFixed(5))).toEqual([1, 0]);
    expect([x.get(98, 0), x.get(98, 1)].map((v) => +v.toFixed(5))).toEqual([-1, 0]);
    expect([x.get(1, 0), x.get(1, 1)].map((v) => +v.toFixed(5))).toEqual([0, 0.5]);
    expect([x.get(99, 0), x.get(99, 1)].map((v) => +v.toFixed(5))).toEqual([2, 0.5]);
  });
});

describe.each(GENERATORS)('%s: common properties', (name, gen) => {
  it('shapes, balanced labels, interleaved by class', () => {
    for (const n of [1, 2, 7, 200]) {
      const { x, y, labels } = gen({ n, seed: 5 });
      expect(x.shape, `n=${n}`).toEqual([n, 2]);
      expect(y.shape, `n=${n}`).toEqual([n, 1]);
      expect(labels).toBeInstanceOf(Int32Array);
      expect(labels.length).toBe(n);
      const c = counts(labels, 2);
      expect(Math.abs(c[0]! - c[1]!), `n=${n}`).toBeLessThanOrEqual(1);
      for (let i = 0; i < n; i++) {
        expect(y.get(i, 0)).toBe(labels[i]);
        if (name !== 'xor') expect(labels[i]).toBe(i % 2);
      }
    }
  });

  it('the same seed gives the same data, another seed other data', () => {
    const a = gen({ n: 100, seed: 11 });
    const b = gen({ n: 100, seed: 11 });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const c = gen({ n: 100, seed: 12 });
    expect(Array.from(c.x.data)).not.toEqual(Array.from(a.x.data));
    // the default seed is 0
    expect(Array.from(gen({ n: 50 }).x.data)).toEqual(Array.from(gen({ n: 50, seed: 0 }).x.data));
  });

  it('values are finite and in a sensible range', () => {
    const { x } = gen({ n: 1000, seed: 2 });
    for (const v of x.data) expect(Number.isFinite(v)).toBe(true);
    const { min, max } = range(x);
    expect(min).toBeGreaterThan(-2);
    expect(max).toBeLessThan(3);
    expect(max - min).toBeGreaterThan(0.5); // not collapsed to a point
  });

  it('does not touch the global generator', async () => {
    const { seed, Layer } = await import('../../src/index.js');
    seed(42);
    const before = new Layer(2, 2, new ReLU()).weights.toArray();
    seed(42);
    gen({ n: 10 });
    const after = new Layer(2, 2, new ReLU()).weights.toArray();
    expect(after).toEqual(before);
  });

  it('bad options throw an Error naming the function and the value', () => {
    const bad: [Record<string, unknown> | unknown, RegExp][] = [
      [{ n: 0 }, new RegExp(`^${name}: n must be a positive integer, got 0$`)],
      [{ n: -3 }, /n must be a positive integer, got -3/],
      [{ n: 2.5 }, /n must be a positive integer, got 2\.5/],
      [{ n: '100' }, /n must be a positive integer, got "100" \(a string\)/],
      [{ n: NaN }, /n must be a positive integer, got NaN/],
      [{ n: 1e9 }, /n must be at most 10000000, got 1000000000/],
      [{ seed: -1 }, new RegExp(`^${name}: seed must be an integer in \\[0, 2\\^32 - 1\\], got -1$`)],
      [{ seed: 1.5 }, /seed must be an integer/],
      [{ nosie: 0.1 }, new RegExp(`^${name}: unknown option "nosie"(; did you mean "noise"\\?)? \\(known: `)],
      [null, new RegExp(`^${name}: options must be an object`)],
      [[1, 2], new RegExp(`^${name}: options must be an object`)],
      [5, new RegExp(`^${name}: options must be an object`)],
    ];
    const noiseKey = name === 'blobs' ? 'spread' : 'noise';
    bad.push(
      [{ [noiseKey]: -0.1 }, new RegExp(`^${name}: ${noiseKey} must be a finite number ≥ 0, got -0\\.1$`)],
      [{ [noiseKey]: Infinity }, new RegExp(`${noiseKey} must be a finite number ≥ 0, got Infinity`)],
      [{ [noiseKey]: NaN }, new RegExp(`${noiseKey} must be a finite number ≥ 0, got NaN`)],
    );
    for (const [options, message] of bad) expect(() => gen(options as Record<string, unknown>), String(options)).toThrow(message);
    // an explicit undefined is the default
    expect(gen({ n: undefined, seed: undefined }).x.shape).toEqual([200, 2]);
  });
});

describe('options of one generator only', () => {
  it('spirals: turns must be finite and > 0', () => {
    expect(() => spirals({ turns: 0 })).toThrow(/^spirals: turns must be a finite number > 0, got 0$/);
    expect(() => spirals({ turns: -1 })).toThrow(/got -1/);
    expect(() => spirals({ turns: Infinity })).toThrow(/got Infinity/);
  });

  it('spirals: turns so large that 2π·turns overflows are refused as turns, not blamed on the noise', () => {
    expect(() => spirals({ n: 4, turns: 1e308 })).toThrow(/^spirals: turns must be at most 1e\+300 \(the angle 2π·turns must stay finite\), got 1e\+308$/);
    expect(() => spirals({ n: 4, turns: 1e308, noise: 0 })).toThrow(/^spirals: turns must be at most 1e\+300/);
    const { x } = spirals({ n: 4, turns: 1e300, noise: 0 });
    expect(x.toArray().flat().every(Number.isFinite)).toBe(true);
  });

  it('blobs: classes must be an integer ≥ 2', () => {
    expect(() => blobs({ classes: 1 })).toThrow(/^blobs: classes must be an integer ≥ 2, got 1$/);
    expect(() => blobs({ classes: 2.5 })).toThrow(/got 2\.5/);
    expect(() => blobs({ classes: '3' as never })).toThrow(/got "3" \(a string\)/);
    // fewer points than classes: the last classes are empty, y is still one-hot over all of them
    const few = blobs({ n: 3, classes: 4 });
    expect(few.y.shape).toEqual([3, 4]);
    expect(Array.from(few.labels)).toEqual([0, 1, 2]);
  });

  it('options of another generator are unknown', () => {
    expect(() => circle({ turns: 2 } as never)).toThrow(/^circle: unknown option "turns" \(known: n, noise, seed\)$/);
    expect(() => xor({ classes: 3 } as never)).toThrow(/^xor: unknown option "classes"/);
  });
});

describe('sizes that cannot be', () => {
  it('blobs: a class count too large is a named Error before anything is allocated', async () => {
    await namedError(() => blobs({ classes: 1e9 }), /^blobs: classes must be at most 65536, got 1000000000$/);
    await namedError(() => blobs({ classes: 2 ** 53 }), 'blobs: classes must be at most 65536');
    await namedError(() => blobs({ n: 10_000_000, classes: 65_536 }), /^blobs: y, 10000000 one-hot rows of 65536 classes, would hold 655360000000 values/);
    expect(blobs({ n: 10, classes: 65_536 }).y.shape).toEqual([10, 65_536]);
  });

  it('every generator caps n and rejects noise that overflows float32', async () => {
    for (const [name, gen] of GENERATORS) {
      await namedError(() => gen({ n: 1e12 }), `${name}: n must be at most 10000000, got 1000000000000`);
      await namedError(() => gen({ n: 2 ** 31 }), `${name}: n must be at most 10000000`);
    }
    await namedError(() => xor({ n: 8, noise: 1e39 }), /^xor: the noise makes x\[0\]\[0\] overflow float32/);
    await namedError(() => circle({ noise: 1e300 }), 'circle: the noise makes');
    await namedError(() => moons({ noise: Number.MAX_VALUE }), 'moons: the noise makes');
    await namedError(() => spirals({ noise: 1e308 }), 'spirals: the noise makes');
    await namedError(() => blobs({ spread: 1e300 }), 'blobs: the noise makes');
  });
});

// The chapter's layers start from randn · 0.01, so the network starts almost linear; standardized
// features (zero mean, unit variance) and mini-batches get it out of that regime quickly.
describe('a small network separates them', () => {
  const binary: [string, () => ToyDataset][] = [
    ['circle', () => circle({ n: 200, noise: 0.05, seed: 1 })],
    ['moons', () => moons({ n: 200, noise: 0.1, seed: 1 })],
    ['xor', () => xor({ n: 200, noise: 0.1, seed: 1 })],
  ];
  it.each(binary)('%s: [2, 16, 1] ReLU/Sigmoid, 300 epochs, training accuracy ≥ 0.9', (_, make) => {
    const { x, y, labels } = make();
    const xs = standardize(x);
    const net = new NeuralNetwork([2, 16, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const { loss } = net.train(xs, y, { epochs: 300, learningRate: 0.5, batchSize: 32, seed: 1 });
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    expect(accuracy(net, xs, labels)).toBeGreaterThanOrEqual(0.9);
    net.dispose();
  });

  it('blobs, 3 classes: [2, 8, 3] ReLU/Softmax, training accuracy ≥ 0.9', () => {
    const { x, y, labels } = blobs({ n: 300, classes: 3, spread: 0.3, seed: 2 });
    const net = new NeuralNetwork([2, 8, 3], [new ReLU(), new Softmax()], { seed: 1 });
    net.train(x, y, { epochs: 300, learningRate: 0.5, batchSize: 32, seed: 1 });
    expect(accuracy(net, x, labels)).toBeGreaterThanOrEqual(0.9);
    net.dispose();
  });

  it('a linear model cannot separate circle (the data is really non-linear)', () => {
    const { x, y, labels } = circle({ n: 200, noise: 0.05, seed: 1 });
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 1 });
    net.train(x, y, { epochs: 300, learningRate: 0.5, batchSize: 32, seed: 1 });
    expect(accuracy(net, x, labels)).toBeLessThan(0.75);
    net.dispose();
  });
});
