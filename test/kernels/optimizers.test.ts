// The optimizer updates (assembly/optimizers.ts) against src/reference/optimizers.ts, in place
// (out is param: the same array twice, so the same block) and into a separate out, which the
// training loop uses to keep the weights before a step without copying them.
// The reference and every build compute each element with the same f32 operations in the same
// order (a SIMD lane's: o·(g·g) for Adam's and RMSprop's squares, g + (l1·sign + l2·w) for the
// penalty), so the results are compared bit for bit: between builds, against the reference, and
// between a SIMD lane and the scalar tail that takes the last n mod 4 floats.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { randomF32, reference, wasmImpls, type Impl, type KernelSet } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

/** The bits of each float (so −0 ≠ +0 and NaN = NaN). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(Float32Array.from(a).buffer));

/** Every residue mod 4 (the tail's 0–3 floats), below and above the 4-vector loop of Adam (16 floats). */
const SIZES = [1, 2, 3, 4, 5, 6, 7, 10, 17, 23, 33, 66, 71, 100];

describe.each(BUILDS)('sgdUpdate, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  it("param -= lr·grad on odd lengths: the reference's bits", () => {
    const rng = new RandomState(4);
    for (const n of [...SIZES, 8, 257]) {
      const p = randomF32(rng, n), g = randomF32(rng, n);
      const want = p.slice(), got = p.slice();
      reference.sgdUpdate!(want, want, g, 0.1, n);
      k().sgdUpdate!(got, got, g, 0.1, n);
      expect(bits(got), `n=${n}`).toEqual(bits(want));
    }
  });
  it('out of place: the new values go to out, the parameters stay as they were', () => {
    const rng = new RandomState(14);
    for (const n of [1, 5, 17, 100]) {
      const p = randomF32(rng, n), g = randomF32(rng, n), kept = p.slice();
      const inPlace = p.slice(), want = p.slice(), out = new Float32Array(n).fill(7);
      k().sgdUpdate!(inPlace, inPlace, g, 0.1, n);
      reference.sgdUpdate!(want, p, g, 0.1, n);
      k().sgdUpdate!(out, p, g, 0.1, n);
      expect(Array.from(out), `n=${n}`).toEqual(Array.from(inPlace));
      expect(bits(out)).toEqual(bits(want));
      expect(Array.from(p)).toEqual(Array.from(kept));
    }
  });
  it('touches only n elements', () => {
    const p = new Float32Array([1, 1, 1, 1, 1, 1]);
    k().sgdUpdate!(p, p, new Float32Array(6).fill(1), 0.5, 5);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 1]);
  });
});

describe.each(BUILDS)('momentum, Adam, RMSprop and regularization kernels, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  const sizes = SIZES; // 23, 71: the 16-float loop, one 4-float vector and a scalar tail

  it("momentumUpdate (plain and Nesterov): the reference's bits over several steps", () => {
    const rng = new RandomState(5);
    for (const nesterov of [0, 1]) {
      for (const n of sizes) {
        const p0 = randomF32(rng, n);
        const [pw, vw, pg, vg] = [p0.slice(), new Float32Array(n), p0.slice(), new Float32Array(n)];
        for (let step = 0; step < 4; step++) {
          const g = randomF32(rng, n);
          reference.momentumUpdate!(pw, pw, g, vw, 0.1, 0.9, nesterov, n);
          k().momentumUpdate!(pg, pg, g, vg, 0.1, 0.9, nesterov, n);
        }
        expect(bits(pg), `n=${n} nesterov=${nesterov}`).toEqual(bits(pw));
        expect(bits(vg), `n=${n} nesterov=${nesterov}: velocity`).toEqual(bits(vw));
      }
    }
  });

  it("adamUpdate: the reference's bits, with bias correction, over several steps", () => {
    const rng = new RandomState(6);
    for (const n of sizes) {
      const p0 = randomF32(rng, n);
      const [pw, mw, vw, pg, mg, vg] = [p0.slice(), new Float32Array(n), new Float32Array(n), p0.slice(), new Float32Array(n), new Float32Array(n)];
      for (let t = 1; t <= 5; t++) {
        const g = randomF32(rng, n);
        const c1 = 1 / (1 - 0.9 ** t), c2 = 1 / (1 - 0.999 ** t);
        reference.adamUpdate!(pw, pw, g, mw, vw, 0.01, 0.9, 0.999, 1e-7, c1, c2, n);
        k().adamUpdate!(pg, pg, g, mg, vg, 0.01, 0.9, 0.999, 1e-7, c1, c2, n);
      }
      expect(bits(pg), `n=${n}`).toEqual(bits(pw));
      expect(bits(mg), `n=${n}: m`).toEqual(bits(mw));
      expect(bits(vg), `n=${n}: v`).toEqual(bits(vw));
    }
  });

  it("adam's first bias-corrected step is lr·sign(g)", () => {
    const p = new Float32Array([1, 1, 1, 1, 1]);
    k().adamUpdate!(p, p, new Float32Array([3, -2, 0.5, -1e-3, 10]), new Float32Array(5), new Float32Array(5), 0.1, 0.9, 0.999, 1e-8, 1 / 0.1, 1 / 0.001, 5);
    Array.from(p).forEach((v, i) => expect(v).toBeCloseTo([0.9, 1.1, 0.9, 1.1, 0.9][i]!, 4));
  });

  it('momentum, Adam and RMSprop out of place: out gets what in place gives, param and its copy stay', () => {
    const rng = new RandomState(15);
    const cases: [string, (out: Float32Array, p: Float32Array, g: Float32Array, s: Float32Array[]) => void, number][] = [
      ['momentumUpdate', (o, p, g, s) => k().momentumUpdate!(o, p, g, s[0]!, 0.1, 0.9, 1, p.length), 1],
      ['adamUpdate', (o, p, g, s) => k().adamUpdate!(o, p, g, s[0]!, s[1]!, 0.01, 0.9, 0.999, 1e-7, 10, 1000, p.length), 2],
      ['rmspropUpdate', (o, p, g, s) => k().rmspropUpdate!(o, p, g, s[0]!, 0.01, 0.9, 1e-7, p.length), 1],
    ];
    for (const [name, run, states] of cases) {
      for (const n of [1, 5, 17, 100]) {
        const p = randomF32(rng, n), g = randomF32(rng, n), s0 = Array.from({ length: states }, () => randomF32(rng, n, 0, 1));
        const inPlace = p.slice(), sIn = s0.map((a) => a.slice());
        run(inPlace, inPlace, g, sIn);
        const out = new Float32Array(n).fill(7), kept = p.slice(), sOut = s0.map((a) => a.slice());
        run(out, p, g, sOut);
        expect(Array.from(out), `${name} n=${n}`).toEqual(Array.from(inPlace));
        expect(Array.from(p), `${name} n=${n}: param untouched`).toEqual(Array.from(kept));
        sOut.forEach((a, i) => expect(Array.from(a), `${name} state ${i}`).toEqual(Array.from(sIn[i]!)));
      }
    }
  });

  it("rmspropUpdate and regularizeGrad: the reference's bits", () => {
    const rng = new RandomState(7);
    for (const n of sizes) {
      const p0 = randomF32(rng, n);
      const [pw, sw, pg, sg] = [p0.slice(), new Float32Array(n), p0.slice(), new Float32Array(n)];
      for (let t = 0; t < 3; t++) {
        const g = randomF32(rng, n);
        reference.rmspropUpdate!(pw, pw, g, sw, 0.01, 0.9, 1e-7, n);
        k().rmspropUpdate!(pg, pg, g, sg, 0.01, 0.9, 1e-7, n);
      }
      expect(bits(pg), `rmsprop n=${n}`).toEqual(bits(pw));
      expect(bits(sg), `rmsprop n=${n}: s`).toEqual(bits(sw));
      const g0 = randomF32(rng, n), w = randomF32(rng, n);
      w[0] = 0;
      if (n > 1) w[n - 1] = -0; // sign(−0) is +0, as sign(0)
      const [gw, gg] = [g0.slice(), g0.slice()];
      reference.regularizeGrad!(gw, w, 0.01, 0.1, n);
      k().regularizeGrad!(gg, w, 0.01, 0.1, n);
      expect(bits(gg), `regularize n=${n}`).toEqual(bits(gw));
    }
  });
});

/** Values of magnitude 2^-130 to 2^-100 (subnormal to small normal f32), with random signs unless `signed` is false. */
function tinyF32(rng: RandomState, n: number, signed = true): Float32Array {
  return Float32Array.from({ length: n }, () => (signed && rng.random() < 0.5 ? -1 : 1) * 2 ** (-130 + 30 * rng.random()));
}

/** Gradients that are 0 in about half the places and of magnitude ≤ 2^-110 elsewhere. */
function sparseTinyF32(rng: RandomState, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.random() < 0.5 ? 0 : (rng.random() - 0.5) * 2 ** -110));
}

/**
 * Each optimizer kernel run for several steps on the first n floats of seeded parameters, gradients
 * and states drawn `len` long; every array it wrote (parameters, then its state).
 */
const RUNS: Record<string, (k: KernelSet, rng: RandomState, n: number, len: number) => Float32Array[]> = {
  sgdUpdate: (k, rng, n, len) => {
    const p = randomF32(rng, len);
    for (let t = 0; t < 3; t++) k.sgdUpdate!(p, p, randomF32(rng, len), 0.1, n);
    return [p];
  },
  momentumUpdate: (k, rng, n, len) => {
    const p = randomF32(rng, len), v = new Float32Array(len);
    for (let t = 0; t < 4; t++) k.momentumUpdate!(p, p, randomF32(rng, len), v, 0.1, 0.9, 0, n);
    return [p, v];
  },
  nesterov: (k, rng, n, len) => {
    const p = randomF32(rng, len), v = new Float32Array(len);
    for (let t = 0; t < 4; t++) k.momentumUpdate!(p, p, randomF32(rng, len), v, 0.1, 0.9, 1, n);
    return [p, v];
  },
  adamUpdate: (k, rng, n, len) => {
    const p = randomF32(rng, len), m = new Float32Array(len), v = new Float32Array(len);
    for (let t = 1; t <= 5; t++) {
      k.adamUpdate!(p, p, randomF32(rng, len, -3, 3), m, v, 0.01, 0.9, 0.999, 1e-7, 1 / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t), n);
    }
    return [p, m, v];
  },
  rmspropUpdate: (k, rng, n, len) => {
    const p = randomF32(rng, len), s = new Float32Array(len);
    for (let t = 0; t < 4; t++) k.rmspropUpdate!(p, p, randomF32(rng, len, -3, 3), s, 0.01, 0.9, 1e-7, n);
    return [p, s];
  },
  // state decaying through the subnormal range (zero gradients, as for a ReLU unit inactive over
  // whole batches, among tiny ones): the kernels flush it to +0 below 2^-126
  momentumDecay: (k, rng, n, len) => {
    const p = randomF32(rng, len), v = tinyF32(rng, len), g = sparseTinyF32(rng, len);
    for (let t = 0; t < 40; t++) k.momentumUpdate!(p, p, g, v, 0.1, 0.5, t & 1, n);
    return [p, v];
  },
  adamDecay: (k, rng, n, len) => {
    const p = randomF32(rng, len, -1e-30, 1e-30), m = tinyF32(rng, len), v = tinyF32(rng, len, false), g = sparseTinyF32(rng, len);
    for (let t = 1; t <= 40; t++) k.adamUpdate!(p, p, g, m, v, 1e-3, 0.5, 0.5, 1e-7, 1 / (1 - 0.5 ** t), 1 / (1 - 0.5 ** t), n);
    return [p, m, v];
  },
  rmspropDecay: (k, rng, n, len) => {
    const p = randomF32(rng, len), s = tinyF32(rng, len, false), g = sparseTinyF32(rng, len);
    for (let t = 0; t < 40; t++) k.rmspropUpdate!(p, p, g, s, 0.01, 0.5, 1e-7, n);
    return [p, s];
  },
  regularizeGrad: (k, rng, n, len) => {
    const g = randomF32(rng, len, -1e-3, 1e-3), w = randomF32(rng, len);
    for (let t = 0; t < 3; t++) k.regularizeGrad!(g, w, 1e-3, 1e-2, n);
    return [g];
  },
};

describe('optimizer kernels: the same bits in every build and in every position', () => {
  const kernels = () => [...impls.map((i) => [i.name, i.k] as const), ['reference', reference] as const];

  it.each(Object.keys(RUNS))("%s: the scalar and relaxed builds and the reference give the simd build's bits, on every n mod 4", (name) => {
    for (const n of SIZES) {
      const [simd, ...others] = kernels().map(([build, k]) => [build, RUNS[name]!(k, new RandomState(100 + n), n, n)] as const);
      for (const [build, arrays] of others) {
        arrays.forEach((a, i) => expect(bits(a), `${build} n=${n} array ${i}`).toEqual(bits(simd![1][i]!)));
      }
    }
  });

  it.each(Object.keys(RUNS))('%s: a float in the scalar tail gets the bits it gets in a SIMD lane', (name) => {
    // the same data run at n = 20 (all in 4-float vectors) and n = 17, 18, 19 (floats 16.. in the
    // tail), on 40 seeds: a tail of 1–3 floats meets a differently rounded case only now and then
    for (const [build, k] of kernels()) {
      for (let seed = 0; seed < 40; seed++) {
        const whole = RUNS[name]!(k, new RandomState(seed), 20, 20);
        for (const n of [17, 18, 19]) {
          const part = RUNS[name]!(k, new RandomState(seed), n, 20);
          part.forEach((a, i) => expect(bits(a.subarray(0, n)), `${build} seed ${seed} n=${n} array ${i}`).toEqual(bits(whole[i]!.subarray(0, n))));
        }
      }
    }
  });
});

describe.each(BUILDS)('optimizer state below 2^-126 is flushed to +0, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  /** Whether every value is 0 (+0 only), NaN, or of magnitude ≥ 2^-126: no subnormal, no −0. */
  const noSubnormal = (a: Float32Array) => Array.from(a).every((x) => Number.isNaN(x) || Object.is(x, 0) || Math.abs(x) >= 2 ** -126);

  it.each(['momentumDecay', 'adamDecay', 'rmspropDecay'])('%s: no subnormal or −0 left in the state, and some of it flushed', (name) => {
    for (const n of SIZES) {
      const [, ...state] = RUNS[name]!(k(), new RandomState(300 + n), n, n);
      state.forEach((a, i) => expect(noSubnormal(a), `n=${n} state ${i}: ${Array.from(a).find((x) => !noSubnormal(Float32Array.of(x)))}`).toBe(true));
      if (n >= 10) expect(state.some((a) => a.some((x) => Object.is(x, 0))), `n=${n}: something decayed to 0`).toBe(true);
    }
  });

  it('a NaN in the state stays NaN; a normal value is kept as it is', () => {
    const n = 9;
    const m = new Float32Array(n).fill(NaN), v = new Float32Array(n).fill(1), p = new Float32Array(n).fill(1);
    k().adamUpdate!(p, p, new Float32Array(n), m, v, 0.1, 0.9, 0.999, 1e-7, 1, 1, n);
    expect(Array.from(m).every(Number.isNaN)).toBe(true);
    expect(Array.from(p).every(Number.isNaN)).toBe(true);
    const vel = new Float32Array(n).fill(2 ** -125); // ×0.5 is 2^-126: the smallest normal, kept
    const q = new Float32Array(n).fill(1);
    k().momentumUpdate!(q, q, new Float32Array(n), vel, 0.1, 0.5, 0, n);
    expect(Array.from(vel)).toEqual(new Array(n).fill(2 ** -126));
    k().momentumUpdate!(q, q, new Float32Array(n), vel, 0.1, 0.5, 0, n); // 2^-127: subnormal, flushed
    expect(Array.from(vel).every((x) => Object.is(x, 0))).toBe(true);
    expect(Array.from(q)).toEqual(new Array(n).fill(1));
  });

  it("Adam and RMSprop: where v·c2 (s) overflows, the weight becomes NaN (training stops as diverged) instead of silently no longer moving", () => {
    // g² = 1e40 overflows f32: v = ∞ and m/(√∞ + ε) = 0 would leave the weight as it is for good
    const n = 6, p = new Float32Array(n).fill(1), m = new Float32Array(n), v = new Float32Array(n);
    const g = Float32Array.from({ length: n }, (_, i) => (i % 2 ? 1e20 : 1));
    const want = p.slice(), [wm, wv] = [m.slice(), v.slice()];
    reference.adamUpdate!(want, want, g, wm, wv, 1e-3, 0.9, 0.999, 1e-7, 10, 1000, n);
    k().adamUpdate!(p, p, g, m, v, 1e-3, 0.9, 0.999, 1e-7, 10, 1000, n);
    expect(bits(p)).toEqual(bits(want));
    expect(Array.from(p, (x, i) => (i % 2 ? Number.isNaN(x) : Number.isFinite(x) && x < 1))).toEqual(new Array(n).fill(true));
    // RMSprop likewise: s = ∞ and lr·g/(√∞ + ε) = 0
    const q = new Float32Array(n).fill(1), s = new Float32Array(n), wantQ = q.slice(), ws = s.slice();
    reference.rmspropUpdate!(wantQ, wantQ, g, ws, 1e-3, 0.9, 1e-7, n);
    k().rmspropUpdate!(q, q, g, s, 1e-3, 0.9, 1e-7, n);
    expect(bits(q)).toEqual(bits(wantQ));
    expect(Array.from(q, (x, i) => (i % 2 ? Number.isNaN(x) : Number.isFinite(x) && x < 1))).toEqual(new Array(n).fill(true));
  });
});
