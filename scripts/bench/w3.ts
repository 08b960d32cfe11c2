/**
 * W3: gemm C = op(A)·op(B) at n = 32 … 1024 and at the W2/W4 training shapes (forward,
 * dW = Xᵀ·dY, dX = dY·Wᵀ) → GFLOP/s: scratchnet's kernel in every build this engine runs, the
 * public `matmul()` (copies in and out) at 256³, 512³ and one W2 shape, the plain-TS reference,
 * tfjs and NumPy.
 *
 * @module
 */
import { backendInfo, Matrix, matmul } from '../../src/index.js';
import { backend, buildSupported, loadBackend } from '../../src/backend/load.js';
import type { Backend } from '../../src/backend/heap.js';
import { gemm as referenceGemm } from '../../src/reference/gemm.js';
import { flops, gemmOperands, type GemmShape } from './lib/data.js';
import { fmt, measured, skipped, type BenchResult } from './lib/results.js';
import { tfjsGemm } from './lib/tfjs.js';
import { median, now, sampleCalls, withWallClock, type SampleOptions } from './lib/timing.js';
import { errText, log, npLabel, npThreads, tfBackends, tfThreads, w3Shapes, wasmNote, type Ctx } from './context.js';

/** Per-call milliseconds of the bare kernel on operands already in WASM memory. */
export function kernelGemm(be: Backend, s: GemmShape, a: Float32Array, b: Float32Array, o: SampleOptions): number[] {
  const A = be.alloc(a.length * 4, 'bench a'), B = be.alloc(b.length * 4, 'bench b'), C = be.alloc(s.m * s.n * 4, 'bench c');
  try {
    be.write(A.ptr, a);
    be.write(B.ptr, b);
    const k = be.kernels;
    return sampleCalls(() => k.gemm(C.ptr, A.ptr, B.ptr, s.m, s.n, s.k, s.transA, s.transB), o).perCallMs;
  } finally {
    be.release(C);
    be.release(B);
    be.release(A);
  }
}

/**
 * The public matmul against the bare kernel, interleaved (kernel batch, matmul batch, …) so that
 * both see the same machine load: per-call ms of each matmul batch, and the median over pairs of
 * (kernel time ÷ matmul time), i.e. matmul's speed as a fraction of the kernel's.
 */
function matmulVsKernel(be: Backend, s: GemmShape, a: Float32Array, b: Float32Array, mm: () => void, o: SampleOptions): { matmulMs: number[]; ratio: number; freshMs: number } {
  const A = be.alloc(a.length * 4, 'bench a'), B = be.alloc(b.length * 4, 'bench b'), C = be.alloc(s.m * s.n * 4, 'bench c');
  try {
    be.write(A.ptr, a);
    be.write(B.ptr, b);
    const kernel = () => be.kernels.gemm(C.ptr, A.ptr, B.ptr, s.m, s.n, s.k, s.transA, s.transB);
    const inner = sampleCalls(mm, { ...o, reps: 1 }).inner;
    const batch = (fn: () => void) => {
      const t = now();
      for (let i = 0; i < inner; i++) fn();
      return (now() - t) / inner;
    };
    // what a new result costs by itself: C copied out into new memory (be.read, as matmul() does)
    const fresh = () => void be.read(C.ptr, s.m * s.n);
    const matmulMs: number[] = [], ratios: number[] = [], freshMs: number[] = [];
    for (let r = 0; r < Math.max(o.reps, 5); r++) {
      const k = batch(kernel), m = batch(mm);
      matmulMs.push(m);
      ratios.push(k / m);
      freshMs.push(batch(fresh));
    }
    return { matmulMs, ratio: median(ratios), freshMs: median(freshMs) };
  } finally {
    be.release(C);
    be.release(B);
    be.release(A);
  }
}

/** Every build this engine runs, on 1 thread and on every core: [label, backend or why not, threads]. */
async function loadBuilds(cores: number): Promise<[string, Backend | string, number][]> {
  const builds: [string, Backend | string, number][] = [];
  for (const flavor of ['relaxed', 'simd', 'scalar'] as const) {
    if (flavor === 'relaxed' && !buildSupported('relaxed')) continue;
    for (const threads of flavor === 'scalar' || cores < 2 ? [1] : [1, cores]) {
      const label = threads > 1 ? `${flavor}, ${threads} threads` : flavor;
      try {
        builds.push([label, await loadBackend(flavor, { threads }), threads]);
      } catch (e) {
        builds.push([label, errText(e), threads]);
      }
    }
  }
  return builds;
}

/** Run W3 and append its rows to ctx.results. */
export async function runW3(ctx: Ctx): Promise<void> {
  const { cfg, results, cores, info, numpy } = ctx;
  const row = (r: BenchResult) => results.push(r);
  const builds = await loadBuilds(cores);
  let refRate: number | null = null;
  for (const s of w3Shapes(cfg)) {
    const f = flops(s);
    const gflops = (ms: number[]) => ms.map((t) => f / (t * 1e6));
    const work = (threads = 1, peak: 'simd' | 'relaxed' = 'simd') => ({ flops: 1e9, threads, peak });
    const base = { workload: 'W3' as const, case: s.id, metric: 'GFLOP/s', higherIsBetter: true };
    const flags = `${s.transA ? 'transA' : ''}${s.transB ? 'transB' : ''}`;
    log(`W3 ${s.id} ...`);
    const { a, b } = gemmOperands(s);
    for (const [flavor, be, threads] of builds) {
      const impl = `scratchnet kernel ${flavor}`;
      if (typeof be === 'string') row(skipped({ ...base, impl }, be));
      else {
        const ms = threads > 1 ? await withWallClock(() => kernelGemm(be, s, a, b, cfg.w3.sample)) : kernelGemm(be, s, a, b, cfg.w3.sample);
        row(measured({ ...base, impl, baseline: flavor === info.build, work: work(threads, flavor.startsWith('relaxed') ? 'relaxed' : 'simd') }, gflops(ms), {
          note: `be.kernels.gemm(c, a, b, ${s.m}, ${s.n}, ${s.k}, ${s.transA}, ${s.transB}) on WASM memory${flags ? ` (${flags})` : ''}`,
        }));
      }
    }
    if (cfg.w3.matmulAt.includes(s.id)) {
      // the bare kernel on the module and memory matmul() itself uses (the process-wide backend)
      const be = backend();
      const A = new Matrix(s.transA ? s.k : s.m, s.transA ? s.m : s.k, a), B = new Matrix(s.transB ? s.n : s.k, s.transB ? s.k : s.n, b);
      const o = { transposeA: s.transA === 1, transposeB: s.transB === 1 };
      // the threads in use now (the bench keeps 1 between its multi-thread runs), not init()'s:
      // the rows said "2 threads" and held 1-thread figures against a 2-thread limit
      const threads = backendInfo().threads;
      const module = `${info.build}${info.threads > 1 ? `, threads build on ${threads} thread${threads > 1 ? 's, wall clock' : ''}` : ''}`;
      // on several threads a CPU clock would count every thread's time: those run on the wall clock
      const paired = (mm: () => void) => {
        const run = () => matmulVsKernel(be, s, a, b, mm, cfg.w3.sample);
        return threads > 1 ? withWallClock(run) : run();
      };
      const pair = await paired(() => void matmul(A, B, o));
      row(measured({ ...base, impl: 'scratchnet matmul()', work: work(threads) }, gflops(pair.matmulMs), {
        note: 'public matmul(A, B) on Matrix arguments: copies A and B into WASM memory, runs the kernel, copies C out into a new Matrix, per call' +
          `; ${pair.ratio.toFixed(3)}× the bare kernel on the same module (${module}), median of ${pair.matmulMs.length} interleaved pairs` +
          `; of each call, C copied out into new memory alone took ${fmt(pair.freshMs * 1000)} µs (${fmt((pair.freshMs * 1000) / Math.ceil((s.m * s.n * 4) / 4096))} µs a 4 KiB page` +
          `: the machine's cost of fresh pages, which the { out } row below does not pay)`,
        matmulVsKernel: pair.ratio,
      }));
      const out = new Matrix(s.m, s.n);
      const into = await paired(() => void matmul(A, B, { ...o, out }));
      row(measured({ ...base, impl: 'scratchnet matmul(…, { out })', work: work(threads) }, gflops(into.matmulMs), {
        note: 'public matmul(A, B, { out: C }) on Matrix arguments: as above, but the product is copied into the same C every call (no new result)' +
          `; ${into.ratio.toFixed(3)}× the bare kernel on the same module (${module}), median of ${into.matmulMs.length} interleaved pairs`,
        matmulVsKernel: into.ratio,
      }));
    }
    {
      const impl = 'plain TS reference';
      if (f <= cfg.w3.refMaxFlops) {
        const c = new Float32Array(s.m * s.n);
        const ms = sampleCalls(() => referenceGemm(c, a, b, s.m, s.n, s.k, s.transA, s.transB), { ...cfg.w3.sample, warmupMs: Math.min(cfg.w3.sample.warmupMs, 50) }).perCallMs;
        if (s.m === s.n && s.n === s.k) refRate = median(gflops(ms));
        row(measured({ ...base, impl, work: work() }, gflops(ms), { note: 'src/reference/gemm.ts (triple loop, float64 sums)' }));
      } else {
        const est = refRate ? ` (≈ ${(f / (refRate * 1e9)).toFixed(1)} s per call at ${fmt(refRate)} GFLOP/s)` : '';
        row(skipped({ ...base, impl }, `too slow above ${fmt(cfg.w3.refMaxFlops / 1e6)} MFLOP per call${est}`));
      }
    }
    for (const { backend, impl } of tfBackends(ctx, (impl, why) => row(skipped({ ...base, impl }, why)))) {
      try {
        const ms = await tfjsGemm(ctx.tf.handle!, backend, s, a, b, cfg.w3.sample);
        row(measured({ ...base, impl, work: work(backend === 'wasm' ? tfThreads(ctx) : 1) }, gflops(ms), {
          note: `tf.matMul(a, b, ${s.transA === 1}, ${s.transB === 1}), result disposed` + (backend === 'wasm' ? `; ${wasmNote(ctx)}` : ''),
        }));
      } catch (e) {
        row(skipped({ ...base, impl }, `failed: ${errText(e)}`));
      }
    }
    for (const [which, o, fallback] of [['one', numpy.one, 1], ['all', numpy.all, cores]] as const) {
      const impl = npLabel('f32 matmul', o, fallback);
      const r = o?.w3?.[s.id];
      if (r) {
        row(measured({ ...base, impl, work: work(npThreads(o, fallback)) }, gflops(r.per_call_ms), {
          note: `np.matmul(..., out=c) float32, ${o.blas.name ?? 'BLAS'} ${o.blas.version ?? ''} (${o.blas.corename ?? '?'}): native code, may exceed the 128-bit WASM limit`,
        }));
      } else if (which === 'one' || cores > 1) {
        row(skipped({ ...base, impl }, numpy.reason ?? (which === 'one' ? numpy.oneErr : numpy.allErr) ?? 'not run'));
      }
    }
  }
}
