// The SGD update (assembly/optimizers.ts) against src/reference/optimizers.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../src/random.js';
import { closeness, randomF32, reference, wasmImpls, type Impl } from './support/kernels.js';
import { BUILDS } from './support/kernels.js';

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
