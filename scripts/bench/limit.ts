/**
 * The machine's limit, measured in the same run as everything else: the gemm's own 4×8 f32x4
 * register tile (assembly/peak.ts → gemm.ts tile4x8), 16 tiles down one packed panel on
 * L1-resident data, one thread. Every training and gemm row is then reported as a percentage of
 * that peak × its thread count. The peak kernel is a module of its own
 * (build/scratchnet.peak.<simd|relaxed>.wasm, which `npm run build:wasm` writes beside the
 * kernels' builds): the shipped builds do not carry it.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { median, sampleCalls, withWallClock, type SampleOptions } from './lib/timing.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The SIMD flavors the peak module is compiled for. */
export type PeakFlavor = 'simd' | 'relaxed';

/**
 * The peak module of `flavor` as `npm run build:wasm` wrote it, or null: not a SIMD flavor, not
 * built, or not valid in this engine (relaxed SIMD in Node 20 without its flag).
 */
export function peakModule(flavor: string): Uint8Array | null {
  if (flavor !== 'simd' && flavor !== 'relaxed') return null;
  try {
    const bytes = new Uint8Array(readFileSync(`${root}build/scratchnet.peak.${flavor}.wasm`));
    return WebAssembly.validate(bytes) ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * GFLOP/s of `passes` passes of 16 4×8 tiles down a `kc`-deep panel (A 64×kc, B kc×8 packed,
 * C 64×8: 20 KiB at kc = 64, in L1), one sample per timed repetition.
 */
export function measurePeak(bytes: Uint8Array, kc: number, passes: number, o: SampleOptions): number[] {
  return new QuickPeak(bytes, kc, passes).samples(o);
}

/** The peak kernel's A (64 rows of kc, column by column) and packed B (kc rows of 8): small values that stay finite. */
function peakOperands(kc: number): { a: Float32Array; b: Float32Array } {
  const a = new Float32Array(64 * kc), b = new Float32Array(kc * 8);
  for (let i = 0; i < a.length; i++) a[i] = ((i % 7) - 3) * 1e-3;
  for (let i = 0; i < b.length; i++) b[i] = ((i % 5) - 2) * 1e-3;
  return { a, b };
}

// An instance of the peak module with its operands in place (d: bytes, kc, a, b), as a script:
// QuickPeak and allCorePeak's workers both run it.
const PEAK_SETUP = `
function setup(d) {
  const k = new WebAssembly.Instance(new WebAssembly.Module(d.bytes), {}).exports;
  const A = k.heapBase(), B = A + 64 * d.kc * 4, C = B + d.kc * 32;
  const pages = Math.ceil((C + 64 * 8 * 4) / 65536) - k.memory.buffer.byteLength / 65536;
  if (pages > 0) k.memory.grow(pages);
  const f = new Float32Array(k.memory.buffer);
  f.set(d.a, A >> 2);
  f.set(d.b, B >> 2);
  return { run: (passes) => k.peakTile(C, A, B, d.kc, passes) };
}`;
const setup = new Function(`${PEAK_SETUP}\nreturn setup;`)() as (d: { bytes: Uint8Array; kc: number; a: Float32Array; b: Float32Array }) => { run: (passes: number) => void };

/**
 * The peak kernel on its own instance, set up once, so that samples can be taken in the middle
 * of a run (between a training call's epochs) without allocating there.
 */
export class QuickPeak {
  private readonly kernel: { run: (passes: number) => void };

  constructor(bytes: Uint8Array, private readonly kc = 64, private readonly passes = 500) {
    this.kernel = setup({ bytes, kc, ...peakOperands(kc) });
  }

  /** The peak of `flavor` (a build's flavor), or null when it has none (the scalar build) or it is not built. */
  static open(flavor: string, kc = 64, passes = 500): QuickPeak | null {
    const bytes = peakModule(flavor);
    return bytes ? new QuickPeak(bytes, kc, passes) : null;
  }

  /** GFLOP/s of each timed repetition. */
  samples(o: SampleOptions): number[] {
    const flops = 16 * 64 * this.kc * this.passes;
    const { perCallMs } = sampleCalls(() => this.kernel.run(this.passes), o);
    return perCallMs.map((ms) => flops / (ms * 1e6));
  }

  /** One quick reading (~60 ms): the median of 5 repetitions of ~10 ms, after ~10 ms of warm-up. */
  sample(): number {
    return median(this.samples({ reps: 5, targetMs: 10, warmupMs: 10 }));
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
    /** The peak module (peakModule), or null: no samples. */
    private readonly bytes: Uint8Array | null, private readonly kc: number, private readonly passes: number, private readonly o: SampleOptions,
  ) {}

  /** Measure once more (no-op without the module). */
  measure(): void {
    if (this.bytes) this.samples.push(...measurePeak(this.bytes, this.kc, this.passes, this.o));
  }

  /** Measure once more with the `others` other cores running the peak too (no-op without the module). */
  async measureAllCores(others: number): Promise<void> {
    if (!this.bytes || others < 1) return;
    try {
      this.allCoreSamples.push(...(await allCorePeak(this.bytes, others, this.kc, this.passes, this.o)));
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
 * The peak per thread while every core runs it: `others` worker threads run the same peak
 * kernel (each on its own instance of the module `bytes`) without pause while this thread takes
 * `o.reps` samples on its own. A machine shares its clock and its power among its
 * cores (a lone busy core may run faster than two), so this, × the threads, is what a row on
 * several threads can reach; the single-thread peak ÷ it says how much faster one core is alone.
 */
export async function allCorePeak(bytes: Uint8Array, others: number, kc: number, passes: number, o: SampleOptions): Promise<number[]> {
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
    return await withWallClock(() => measurePeak(bytes, kc, passes, o));
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// A worker of allCorePeak: the peak kernel in a loop on its own instance until told to stop.
const PEAK_WORKER = `
const { workerData: d } = require('node:worker_threads');
${PEAK_SETUP}
const peak = setup(d);
const stop = new Int32Array(d.stop);
Atomics.add(new Int32Array(d.running), 0, 1);
while (Atomics.load(stop, 0) === 0) peak.run(d.passes);
`;
