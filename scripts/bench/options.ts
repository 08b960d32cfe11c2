/**
 * `npm run bench` flags and everything they decide (sizes, repetitions, budgets).
 *
 * @module
 */
import { W2_SHAPES, W4_SHAPES, type GemmShape } from './lib/data.js';
import type { Clock, SampleOptions } from './lib/timing.js';
import type { Workload } from './lib/results.js';

/** The workloads `--only` takes. */
export const WORKLOADS: readonly Workload[] = ['W1', 'W2', 'W3', 'W4', 'W5'];

/** Parsed command line. */
export interface Options {
  only: Set<Workload>;
  reps: number | undefined;
  quick: boolean;
  /** 'cpu': one-thread rows timed in this process's CPU time (robust on a shared machine); N-thread rows stay on the wall clock. */
  clock: Clock;
  /** Print the per-phase breakdown of a training step (W2 and W4 shapes) instead of the peers. */
  profile: boolean;
  /** Internal: run scratchnet's W1/W2/W4 with another build and print JSON (the child process). */
  child: 'scalar' | 'relaxed' | null;
}

/** Print usage (and `msg`) and exit. */
export function usage(msg?: string): never {
  if (msg) console.error(`bench: ${msg}`);
  console.error('usage: npm run bench -- [--only W1,W2,W3,W4,W5] [--reps N] [--quick] [--clock cpu|wall] [--profile]');
  process.exit(msg ? 2 : 0);
}

/** Parse `argv` (without node and the script). Exits with usage on a bad flag. */
export function parseOptions(argv: string[]): Options {
  const o: Options = { only: new Set(WORKLOADS), reps: undefined, quick: false, clock: 'wall', profile: false, child: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--quick') o.quick = true;
    else if (flag === '--profile') o.profile = true;
    else if (flag === '--clock') {
      const v = value();
      if (v !== 'cpu' && v !== 'wall') usage(`--clock takes cpu or wall, got ${v}`);
      o.clock = v;
    }
    else if (flag === '--child') {
      const v = value();
      if (v !== 'scalar' && v !== 'relaxed') usage(`--child takes scalar or relaxed, got ${v}`);
      o.child = v;
    } else if (flag === '--help' || flag === '-h') usage();
    else if (flag === '--reps') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 3 || v > 1000) usage('--reps needs an integer from 3 to 1000 (medians of at least 3)');
      o.reps = v;
    } else if (flag === '--only') {
      const names = value().split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      const bad = names.filter((n) => !WORKLOADS.includes(n as Workload));
      if (!names.length || bad.length) usage(`--only takes ${WORKLOADS.join(', ')} (comma-separated), got ${bad.join(', ') || 'nothing'}`);
      o.only = new Set(names as Workload[]);
    } else usage(`unknown argument ${a}`);
  }
  return o;
}

/** Everything the options decide. */
export function makeConfig(opts: Options) {
  const q = opts.quick, r = opts.reps;
  return {
    /** Interleaved 1-thread / N-thread pairs behind the W2 and W4 speed-up rows. */
    pairs: q ? 3 : Math.max(5, r ?? 5),
    limit: {
      /** Depth of the L1-resident panel (the dW product's depth: batch 64) and passes of 16 tiles per call. */
      kc: 64,
      passes: 500,
      sample: { reps: r ?? 5, targetMs: q ? 20 : 40, warmupMs: q ? 30 : 100 } satisfies SampleOptions,
    },
    w1: {
      epochs: 10_000,
      lr: 0.1,
      /** At least 9 in a full run: a run is ~10 ms, and W1's ratios to the plain-JS loop are a few percent. */
      reps: q ? 3 : Math.max(9, r ?? 9),
      warmupMs: q ? 100 : 300,
      /** tfjs is ~1000x slower per epoch: it runs `tfEpochs` epochs once, timed in chunks. */
      tfEpochs: q ? 2000 : 10_000,
      numpyReps: r ?? (q ? 3 : 5),
    },
    w2: {
      n: q ? 1024 : 8192,
      batch: 64,
      lr: 0.01,
      timedEpochs: r ?? 3,
      /** The plain-TS reference trains this many batches (first `refWarmup` untimed). */
      refBatches: q ? 6 : 20,
      refWarmup: 2,
    },
    w3: {
      sizes: q ? [64, 256] : [32, 64, 128, 256, 512, 1024],
      shapes: [...W2_SHAPES, ...W4_SHAPES] as GemmShape[],
      sample: { reps: r ?? (q ? 3 : 5), targetMs: q ? 20 : 80, warmupMs: q ? 20 : 80, budgetMs: q ? 2000 : 8000 } satisfies SampleOptions,
      /** The plain-TS gemm runs only up to this many flops per call. */
      refMaxFlops: 2 * (q ? 256 : 512) ** 3,
      matmulAt: q ? ['256x256x256'] : ['256x256x256', '512x512x512', 'fwd1 64x784·784x256'],
    },
    w4: {
      n: q ? 6000 : 60_000,
      batch: 64,
      lr: 1e-3,
      /** Shuffling seed (scratchnet's `seed` option; the same permutations go to NumPy). */
      seed: 3,
      timedEpochs: r ?? 3,
      /** tfjs-wasm is ~10x slower: one warm-up epoch on this many rows, then `tfTimedEpochs`. */
      tfWarmupRows: q ? 1000 : 6000,
      tfTimedEpochs: r ?? 3,
    },
    w5: {
      /** Rows predicted per call (the inference workload: 10,000 x 784). */
      n: q ? 2000 : 10_000,
      reps: r ?? (q ? 3 : 7),
    },
    profile: {
      /** W2 shapes on this many rows, W4 on cfg.w4.n; batches per timed kernel call batch. */
      w2Rows: q ? 1024 : 8192,
      sample: { reps: r ?? 5, targetMs: q ? 10 : 30, warmupMs: q ? 10 : 30 } satisfies SampleOptions,
    },
  };
}

/** The configuration {@link makeConfig} returns. */
export type Config = ReturnType<typeof makeConfig>;
