/**
 * The chapter's "Questions for Further Exploration", answered with sweeps over seeds:
 *
 *   1. How would the network perform with different activation functions?
 *   2. What's the minimum number of hidden neurons needed to solve XOR?
 *   3. How does the initialization of weights affect training?
 *
 * Every run is a fresh network trained from its own seed; the runs are spread over worker
 * threads (one per core). Tables go to stdout, a progress bar to stderr, plots (SVG) to
 * out/explore/. The written answers at the end are phrased from the numbers just computed.
 *
 *   npm run explore                    # the full sweep (about a minute on 2 cores)
 *   npm run explore -- --quick         # fewer seeds, a few seconds
 *   npm run explore -- --seeds 200     # seeds per XOR configuration (2-D sets: --seeds-2d)
 *
 * One file per question (q1-activations.ts, q2-hidden-units.ts, q3-initialization.ts) over a
 * shared library: runs.ts (one run), pool.ts and worker.ts (the threads), plan.ts (the runs to do),
 * stats.ts, format.ts and bar-chart.ts. This file parses the arguments and runs the sweep.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { backendInfo, init } from '../../src/index.js';
import { formatDuration, progressBar } from '../lib/progress.js';
import { sizesText, initText } from './format.js';
import { Plan, range } from './plan.js';
import { runPool } from './pool.js';
import { answerQ1, planQ1, reportQ1 } from './q1-activations.js';
import { planQ2, reportQ2 } from './q2-hidden-units.js';
import { planQ3, reportQ3 } from './q3-initialization.js';

interface Args {
  quick: boolean;
  seeds: number;
  seeds2d: number;
  workers: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const usage = `usage: tsx scripts/explore/main.ts [--quick] [--seeds N] [--seeds-2d M] [--workers K] [--out DIR]
  --quick        fewer seeds (20 per XOR configuration, 3 per 2-D one): a fast check
  --seeds N      seeds per XOR configuration (default 100; the NumPy comparison always uses seeds 0–19)
  --seeds-2d M   seeds per configuration on circle/moons/spirals (default 12, or 3 with --quick)
  --workers K    worker threads (default: one per core, ${availableParallelism()} here; 1 runs inline)
  --out DIR      where the SVGs go (default out/explore)`;
  const a: Args = { quick: false, seeds: 0, seeds2d: 0, workers: availableParallelism(), out: 'out/explore' };
  const int = (flag: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`${flag} needs an integer ≥ ${min}, got ${v ?? 'nothing'}\n${usage}`);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i]!;
    const [flag, inline] = f.includes('=') ? (f.split('=', 2) as [string, string]) : [f, undefined];
    const val = () => inline ?? argv[++i];
    if (flag === '--quick') a.quick = true;
    else if (flag === '--seeds') a.seeds = int(flag, val(), 1);
    else if (flag === '--seeds-2d') a.seeds2d = int(flag, val(), 1);
    else if (flag === '--workers') a.workers = int(flag, val(), 1);
    else if (flag === '--out') a.out = val() ?? a.out;
    else if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    } else {
      console.error(`unknown argument ${f}\n${usage}`);
      process.exit(2);
    }
  }
  if (!a.seeds) a.seeds = a.quick ? 20 : 100;
  if (!a.seeds2d) a.seeds2d = a.quick ? 3 : 12;
  return a;
}

/** Run every planned job on the pool, with a progress bar; the training time in all and by workload. */
async function runAll(plan: Plan, workers: number): Promise<{ trainMs: number; msBy: Map<string, number> }> {
  const bar = progressBar(plan.jobs.length, { label: 'training' });
  let trainMs = 0;
  const msBy = new Map<string, number>();
  await runPool(plan.jobs, workers, (o, job) => {
    plan.outcomes.set(o.id, o);
    trainMs += o.ms;
    const k = `${job.data} ${sizesText(job.sizes)}`;
    msBy.set(k, (msBy.get(k) ?? 0) + o.ms);
    bar.tick(1, `${job.data} ${sizesText(job.sizes)} ${job.act} ${initText(job.init)} seed ${job.seed}`);
  });
  bar.done();
  return { trainMs, msBy };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  await init({ threads: 1 }); // runs are spread over our own workers; one kernel thread each
  const info = backendInfo();
  const outDir = path.resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, svg: string) => {
    const file = path.join(outDir, name);
    writeFileSync(file, svg);
    written.push(path.relative(process.cwd(), file));
  };

  // The runs of every question, deduplicated: the same setup and seed in two questions runs once.
  const plan = new Plan();
  const seeds = { xor: range(args.seeds), twoD: range(args.seeds2d) };
  const q1 = planQ1(plan, seeds);
  const q2 = planQ2(plan, seeds.xor);
  const q3 = planQ3(plan, seeds);

  const workers = Math.max(1, Math.min(args.workers, plan.jobs.length));
  console.log(`scratchnet explore: ${plan.jobs.length} training runs on ${workers} thread(s), kernels: ${info.build}; ` +
    `${args.seeds} seeds per XOR configuration, ${args.seeds2d} per circle/moons/spirals one${args.quick ? ' (--quick)' : ''}`);
  const { trainMs, msBy } = await runAll(plan, workers);
  const sweepMs = performance.now() - t0;

  const q1Stats = reportQ1(plan, q1, write);
  const q2Answer = reportQ2(plan, q2, args.seeds, write);
  const q3Answer = reportQ3(plan, q3, write);

  console.log('\n=== Answers (phrased from the numbers above) ===');
  console.log('\n(1) Activation functions.');
  for (const line of answerQ1(q1Stats)) console.log(line);
  console.log('\n(2) Hidden neurons for XOR.');
  for (const line of q2Answer) console.log(line);
  console.log('\n(3) Initialization.');
  for (const line of q3Answer) console.log(line);

  const totalMs = performance.now() - t0;
  console.log(`\nFiles (${written.length}) in ${path.relative(process.cwd(), outDir) || '.'}/: ${written.map((f) => path.basename(f)).join(', ')}`);
  console.log(`Time: ${formatDuration(totalMs)} wall (sweep ${formatDuration(sweepMs)}; ${plan.jobs.length} runs, ` +
    `${formatDuration(trainMs)} of training on ${workers} thread(s): ` +
    `${[...msBy].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${formatDuration(ms)}`).join(', ')}).`);
}

await main();
