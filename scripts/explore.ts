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
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  backendInfo, circle, decisionBoundarySvg, init, LeakyReLU, lineChartSvg, moons, NeuralNetwork, ReLU, Sigmoid,
  spirals, Tanh, TrainingDivergedError, xor, type Activation, type Dataset, type Init, type LineSeries,
} from '../src/index.js';
import { formatDuration, progressBar } from './lib/progress.js';
import { formatTable } from './lib/table.js';

// ---------------------------------------------------------------------------------------------
// Runs: what a worker is asked to do, and what it reports.

type Act = 'relu' | 'leaky' | 'tanh' | 'sigmoid';
type DataName = 'xor' | 'circle' | 'moons' | 'spirals';
type Opt = 'sgd' | 'momentum' | 'adam';

/** One training setup; a run is a setup plus a seed. */
interface Setup {
  data: DataName;
  sizes: number[];
  act: Act;
  init: Init;
  epochs: number;
  lr: number;
  optimizer: Opt;
}

interface Job extends Setup {
  id: number;
  seed: number;
  /** Send the whole loss curve back (for plots). */
  curve: boolean;
}

interface Outcome {
  id: number;
  /** Final training loss (Infinity when training diverged). */
  loss: number;
  /** Final training accuracy (predictions on the right side of 0.5). */
  accuracy: number;
  /** First epoch whose loss was below THRESHOLD, or -1. */
  epochsTo: number;
  diverged: boolean;
  /** Hidden units whose pre-activation is ≤ 0 on every training row (dead ReLUs), and all hidden units. */
  dead: number;
  units: number;
  /** The largest fraction of dead units in one hidden layer. */
  deadLayer: number;
  /** First epoch whose loss was below ln 2 − 0.01 (off the saddle where every output is 0.5), or -1. */
  escape: number;
  /** Relative drop of the loss over the last 10% of the epochs (still learning when > 1%). */
  tailDrop: number;
  /** XOR only: the four outputs after training. */
  outputs: number[] | null;
  curve: Float32Array | null;
  ms: number;
}

/** "Reached the threshold": the loss below this. */
const THRESHOLD = 0.1;
const LN2 = Math.log(2);
const ACTS: Act[] = ['relu', 'leaky', 'tanh', 'sigmoid'];
const ACT_NAME: Record<Act, string> = { relu: 'ReLU', leaky: 'LeakyReLU(0.01)', tanh: 'Tanh', sigmoid: 'Sigmoid' };
const ACT_COLOR: Record<Act, string> = { relu: '#1f77b4', leaky: '#17becf', tanh: '#2ca02c', sigmoid: '#d62728' };

function makeAct(a: Act): Activation {
  if (a === 'relu') return new ReLU();
  if (a === 'leaky') return new LeakyReLU(0.01);
  if (a === 'tanh') return new Tanh();
  return new Sigmoid();
}

const dataCache = new Map<DataName, Dataset>();
/** The data sets, all with their default options (n = 200, data seed 0) except XOR: the chapter's 4 points. */
function data(name: DataName): Dataset {
  let d = dataCache.get(name);
  if (!d) {
    d = name === 'xor' ? xor() : name === 'circle' ? circle() : name === 'moons' ? moons() : spirals();
    dataCache.set(name, d);
  }
  return d;
}

function buildNet(s: Setup, seed: number): NeuralNetwork {
  const hidden = s.sizes.length - 2;
  const acts = [...Array.from({ length: hidden }, () => makeAct(s.act)), new Sigmoid()];
  return new NeuralNetwork(s.sizes, acts, { seed, init: s.init });
}

function trainNet(net: NeuralNetwork, s: Setup, d: Dataset): { curve: number[]; diverged: boolean } {
  try {
    const r = net.train(d.x, d.y, { epochs: s.epochs, learningRate: s.lr, optimizer: s.optimizer, loss: 'binaryCrossEntropy' });
    return { curve: r.loss, diverged: false };
  } catch (e) {
    if (e instanceof TrainingDivergedError) return { curve: e.loss, diverged: true };
    throw e;
  }
}

function runJob(job: Job): Outcome {
  const t0 = performance.now();
  const d = data(job.data);
  const net = buildNet(job, job.seed);
  const { curve, diverged } = trainNet(net, job, d);
  const p = net.predict(d.x).data;
  let correct = 0;
  for (let i = 0; i < d.labels.length; i++) if ((p[i]! > 0.5 ? 1 : 0) === d.labels[i]) correct++;
  const outputs = job.data === 'xor' ? Array.from(p) : null;
  // Dead units: pre-activation ≤ 0 on every training row (a ReLU there gets no gradient at all).
  net.forward(d.x);
  let dead = 0, units = 0, deadLayer = 0;
  for (let l = 0; l + 1 < net.layers.length; l++) {
    const z = net.layers[l]!.activationInput!;
    const zd = z.data;
    let here = 0;
    for (let j = 0; j < z.cols; j++) {
      let active = false;
      for (let i = 0; i < z.rows && !active; i++) active = zd[i * z.cols + j]! > 0;
      if (!active) here++;
    }
    dead += here;
    units += z.cols;
    deadLayer = Math.max(deadLayer, here / z.cols);
  }
  net.dispose();
  const final = diverged ? Infinity : curve[curve.length - 1]!;
  const k = Math.floor(curve.length * 0.9);
  const tailDrop = curve.length > 10 && !diverged ? (curve[k]! - final) / curve[k]! : 0;
  return {
    id: job.id, loss: final, accuracy: correct / d.labels.length, epochsTo: curve.findIndex((v) => v < THRESHOLD), diverged,
    dead, units, deadLayer, escape: curve.findIndex((v) => v < LN2 - 0.01), tailDrop, outputs, curve: job.curve ? Float32Array.from(curve) : null, ms: performance.now() - t0,
  };
}

/** Rough relative cost of a run, to batch the short ones. */
function cost(s: Setup): number {
  const rows = data(s.data).labels.length;
  let macs = 0, acts = 0;
  for (let i = 0; i + 1 < s.sizes.length; i++) {
    macs += s.sizes[i]! * s.sizes[i + 1]!;
    if (i + 2 < s.sizes.length) acts += s.sizes[i + 1]!;
  }
  const actCost = s.act === 'tanh' ? 12 : s.act === 'sigmoid' ? 8 : 1;
  return s.epochs * (rows * (3 * macs + actCost * acts) + 60);
}

// ---------------------------------------------------------------------------------------------
// Worker threads.

const IS_WORKER = !isMainThread && (workerData as { scratchnetExplore?: boolean } | null)?.scratchnetExplore === true;

/** Start a worker running this file (through tsx's loader, which workers do not inherit). */
function startWorker(): Worker {
  const self = import.meta.url;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(code, { eval: true, workerData: { scratchnetExplore: true } });
}

/** Run every job, on `workers` threads (inline when 1); `onResult` sees each outcome as it arrives. */
async function runPool(jobs: Job[], workers: number, onResult: (o: Outcome, job: Job) => void): Promise<void> {
  // A seeded shuffle: the progress bar's eta (runs per second so far) is then fair from the start.
  const queue = [...jobs];
  let r = 12345;
  for (let i = queue.length - 1; i > 0; i--) {
    r = (Math.imul(r, 1103515245) + 12345) >>> 0;
    const j = r % (i + 1);
    [queue[i], queue[j]] = [queue[j]!, queue[i]!];
  }
  const byId = new Map(jobs.map((j) => [j.id, j]));
  if (workers <= 1) {
    for (const job of queue) onResult(runJob(job), job);
    return;
  }
  const chunkCost = 12 * cost({ data: 'xor', sizes: [2, 4, 1], act: 'relu', init: 'chapter', epochs: 10000, lr: 0.1, optimizer: 'sgd' });
  const nextChunk = (): Job[] => {
    const chunk: Job[] = [];
    let c = 0;
    while (queue.length && (chunk.length === 0 || c + cost(queue[0]!) <= chunkCost)) {
      const j = queue.shift()!;
      c += cost(j);
      chunk.push(j);
    }
    return chunk;
  };
  await new Promise<void>((resolve, reject) => {
    let remaining = jobs.length;
    if (remaining === 0) return resolve();
    const pool = Array.from({ length: workers }, () => ({ w: startWorker(), pending: 0 }));
    const feed = (slot: (typeof pool)[number]) => {
      // Two chunks in flight per worker, so it never waits for the main thread.
      while (slot.pending < 2 && queue.length) {
        const chunk = nextChunk();
        slot.pending += chunk.length;
        slot.w.postMessage(chunk);
      }
    };
    for (const slot of pool) {
      slot.w.on('message', (o: Outcome) => {
        slot.pending--;
        onResult(o, byId.get(o.id)!);
        feed(slot);
        if (--remaining === 0) {
          for (const s of pool) void s.w.terminate();
          resolve();
        }
      });
      slot.w.on('error', (e) => {
        for (const s of pool) void s.w.terminate();
        reject(e);
      });
      feed(slot);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Statistics.

type Mode = 'diverged' | 'saturated' | 'saddle' | 'dead' | 'plateau' | 'slow';
const MODE_TEXT: Record<Mode, string> = {
  diverged: 'diverged',
  saturated: 'saturated output',
  saddle: 'saddle (loss≈ln2)',
  dead: 'dead ReLUs',
  plateau: 'plateau',
  slow: 'still falling',
};

interface Stats {
  setup: Setup;
  outcomes: Outcome[];
  seeds: number[];
  n: number;
  ok: number;
  rate: number;
  medLoss: number;
  /** Median epochs to THRESHOLD, counting runs that never got there as ∞. */
  medEpochs: number;
  /** Median epochs to get off the ln 2 saddle (∞ for runs that never did). */
  medEscape: number;
  reached: number;
  modes: Record<Mode, number>;
  /** Mean fraction of hidden units dead at the end. */
  deadFrac: number;
  /** Failed runs' final losses, rounded, most common first. */
  plateaus: [string, number][];
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  if (s.length % 2) return s[m]!;
  const [a, b] = [s[m - 1]!, s[m]!];
  return a === Infinity || b === Infinity ? (a === b ? Infinity : b === Infinity ? Infinity : (a + b) / 2) : (a + b) / 2;
}

function success(s: Setup, o: Outcome): boolean {
  return !o.diverged && (s.data === 'xor' ? o.accuracy === 1 : o.accuracy >= 0.95);
}

function failureMode(s: Setup, o: Outcome): Mode | null {
  if (success(s, o)) return null;
  if (o.diverged) return 'diverged';
  if (o.loss > LN2 + 0.01) return 'saturated';
  if (Math.abs(o.loss - LN2) <= 0.01) return 'saddle';
  if (s.act === 'relu' && o.deadLayer >= 0.5) return 'dead';
  if (o.tailDrop > 0.01) return 'slow';
  return 'plateau';
}

function stats(setup: Setup, seeds: number[], outcomes: Outcome[]): Stats {
  const modes: Record<Mode, number> = { diverged: 0, saturated: 0, saddle: 0, dead: 0, plateau: 0, slow: 0 };
  let ok = 0, deadFrac = 0;
  const plateauCount = new Map<string, number>();
  for (const o of outcomes) {
    const m = failureMode(setup, o);
    if (m === null) ok++;
    else {
      modes[m]++;
      const key = o.diverged ? 'diverged' : o.loss.toFixed(2);
      plateauCount.set(key, (plateauCount.get(key) ?? 0) + 1);
    }
    deadFrac += o.units ? o.dead / o.units : 0;
  }
  const epochs = outcomes.map((o) => (o.epochsTo < 0 ? Infinity : o.epochsTo));
  return {
    setup, outcomes, seeds, n: outcomes.length, ok, rate: outcomes.length ? ok / outcomes.length : NaN,
    medLoss: median(outcomes.map((o) => o.loss)),
    medEpochs: median(epochs), medEscape: median(outcomes.map((o) => (o.escape < 0 ? Infinity : o.escape))), reached: epochs.filter(Number.isFinite).length, modes,
    deadFrac: outcomes.length ? deadFrac / outcomes.length : 0,
    plateaus: [...plateauCount].sort((a, b) => b[1] - a[1]),
  };
}

/** The pointwise median of the runs' loss curves; a diverged run counts as ∞ after it diverged. */
function medianCurve(st: Stats): number[] {
  const curves = st.outcomes.map((o) => o.curve).filter((c): c is Float32Array => c !== null);
  if (curves.length === 0) return [];
  const len = Math.max(...curves.map((c) => c.length), st.setup.epochs);
  const out: number[] = new Array(len);
  const col = new Float64Array(curves.length);
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < curves.length; i++) col[i] = t < curves[i]!.length ? curves[i]![t]! : Infinity;
    col.sort();
    const m = col.length >> 1;
    out[t] = col.length % 2 ? col[m]! : (col[m - 1]! + col[m]!) / 2;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting.

const pct = (r: number): string => (Number.isFinite(r) ? `${Math.round(r * 100)}%` : '—');
const rateCell = (st: Stats): string => `${pct(st.rate)} (${st.ok}/${st.n})`;
const lossCell = (v: number): string => (v === Infinity ? '∞' : Number.isFinite(v) ? (v < 0.001 ? v.toExponential(1) : v.toFixed(4)) : '—');
const epochCell = (st: Stats): string => (Number.isFinite(st.medEpochs) ? String(Math.round(st.medEpochs)) : '—');
function modesCell(st: Stats): string {
  const parts = (Object.keys(st.modes) as Mode[]).filter((m) => st.modes[m] > 0).map((m) => `${MODE_TEXT[m]} ${st.modes[m]}`);
  return parts.length ? parts.join(', ') : '—';
}
const plateauCell = (st: Stats, k = 3): string =>
  st.plateaus.length ? st.plateaus.slice(0, k).map(([l, c]) => `${l}×${c}`).join(' ') : '—';
const sizesText = (s: number[]): string => `[${s.join(',')}]`;
const optText = (s: Setup): string =>
  `${s.optimizer === 'sgd' ? 'SGD' : s.optimizer === 'momentum' ? 'SGD+momentum 0.9' : 'Adam'} lr ${s.lr}, ${s.epochs.toLocaleString('en')} epochs, full batch, BCE`;
function initText(init: Init, sizes?: number[]): string {
  if (init === 'chapter') return '0.01 (chapter)';
  if (typeof init === 'number') return String(init);
  const name = init === 'he' ? 'He' : 'Xavier';
  if (!sizes) return name;
  const sig = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [a, b] = [sizes[i]!, sizes[i + 1]!];
    sig.push((init === 'he' ? Math.sqrt(2 / a) : Math.sqrt(2 / (a + b))).toFixed(2));
  }
  return `${name} (σ ${[...new Set(sig)].join('/')})`;
}
/** An init in a sentence: "scale 2", "He", "0.01 (chapter)". */
const initName = (init: Init): string => (typeof init === 'number' ? `scale ${init}` : initText(init));
/** The init suited to an activation: He for the ReLU family, Xavier for tanh and sigmoid. */
const scaledInit = (a: Act): Init => (a === 'relu' || a === 'leaky' ? 'he' : 'xavier');
const list = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const fmtTimes = (a: number, b: number): string => (a / b >= 10 ? `${Math.round(a / b)}×` : `${(a / b).toFixed(1)}×`);

/** A grouped bar chart of rates in [0, 1] (categories on x, one bar per series), as SVG. */
function barChartSvg(
  categories: string[], series: { name: string; values: number[]; color: string }[],
  o: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const W = o.width ?? 800, H = o.height ?? 440;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const left = 64, right = 16, bottom = 56;
  // Legend under the title, wrapped into rows that fit the width.
  const legend: string[] = [];
  let lx = left, ly = 40;
  for (const s of series) {
    const w = 28 + s.name.length * 7;
    if (lx > left && lx + w > W - right) {
      lx = left;
      ly += 18;
    }
    legend.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${s.color}"/><text x="${lx + 16}" y="${ly + 10}">${esc(s.name)}</text>`);
    lx += w;
  }
  const top = ly + 34; // room for the legend and the value labels of full bars
  const pw = W - left - right, ph = H - top - bottom;
  const group = pw / categories.length;
  const bw = Math.min(28, (group * 0.8) / series.length);
  const y = (v: number) => top + ph * (1 - v);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(o.title)}</text>`,
    ...legend,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = t / 4, yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" y1="${yy}" x2="${left + pw}" y2="${yy}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 8}" y="${yy}" dy="0.32em" text-anchor="end" fill="#333">${t * 25}%</text>`);
  }
  categories.forEach((c, i) => {
    const gx = left + group * i + (group - bw * series.length) / 2;
    series.forEach((s, k) => {
      const v = s.values[i];
      if (v === undefined || !Number.isFinite(v)) return;
      const x = gx + k * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(ph * v).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name}, ${c}: ${pct(v)}`)}</title></rect>`);
      if (bw >= 14) parts.push(`<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9" fill="#333">${Math.round(v * 100)}</text>`);
    });
    parts.push(`<text x="${(left + group * (i + 0.5)).toFixed(1)}" y="${top + ph + 18}" text-anchor="middle" fill="#333">${esc(c)}</text>`);
  });
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push('</svg>\n');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------
// The sweep.

interface Args {
  quick: boolean;
  seeds: number;
  seeds2d: number;
  workers: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const usage = `usage: tsx scripts/explore.ts [--quick] [--seeds N] [--seeds-2d M] [--workers K] [--out DIR]
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

  // Jobs, deduplicated: the same setup and seed in two questions runs once.
  const jobs: Job[] = [];
  const jobKey = new Map<string, Job>();
  const addJob = (s: Setup, seed: number, curve: boolean): number => {
    const key = JSON.stringify([s.data, s.sizes, s.act, s.init, s.epochs, s.lr, s.optimizer, seed]);
    const have = jobKey.get(key);
    if (have) {
      have.curve ||= curve;
      return have.id;
    }
    const job: Job = { ...s, sizes: [...s.sizes], id: jobs.length, seed, curve };
    jobs.push(job);
    jobKey.set(key, job);
    return job.id;
  };
  interface Ref { setup: Setup; seeds: number[]; ids: number[] }
  const config = (s: Setup, seeds: number[], curve = false): Ref => ({ setup: s, seeds, ids: seeds.map((k) => addJob(s, k, curve)) });
  const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
  const xorSeeds = range(args.seeds);
  const seeds2d = range(args.seeds2d);

  // (1) Activations.
  const sgdXor = { data: 'xor', epochs: 10000, lr: 0.1, optimizer: 'sgd' } as const;
  const twoD = { optimizer: 'momentum', lr: 0.1 } as const;
  const q1Tasks: { key: string; label: string; base: Omit<Setup, 'act' | 'init'>; seeds: number[] }[] = [
    { key: 'xor-2-4-1', label: 'XOR [2,4,1]', base: { ...sgdXor, sizes: [2, 4, 1] }, seeds: xorSeeds },
    { key: 'xor-2-8-1', label: 'XOR [2,8,1]', base: { ...sgdXor, sizes: [2, 8, 1] }, seeds: xorSeeds },
    { key: 'circle', label: 'circle [2,16,16,1]', base: { ...twoD, data: 'circle', sizes: [2, 16, 16, 1], epochs: 1500 }, seeds: seeds2d },
    { key: 'moons', label: 'moons [2,16,16,1]', base: { ...twoD, data: 'moons', sizes: [2, 16, 16, 1], epochs: 1500 }, seeds: seeds2d },
    { key: 'spirals', label: 'spirals [2,16,16,1]', base: { ...twoD, data: 'spirals', sizes: [2, 16, 16, 1], epochs: 3000 }, seeds: seeds2d },
  ];
  const q1 = q1Tasks.map((t) => ({
    ...t,
    refs: ACTS.map((act) => ({
      act,
      chapter: config({ ...t.base, act, init: 'chapter' }, t.seeds, true),
      scaled: config({ ...t.base, act, init: scaledInit(act) }, t.seeds, true),
    })),
  }));

  // (2) Hidden units for XOR.
  const widths = [1, 2, 3, 4, 6, 8, 16];
  const q2Variants: { key: string; label: string; act: Act; init: Init; lr: number; color: string }[] = [
    { key: 'chapter', label: 'ReLU, lr 0.1, 0.01 init (chapter)', act: 'relu', init: 'chapter', lr: 0.1, color: '#1f77b4' },
    { key: 'tanh', label: 'Tanh, lr 0.1, 0.01 init', act: 'tanh', init: 'chapter', lr: 0.1, color: '#2ca02c' },
    { key: 'lr', label: 'ReLU, lr 0.5, 0.01 init', act: 'relu', init: 'chapter', lr: 0.5, color: '#ff7f0e' },
    { key: 'he', label: 'ReLU, lr 0.1, He init', act: 'relu', init: 'he', lr: 0.1, color: '#9467bd' },
  ];
  const q2 = q2Variants.map((v) => ({
    ...v,
    refs: widths.map((h) => config({ ...sgdXor, sizes: [2, h, 1], act: v.act, init: v.init, lr: v.lr }, xorSeeds)),
  }));
  const chapterSetup: Setup = { ...sgdXor, sizes: [2, 4, 1], act: 'relu', init: 'chapter' };
  const seed42 = addJob(chapterSetup, 42, true);
  const numpyRef: [number, string][] = [[4, '12/20'], [8, '18–19/20'], [16, '20/20']];
  const numpySeeds = range(20); // always NumPy's 20 seeds, whatever --seeds says
  const numpyRefs = numpyRef.map(([h]) => config({ ...chapterSetup, sizes: [2, h, 1] }, numpySeeds));

  // (3) Initialization.
  const inits: Init[] = ['chapter', 0.1, 0.5, 1, 2, 'xavier', 'he'];
  const q3Tasks: { key: string; label: string; base: Omit<Setup, 'init'>; seeds: number[] }[] = [
    { key: 'xor-relu', label: 'XOR [2,8,1] ReLU', base: { ...sgdXor, sizes: [2, 8, 1], act: 'relu' }, seeds: xorSeeds },
    { key: 'xor-tanh', label: 'XOR [2,8,1] Tanh', base: { ...sgdXor, sizes: [2, 8, 1], act: 'tanh' }, seeds: xorSeeds },
    { key: 'spirals-relu', label: 'spirals [2,32,32,1] ReLU', base: { ...twoD, data: 'spirals', sizes: [2, 32, 32, 1], act: 'relu', epochs: 2000 }, seeds: seeds2d },
    { key: 'spirals-tanh', label: 'spirals [2,32,32,1] Tanh', base: { ...twoD, data: 'spirals', sizes: [2, 32, 32, 1], act: 'tanh', epochs: 2000 }, seeds: seeds2d },
  ];
  const q3 = q3Tasks.map((t) => ({ ...t, refs: inits.map((init) => ({ init, ref: config({ ...t.base, init }, t.seeds, true) })) }));

  // Run everything.
  const outcomes = new Map<number, Outcome>();
  const workers = Math.max(1, Math.min(args.workers, jobs.length));
  console.log(`scratchnet explore: ${jobs.length} training runs on ${workers} thread(s), kernels: ${info.build}; ` +
    `${args.seeds} seeds per XOR configuration, ${args.seeds2d} per circle/moons/spirals one${args.quick ? ' (--quick)' : ''}`);
  const bar = progressBar(jobs.length, { label: 'training' });
  let trainMs = 0;
  const msBy = new Map<string, number>();
  await runPool(jobs, workers, (o, job) => {
    outcomes.set(o.id, o);
    trainMs += o.ms;
    const k = `${job.data} ${sizesText(job.sizes)}`;
    msBy.set(k, (msBy.get(k) ?? 0) + o.ms);
    bar.tick(1, `${job.data} ${sizesText(job.sizes)} ${job.act} ${initText(job.init)} seed ${job.seed}`);
  });
  bar.done();
  const sweepMs = performance.now() - t0;
  const S = (r: Ref): Stats => stats(r.setup, r.seeds, r.ids.map((id) => outcomes.get(id)!));

  // ---- (1) ------------------------------------------------------------------------------------
  console.log('\n=== (1) How does the activation function change training? ===');
  console.log(`Hidden activation varies, output Sigmoid, binary cross-entropy. "success" = final training accuracy 1 on XOR, ≥ 0.95 on the others;`);
  console.log(`"epochs<${THRESHOLD}" = median first epoch with loss < ${THRESHOLD} (never counts as ∞: "—" when at least half never got there).`);
  console.log(`Inits: the chapter's randn·0.01, and the one suited to the activation: He (σ=√(2/in)) for ReLU/LeakyReLU, Xavier (σ=√(2/(in+out))) for Tanh/Sigmoid.`);
  console.log(`XOR uses the chapter's training (plain SGD); the 2-D sets (200 points each, data seed 0) use SGD with momentum 0.9 to keep the 3-layer nets within a few thousand epochs.`);
  type Q1Row = { act: Act; chapter: Stats; scaled: Stats };
  const q1Stats = q1.map((t) => ({ ...t, rows: t.refs.map((r) => ({ act: r.act, chapter: S(r.chapter), scaled: S(r.scaled) }) as Q1Row) }));
  for (const t of q1Stats) {
    console.log(`\n${t.label}: ${optText(t.base as Setup)}, ${t.seeds.length} seeds`);
    const rows = t.rows.flatMap((r) => [r.chapter, r.scaled].map((st) => [
      ACT_NAME[r.act], initText(st.setup.init), rateCell(st), lossCell(st.medLoss), epochCell(st), `${st.reached}/${st.n}`,
      r.act === 'relu' || r.act === 'leaky' ? pct(st.deadFrac) : '',
      modesCell(st),
    ]));
    console.log(formatTable(['activation', 'init', 'success', 'median loss', 'epochs<0.1', 'reached', 'dead/inactive', 'failures'], rows));
    for (const kind of ['chapter', 'scaled'] as const) {
      const series: LineSeries[] = t.rows.map((r) => ({
        name: kind === 'chapter' ? ACT_NAME[r.act] : `${ACT_NAME[r.act]} (${initText(r[kind].setup.init)})`,
        values: medianCurve(r[kind]),
        color: ACT_COLOR[r.act],
      }));
      write(`q1-loss-${t.key}-${kind === 'chapter' ? 'chapter-init' : 'he-xavier'}.svg`, lineChartSvg(series, {
        title: `${t.label}: median loss over ${t.seeds.length} seeds, ${kind === 'chapter' ? "chapter's 0.01 init" : 'He (ReLU family) / Xavier (tanh, sigmoid) init'}`,
        xLabel: 'Epoch', yLabel: 'Loss (median over seeds)', logY: true,
      }));
    }
  }
  // One decision boundary per activation on spirals: the seed whose final loss is the median (a typical run).
  const spiralsTask = q1Stats.find((t) => t.key === 'spirals')!;
  const sp = data('spirals');
  const spPoints = sp.x.toArray();
  for (const r of spiralsTask.rows) {
    const st = r.scaled;
    const order = st.outcomes.map((o, i) => [o.loss, st.seeds[i]!] as const).sort((a, b) => a[0] - b[0]);
    const seed = order[(order.length - 1) >> 1]![1];
    const net = buildNet(st.setup, seed);
    trainNet(net, st.setup, sp);
    const o = st.outcomes[st.seeds.indexOf(seed)]!;
    write(`q1-spirals-boundary-${r.act}.svg`, decisionBoundarySvg(net, spPoints, sp.labels, {
      title: `spirals, ${ACT_NAME[r.act]}, ${initText(st.setup.init)}, seed ${seed}: acc. ${pct(o.accuracy)}, loss ${lossCell(o.loss)}`,
      width: 560, height: 580,
    }));
    net.dispose();
  }

  // ---- (2) ------------------------------------------------------------------------------------
  console.log('\n=== (2) The minimum number of hidden neurons to solve XOR ===');
  console.log(`The chapter's setup: [2,h,1], hidden ReLU, Sigmoid output, BCE, SGD lr 0.1, 10,000 epochs, full batch, randn·0.01 init;`);
  console.log(`"solved" = all four outputs on the right side of 0.5 after training. ${args.seeds} seeds (0–${args.seeds - 1}) per cell.`);
  const q2Stats = q2.map((v) => ({ ...v, stats: v.refs.map(S) }));
  const chapterQ2 = q2Stats[0]!;
  console.log(formatTable(
    ['hidden', ...q2Stats.map((v) => v.label), 'chapter: epochs<0.1', 'chapter: failed runs stuck at loss×count'],
    widths.map((h, i) => [h, ...q2Stats.map((v) => rateCell(v.stats[i]!)), epochCell(chapterQ2.stats[i]!), plateauCell(chapterQ2.stats[i]!)]),
  ));
  write('q2-success-vs-hidden.svg', barChartSvg(widths.map(String), q2Stats.map((v) => ({ name: v.label, values: v.stats.map((s) => s.rate), color: v.color })), {
    title: `XOR: share of ${args.seeds} seeds solved after 10,000 epochs, by hidden units`, xLabel: 'hidden units', yLabel: 'seeds solved',
  }));
  const npStats = numpyRefs.map(S);
  console.log(`\nAgainst NumPy (float64, the chapter's code, seeds 0–19, figures from the brief):`);
  console.log(formatTable(['hidden', 'NumPy', `scratchnet (float32), seeds 0–${numpySeeds.length - 1}`],
    numpyRef.map(([h, np], i) => [h, np, `${npStats[i]!.ok}/${npStats[i]!.n}`])));
  const o42 = outcomes.get(seed42)!;
  const ok42 = success(chapterSetup, o42);
  console.log(`Seed 42, 4 hidden units (the chapter's own run): ${ok42 ? 'SOLVED — unlike the chapter' : 'fails, as in the chapter'}: ` +
    `final loss ${o42.loss.toFixed(4)}, outputs ${o42.outputs!.map((v) => v.toFixed(4)).join(' ')} for targets 0 1 1 0` +
    `${o42.dead ? `, ${o42.dead} of ${o42.units} hidden ReLUs dead` : ''}.`);
  // Two units are enough in principle: h1 = relu(x1 + x2), h2 = relu(x1 + x2 - 1), out = σ(10·(h1 - 2·h2) - 5).
  const hand = new NeuralNetwork([2, 2, 1], [new ReLU(), new Sigmoid()], { seed: 0 });
  const l1 = hand.layers[0]!, l2 = hand.layers[1]!;
  for (const [i, j] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) l1.weights.set(i, j, 1);
  l1.bias.set(0, 0, 0);
  l1.bias.set(0, 1, -1);
  l2.weights.set(0, 0, 10);
  l2.weights.set(1, 0, -20);
  l2.bias.set(0, 0, -5);
  const handOut = Array.from(hand.predict(data('xor').x).data);
  const handOk = handOut.every((p, i) => (p > 0.5 ? 1 : 0) === data('xor').labels[i]);
  hand.dispose();
  console.log(`Two hidden ReLUs, weights set by hand (h1 = relu(x1+x2), h2 = relu(x1+x2−1), out = σ(10·h1 − 20·h2 − 5)): ` +
    `outputs ${handOut.map((v) => v.toFixed(4)).join(' ')} — ${handOk ? 'XOR solved' : 'NOT solved'}.`);

  // ---- (3) ------------------------------------------------------------------------------------
  console.log('\n=== (3) How does weight initialization affect training? ===');
  console.log(`Weights randn·scale (biases 0): the chapter's 0.01, 0.1, 0.5, 1, 2, Xavier (σ=√(2/(in+out))) and He (σ=√(2/in)).`);
  console.log(`Failure modes: diverged (TrainingDivergedError), saddle (stuck at loss ≈ ln 2 = 0.693: the net outputs 0.5 everywhere),`);
  console.log(`saturated output (a loss above ln 2: the sigmoid output is pinned at exactly 0 or 1 on a wrong answer, so its gradient is 0),`);
  console.log(`dead ReLUs (half or more of a hidden layer is ≤ 0 on every input), plateau (another flat loss), still falling (> 1% drop in the last 10% of epochs).`);
  console.log(`"off ln2" = median first epoch with loss < ln 2 − 0.01: how long the run sat on the saddle it starts near.`);
  const q3Stats = q3.map((t) => ({ ...t, rows: t.refs.map((r) => ({ init: r.init, st: S(r.ref) })) }));
  for (const t of q3Stats) {
    console.log(`\n${t.label}: ${optText(t.base as Setup)}, ${t.seeds.length} seeds`);
    console.log(formatTable(
      ['init', 'success', 'median loss', 'off ln2', 'epochs<0.1', 'reached', ...(t.base.act === 'relu' ? ['dead units'] : []), 'failures', 'failed runs stuck at'],
      t.rows.map(({ init, st }) => [initText(init, t.base.sizes), rateCell(st), lossCell(st.medLoss),
        Number.isFinite(st.medEscape) ? String(Math.round(st.medEscape)) : '—', epochCell(st), `${st.reached}/${st.n}`,
        ...(t.base.act === 'relu' ? [pct(st.deadFrac)] : []), modesCell(st), plateauCell(st)]),
    ));
    const palette = ['#d62728', '#ff7f0e', '#bcbd22', '#2ca02c', '#17becf', '#1f77b4', '#9467bd'];
    write(`q3-loss-${t.key}.svg`, lineChartSvg(
      t.rows.map(({ init, st }, i) => ({ name: initText(init, t.base.sizes), values: medianCurve(st), color: palette[i]! })),
      { title: `${t.label}: median loss over ${t.seeds.length} seeds, by initialization`, xLabel: 'Epoch', yLabel: 'Loss (median over seeds)', logY: true },
    ));
  }
  write('q3-success-by-init.svg', barChartSvg(inits.map((i) => initText(i).replace(' (chapter)', '')), q3Stats.map((t, k) => ({
    name: t.label, values: t.rows.map((r) => r.st.rate), color: ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728'][k]!,
  })), { title: 'Share of seeds trained to success, by weight initialization', xLabel: 'initialization (randn · scale)', yLabel: 'seeds solved' }));

  // ---- Answers ---------------------------------------------------------------------------------
  console.log('\n=== Answers (phrased from the numbers above) ===');
  console.log('\n(1) Activation functions.');
  for (const t of q1Stats) console.log(`  - ${answerQ1Task(t.label, t.rows)}`);
  for (const line of answerQ1Summary(q1Stats.map((t) => ({ label: t.label, rows: t.rows })), linearLosses())) console.log(`  ${line}`);

  console.log('\n(2) Hidden neurons for XOR.');
  for (const line of answerQ2(widths, q2Stats, npStats, numpyRef, o42, ok42, handOk, args.seeds)) console.log(`  ${line}`);

  console.log('\n(3) Initialization.');
  for (const t of q3Stats) console.log(`  - ${answerQ3Task(t.label, t.rows)}`);
  for (const line of answerQ3Summary(q3Stats)) console.log(`  ${line}`);

  const totalMs = performance.now() - t0;
  console.log(`\nFiles (${written.length}) in ${path.relative(process.cwd(), outDir) || '.'}/: ${written.map((f) => path.basename(f)).join(', ')}`);
  console.log(`Time: ${formatDuration(totalMs)} wall (sweep ${formatDuration(sweepMs)}; ${jobs.length} runs, ` +
    `${formatDuration(trainMs)} of training on ${workers} thread(s): ` +
    `${[...msBy].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${formatDuration(ms)}`).join(', ')}).`);
}

// ---------------------------------------------------------------------------------------------
// Answers: sentences built from the statistics (no conclusion is written in advance).

/** The training loss of the best linear model (logistic regression, [2,1] Sigmoid) on each data set. */
function linearLosses(): Map<DataName, number> {
  const out = new Map<DataName, number>();
  for (const name of ['xor', 'circle', 'moons', 'spirals'] as DataName[]) {
    const d = data(name);
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 0 });
    const r = net.train(d.x, d.y, { epochs: 3000, learningRate: 0.05, optimizer: 'adam', loss: 'binaryCrossEntropy' });
    out.set(name, r.loss[r.loss.length - 1]!);
    net.dispose();
  }
  return out;
}

type Q1Rows = { act: Act; chapter: Stats; scaled: Stats }[];

/** The better of a row's two inits: higher success, then fewer epochs to the threshold. */
function better(a: Stats, b: Stats): Stats {
  if (a.rate !== b.rate) return a.rate > b.rate ? a : b;
  return a.medEpochs <= b.medEpochs ? a : b;
}

function answerQ1Task(label: string, rows: Q1Rows): string {
  const fmt = (k: 'chapter' | 'scaled') => rows.map((r) => `${ACT_NAME[r.act]} ${pct(r[k].rate)}`).join(', ');
  const best = rows.map((r) => ({ act: r.act, st: better(r.chapter, r.scaled) }));
  const reached = best.filter((b) => Number.isFinite(b.st.medEpochs)).sort((a, b) => a.st.medEpochs - b.st.medEpochs);
  let speed = 'no activation got the median run below loss 0.1';
  if (reached.length) {
    const f = reached[0]!;
    speed = `fastest to loss ${THRESHOLD}: ${ACT_NAME[f.act]} (median ${Math.round(f.st.medEpochs)} epochs, ${initName(f.st.setup.init)} init)`;
    const slow = reached[reached.length - 1]!;
    if (reached.length > 1) speed += `, slowest that got there: ${ACT_NAME[slow.act]} (${Math.round(slow.st.medEpochs)})`;
    const never = best.filter((b) => !Number.isFinite(b.st.medEpochs)).map((b) => ACT_NAME[b.act]);
    if (never.length) speed += `; never in the median run: ${list(never)}`;
  }
  return `${label}: success with the chapter's init — ${fmt('chapter')}; with He/Xavier — ${fmt('scaled')}; ${speed}.`;
}

function answerQ1Summary(tasks: { label: string; rows: Q1Rows }[], linear: Map<DataName, number>): string[] {
  const out: string[] = [];
  const meanRate = (act: Act, k: 'chapter' | 'scaled') =>
    tasks.reduce((s, t) => s + t.rows.find((r) => r.act === act)![k].rate, 0) / tasks.length;
  const ranked = (k: 'chapter' | 'scaled') =>
    [...ACTS].sort((a, b) => meanRate(b, k) - meanRate(a, k)).map((a) => `${ACT_NAME[a]} ${pct(meanRate(a, k))}`).join(' > ');
  out.push(`Averaged over the ${tasks.length} tasks, success with the chapter's init: ${ranked('chapter')}; with He/Xavier: ${ranked('scaled')}.`);
  // Who was fastest, task by task (each activation with its better init).
  const wins = new Map<Act, string[]>();
  for (const t of tasks) {
    const best = t.rows.map((r) => ({ act: r.act, st: better(r.chapter, r.scaled) }))
      .filter((b) => b.st.rate >= 0.5 && Number.isFinite(b.st.medEpochs)).sort((a, b) => a.st.medEpochs - b.st.medEpochs)[0];
    if (best) wins.set(best.act, [...(wins.get(best.act) ?? []), t.label]);
  }
  if (wins.size) {
    out.push(`Fastest to loss ${THRESHOLD} (among activations solving at least half the seeds, each with its better init): ` +
      [...wins].map(([a, ts]) => `${ACT_NAME[a]} on ${list(ts)}`).join('; ') + '.');
  }
  // The weakest activation overall.
  const overall = (a: Act) => Math.max(meanRate(a, 'chapter'), meanRate(a, 'scaled'));
  const worst = [...ACTS].sort((a, b) => overall(a) - overall(b))[0]!;
  const worstTasks = tasks.filter((t) => {
    const r = t.rows.find((x) => x.act === worst)!;
    const b = better(r.chapter, r.scaled);
    return t.rows.every((x) => x.act === worst || better(x.chapter, x.scaled).rate >= b.rate);
  }).map((t) => t.label);
  out.push(`Weakest overall: ${ACT_NAME[worst]} (best-init mean success ${pct(overall(worst))}); it had the lowest (or tied-lowest) success on ${worstTasks.length} of ${tasks.length} tasks` +
    `${worst === 'sigmoid' ? ' — its derivative is at most 0.25, so gradients shrink through every sigmoid layer' : ''}.`);
  // ReLU vs LeakyReLU with the chapter's init, and dead units.
  const relu = tasks.map((t) => t.rows.find((r) => r.act === 'relu')!), leaky = tasks.map((t) => t.rows.find((r) => r.act === 'leaky')!);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rc = mean(relu.map((r) => r.chapter.rate)), lc = mean(leaky.map((r) => r.chapter.rate));
  const rd = mean(relu.map((r) => r.chapter.deadFrac)), ld = mean(leaky.map((r) => r.chapter.deadFrac));
  out.push(`LeakyReLU(0.01) vs ReLU with the chapter's init: mean success ${pct(lc)} vs ${pct(rc)}` +
    `${Math.abs(lc - rc) < 0.03 ? ' (about the same)' : lc > rc ? ' (the leak helps)' : ' (the leak does not help)'}; ` +
    `units negative on every input at the end: ${pct(ld)} (leaky, still getting 1% of the gradient) vs ${pct(rd)} (ReLU: dead, no gradient at all).`);
  // Tanh and sigmoid at the chapter's init: an almost linear model.
  const symmetric = (['tanh', 'sigmoid'] as Act[]).filter((a) => tasks.every((t) => t.rows.find((r) => r.act === a)!.chapter.rate === 0));
  if (symmetric.length) {
    const vsLinear = tasks.map((t) => {
      const losses = symmetric.map((a) => lossCell(t.rows.find((r) => r.act === a)!.chapter.medLoss).replace(/0+$/, ''));
      return `${t.label.split(' ')[0]} ${losses.join('/')} (linear ${linear.get(t.rows[0]!.chapter.setup.data)!.toFixed(3)})`;
    }).filter((x, i, all) => all.findIndex((y) => y.split(' ')[0] === x.split(' ')[0]) === i);
    const atOrAbove = tasks.every((t) => symmetric.every((a) => t.rows.find((r) => r.act === a)!.chapter.medLoss >= linear.get(t.rows[0]!.chapter.setup.data)! - 0.005));
    const reluTasks = tasks.filter((t) => t.rows.some((r) => (r.act === 'relu' || r.act === 'leaky') && r.chapter.rate > 0)).length;
    out.push(`${list(symmetric.map((a) => ACT_NAME[a]))} never trained from the chapter's 0.01 init, on any task. Near 0 they are almost linear, ` +
      `so a tiny-weight net is almost a linear model${atOrAbove ? ', and every one of them ended at or above the loss of the best linear model' : ''}: median final losses ` +
      `${symmetric.map((a) => ACT_NAME[a]).join('/')} vs the best logistic regression on the same data: ${vsLinear.join(', ')}. ` +
      `ReLU's kink at 0 is nonlinear at any scale: the ReLU family trained from 0.01 on ${reluTasks} of ${tasks.length} tasks.`);
  }
  // Where the init mattered most.
  let big = { gain: -Infinity, text: '' };
  for (const t of tasks) {
    for (const r of t.rows) {
      const gain = r.scaled.rate - r.chapter.rate;
      if (gain > big.gain) big = { gain, text: `${ACT_NAME[r.act]} on ${t.label}: ${pct(r.chapter.rate)} → ${pct(r.scaled.rate)}` };
    }
  }
  if (big.gain > 0) out.push(`The activation cannot be judged apart from the init: the biggest change from switching 0.01 to He/Xavier was ${big.text}.`);
  else out.push(`Switching from 0.01 to He/Xavier never raised the success rate here.`);
  return out;
}

function answerQ2(
  widths: number[], variants: { label: string; key: string; stats: Stats[] }[], np: Stats[], numpyRef: [number, string][],
  o42: Outcome, ok42: boolean, handOk: boolean, seeds: number,
): string[] {
  const out: string[] = [];
  const minWidth = (st: Stats[], pred: (s: Stats) => boolean): number | null => {
    const i = st.findIndex(pred);
    return i < 0 ? null : widths[i]!;
  };
  const describe = (v: { label: string; stats: Stats[] }) => {
    const any = minWidth(v.stats, (s) => s.ok > 0);
    const most = minWidth(v.stats, (s) => s.rate >= 0.9);
    const all = minWidth(v.stats, (s) => s.rate === 1);
    return `${v.label}: the smallest width that solved it for any seed was ${any ?? 'none tested'}` +
      (any !== null ? ` (${pct(v.stats[widths.indexOf(any)]!.rate)})` : '') +
      `, ≥ 90% of seeds needed ${most ?? `more than ${widths[widths.length - 1]}`}, every seed ${all ?? `more than ${widths[widths.length - 1]} (best ${pct(Math.max(...v.stats.map((s) => s.rate)))})`}.`;
  };
  const ch = variants[0]!;
  const one = ch.stats[widths.indexOf(1)];
  if (one) {
    out.push(one.ok === 0
      ? `1 hidden unit never solved XOR (0/${one.n}), as it cannot: one ReLU unit is a monotone function of one linear combination of x1, x2, and XOR's two classes are not on opposite sides of any line.`
      : `1 hidden unit solved XOR for ${one.ok}/${one.n} seeds.`);
  }
  out.push(`Two units are enough to represent XOR: the hand-set [2,2,1] ReLU network ${handOk ? 'gets all four right' : 'did NOT get all four right'}.`);
  out.push(describe(ch));
  const four = ch.stats[widths.indexOf(4)]!;
  out.push(`The chapter's 4 units solve ${pct(four.rate)} of seeds (${four.ok}/${four.n}), so its seed 42 ${ok42 ? 'solving it' : 'failing'} is ` +
    `${ok42 ? (four.rate >= 0.5 ? 'typical' : 'the luckier outcome') : four.rate >= 0.5 ? 'the unlucky minority' : 'the common outcome'}: ` +
    `seed 42 ends at loss ${o42.loss.toFixed(4)} with outputs ${o42.outputs!.map((v) => v.toFixed(3)).join(' ')}.`);
  const cmp = numpyRef.map(([h, n], i) => `${h} units ${np[i]!.ok}/${np[i]!.n} (NumPy ${n})`).join(', ');
  const exact = np.every((s, i) => {
    const ref = numpyRef[i]![1].split('/')[0]!.split('–').map(Number);
    return s.ok >= Math.min(...ref) && s.ok <= Math.max(...ref);
  });
  out.push(`On NumPy's 20 seeds: ${cmp} — ${exact ? 'the same counts as NumPy' : 'close to, not exactly, NumPy (float32 vs float64 can tip a borderline seed)'}.`);
  for (const v of variants.slice(1)) out.push(describe(v));
  // Same seeds, lr 0.1 vs 0.5: does the step size change which seeds fail, or only how fast?
  const lrv = variants.find((v) => v.key === 'lr');
  if (lrv) {
    let same = 0, runs = 0;
    const ratios: number[] = [];
    ch.stats.forEach((st, i) => {
      const other = lrv.stats[i]!;
      st.outcomes.forEach((o, k) => {
        const p = other.outcomes[k]!;
        runs++;
        if (success(st.setup, o) === success(other.setup, p)) same++;
        if (o.epochsTo > 0 && p.epochsTo > 0) ratios.push(o.epochsTo / p.epochsTo);
      });
    });
    const lrRatio = 0.5 / 0.1;
    const r = median(ratios);
    out.push(`Learning rate 0.5 instead of 0.1, same seeds: the outcome (solved or not) was the same in ${same} of ${runs} runs, ` +
      `and runs that got there reached loss ${THRESHOLD} a median ${r.toFixed(1)}× sooner (the learning rate ratio is ${lrRatio}×)` +
      (same / runs >= 0.95 && Math.abs(r - lrRatio) / lrRatio < 0.15
        ? ` — with steps this small, gradient descent follows the same path and the learning rate only sets the pace: which seeds fail is decided by the initial weights.`
        : '.'));
  }
  // How failures look, across the chapter's setup.
  const failed = ch.stats.flatMap((s) => s.outcomes.filter((o) => failureMode(s.setup, o) !== null));
  if (failed.length) {
    const counts = new Map<string, number>();
    for (const o of failed) counts.set(o.loss.toFixed(2), (counts.get(o.loss.toFixed(2)) ?? 0) + 1);
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([l, c]) => `${l} (${c})`);
    const withDead = failed.filter((o) => o.dead > 0).length;
    out.push(`So the minimum is an optimization question, not a capacity one: with the chapter's setup the ${failed.length} failed runs ` +
      `(all widths, ${seeds} seeds) stall on flat losses — most often ${list(top)} — and ${withDead} of them (${pct(withDead / failed.length)}) ` +
      `end with dead ReLUs; more units make it more likely that enough of them start, and stay, active.`);
  }
  return out;
}

function answerQ3Task(label: string, rows: { init: Init; st: Stats }[]): string {
  const best = rows.reduce((a, b) => (better(a.st, b.st) === b.st && b.st !== a.st ? b : a));
  const ch = rows.find((r) => r.init === 'chapter')!;
  const big = rows.find((r) => r.init === 2)!;
  const failText = (st: Stats) => {
    const m = (Object.keys(st.modes) as Mode[]).filter((k) => st.modes[k] > 0).sort((a, b) => st.modes[b] - st.modes[a]);
    return m.length ? `failures mostly ${MODE_TEXT[m[0]!]} (${st.modes[m[0]!]}/${st.n})` : 'no failures';
  };
  const ep = (st: Stats) => (Number.isFinite(st.medEpochs) ? `median ${Math.round(st.medEpochs)} epochs to loss ${THRESHOLD}` : `median run never reached loss ${THRESHOLD}`);
  let s = `${label}: 0.01 (chapter) ${pct(ch.st.rate)}, ${ep(ch.st)}, ${failText(ch.st)}; best ${initName(best.init)} ${pct(best.st.rate)}, ${ep(best.st)}`;
  if (best !== ch && Number.isFinite(best.st.medEpochs) && Number.isFinite(ch.st.medEpochs) && best.st.medEpochs < ch.st.medEpochs) {
    s += ` (${fmtTimes(ch.st.medEpochs, best.st.medEpochs)} faster)`;
  }
  if (best !== big) s += `; scale 2: ${pct(big.st.rate)}, ${failText(big.st)}`;
  s += '.';
  return s;
}

function answerQ3Summary(tasks: { label: string; base: Omit<Setup, 'init'>; rows: { init: Init; st: Stats }[] }[]): string[] {
  const out: string[] = [];
  const get = (t: (typeof tasks)[number], init: Init) => t.rows.find((r) => r.init === init)!.st;
  // Too small: the saddle.
  const esc = (st: Stats) => (Number.isFinite(st.medEscape) ? `${Math.round(st.medEscape)}` : 'never');
  const small = tasks.map((t) => {
    const ch = get(t, 'chapter'), suited = get(t, t.base.act === 'relu' ? 'he' : 'xavier');
    return `${t.label} ${esc(ch)} vs ${esc(suited)} (success ${pct(ch.rate)} vs ${pct(suited.rate)})`;
  });
  out.push(`Too small (the chapter's 0.01): each layer scales the signal, and the gradient flowing back, by about the weight scale, ` +
    `so the net starts on the flat saddle at loss ln 2 (every output 0.5) and has to get off it first. Median epochs to get off it, ` +
    `0.01 vs ${'He/Xavier'}: ${small.join('; ')}.`);
  const stuck = tasks.filter((t) => get(t, 'chapter').modes.saddle > 0);
  if (stuck.length) {
    out.push(`0.01-init runs that never left the saddle in the epoch budget: ${list(stuck.map((t) => `${t.label} ${get(t, 'chapter').modes.saddle}/${get(t, 'chapter').n}`))}.`);
  }
  // Too large.
  const large = tasks.map((t) => ({ t, st: get(t, 2), one: get(t, 1) }));
  const div = large.filter(({ st }) => st.modes.diverged > 0);
  const worse = large.filter(({ t, st }) => st.rate < t.rows.map((r) => r.st).reduce(better).rate);
  out.push(`Too large (scale 2): success ${large.map(({ t, st }) => `${t.label} ${pct(st.rate)}`).join(', ')}` +
    (div.length ? `; training diverged (TrainingDivergedError) on ${list(div.map(({ t, st }) => `${t.label} (${st.modes.diverged}/${st.n})`))}` : '; no run diverged') +
    (large.some(({ st }) => st.modes.saturated > 0)
      ? `; saturated outputs (a sigmoid pinned at exactly 0 or 1 on a wrong answer, zero gradient, loss stuck above ln 2) on ${list(large.filter(({ st }) => st.modes.saturated > 0).map(({ t, st }) => `${t.label} (${st.modes.saturated}/${st.n})`))}`
      : '') +
    (worse.length ? `; below the best init on ${list(worse.map(({ t }) => t.label))}` : '') + '.');
  // Dead ReLUs vs scale.
  const reluTasks = tasks.filter((t) => t.base.act === 'relu');
  for (const t of reluTasks) {
    const byInit = t.rows.map((r) => `${initText(r.init).replace(' (chapter)', '')} ${pct(r.st.deadFrac)}`).join(', ');
    out.push(`Dead ReLUs at the end on ${t.label}, by init: ${byInit}.`);
  }
  // Xavier/He vs the best fixed scale.
  const principled = tasks.map((t) => {
    const best = t.rows.map((r) => r.st).reduce(better);
    const mine = t.base.act === 'relu' ? get(t, 'he') : get(t, 'xavier');
    const name = t.base.act === 'relu' ? 'He' : 'Xavier';
    const same = mine.rate >= best.rate - 0.05;
    return `${t.label}: ${name} ${pct(mine.rate)}${same ? ' (within 5 points of the best)' : ` (best: ${initName(best.setup.init)}, ${pct(best.rate)})`}`;
  });
  out.push(`The scale that suits the activation and the layer width (He for ReLU, Xavier for tanh) needs no tuning: ${principled.join('; ')}.`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry point (last, so every declaration above is initialized): a worker runs jobs, the main thread the sweep.

if (IS_WORKER) {
  await init({ threads: 1 }); // runs are spread over our own workers; one kernel thread each
  parentPort!.on('message', (jobs: Job[]) => {
    for (const job of jobs) {
      const out = runJob(job);
      parentPort!.postMessage(out, out.curve ? [out.curve.buffer as ArrayBuffer] : []);
    }
  });
} else {
  await main();
}
