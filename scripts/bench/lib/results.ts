/**
 * Result records of the benchmark and their text table.
 *
 * @module
 */
import { median } from './timing.js';

/** The workloads, and 'limit': the machine's own limit measured in the same run. */
export type Workload = 'limit' | 'W1' | 'W2' | 'W3' | 'W4' | 'W5';

/** Which measured peak a row is held against. */
export type PeakKind = 'simd' | 'relaxed';

/** The machine's limit measured in this run: GFLOP/s of one thread's 4×8 micro-kernel. */
export interface Limits {
  simd: number | null;
  relaxed: number | null;
  /** Per thread while every core runs the peak (what rows on several threads are held against); null: not measured. */
  allCore: { simd: number | null; relaxed: number | null };
}

/** One measured (or skipped) implementation on one workload case. */
export interface BenchResult {
  workload: Workload;
  /** The case within the workload: 'xor', 'mlp', or a gemm shape such as '256x256x256'. */
  case: string;
  /** Who ran it, e.g. 'scratchnet', 'tfjs-wasm', 'numpy f32 (1 thread)'. */
  impl: string;
  /** What `median` measures, e.g. 'µs/epoch', 'samples/s', 'GFLOP/s'. */
  metric: string;
  /** True for throughputs (samples/s, GFLOP/s), false for times (µs/epoch). */
  higherIsBetter: boolean;
  /** Median of `samples` (null when skipped). */
  median: number | null;
  /** Every timed sample, in the metric's unit. */
  samples: number[];
  /**
   * Speed relative to the scratchnet baseline of the same workload and case: > 1 means this
   * implementation is faster. Filled in by {@link addRatios}.
   */
  ratio?: number | null;
  /** The loss this implementation ended with (the correctness check), when it trains. */
  loss?: number;
  /** scratchnet's loss at the same point, for comparison. */
  lossScratchnet?: number;
  /** Per-epoch (W2) or sampled (W1: every 1000th epoch) losses, when known. */
  lossHistory?: number[];
  /** Why it was skipped (then median is null). */
  skipped?: string;
  /** Anything a reader needs to interpret the number. */
  note?: string;
  /** True for the row every other row of its case is compared with. */
  baseline?: boolean;
  /**
   * What "% of limit" needs: floating-point operations per unit of the metric (per sample for
   * samples/s, per epoch for µs/epoch, 1e9 for GFLOP/s), the threads the row ran on, and the peak
   * it is held against (limit = that peak × threads). Filled in by {@link addLimits}.
   */
  work?: { flops: number; threads: number; peak: PeakKind };
  /** W3 matmul rows: matmul's speed ÷ the bare kernel's, from interleaved pairs. */
  matmulVsKernel?: number;
  /** Achieved FLOP/s as a percentage of the limit (null when unknown). */
  limitPct?: number | null;
  /**
   * The peak (GFLOP/s per thread, of `work.peak`'s kind) measured around each sample, aligned
   * with `samples`: the limit of the sample's own moment, for a machine whose speed changes.
   */
  samplePeaks?: number[] | null;
  /** Median over samples of each sample's FLOP/s as a percentage of its own moment's limit. */
  localLimitPct?: number | null;
}

/** A measured result from its samples. */
export function measured(
  base: Omit<BenchResult, 'median' | 'samples'>,
  samples: number[],
  extra: Partial<BenchResult> = {},
): BenchResult {
  return { ...base, median: median(samples), samples, ...extra };
}

/** A skipped result. */
export function skipped(base: Omit<BenchResult, 'median' | 'samples'>, reason: string): BenchResult {
  return { ...base, median: null, samples: [], skipped: reason };
}

/** Fill in `ratio` of every result against its case's baseline row. */
export function addRatios(results: BenchResult[]): void {
  for (const r of results) {
    const base = results.find((b) => b.baseline && b.workload === r.workload && b.case === r.case);
    if (!base || base.metric !== r.metric || base.median === null || r.median === null || !(base.median > 0) || !(r.median > 0)) {
      r.ratio = null;
      continue;
    }
    r.ratio = r.higherIsBetter ? r.median / base.median : base.median / r.median;
  }
}

/** Fill in `limitPct` of every result that says what work it did. */
export function addLimits(results: BenchResult[], limits: Limits): void {
  for (const r of results) {
    if (!r.work || r.median === null || !(r.median > 0)) continue;
    const single = limits[r.work.peak];
    // on several threads: the peak per thread while every core runs it, where measured
    const allCore = r.work.threads > 1 ? limits.allCore[r.work.peak] : null;
    const peak = allCore !== null && allCore > 0 ? allCore : single;
    if (peak === null || !(peak > 0) || single === null) {
      r.limitPct = null;
      continue;
    }
    const w = r.work;
    const pct = (value: number, gflops: number) => (100 * (r.higherIsBetter ? value * w.flops : w.flops / (value * 1e-6))) / (gflops * 1e9 * w.threads);
    r.limitPct = pct(r.median, peak);
    // a local reading is of one thread alone: scaled by the run's all-core ÷ single-thread peaks on several threads
    const scale = peak / single;
    const local = r.samplePeaks;
    if (local && local.length === r.samples.length && local.every((p) => p > 0)) {
      r.localLimitPct = median(r.samples.map((v, i) => pct(v, local[i]! * scale)));
    }
  }
}

/** A number with about 3–4 significant digits, no exponent for everyday magnitudes. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e6) return v.toExponential(3);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 10) return v.toFixed(2);
  if (a >= 1) return v.toFixed(3);
  if (a >= 0.01) return v.toFixed(4);
  return v.toPrecision(3);
}

function ratioText(r: BenchResult): string {
  if (r.baseline) return '1 (base)';
  if (r.ratio === null || r.ratio === undefined) return '';
  return r.ratio >= 10 ? `${r.ratio.toFixed(0)}x` : r.ratio >= 1 ? `${r.ratio.toFixed(2)}x` : `${r.ratio.toPrecision(2)}x`;
}

/** "% of limit" cell: the percentage and which peak (× threads) it is of. */
export function limitText(r: BenchResult): string {
  if (r.limitPct === undefined || r.limitPct === null || !r.work) return '';
  const pct = r.limitPct >= 10 ? r.limitPct.toFixed(0) : r.limitPct >= 0.1 ? r.limitPct.toFixed(1) : r.limitPct.toPrecision(2);
  const local = typeof r.localLimitPct === 'number' ? ` · ${r.localLimitPct.toFixed(0)}% local` : '';
  return `${pct}% ${r.work.peak}${r.work.threads > 1 ? `×${r.work.threads}` : ''}${local}`;
}

function lossText(r: BenchResult): string {
  if (r.loss === undefined) return '';
  const own = r.loss.toFixed(6);
  if (r.lossScratchnet === undefined || r.baseline) return own;
  const d = r.loss - r.lossScratchnet;
  return `${own} (Δ ${d >= 0 ? '+' : ''}${d.toExponential(1)})`;
}

/** The results as an aligned text table (one row each; skipped rows say why). */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['workload', 'case', 'implementation', 'metric', 'median', '% of limit', 'speed vs scratchnet', 'final loss (Δ vs scratchnet)', 'note'];
  const rows = results.map((r) => [
    r.workload,
    r.case,
    r.impl,
    r.metric,
    r.median === null ? 'skipped' : fmt(r.median),
    limitText(r),
    ratioText(r),
    lossText(r),
    r.skipped ? `skipped: ${r.skipped}` : (r.note ?? ''),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, c) => (c === header.length - 1 ? 0 : Math.max(...all.map((row) => [...row[c]!].length))));
  const line = (row: string[]) =>
    row
      .map((cell, c) => {
        if (c === header.length - 1) return cell;
        const pad = widths[c]! - [...cell].length;
        return c >= 4 && c <= 6 ? ' '.repeat(pad) + cell : cell + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd();
  const out: string[] = [line(header), line(widths.map((w, c) => '-'.repeat(c === header.length - 1 ? 4 : w)))];
  let prev = '';
  for (let i = 0; i < rows.length; i++) {
    const key = `${results[i]!.workload} ${results[i]!.case}`;
    if (prev && key !== prev) out.push('');
    prev = key;
    out.push(line(rows[i]!));
  }
  return out.join('\n');
}
