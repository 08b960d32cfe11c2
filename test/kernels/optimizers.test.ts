// The optimizer updates (assembly/optimizers.ts) against src/reference/optimizers.ts, in place
// (out is param: the same array twice, so the same block) and into a separate out, which the
// training loop uses to keep the weights before a step without copying them.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { closeness, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

describe.each(BUILDS)('sgdUpdate, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  it('param -= lr·grad on odd lengths', () => {
    const rng = new RandomState(4);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 17, 33, 100, 257]) {
      const p = randomF32(rng, n), g = randomF32(rng, n);
      const want = p.slice(), got = p.slice();
      reference.sgdUpdate!(want, want, g, 0.1, n);
      k().sgdUpdate!(got, got, g, 0.1, n);
      expect(closeness(got, want, 1e-6, 1e-7), `n=${n}`).toBeLessThanOrEqual(1);
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
      expect(closeness(out, want, 1e-6, 1e-7)).toBeLessThanOrEqual(1);
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
  const sizes = [1, 3, 4, 5, 17, 23, 33, 71, 100]; // 23, 71: the 16-float loop, one 4-float vector and a scalar tail

  it('momentumUpdate (plain and Nesterov) matches the reference over several steps', () => {
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
        expect(closeness(pg, pw, 1e-5, 1e-6), `n=${n} nesterov=${nesterov}`).toBeLessThanOrEqual(1);
        expect(closeness(vg, vw, 1e-5, 1e-6)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('adamUpdate matches the reference, with bias correction, over several steps', () => {
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
      expect(closeness(pg, pw, 1e-5, 1e-6), `n=${n}`).toBeLessThanOrEqual(1);
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

  it('rmspropUpdate and regularizeGrad match the reference', () => {
    const rng = new RandomState(7);
    for (const n of sizes) {
      const p0 = randomF32(rng, n);
      const [pw, sw, pg, sg] = [p0.slice(), new Float32Array(n), p0.slice(), new Float32Array(n)];
      for (let t = 0; t < 3; t++) {
        const g = randomF32(rng, n);
        reference.rmspropUpdate!(pw, pw, g, sw, 0.01, 0.9, 1e-7, n);
        k().rmspropUpdate!(pg, pg, g, sg, 0.01, 0.9, 1e-7, n);
      }
      expect(closeness(pg, pw, 1e-5, 1e-6), `rmsprop n=${n}`).toBeLessThanOrEqual(1);
      const g0 = randomF32(rng, n), w = randomF32(rng, n);
      w[0] = 0;
      const [gw, gg] = [g0.slice(), g0.slice()];
      reference.regularizeGrad!(gw, w, 0.01, 0.1, n);
      k().regularizeGrad!(gg, w, 0.01, 0.1, n);
      expect(closeness(gg, gw, 1e-6, 1e-7), `regularize n=${n}`).toBeLessThanOrEqual(1);
    }
  });
});
