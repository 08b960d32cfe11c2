// The SGD update (assembly/optimizers.ts) against src/reference/optimizers.ts.
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
      reference.sgdUpdate!(want, g, 0.1, n);
      k().sgdUpdate!(got, g, 0.1, n);
      expect(closeness(got, want, 1e-6, 1e-7), `n=${n}`).toBeLessThanOrEqual(1);
    }
  });
  it('touches only n elements', () => {
    const p = new Float32Array([1, 1, 1, 1, 1, 1]);
    k().sgdUpdate!(p, new Float32Array(6).fill(1), 0.5, 5);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 1]);
  });
});

describe.each(BUILDS)('momentum, Adam, RMSprop and regularization kernels, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  const sizes = [1, 3, 4, 5, 17, 33, 100];

  it('momentumUpdate (plain and Nesterov) matches the reference over several steps', () => {
    const rng = new RandomState(5);
    for (const nesterov of [0, 1]) {
      for (const n of sizes) {
        const p0 = randomF32(rng, n);
        const [pw, vw, pg, vg] = [p0.slice(), new Float32Array(n), p0.slice(), new Float32Array(n)];
        for (let step = 0; step < 4; step++) {
          const g = randomF32(rng, n);
          reference.momentumUpdate!(pw, g, vw, 0.1, 0.9, nesterov, n);
          k().momentumUpdate!(pg, g, vg, 0.1, 0.9, nesterov, n);
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
        reference.adamUpdate!(pw, g, mw, vw, 0.01, 0.9, 0.999, 1e-7, c1, c2, n);
        k().adamUpdate!(pg, g, mg, vg, 0.01, 0.9, 0.999, 1e-7, c1, c2, n);
      }
      expect(closeness(pg, pw, 1e-5, 1e-6), `n=${n}`).toBeLessThanOrEqual(1);
    }
  });

  it("adam's first bias-corrected step is lr·sign(g)", () => {
    const p = new Float32Array([1, 1, 1, 1, 1]);
    k().adamUpdate!(p, new Float32Array([3, -2, 0.5, -1e-3, 10]), new Float32Array(5), new Float32Array(5), 0.1, 0.9, 0.999, 1e-8, 1 / 0.1, 1 / 0.001, 5);
    Array.from(p).forEach((v, i) => expect(v).toBeCloseTo([0.9, 1.1, 0.9, 1.1, 0.9][i]!, 4));
  });

  it('rmspropUpdate and regularizeGrad match the reference', () => {
    const rng = new RandomState(7);
    for (const n of sizes) {
      const p0 = randomF32(rng, n);
      const [pw, sw, pg, sg] = [p0.slice(), new Float32Array(n), p0.slice(), new Float32Array(n)];
      for (let t = 0; t < 3; t++) {
        const g = randomF32(rng, n);
        reference.rmspropUpdate!(pw, g, sw, 0.01, 0.9, 1e-7, n);
        k().rmspropUpdate!(pg, g, sg, 0.01, 0.9, 1e-7, n);
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
