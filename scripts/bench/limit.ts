/**
 * The machine's limit, measured in the same run as everything else: the gemm's own 4×8 f32x4
 * register tile (assembly/peak.ts → gemm.ts tile4x8), 16 tiles down one packed panel on
 * L1-resident data, one thread. Every training and gemm row is then reported as a percentage of
 * that peak × its thread count.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { Backend, Block } from '../../src/backend/heap.js';
import { median, sampleCalls, withWallClock, type SampleOptions } from './lib/timing.js';

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

/** The peak kernel's A (64 rows of kc, column by column) and packed B (kc rows of 8): small values that stay finite. */
function peakOperands(kc: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(64 * kc), b = new Float32Array(kc * 8);
  for (let i = 0; i < a.length; i++) a[i] = ((i % 7) - 3) * 1e-3;
  for (let i = 0; i < b.length; i++) b[i] = ((i % 5) - 2) * 1e-3;
  return { a, b };
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
    const { a, b } = peakOperands(kc);
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
  /** Samples taken while every other core ran the peak too (see allCorePeak). */
  readonly allCoreSamples: number[] = [];
  /** Why there are no all-core samples, when there are none. */
  allCoreReason = '';
  constructor(
    private readonly be: Backend | null, private readonly kc: number, private readonly passes: number, private readonly o: SampleOptions,
    /** The build's one-thread module (for allCorePeak's workers), or null. */
    private readonly bytes: Uint8Array | null = null,
  ) {}

  /** Measure once more (no-op without a backend). */
  measure(): void {
    if (this.be) this.samples.push(...measurePeak(this.be, this.kc, this.passes, this.o));
  }

  /** Measure once more with the `others` other cores running the peak too (no-op without a backend or the module's bytes). */
  async measureAllCores(others: number): Promise<void> {
    if (!this.be || others < 1) return;
    if (!this.bytes) {
      this.allCoreReason ||= 'the build\'s module file was not found (npm run build)';
      return;
    }
    try {
      this.allCoreSamples.push(...(await allCorePeak(this.be, this.bytes, others, this.kc, this.passes, this.o)));
    } catch (e) {
      this.allCoreReason = (e as Error).message;
    }
  }

  /** The median so far, or null. */
  get value(): number | null {
    return this.samples.length ? median(this.samples) : null;
  }

  /** The median of the all-core samples so far, or null. */
  get allCoreValue(): number | null {
    return this.allCoreSamples.length ? median(this.allCoreSamples) : null;
  }
}

/**
 * The peak per thread while every core runs it: `others` worker threads run the same build's
 * peak kernel (each on its own instance of the one-thread module `bytes`) without pause while
 * this thread takes `o.reps` samples on `be`. A machine shares its clock and its power among its
 * cores (a lone busy core may run faster than two), so this, × the threads, is what a row on
 * several threads can reach; the single-thread peak ÷ it says how much faster one core is alone.
 */
export async function allCorePeak(be: Backend, bytes: Uint8Array, others: number, kc: number, passes: number, o: SampleOptions): Promise<number[]> {
  const stop = new SharedArrayBuffer(4);
  const running = new SharedArrayBuffer(4);
  const { a, b } = peakOperands(kc);
  const workers = Array.from({ length: others }, () => new Worker(PEAK_WORKER, { eval: true, workerData: { bytes, stop, running, kc, passes, a, b } }));
  try {
    const started = Date.now();
    while (Atomics.load(new Int32Array(running), 0) < others) {
      if (Date.now() - started > 10_000) throw new Error('the peak workers did not start within 10 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    // on the wall clock: the process's CPU time would count the workers' time too
    return await withWallClock(() => measurePeak(be, kc, passes, o));
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// A worker of allCorePeak: the peak kernel in a loop on its own instance until told to stop.
const PEAK_WORKER = `
const { workerData: d } = require('node:worker_threads');
const k = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), {}).exports;
const base = k.heapBase ? (k.heapBase() + 15) & ~15 : 65536;
const pages = Math.ceil((base + 64 * d.kc * 4 + d.kc * 32 + 2048) / 65536) + 1 - k.memory.buffer.byteLength / 65536;
if (pages > 0) k.memory.grow(pages);
const f = new Float32Array(k.memory.buffer);
const A = base, B = A + 64 * d.kc * 4, C = B + d.kc * 32;
f.set(d.a, A >> 2);
f.set(d.b, B >> 2);
const stop = new Int32Array(d.stop);
Atomics.add(new Int32Array(d.running), 0, 1);
while (Atomics.load(stop, 0) === 0) k.peakTile(C, A, B, d.kc, d.passes);
`;
