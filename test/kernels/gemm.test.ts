// The gemm kernel (assembly/gemm.ts) against its plain-TS twin (src/reference/gemm.ts), in both
// WASM builds: odd sizes, 1×1, primes, tall/skinny, every transpose combination, overwrite and
// accumulate. Tolerance scales with Σ|a||b| (float32 rounding of a k-term dot product).
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 1, 7], [2, 3, 4], [3, 5, 7], [4, 8, 4], [5, 9, 3], [8, 8, 8], [17, 13, 11], [4, 4, 1],
  [1, 33, 5], [33, 1, 5], [64, 10, 128], [100, 3, 2], [3, 100, 2], [12, 16, 31], [31, 37, 41], [7, 24, 64],
  // large enough for the packed path: several K blocks (equal blocks of ≤ 400: 784 = 2 × 392,
  // 513 = 257 + 256, 801 = 3 × 267, 1201 = 301 + 300 + 300 + 300), several N blocks (NC = 512),
  // tail panels of width 1..7, tail rows 1..3, a 10-column classifier head
  [37, 29, 300], [64, 10, 784], [5, 530, 17], [19, 515, 260], [66, 12, 33], [6, 9, 513], [4, 8, 256], [9, 13, 1],
  [9, 21, 801], [6, 9, 1201],
];
const flags: [number, number][] = [[0, 0], [1, 0], [0, 1], [1, 1]];

function absBound(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: number, tb: number): Float32Array {
  const absA = a.map(Math.abs), absB = b.map(Math.abs);
  const out = new Float32Array(m * n);
  reference.gemm!(out, absA, absB, m, n, k, ta, tb);
  return out;
}

function expectClose(got: Float32Array, want: Float32Array, bound: Float32Array, k: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const tol = 4 * (k + 2) * 2 ** -24 * (bound[i]! + Math.abs(want[i]!)) + 1e-30;
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      throw new Error(`${what}: element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
    }
  }
}

describe.each(BUILDS)('gemm, %s build', (build) => {
  const impl = () => impls.find((i) => i.name === build)!.k;

  for (const [ta, tb] of flags) {
    it(`matches the reference for transA=${ta}, transB=${tb} on odd shapes`, () => {
      const rng = new RandomState(7 + ta * 2 + tb);
      for (const [m, n, k] of shapes) {
        const a = randomF32(rng, m * k), b = randomF32(rng, k * n);
        const want = new Float32Array(m * n), got = new Float32Array(m * n).fill(123);
        reference.gemm!(want, a, b, m, n, k, ta, tb);
        impl().gemm!(got, a, b, m, n, k, ta, tb);
        expectClose(got, want, absBound(a, b, m, n, k, ta, tb), k, `gemm ${m}x${n}x${k} t=${ta}${tb}`);
      }
    });

    it(`accumulates into C for transA=${ta}, transB=${tb}`, () => {
      const rng = new RandomState(70 + ta * 2 + tb);
      for (const [m, n, k] of shapes) {
        const a = randomF32(rng, m * k), b = randomF32(rng, k * n), c0 = randomF32(rng, m * n);
        const want = c0.slice(), got = c0.slice();
        reference.gemmAccumulate!(want, a, b, m, n, k, ta, tb);
        impl().gemmAccumulate!(got, a, b, m, n, k, ta, tb);
        const bound = absBound(a, b, m, n, k, ta, tb).map((v, i) => v + Math.abs(c0[i]!));
        expectClose(got, want, bound, k + 1, `gemmAccumulate ${m}x${n}x${k} t=${ta}${tb}`);
      }
    });
  }

  it('computes a known product exactly (integers)', () => {
    const c = new Float32Array(4);
    impl().gemm!(c, new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([7, 8, 9, 10, 11, 12]), 2, 2, 3, 0, 0);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('with k = 0 writes zeros (overwrite) and leaves C alone (accumulate)', () => {
    const c = new Float32Array([5, 5, 5, 5, 5, 5]);
    impl().gemmAccumulate!(c, new Float32Array(4), new Float32Array(4), 2, 3, 0, 0, 0);
    expect(Array.from(c)).toEqual([5, 5, 5, 5, 5, 5]);
    impl().gemm!(c, new Float32Array(4), new Float32Array(4), 2, 3, 0, 0, 0);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('propagates NaN and Infinity like IEEE arithmetic', () => {
    const c = new Float32Array(2);
    impl().gemm!(c, new Float32Array([NaN, 1]), new Float32Array([1, 2, 3, 4]), 1, 2, 2, 0, 0);
    expect(Number.isNaN(c[0]!) && Number.isNaN(c[1]!)).toBe(true);
  });
});
