/**
 * The machine's limit, measured in the same run as everything else: the gemm's own 4×8 f32x4
 * register tile (assembly/peak.ts → gemm.ts tile4x8), 16 tiles down one packed panel on
 * L1-resident data, one thread. Every training and gemm row is then reported as a percentage of
 * that peak × its thread count.
 *
 * @module
 */
import type { Backend, Block } from '../../src/backend/heap.js';
import { median, sampleCalls, type SampleOptions } from './lib/timing.js';

type PeakKernel = (c: number, a: number, b: number, kc: number, reps: number) => void;

/**
 * GFLOP/s of `passes` passes of 16 4×8 tiles down a `kc`-deep panel (A 64×kc, B kc×8 packed,
 * C 64×8: 20 KiB at kc = 64, in L1), one sample per timed repetition. Throws when the build has
 * no SIMD (the scalar build's peakTile is a no-op).
 */
export function measurePeak(be: Backend, kc: number, passes: number, o: SampleOptions): number[] {
  const q = QuickPeak.open(be, kc, passes);
  if (q === null) throw new Error('the peak is a SIMD kernel; this build has no SIMD (or no peakTile export: rebuild the kernels with npm run build:wasm)');
  try {
    return q.samples(o);
  } finally {
    q.close();
  }
}

/**
 * The peak kernel's operands, allocated once on a backend, so that samples can be taken in the
 * middle of a run (between a training call's epochs) without allocating there.
 */
export class QuickPeak {
  private constructor(
    private readonly be: Backend,
    private readonly kernel: PeakKernel,
    private readonly blocks: Block[],
    private readonly kc: number,
    private readonly passes: number,
  ) {}

  /** Operands on `be`, or null when its build has no SIMD peak (the scalar build). */
  static open(be: Backend, kc = 64, passes = 500): QuickPeak | null {
    const kernel = be.kernels['peakTile'] as PeakKernel | undefined;
    if (typeof kernel !== 'function' || be.kernels.simdEnabled() !== 1) return null;
    const A = be.alloc(64 * kc * 4, 'bench: peak A'), B = be.alloc(kc * 8 * 4, 'bench: peak B'), C = be.alloc(64 * 8 * 4, 'bench: peak C');
    const a = new Float32Array(64 * kc), b = new Float32Array(kc * 8);
    for (let i = 0; i < a.length; i++) a[i] = ((i % 7) - 3) * 1e-3;
    for (let i = 0; i < b.length; i++) b[i] = ((i % 5) - 2) * 1e-3;
    be.write(A.ptr, a);
    be.write(B.ptr, b);
    be.write(C.ptr, new Float32Array(64 * 8));
    return new QuickPeak(be, kernel, [A, B, C], kc, passes);
  }

  /** GFLOP/s of each timed repetition. */
  samples(o: SampleOptions): number[] {
    const [A, B, C] = this.blocks as [Block, Block, Block];
    const flops = 16 * 64 * this.kc * this.passes;
    const { perCallMs } = sampleCalls(() => this.kernel(C.ptr, A.ptr, B.ptr, this.kc, this.passes), o);
    return perCallMs.map((ms) => flops / (ms * 1e6));
  }

  /** One quick reading (~60 ms): the median of 5 repetitions of ~10 ms, after ~10 ms of warm-up. */
  sample(): number {
    return median(this.samples({ reps: 5, targetMs: 10, warmupMs: 10 }));
  }

  /** Release the operands. */
  close(): void {
    for (const b of this.blocks.reverse()) this.be.release(b);
  }
}

/** Samples of the peak gathered through the run (start, between workloads, end); the limit is their median. */
export class PeakSamples {
  readonly samples: number[] = [];
  constructor(private readonly be: Backend | null, private readonly kc: number, private readonly passes: number, private readonly o: SampleOptions) {}

  /** Measure once more (no-op without a backend). */
  measure(): void {
    if (this.be) this.samples.push(...measurePeak(this.be, this.kc, this.passes, this.o));
  }

  /** The median so far, or null. */
  get value(): number | null {
    return this.samples.length ? median(this.samples) : null;
  }
}
