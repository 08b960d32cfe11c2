/**
 * `npm run bench -- --profile`: where a training step's time goes, on the W2 and W4 workloads, on
 * 1 thread and on every core, measured inside the training loop itself. The bench compiles the
 * profile builds (asconfig.json's `profile` and `threads-profile` targets: the same kernels, with
 * the host's clock read between the phases of every step, assembly/profile.ts) and runs
 * `net.train` on them, so each phase is timed where it runs: on the step's own data, after the
 * phase before it, with the batch gathered from a data set too large for the caches. The
 * profile builds give the same numbers as the shipped ones (a test checks it); reading the clock
 * costs ~0.1 µs a phase.
 *
 * @module
 */
import { Matrix, setThreads } from '../../src/index.js';
import { backend } from '../../src/backend/load.js';
import { ProfilePhase } from '../../src/backend/contract.js';
import { makeW2Data, mlpInitialParams, newMlp, W2_SIZES, W4_SIZES } from './lib/data.js';
import { fmt } from './lib/results.js';
import { log, type Ctx } from './context.js';
import { mlpTrainOptions, type MlpRun } from './scratchnet.js';
import { w2Run } from './w2.js';
import { w4Run } from './w4.js';

/** The rows of the table, in step order. */
const PHASES = [
  [ProfilePhase.Gather, 'gather', 'the batch\'s rows (inputs and targets) gathered from the data set in the row order'],
  [ProfilePhase.Forward, 'forward', 'z = x·W + b and y = f(z) per layer (bias and activation fused into the product)'],
  [ProfilePhase.Loss, 'loss', 'the loss and its gradient at the output (accuracy and Adam\'s bias corrections with them)'],
  [ProfilePhase.ActivationBackward, 'activation backward', 'the gradient through each hidden layer\'s activation'],
  [ProfilePhase.WeightGradient, 'weight gradients dW', 'xᵀ·g per layer (with SGD the step is applied tile by tile inside this product)'],
  [ProfilePhase.InputGradient, 'db and dX', 'column sums, and g·Wᵀ per layer but the first'],
  [ProfilePhase.Update, 'optimizer update', 'the update of every W and b (Adam; with SGD only the biases, the weights\' step being in dW)'],
] as const;

interface Column {
  title: string;
  /** µs per step of each phase, of the waits at barriers, and of the whole step (the wall clock). */
  phases: Map<ProfilePhase, number>;
  waiting: number;
  /** Chunks per step that a thread took over from another thread's share (products, updates, gathers). */
  stolen: number;
  step: number;
  threads: number;
}

/** One run of `net.train` on `threads` threads: the first epoch warms up, the others are profiled. */
async function profileRun(title: string, sizes: readonly number[], n: number, run: MlpRun, threads: number, seed?: number): Promise<Column> {
  await setThreads(threads);
  const data = makeW2Data(n, seed);
  const net = newMlp(mlpInitialParams(sizes));
  const be = backend(), k = be.kernels;
  let stolen = 0;
  try {
    const X = new Matrix(data.n, data.inputSize, data.x), Y = new Matrix(data.n, data.classes, data.y);
    const ends: number[] = [];
    net.train(X, Y, {
      ...mlpTrainOptions(run),
      onEpoch: () => {
        ends.push(performance.now());
        if (ends.length === 1) {
          k.profileReset(); // the first epoch is the warm-up
          stolen = be.stolenChunks;
        }
      },
    });
    const steps = (run.epochs - 1) * Math.ceil(data.n / run.batch);
    const perStep = (ms: number) => (ms * 1000) / steps;
    return {
      title, threads,
      phases: new Map(PHASES.map(([p]) => [p, perStep(k.profileTime(p))])),
      waiting: perStep(k.profileTime(ProfilePhase.Waiting)),
      stolen: (be.stolenChunks - stolen) / steps,
      // over the same steps as the phases: from the end of the warm-up epoch to the end of the last
      step: perStep(ends.at(-1)! - ends[0]!),
    };
  } finally {
    net.dispose();
    await setThreads(1);
  }
}

/** Run the profile and print its table. */
export async function runProfile(ctx: Ctx): Promise<void> {
  const { cfg, cores } = ctx;
  const threadCounts = cores > 1 ? [1, cores] : [1];
  const cases = [
    { name: 'W2 784-256-128-10 SGD', sizes: W2_SIZES, n: cfg.profile.w2Rows, run: { ...w2Run(ctx), epochs: 1 + Math.min(3, cfg.w2.timedEpochs) }, seed: undefined },
    { name: 'W4 784-128-10 Adam', sizes: W4_SIZES, n: cfg.w4.n, run: { ...w4Run(ctx), epochs: 1 + Math.min(2, cfg.w4.timedEpochs) }, seed: 2025 },
  ];
  const columns: Column[] = [];
  for (const c of cases) {
    for (const t of threadCounts) {
      log(`profile: ${c.name}, ${t} thread${t > 1 ? 's' : ''} (${c.n} rows, ${c.run.epochs} epochs) ...`);
      columns.push(await profileRun(`${c.name}, ${t}t`, c.sizes, c.n, c.run, t, c.seed));
    }
  }
  const sum = (c: Column) => [...c.phases.values()].reduce((a, b) => a + b, 0);
  const head = ['phase', ...columns.flatMap((c) => [`${c.title} µs/step`, '%'])];
  const pct = (v: number, step: number) => `${((100 * v) / step).toFixed(1)}%`;
  const cells = (f: (c: Column, i: number) => number | null) =>
    columns.flatMap((c, i) => {
      const v = f(c, i);
      return v === null ? ['', ''] : [fmt(v), pct(v, c.step)];
    });
  const rows: string[][] = PHASES.map(([p, name]) => [name, ...cells((c) => c.phases.get(p)!)]);
  rows.push(['sum of the phases', ...cells(sum)]);
  rows.push(['whole step (epochs\' time ÷ steps)', ...cells((c) => c.step)]);
  rows.push(['rest: the loop, reading the clock', ...cells((c) => c.step - sum(c))]);
  rows.push(['of the phases: waiting at barriers', ...cells((c) => (c.threads > 1 ? c.waiting : null))]);
  // each phase's cost above a perfect split of its 1-thread time (the column before, same workload)
  rows.push(['threads overhead', ...cells((c, i) => {
    if (c.threads === 1) return null;
    const one = columns[i - 1]!;
    return [...c.phases].reduce((s, [p, v]) => s + Math.max(0, v - one.phases.get(p)! / c.threads), 0);
  })]);
  rows.push(['chunks taken over from other threads, per step', ...columns.flatMap((c) => (c.threads > 1 ? [c.stolen.toFixed(2), ''] : ['', '']))]);
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`scratchnet training-step profile — ${ctx.machine.cpuModel} (${cores} cores), Node ${process.version}; ` +
    `load average ${(ctx.machine.loadAverageAtStart as number[])[0]}; SIMD limit ${fmt(ctx.peaks.simd.value ?? NaN)} GFLOP/s per thread`);
  console.log('each phase timed inside the training loop (the profile builds: the clock read between phases), over every step of the ' +
    'epochs after the first, as is the whole step; wall clock\n');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nphases:\n${PHASES.map(([, p, d]) => `- ${p}: ${d}`).join('\n')}`);
  console.log('- waiting at barriers: time the main thread spent waiting for the other threads to finish their shares (inside the phases above)');
  console.log('- chunks taken over: each thread\'s share of a job (a product, an optimizer update, a gather) is in chunks; a thread done with ' +
    'its own takes the unclaimed chunks of the others (work stealing), so a slower or later thread holds the others up less');
  console.log('- threads overhead: what the phases cost on several threads above (their one-thread time ÷ threads): waits, waking workers, ' +
    'imbalance, phases too small to split');
}
