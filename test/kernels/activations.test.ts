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

/** Distance in units in the last place of float32 between a float32 result and the float64 truth (subnormals: the grid's spacing, 2^−149). */
function ulps(got: number, truth: number): number {
  if (Number.isNaN(truth)) return Number.isNaN(got) ? 0 : Infinity;
  if (got === truth) return 0;
  const spacing = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(truth))) - 23));
  return Math.abs(got - truth) / spacing;
}

describe('sigmoid, tanh and softmax (expf.ts: e^x, tanh and the sigmoid four lanes at a time)', () => {
  // every float32 step of [−1, 1] near 0 and on a dense grid out to the subnormal and saturated
  // ends, and the special values
  const grid: number[] = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 1e-30, -1e-30, 0.625, -0.625, Math.fround(0.625 - 2 ** -24), 87.3, -87.3, 88.8, -88.8, 103.9, -103.9, 104, -104, 1e30, -1e30];
  for (let v = -120; v <= 120; v += 0.0037) grid.push(v);
  for (let i = 0; i < 40000; i++) grid.push((i - 20000) * 2 ** -14, Math.fround(Math.tan(i) * 1e-3));
  const x = Float32Array.from(grid);
  const n = x.length;
  const run = (build: string, kernel: string) => {
    const out = new Float32Array(n);
    impls.find((i) => i.name === build)!.k[kernel]!(out, x, 1, n, 0);
    return out;
  };

  it('every build computes the same bits (the SIMD lanes and the scalar form are the same operations)', () => {
    for (const kernel of ['sigmoidForward', 'tanhForward', 'sigmoidDerivative', 'tanhDerivative']) {
      const simd = run('simd', kernel), scalar = run('scalar', kernel), relaxed = run('relaxed', kernel);
      const differs = (a: Float32Array, b: Float32Array) => a.findIndex((v, i) => !Object.is(v, b[i]) && !(Number.isNaN(v) && Number.isNaN(b[i]!)));
      expect(differs(simd, scalar), `${kernel} simd vs scalar`).toBe(-1);
      expect(differs(simd, relaxed), `${kernel} simd vs relaxed`).toBe(-1);
    }
    // softmax on rows of odd widths (vector body, scalar tail)
    const rows = 37, cols = 19, z = x.subarray(0, rows * cols);
    const soft = (build: string) => {
      const out = new Float32Array(rows * cols);
      impls.find((i) => i.name === build)!.k.softmaxForward!(out, z, rows, cols, 0);
      return Array.from(out);
    };
    expect(soft('simd')).toEqual(soft('scalar'));
    expect(soft('relaxed')).toEqual(soft('scalar'));
  });

  it('sigmoid and tanh are within 3 ulp of float64 everywhere, exact at 0, ±1 and 0 at the ends; NaN stays NaN', () => {
    for (const build of BUILDS) {
      const sig = run(build, 'sigmoidForward'), tanh = run(build, 'tanhForward');
      let worstSig = 0, worstTanh = 0;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
        worstSig = Math.max(worstSig, ulps(sig[i]!, s));
        worstTanh = Math.max(worstTanh, ulps(tanh[i]!, Math.tanh(v)));
      }
      expect(worstSig, `${build} sigmoid`).toBeLessThanOrEqual(3);
      expect(worstTanh, `${build} tanh`).toBeLessThanOrEqual(3);
      const at = (v: number) => grid.findIndex((g) => Object.is(g, v));
      expect([sig[at(0)], sig[at(Infinity)], sig[at(-Infinity)], sig[at(-104)]]).toEqual([0.5, 1, 0, 0]);
      expect([tanh[at(0)], tanh[at(-0)], tanh[at(Infinity)], tanh[at(-Infinity)], tanh[at(1e30)]]).toEqual([0, -0, 1, -1, 1]);
      expect(Object.is(tanh[at(-0)], -0)).toBe(true);
      expect(Number.isNaN(sig[at(NaN)]!) && Number.isNaN(tanh[at(NaN)]!)).toBe(true);
      expect(sig[at(-103.9)]).toBeGreaterThan(0); // a subnormal, as e^−103.9 is
    }
  });

  it('softmax is within 4 ulp of float64 per element (given x − max in float32, as the kernel computes it)', () => {
    const rows = 500, cols = 10, z = Float32Array.from({ length: rows * cols }, (_, i) => Math.fround(Math.sin(i * 7.1) * 30));
    for (const build of BUILDS) {
      const out = new Float32Array(rows * cols);
      impls.find((i) => i.name === build)!.k.softmaxForward!(out, z, rows, cols, 0);
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(z.subarray(r * cols, (r + 1) * cols)), m = Math.max(...row);
        const e = row.map((v) => Math.exp(Math.fround(v - m))), s = e.reduce((a, b) => a + b, 0);
        e.forEach((v, j) => (worst = Math.max(worst, ulps(out[r * cols + j]!, v / s))));
      }
      expect(worst, build).toBeLessThanOrEqual(4);
    }
  });
});

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
