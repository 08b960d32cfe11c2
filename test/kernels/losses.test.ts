// Loss kernels (assembly/losses.ts) against their plain-TS twins in the SIMD, scalar and relaxed-SIMD builds, and every
// gradient kernel against centred finite differences of the float64 reference loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { closeness, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

const shapes: [number, number][] = [[1, 1], [4, 1], [3, 5], [5, 17], [17, 3], [8, 10]];
const f64 = (a: Float64Array) => a as unknown as Float32Array;

interface Case {
  name: 'binaryCrossEntropy' | 'meanSquaredError' | 'softmaxCrossEntropy' | 'binaryCrossEntropyLogits';
  perRow: boolean; // takes (rows, cols) rather than n
  pred: (rng: RandomState, n: number) => Float32Array;
  target: (rng: RandomState, r: number, c: number) => Float32Array;
  scale: (r: number, c: number) => number;
}

const oneHot = (rng: RandomState, r: number, c: number) => {
  const t = new Float32Array(r * c);
  for (let i = 0; i < r; i++) t[i * c + rng.integer(c)] = 1;
  return t;
};

const cases: Case[] = [
  {
    name: 'binaryCrossEntropy', perRow: false,
    pred: (rng, n) => randomF32(rng, n, 0.02, 0.98),
    // hard labels (the kernel takes one logarithm for them) and soft ones (both), mixed
    target: (rng, r, c) => Float32Array.from({ length: r * c }, () => {
      const u = rng.random();
      return u < 1 / 3 ? 0 : u < 2 / 3 ? 1 : Math.fround(rng.random());
    }),
    scale: (r, c) => 1 / (r * c),
  },
  {
    name: 'meanSquaredError', perRow: false,
    pred: (rng, n) => randomF32(rng, n, -3, 3),
    target: (rng, r, c) => randomF32(rng, r * c, -3, 3),
    scale: (r, c) => 1 / (r * c),
  },
  {
    name: 'binaryCrossEntropyLogits', perRow: false,
    pred: (rng, n) => randomF32(rng, n, -6, 6),
    target: (rng, r, c) => Float32Array.from({ length: r * c }, () => (rng.random() < 0.5 ? 0 : 1)),
    scale: (r, c) => 1 / (r * c),
  },
  {
    name: 'softmaxCrossEntropy', perRow: true,
    pred: (rng, n) => randomF32(rng, n, -4, 4),
    target: oneHot,
    scale: (r) => 1 / r,
  },
];

function callLoss(k: Impl['k'], c: Case, out: Float64Array, p: Float32Array, t: Float32Array, r: number, cols: number) {
  if (c.perRow) k[`${c.name}Loss`]!(out, p, t, r, cols);
  else k[`${c.name}Loss`]!(out, p, t, r * cols);
}
function callGrad(k: Impl['k'], c: Case, out: Float32Array, p: Float32Array, t: Float32Array, r: number, cols: number) {
  if (c.perRow) k[`${c.name}Grad`]!(out, p, t, r, cols, c.scale(r, cols));
  else k[`${c.name}Grad`]!(out, p, t, r * cols, c.scale(r, cols));
}

describe.each(BUILDS)('loss kernels, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  for (const c of cases) {
    it(`${c.name}: value and gradient match the reference, also in place`, () => {
      const rng = new RandomState(c.name.length);
      for (const [r, cols] of shapes) {
        const p = c.pred(rng, r * cols), t = c.target(rng, r, cols);
        const want = new Float64Array(1), got = new Float64Array(1);
        callLoss(reference, c, want, p, t, r, cols);
        callLoss(k(), c, got, p, t, r, cols);
        expect(Math.abs(got[0]! - want[0]!)).toBeLessThan(1e-6 * (1 + Math.abs(want[0]!)));
        const gw = new Float32Array(r * cols), gg = new Float32Array(r * cols);
        callGrad(reference, c, gw, p, t, r, cols);
        callGrad(k(), c, gg, p, t, r, cols);
        expect(closeness(gg, gw, 1e-5, 1e-7), `${c.name} grad ${r}x${cols}`).toBeLessThanOrEqual(1);
        const inPlace = p.slice();
        callGrad(k(), c, inPlace, inPlace, t, r, cols);
        expect(closeness(inPlace, gw, 1e-5, 1e-7)).toBeLessThanOrEqual(1);
      }
    });
  }

  it("binaryCrossEntropy keeps the chapter's 1e-15 clamps: p = 0 or 1 gives a finite loss", () => {
    const out = new Float64Array(1);
    k().binaryCrossEntropyLoss!(out, new Float32Array([0, 1]), new Float32Array([1, 0]), 2);
    expect(out[0]).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('binaryCrossEntropyLogits is stable for huge logits and equals BCE on sigmoid(z)', () => {
    const out = new Float64Array(1);
    k().binaryCrossEntropyLogitsLoss!(out, new Float32Array([1000, -1000]), new Float32Array([0, 1]), 2);
    expect(out[0]).toBeCloseTo(1000, 6);
    k().binaryCrossEntropyLogitsLoss!(out, new Float32Array([0.3]), new Float32Array([1]), 1);
    expect(out[0]).toBeCloseTo(-Math.log(1 / (1 + Math.exp(-0.3))), 6);
  });

  it('softmaxCrossEntropy is stable for huge logits', () => {
    const out = new Float64Array(1);
    k().softmaxCrossEntropyLoss!(out, new Float32Array([1000, 0, -1000]), new Float32Array([0, 1, 0]), 1, 3);
    expect(out[0]).toBeCloseTo(1000, 3);
    const g = new Float32Array(3);
    k().softmaxCrossEntropyGrad!(g, new Float32Array([1000, 0, -1000]), new Float32Array([0, 1, 0]), 1, 3, 1);
    expect(Array.from(g)).toEqual([1, -1, 0]);
  });
});

describe('loss gradients vs finite differences (float64 reference)', () => {
  const k = () => impls[0]!.k;
  for (const c of cases) {
    it(`${c.name}: the gradient kernel is d(loss)/d(pred)`, () => {
      const rng = new RandomState(11);
      const [r, cols] = [3, 4];
      const p = c.pred(rng, r * cols), t = c.target(rng, r, cols);
      const t64 = Float64Array.from(t);
      const L = (q: Float64Array) => {
        const out = new Float64Array(1);
        callLoss(reference, c, out, f64(q), f64(t64), r, cols);
        return out[0]!;
      };
      const grad = new Float32Array(r * cols);
      callGrad(k(), c, grad, p, t, r, cols);
      const h = 1e-6;
      for (let i = 0; i < r * cols; i++) {
        const qp = Float64Array.from(p), qm = Float64Array.from(p);
        qp[i]! += h;
        qm[i]! -= h;
        const numeric = (L(qp) - L(qm)) / (2 * h);
        const rel = Math.abs(grad[i]! - numeric) / Math.max(1e-4, Math.abs(numeric));
        expect(rel, `${c.name} element ${i}: analytic ${grad[i]} numeric ${numeric}`).toBeLessThan(1e-4);
      }
    });
  }
});
