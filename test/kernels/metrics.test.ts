// The accuracy kernel (assembly/metrics.ts) against src/reference/metrics.ts, in every build.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { BUILDS, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

describe.each(BUILDS)('accuracyCount, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;
  it('counts like the reference: thresholds on one column, argmax on several (ties: first)', () => {
    const rng = new RandomState(8);
    for (const [rows, cols] of [[1, 1], [7, 1], [5, 3], [17, 10], [4, 2]] as const) {
      for (const threshold of [0.5, 0]) {
        const p = randomF32(rng, rows * cols, -1, 1.5);
        const t = Float32Array.from({ length: rows * cols }, () => (rng.random() < 0.5 ? 0 : 1));
        p[0] = t[0]!; // a tie with the target somewhere
        const want = new Float64Array(1), got = new Float64Array(1);
        reference.accuracyCount!(want, p, t, rows, cols, threshold);
        k().accuracyCount!(got, p, t, rows, cols, threshold);
        expect(got[0]).toBe(want[0]);
      }
    }
  });
  it('known values', () => {
    const out = new Float64Array(1);
    k().accuracyCount!(out, new Float32Array([0.1, 0.7, 0.2, 0.5, 0.4, 0.1]), new Float32Array([0, 1, 0, 1, 0, 0]), 2, 3, 0.5);
    expect(out[0]).toBe(2);
    k().accuracyCount!(out, new Float32Array([0.6, 0.4, 0.5]), new Float32Array([1, 1, 0]), 3, 1, 0.5);
    expect(out[0]).toBe(1);
  });
});
