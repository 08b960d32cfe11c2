/**
 * What every workload of `npm run bench` shares: options, scratchnet's build, the results list,
 * the measured limit, and the peers (TensorFlow.js, NumPy, scratchnet's other builds in child
 * processes), loaded once; a peer that cannot load is recorded with its reason, never fatal.
 *
 * @module
 */
import os from 'node:os';
import type { BackendInfo } from '../../src/index.js';
import { RELAXED_SIMD_FLAG, relaxedSimdFlags } from '../lib/node-flags.js';
import { runJsonChild } from './lib/child.js';
import { makeW2Data, mlpInitialParams, shuffleOrders, W2_SIZES, W4_SIZES, squareShape, type GemmShape, type LayerParams, type W2Data } from './lib/data.js';
import { numpyAvailable, runNumpy, writeMlpFiles, type NumpyOutput } from './lib/numpy.js';
import type { BenchResult, PeakKind } from './lib/results.js';
import { loadTf, type TfHandle } from './lib/tfjs.js';
import type { PeakSamples } from './limit.js';
import type { Config, Options } from './options.js';
import type { ChildOutput } from './scratchnet.js';

/** Everything a workload needs. */
export interface Ctx {
  opts: Options;
  cfg: Config;
  info: BackendInfo;
  cores: number;
  results: BenchResult[];
  machine: Record<string, unknown>;
  peaks: { simd: PeakSamples; relaxed: PeakSamples };
  w2: { data: W2Data; params: LayerParams[] } | null;
  w4: { data: W2Data; params: LayerParams[] } | null;
  tf: { handle: TfHandle | null; reason: string };
  numpy: { one?: NumpyOutput; all?: NumpyOutput; oneErr?: string; allErr?: string; reason?: string };
  children: { scalar: ChildOutput | null; relaxed: ChildOutput | null; scalarReason: string; relaxedReason: string };
}

/** Progress to stderr (stdout carries the table, and a child's JSON). */
export const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** First line of an error, for skip reasons. */
export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/** Why a tfjs backend is skipped, or null when it runs. */
export function tfSkip(ctx: Ctx, backend: 'wasm' | 'cpu'): string | null {
  const h = ctx.tf.handle;
  if (!h) return ctx.tf.reason;
  const s = h.backends[backend];
  return s?.ok ? null : (s?.reason ?? `${backend} backend not loaded`);
}

/**
 * tfjs' backends in turn (`wasm`, then `cpu`, or those asked for) with their row label, for the
 * ones this run can time; each one it cannot gets `skip(impl, why)` instead.
 */
export function* tfBackends(
  ctx: Ctx, skip: (impl: string, why: string) => void, which: readonly ('wasm' | 'cpu')[] = ['wasm', 'cpu'],
): Generator<{ backend: 'wasm' | 'cpu'; impl: string }> {
  for (const backend of which) {
    const impl = `tfjs ${backend}`;
    const why = tfSkip(ctx, backend);
    if (why) skip(impl, why);
    else yield { backend, impl };
  }
}

/** What every core can reach together over one alone, from the SIMD (or relaxed-SIMD) peak samples so far, as a note. */
export function machineScaling(ctx: Ctx, kind: PeakKind = 'simd'): string {
  const p = ctx.peaks[kind];
  if (p.value === null || p.allCoreValue === null) return 'the machine\'s own all-core ratio not measured';
  return `the machine's own: ${ctx.cores} cores at once reach ${((ctx.cores * p.allCoreValue) / p.value).toFixed(2)}× one alone`;
}

/** tfjs-wasm's threads (what "% of limit" multiplies by). */
export const tfThreads = (ctx: Ctx): number => ctx.tf.handle?.wasm.threads ?? 1;

/** Note on tfjs-wasm rows. */
export function wasmNote(ctx: Ctx): string {
  const w = ctx.tf.handle?.wasm;
  return `XNNPACK, ${w?.threads ?? '?'} thread${w?.threads === 1 ? '' : 's'} (Node)${w?.simd ? ', SIMD' : ''}`;
}

/** BLAS threads of a NumPy run. */
export const npThreads = (o: NumpyOutput | undefined, fallback: number): number => o?.blas.threads ?? fallback;

/** "numpy <what> (N threads)". */
export function npLabel(what: string, o: NumpyOutput | undefined, fallback: number): string {
  const t = npThreads(o, fallback);
  return `numpy ${what} (${t} thread${t === 1 ? '' : 's'})`;
}

/** The gemm shapes W3 runs. */
export const w3Shapes = (cfg: Config): GemmShape[] => [...cfg.w3.sizes.map(squareShape), ...cfg.w3.shapes];

/** Data and starting weights of W2 and W4 (only those selected). */
export function makeInputs(opts: Options, cfg: Config): Pick<Ctx, 'w2' | 'w4'> {
  return {
    w2: opts.only.has('W2') ? { data: makeW2Data(cfg.w2.n), params: mlpInitialParams(W2_SIZES) } : null,
    w4: opts.only.has('W4') ? { data: makeW2Data(cfg.w4.n, 2025), params: mlpInitialParams(W4_SIZES) } : null,
  };
}

/** TensorFlow.js (wasm and cpu backends), loaded once. */
export async function loadTfPeer(ctx: Ctx): Promise<void> {
  try {
    const h = await loadTf();
    ctx.tf.handle = h;
    ctx.machine.tfjs = { version: h.version, wasm: h.wasm, backends: h.backends };
  } catch (e) {
    ctx.tf.reason = `@tensorflow/tfjs did not load: ${errText(e)}`;
    ctx.machine.tfjs = { error: ctx.tf.reason };
  }
}

/** NumPy: one process with BLAS pinned to one thread (W1–W4), one with every thread (W2–W4). */
export async function runNumpyPeer(ctx: Ctx, script: string): Promise<void> {
  const { cfg, opts, numpy } = ctx;
  const ok = numpyAvailable();
  if (!ok.ok) {
    numpy.reason = `NumPy not available: ${ok.reason}`;
    return;
  }
  const files: { cleanup: () => void }[] = [];
  try {
    const mlp = (what: 'w2' | 'w4') => {
      const inp = ctx[what];
      if (!inp) return null;
      const c = cfg[what];
      const epochs = 1 + c.timedEpochs;
      const orders = what === 'w4' ? shuffleOrders(inp.data.n, epochs, cfg.w4.seed) : null;
      const f = writeMlpFiles(inp.data, inp.params, orders);
      files.push(f);
      const sizes = [inp.params[0]!.inputSize, ...inp.params.map((p) => p.outputSize)];
      return what === 'w2'
        ? { dir: f.dir, n: inp.data.n, sizes, batch: c.batch, lr: c.lr, epochs, optimizer: 'sgd', shuffled: false, variants: ['f32', 'chapter_f64'] }
        : { dir: f.dir, n: inp.data.n, sizes, batch: c.batch, lr: c.lr, epochs, optimizer: 'adam', shuffled: true, variants: ['f32'] };
    };
    const w2 = mlp('w2'), w4 = mlp('w4');
    const w3 = opts.only.has('W3')
      ? { shapes: w3Shapes(cfg), reps: cfg.w3.sample.reps, target_ms: cfg.w3.sample.targetMs, warmup_ms: cfg.w3.sample.warmupMs, budget_ms: cfg.w3.sample.budgetMs }
      : null;
    const w1 = opts.only.has('W1') ? { epochs: cfg.w1.epochs, reps: cfg.w1.numpyReps, warmup_s: cfg.w1.warmupMs / 1000 } : null;
    log('numpy: 1 BLAS thread ...');
    try {
      numpy.one = await runNumpy(script, { w1, w2, w3, w4, clock: opts.clock }, 1, 30 * 60_000);
    } catch (e) {
      numpy.oneErr = errText(e);
    }
    if (ctx.cores > 1 && (w2 || w3 || w4)) {
      log(`numpy: all BLAS threads (${ctx.cores} cores) ...`);
      try {
        numpy.all = await runNumpy(script, { w2, w3, w4 }, 'all', 30 * 60_000);
      } catch (e) {
        numpy.allErr = errText(e);
      }
    }
  } finally {
    for (const f of files) f.cleanup();
  }
  const n = numpy.one ?? numpy.all;
  ctx.machine.numpy = n
    ? { numpy: n.numpy, python: n.python, blasOneThread: numpy.one?.blas, blasAllThreads: numpy.all?.blas }
    : { error: numpy.oneErr ?? numpy.allErr };
}

/** How the relaxed-SIMD child runs, for its rows' notes: with Node 20's flag, or (Node ≥ 22) as it is. */
export function relaxedChild(): string {
  return [...process.execArgv, ...relaxedSimdFlags()].includes(RELAXED_SIMD_FLAG) ? `child process with ${RELAXED_SIMD_FLAG}` : 'child process (relaxed SIMD needs no flag here)';
}

/** scratchnet's scalar and relaxed-SIMD builds (W1, W2, W4; the scalar build skips W4) in child processes. */
export async function runBuildChildren(ctx: Ctx, scriptPath: string): Promise<void> {
  const { opts } = ctx;
  const run = (kind: 'scalar' | 'relaxed') => {
    const flags = kind === 'relaxed' ? relaxedSimdFlags() : [];
    const only = [...opts.only].filter((w) => w !== 'W3' && !(kind === 'scalar' && w === 'W4'));
    const args = [...flags, ...process.execArgv, scriptPath, '--child', kind, '--only', only.join(',')];
    if (opts.quick) args.push('--quick');
    if (opts.reps !== undefined) args.push('--reps', String(opts.reps));
    args.push('--clock', opts.clock);
    return runJsonChild<ChildOutput>(process.execPath, args, { name: `${kind} child`, timeoutMs: 20 * 60_000 });
  };
  const c = ctx.children;
  if (!(opts.only.has('W1') || opts.only.has('W2') || opts.only.has('W4'))) return;
  if (opts.only.has('W1') || opts.only.has('W2')) {
    log('scratchnet scalar build (child process) ...');
    try {
      c.scalar = await run('scalar');
    } catch (e) {
      c.scalarReason = errText(e);
    }
  }
  log(`scratchnet relaxed-SIMD build (${relaxedChild()}) ...`);
  try {
    c.relaxed = await run('relaxed');
  } catch (e) {
    c.relaxedReason = errText(e);
  }
}

/** The machine description stored in bench-results.json. */
export function machineInfo(info: BackendInfo, relaxedSupported: boolean): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadAverageAtStart: os.loadavg().map((v) => +v.toFixed(2)),
    node: process.version,
    v8: process.versions.v8,
    scratchnet: info,
    scratchnetRelaxedSimdSupported: relaxedSupported,
  };
}
