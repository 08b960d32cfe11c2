// The kernel suite, in a form that runs inside a browser page: every kernel of every build the
// browser validates (SIMD, scalar, and relaxed SIMD where supported) against its plain-TS twin on
// odd shapes and every transpose. test/browser.test.ts bundles this file with esbuild and calls
// `runKernelSuite()` in headless Chromium.
import { buildSupported, loadBackend, type Flavor } from '../../src/backend/load.js';
import { RandomState } from '../../src/core/random.js';
import { ACTIVATION_IDS } from '../../src/reference/dense.js';
import { closeness, randomF32, reference, wasmKernels, type KernelSet } from './kernels.js';

export interface SuiteResult {
  builds: Flavor[];
  checks: number;
  failures: string[];
}

function check(failures: string[], what: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  const c = closeness(got, want, rtol, atol);
  if (!(c <= 1)) failures.push(`${what}: closeness ${c}`);
}

function suite(k: KernelSet, build: string, failures: string[]): number {
  let checks = 0;
  const rng = new RandomState(1);
  const gemmShapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [17, 13, 11], [64, 10, 128], [37, 29, 300], [5, 530, 17]];
  for (const [m, n, kk] of gemmShapes) {
    for (const [ta, tb] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
      const a = randomF32(rng, m * kk), b = randomF32(rng, kk * n);
      const want = new Float32Array(m * n), got = new Float32Array(m * n);
      reference.gemm!(want, a, b, m, n, kk, ta, tb);
      k.gemm!(got, a, b, m, n, kk, ta, tb);
      check(failures, `${build} gemm ${m}x${n}x${kk} t${ta}${tb}`, got, want, 1e-4, 1e-4);
      checks++;
    }
  }
  for (const [r, c] of [[1, 1], [3, 5], [5, 17], [8, 10]] as const) {
    const n = r * c;
    for (const name of ACTIVATION_IDS) {
      const x = randomF32(rng, n, -5, 5), g = randomF32(rng, n);
      for (const kind of ['Forward', 'Derivative'] as const) {
        const want = new Float32Array(n), got = new Float32Array(n);
        reference[`${name}${kind}`]!(want, x, r, c, 0.1);
        k[`${name}${kind}`]!(got, x, r, c, 0.1);
        check(failures, `${build} ${name}${kind} ${r}x${c}`, got, want);
        checks++;
      }
      const y = new Float32Array(n);
      reference[`${name}Forward`]!(y, x, r, c, 0.1);
      const want = new Float32Array(n), got = new Float32Array(n);
      reference[`${name}Backward`]!(want, g, x, y, r, c, 0.1);
      k[`${name}Backward`]!(got, g, x, y, r, c, 0.1);
      check(failures, `${build} ${name}Backward ${r}x${c}`, got, want);
      checks++;
    }
    const p = randomF32(rng, n, 0.05, 0.95), t = Float32Array.from({ length: n }, () => (rng.random() < 0.5 ? 0 : 1));
    for (const loss of ['binaryCrossEntropy', 'meanSquaredError'] as const) {
      const lw = new Float64Array(1), lg = new Float64Array(1);
      reference[`${loss}Loss`]!(lw, p, t, n);
      k[`${loss}Loss`]!(lg, p, t, n);
      check(failures, `${build} ${loss}Loss ${r}x${c}`, lg, lw, 1e-6, 1e-7);
      const gw = new Float32Array(n), gg = new Float32Array(n);
      reference[`${loss}Grad`]!(gw, p, t, n, 1 / n);
      k[`${loss}Grad`]!(gg, p, t, n, 1 / n);
      check(failures, `${build} ${loss}Grad ${r}x${c}`, gg, gw);
      checks += 2;
    }
    const lw = new Float64Array(1), lg = new Float64Array(1);
    reference.softmaxCrossEntropyLoss!(lw, p, t, r, c);
    k.softmaxCrossEntropyLoss!(lg, p, t, r, c);
    check(failures, `${build} softmaxCrossEntropyLoss ${r}x${c}`, lg, lw, 1e-6, 1e-7);
    const bias = randomF32(rng, c), out1 = new Float32Array(n), out2 = new Float32Array(n);
    reference.addBiasRows!(out1, p, bias, r, c);
    k.addBiasRows!(out2, p, bias, r, c);
    check(failures, `${build} addBiasRows ${r}x${c}`, out2, out1);
    const s1 = new Float32Array(c), s2 = new Float32Array(c);
    reference.sumColumns!(s1, p, r, c);
    k.sumColumns!(s2, p, r, c);
    check(failures, `${build} sumColumns ${r}x${c}`, s2, s1);
    const w1 = p.slice(), w2 = p.slice();
    reference.sgdUpdate!(w1, w1, t, 0.1, n);
    k.sgdUpdate!(w2, w2, t, 0.1, n);
    check(failures, `${build} sgdUpdate ${n}`, w2, w1);
    checks += 4;
  }
  return checks;
}

/** Run the kernel suite on every build this engine validates. */
export async function runKernelSuite(): Promise<SuiteResult> {
  const builds = (['simd', 'scalar', 'relaxed'] as const).filter((b) => buildSupported(b));
  const failures: string[] = [];
  let checks = 0;
  for (const b of builds) checks += suite(wasmKernels(await loadBackend(b)), b, failures);
  return { builds: [...builds], checks, failures };
}
