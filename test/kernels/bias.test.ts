// Bias add, column sums and row gathering (assembly/bias.ts) against src/reference/bias.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { closeness, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));
const shapes: [number, number][] = [[1, 1], [1, 5], [5, 1], [3, 4], [4, 3], [17, 13], [64, 10], [2, 33]];

describe.each(BUILDS)('bias kernels, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;

  it('addBiasRows matches the reference, also in place', () => {
    const rng = new RandomState(1);
    for (const [r, c] of shapes) {
      const x = randomF32(rng, r * c), b = randomF32(rng, c);
      const want = new Float32Array(r * c), got = new Float32Array(r * c);
      reference.addBiasRows!(want, x, b, r, c);
      k().addBiasRows!(got, x, b, r, c);
      expect(Array.from(got)).toEqual(Array.from(want));
      k().addBiasRows!(x, x, b, r, c);
      expect(Array.from(x)).toEqual(Array.from(want));
    }
  });

  it('sumColumns matches the reference and overwrites its output', () => {
    const rng = new RandomState(2);
    for (const [r, c] of shapes) {
      const x = randomF32(rng, r * c);
      const want = new Float32Array(c), got = new Float32Array(c).fill(9);
      reference.sumColumns!(want, x, r, c);
      k().sumColumns!(got, x, r, c);
      expect(closeness(got, want, 1e-5, 1e-6 * r)).toBeLessThanOrEqual(1);
    }
  });

  it('gatherRows copies the indexed rows in order (repeats allowed)', () => {
    const rng = new RandomState(3);
    // also rows of whole 64-byte lines (16 floats), of lines and a tail (47, 784 = 49 lines), and
    // counts around the groups of four rows the kernel copies together
    const wide: [number, number][] = [[6, 16], [9, 47], [13, 784], [3, 784]];
    for (const [r, c] of [...shapes, ...wide]) {
      const src = randomF32(rng, r * c);
      const index = Int32Array.from({ length: r + 2 }, () => rng.integer(r));
      const want = new Float32Array((r + 2) * c), got = new Float32Array((r + 2) * c);
      reference.gatherRows!(want, src, index, r + 2, c);
      k().gatherRows!(got, src, index, r + 2, c);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
