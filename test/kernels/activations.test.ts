// Activation kernels (assembly/activations.ts) against their plain-TS twins, in the SIMD, scalar and relaxed-SIMD builds,
// on odd sizes and with aliasing; then derivatives and backward kernels against centred finite
// differences of the float64 reference.
import { beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../src/core/random.js';
import { closeness, randomF32, reference, wasmImpls, type Impl } from '../support/kernels.js';
import { BUILDS } from '../support/kernels.js';

const impls: Impl[] = [];
beforeAll(async () => impls.push(...(await wasmImpls())));

const names = ['relu', 'leakyRelu', 'linear', 'sigmoid', 'tanh', 'softmax'] as const;
const shapes: [number, number][] = [[1, 1], [1, 3], [3, 5], [4, 4], [5, 17], [17, 1], [2, 64], [7, 10]];
const ALPHA = 0.1;

function inputs(rng: RandomState, n: number): Float32Array {
  const x = randomF32(rng, n, -6, 6);
  const specials = [0, -0, 1e-8, -1e-8, 40, -40, 100, -100, 1000, -1000];
  for (let i = 0; i < n && i < specials.length; i += 2) x[i] = specials[(i / 2) % specials.length]!;
  return x;
}

describe.each(BUILDS)('activation kernels, %s build', (build) => {
  const k = () => impls.find((i) => i.name === build)!.k;

  for (const name of names) {
    it(`${name}: forward, derivative and backward match the reference`, () => {
      const rng = new RandomState(name.length);
      for (const [r, c] of shapes) {
        const n = r * c;
        const x = inputs(rng, n), g = randomF32(rng, n);
        for (const kind of ['Forward', 'Derivative'] as const) {
          const want = new Float32Array(n), got = new Float32Array(n).fill(-7);
          reference[`${name}${kind}`]!(want, x, r, c, ALPHA);
          k()[`${name}${kind}`]!(got, x, r, c, ALPHA);
          expect(closeness(got, want), `${name}${kind} ${r}x${c}`).toBeLessThanOrEqual(1);
        }
        const y = new Float32Array(n);
        reference[`${name}Forward`]!(y, x, r, c, ALPHA);
        const want = new Float32Array(n), got = new Float32Array(n);
        reference[`${name}Backward`]!(want, g, x, y, r, c, ALPHA);
        k()[`${name}Backward`]!(got, g, x, y, r, c, ALPHA);
        expect(closeness(got, want), `${name}Backward ${r}x${c}`).toBeLessThanOrEqual(1);
      }
    });

    it(`${name}: works in place (out aliases x, or grad)`, () => {
      const rng = new RandomState(99);
      const [r, c] = [3, 7];
      const x = inputs(rng, r * c), g = randomF32(rng, r * c);
      const want = new Float32Array(r * c);
      reference[`${name}Forward`]!(want, x, r, c, ALPHA);
      const inPlace = x.slice();
      k()[`${name}Forward`]!(inPlace, inPlace, r, c, ALPHA);
      expect(closeness(inPlace, want)).toBeLessThanOrEqual(1);
      const y = want;
      const wantG = new Float32Array(r * c);
      reference[`${name}Backward`]!(wantG, g, x, y, r, c, ALPHA);
      const gInPlace = g.slice();
      k()[`${name}Backward`]!(gInPlace, gInPlace, x, y, r, c, ALPHA);
      expect(closeness(gInPlace, wantG)).toBeLessThanOrEqual(1);
    });
  }

  it('sigmoid is finite and saturates cleanly for large |x|', () => {
    const x = new Float32Array([-1e4, -200, -89, 89, 200, 1e4]);
    const y = new Float32Array(6);
    k().sigmoidForward!(y, x, 1, 6, 0);
    expect(Array.from(y).every(Number.isFinite)).toBe(true);
    expect(y[0]).toBe(0);
    expect(y[5]).toBe(1);
    expect(y[2]).toBeGreaterThan(0);
  });

  it('softmax rows sum to 1 and survive huge logits', () => {
    const x = new Float32Array([1000, 1000, 1000, -1000, 0, 5]);
    const y = new Float32Array(6);
    k().softmaxForward!(y, x, 2, 3, 0);
    expect(y[0]! + y[1]! + y[2]!).toBeCloseTo(1, 6);
    expect(y[3]! + y[4]! + y[5]!).toBeCloseTo(1, 6);
    expect(y[0]).toBeCloseTo(1 / 3, 6);
  });
});

// Centred differences on the float64 reference (the reference functions compute in float64 when
// handed Float64Arrays), against the derivative and backward kernels of the SIMD build.
describe('activation gradients vs finite differences', () => {
  const k = () => impls[0]!.k;
  const f64 = (a: Float64Array) => a as unknown as Float32Array;

  for (const name of names) {
    it(`${name}: backward equals the vector-Jacobian product by centred differences`, () => {
      const rng = new RandomState(5);
      const [r, c] = [3, 5];
      const n = r * c;
      // keep away from ReLU's kink at 0, where the derivative is not defined
      const x64 = Float64Array.from(randomF32(rng, n, -3, 3), (v) => (Math.abs(v) < 0.05 ? v + 0.2 : v));
      const g64 = Float64Array.from(randomF32(rng, n));
      const L = (x: Float64Array) => {
        const y = new Float64Array(n);
        reference[`${name}Forward`]!(f64(y), f64(x), r, c, ALPHA);
        return y.reduce((s, v, i) => s + v * g64[i]!, 0);
      };
      const h = 1e-6;
      const numeric = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const xp = x64.slice(), xm = x64.slice();
        xp[i]! += h;
        xm[i]! -= h;
        numeric[i] = (L(xp) - L(xm)) / (2 * h);
      }
      const x = Float32Array.from(x64), g = Float32Array.from(g64), y = new Float32Array(n), got = new Float32Array(n);
      k()[`${name}Forward`]!(y, x, r, c, ALPHA);
      k()[`${name}Backward`]!(got, g, x, y, r, c, ALPHA);
      for (let i = 0; i < n; i++) {
        const rel = Math.abs(got[i]! - numeric[i]!) / Math.max(1e-3, Math.abs(numeric[i]!), Math.abs(got[i]!));
        expect(rel, `${name} element ${i}: analytic ${got[i]} numeric ${numeric[i]}`).toBeLessThan(1e-4);
      }
      if (name !== 'softmax') {
        // elementwise activations: the derivative kernel is the diagonal, f'(x)
        const d = new Float32Array(n);
        k()[`${name}Derivative`]!(d, x, r, c, ALPHA);
        const ones = new Float32Array(n).fill(1);
        const viaBackward = new Float32Array(n);
        k()[`${name}Backward`]!(viaBackward, ones, x, y, r, c, ALPHA);
        expect(closeness(d, viaBackward)).toBeLessThanOrEqual(1);
      }
    });
  }
});
