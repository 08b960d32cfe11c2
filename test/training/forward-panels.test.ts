// With SGD, the first layer's weights are stepped in the forward product's panel layout during a
// training call (assembly/network.ts: trainingPanelBytes; the fused step reads and writes two
// copies of packed panels, and no forward packs them again), and its row-major weights are
// written from the panels when the call returns, when training diverges, and before a forward or
// a step that would not read panels (a last batch of fewer than 4 rows, a step too small to
// fuse). With Adam, momentum and RMSprop the first layer's gradient and the optimizer's state are
// in the panel layout too (the dW product stores its tiles there, and the optimizer's pass, split
// by column panels on two threads, updates the panels); the state goes back to row-major when
// the call returns. The step-by-step path (the host calling one kernel at a time, as it does for a user's
// Loss: test/support/step-by-step.ts) has no panels and no fused step: every case must end with
// its bits (the weights, the biases and the optimizer's state, as toJSON saves it), on
// the simd build and on two threads of the threads build, and likewise on the relaxed-SIMD builds
// (whose fused multiply-adds give bits of their own).
//
// Cases: two K blocks of 392 rows (784 inputs) with a last batch of 2 rows; a layer too small to
// fuse a 1-row step (8×8), whose panels go back and forth; batches of 512 rows, too deep to fuse
// (a step from row-major weights after steps in the panels), then one of 100; the l2 penalty;
// shuffled epochs (one kernel call each); training that diverges mid-epoch (the weights before the
// step that overflowed come back, from the panels), and on a last batch of 2 rows (from the
// row-major copies, just written from the panels). With the other optimizers (48 hidden units:
// an update large enough to split across threads): Adam over two K blocks with a last batch of 2
// rows; Adam on shuffled epochs (one call each: the state goes back and forth) with the l2
// penalty; momentum with Nesterov and RMSprop; Adam diverging on a last batch of 2 rows.
//
// init() picks one build per process, so each build trains in a child process of its own.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELAXED_SIMD_FLAG, relaxedSimdFlags } from '../../scripts/lib/node-flags.js';
import { init } from '../../src/index.js';
import { backend } from '../../src/backend/load.js';
import { OptimizerId } from '../../src/backend/contract.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

type Build = 'simd' | 'threads' | 'relaxed' | 'threads-relaxed';
const BUILDS: Build[] = ['simd', 'threads', 'relaxed', 'threads-relaxed'];
interface Result { loss?: string[]; error?: string; layers: { weights: string; bias: string }[]; state?: string[][] }

/** A script that trains every case on `build`, through the kernel loop and step by step, and prints each result. */
const script = (build: Build) => `
import { createHash } from 'node:crypto';
import { init, backendInfo, NeuralNetwork, RandomState, ReLU, Tanh, Linear, Softmax, MeanSquaredError, SoftmaxCrossEntropy, Momentum, RMSprop } from ${JSON.stringify(root + 'src/index.ts')};
import { StepByStep } from ${JSON.stringify(root + 'test/support/step-by-step.ts')};
const losses = { mse: () => new MeanSquaredError(), softmaxCrossEntropy: () => new SoftmaxCrossEntropy() };
await init({ threads: ${build.startsWith('threads') ? 2 : 1}, simd: true, relaxedSimd: ${build.endsWith('relaxed')} });
const rng = new RandomState(11);
const rows = (n, inputs, outputs, onehot) => {
  const x = Array.from({ length: n }, () => Array.from({ length: inputs }, () => rng.random() * 2 - 1));
  const y = x.map((r) => Array.from({ length: outputs }, (_, j) => onehot ? (Math.floor(Math.abs(r[0]) * outputs) === j ? 1 : 0) : Math.sin(r[j % inputs] * 3 + j)));
  return [x, y];
};
// the bits of a matrix's floats, as a digest (the arrays are too large to print whole)
const bits = (m) => { const f = Float32Array.from(m.data); return f.length + ':' + createHash('sha256').update(new Uint8Array(f.buffer)).digest('hex'); };
const cases = {
  'two K blocks, a last batch of 2 rows': {
    sizes: [784, 16, 3], acts: () => [new ReLU(), new Softmax()], data: rows(64 * 3 + 2, 784, 3, true),
    options: { epochs: 3, batchSize: 64, learningRate: 0.05, optimizer: 'sgd', loss: 'softmaxCrossEntropy', shuffle: false },
  },
  'shuffled epochs, l2': {
    sizes: [784, 16, 3], acts: () => [new ReLU(), new Softmax()], data: rows(64 * 3 + 2, 784, 3, true),
    options: { epochs: 3, batchSize: 64, learningRate: 0.05, optimizer: 'sgd', loss: 'softmaxCrossEntropy', shuffle: true, seed: 4, l2: 1e-2 },
  },
  'a 1-row step too small to fuse': {
    sizes: [8, 8, 2], acts: () => [new Tanh(), new Linear()], data: rows(64 * 2 + 1, 8, 2, false),
    options: { epochs: 4, batchSize: 64, learningRate: 0.05, optimizer: 'sgd', loss: 'mse', shuffle: true, seed: 2 },
  },
  'batches too deep to fuse, then one that fuses': {
    sizes: [8, 8, 2], acts: () => [new Tanh(), new Linear()], data: rows(512 + 100, 8, 2, false),
    options: { epochs: 3, batchSize: 512, learningRate: 0.05, optimizer: 'sgd', loss: 'mse', shuffle: false },
  },
  'diverging on a last batch of 2 rows': {
    sizes: [784, 16, 3], acts: () => [new ReLU(), new Linear()],
    data: ((d) => { d[0][d[0].length - 1].fill(3e38); return d; })(rows(64 * 3 + 2, 784, 3, false)), // its x·W overflows
    options: { epochs: 2, batchSize: 64, learningRate: 0.01, optimizer: 'sgd', loss: 'mse', shuffle: false },
  },
  'diverging mid-epoch': {
    sizes: [784, 16, 3], acts: () => [new ReLU(), new Linear()], data: rows(64 * 6, 784, 3, false),
    options: { epochs: 2, batchSize: 64, learningRate: 40, optimizer: 'sgd', loss: 'mse', shuffle: false },
  },
  'momentum with Nesterov': {
    sizes: [784, 48, 3], acts: () => [new Tanh(), new Linear()], data: rows(64 * 3 + 5, 784, 3, false),
    options: { epochs: 3, batchSize: 64, learningRate: 0.01, optimizer: new Momentum({ momentum: 0.9, nesterov: true }), loss: 'mse', shuffle: true, seed: 3 },
  },
  'RMSprop': {
    sizes: [784, 48, 3], acts: () => [new ReLU(), new Linear()], data: rows(64 * 3 + 5, 784, 3, false),
    options: { epochs: 3, batchSize: 64, learningRate: 0.001, optimizer: new RMSprop(), loss: 'mse', shuffle: false },
  },
};
// Adam on three of SGD's cases: their data and settings, with a wider first layer, Adam and a learning rate of 0.01
const withAdam = (name) => ({ ...cases[name], sizes: [784, 48, 3], options: { ...cases[name].options, learningRate: 0.01, optimizer: 'adam' } });
Object.assign(cases, {
  'Adam: two K blocks, a last batch of 2 rows': withAdam('two K blocks, a last batch of 2 rows'),
  'Adam: shuffled epochs, l2': withAdam('shuffled epochs, l2'),
  'Adam: diverging on a last batch of 2 rows': withAdam('diverging on a last batch of 2 rows'),
});
const out = { threads: backendInfo().threads, build: backendInfo().build };
for (const [name, c] of Object.entries(cases)) {
  for (const path of ['kernel loop', 'step by step']) {
    const net = new NeuralNetwork(c.sizes, c.acts(), { seed: 5, init: 'he' });
    const r = { };
    const options = path === 'kernel loop' ? c.options : { ...c.options, loss: new StepByStep(losses[c.options.loss]()) };
    try {
      r.loss = net.train(c.data[0], c.data[1], options).loss.map((v) => v.toString());
    } catch (e) {
      r.error = e.name + ': ' + e.message;
    }
    r.layers = net.layers.map((l) => ({ weights: bits(l.weights), bias: bits(l.bias) }));
    const state = net.toJSON().training?.state;
    if (state) r.state = state.arrays.map((slot) => slot.map((l) => bits({ data: l.weights }) + ' | ' + bits({ data: l.bias })));
    out[name + ': ' + path] = r;
    net.dispose();
  }
}
console.log(JSON.stringify(out));
`;

const CASES = [
  'two K blocks, a last batch of 2 rows', 'shuffled epochs, l2', 'a 1-row step too small to fuse', 'batches too deep to fuse, then one that fuses',
  'diverging on a last batch of 2 rows', 'diverging mid-epoch',
];
const OTHER_OPTIMIZERS = [
  'Adam: two K blocks, a last batch of 2 rows', 'Adam: shuffled epochs, l2', 'momentum with Nesterov', 'RMSprop',
  'Adam: diverging on a last batch of 2 rows',
];
const trained = {} as Record<Build, Record<string, Result | number | string>>;
beforeAll(async () => {
  await Promise.all(
    BUILDS.map(async (build) => {
      // the flag where this node needs it: this worker's own (children do not inherit it), or one that relaxedSimdFlags finds
      const flags = build.endsWith('relaxed') ? [...new Set([...process.execArgv.filter((f) => f === RELAXED_SIMD_FLAG), ...relaxedSimdFlags()])] : [];
      const { stdout } = await run(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script(build)], { cwd: root, timeout: 90_000 });
      trained[build] = JSON.parse(stdout) as (typeof trained)[Build];
    }),
  );
}, 120_000);

describe('SGD stepping the first layer in the forward panels', () => {
  it('runs each build on 1 thread and on 2', () => {
    expect(BUILDS.map((b) => [trained[b].build, trained[b].threads])).toEqual([['simd', 1], ['simd', 2], ['relaxed', 1], ['relaxed', 2]]);
  });

  it.each(CASES)('%s: the step-by-step path\'s losses, weights and biases, bit for bit, on 1 and 2 threads', (name) => {
    for (const [one, two] of [['simd', 'threads'], ['relaxed', 'threads-relaxed']] as const) {
      const reference = trained[one][`${name}: step by step`] as Result;
      expect(reference.layers).toHaveLength(2);
      expect(trained[one][`${name}: kernel loop`], `${one}, 1 thread`).toEqual(reference);
      expect(trained[two][`${name}: kernel loop`], `${one}, 2 threads`).toEqual(reference);
      expect(trained[two][`${name}: step by step`], `${one}, 2 threads, step by step`).toEqual(reference);
    }
  });

  it('the diverging cases diverged after some steps, and the others trained', () => {
    for (const name of CASES.slice(4)) expect((trained.simd[`${name}: kernel loop`] as Result).error, name).toMatch(/^TrainingDivergedError: .* at epoch 0/);
    for (const name of CASES.slice(0, 4)) {
      const r = trained.simd[`${name}: kernel loop`] as Result;
      expect(r.error, name).toBeUndefined();
      expect(r.loss!.map(Number).every(Number.isFinite), name).toBe(true);
      expect(Number(r.loss!.at(-1)), name).toBeLessThan(Number(r.loss![0]));
    }
  });
});

describe('Adam, momentum and RMSprop updating the first layer in the forward panels', () => {
  it.each(OTHER_OPTIMIZERS)('%s: the step-by-step path\'s losses, weights, biases and optimizer state, bit for bit, on 1 and 2 threads', (name) => {
    for (const [one, two] of [['simd', 'threads'], ['relaxed', 'threads-relaxed']] as const) {
      const reference = trained[one][`${name}: step by step`] as Result;
      expect(reference.layers).toHaveLength(2);
      // the state is saved with the weights, but for a call that diverged (the host drops it: it starts afresh)
      if (name.includes('diverging')) expect(reference.state).toBeUndefined();
      else expect(reference.state!.length, 'the state\'s arrays: Adam\'s two moments, else one').toBe(name.startsWith('Adam') ? 2 : 1);
      expect(trained[one][`${name}: kernel loop`], `${one}, 1 thread`).toEqual(reference);
      expect(trained[two][`${name}: kernel loop`], `${one}, 2 threads`).toEqual(reference);
      expect(trained[two][`${name}: step by step`], `${one}, 2 threads, step by step`).toEqual(reference);
    }
  });

  it('the diverging case diverged, and the others trained', () => {
    expect((trained.simd['Adam: diverging on a last batch of 2 rows: kernel loop'] as Result).error).toMatch(/^TrainingDivergedError: .* at epoch 0/);
    for (const name of OTHER_OPTIMIZERS.slice(0, -1)) {
      const r = trained.simd[`${name}: kernel loop`] as Result;
      expect(r.error, name).toBeUndefined();
      expect(r.loss!.map(Number).every(Number.isFinite), name).toBe(true);
      expect(Number(r.loss!.at(-1)), name).toBeLessThan(Number(r.loss![0]));
    }
  });
});

describe('which layers get panels (trainingPanelBytes)', () => {
  it('the first layer, whose tiles fit the panels, up to 32 MiB a copy; with Adam, momentum and RMSprop, only for batches every step of which stores dW in panels', async () => {
    await init({ threads: 1, simd: true, relaxedSimd: false });
    const bytes = (layer: number, inputs: number, outputs: number, kind = OptimizerId.SGD, batch = 64) =>
      backend().kernels.trainingPanelBytes(layer, inputs, outputs, kind, batch);
    expect(bytes(0, 784, 256)).toBe(784 * 256 * 4);
    expect(bytes(0, 8, 8)).toBe(8 * 8 * 4);
    expect(bytes(0, 784, 256, OptimizerId.SGD, 512), 'SGD: a product too deep to fuse goes back to row-major').toBe(784 * 256 * 4);
    expect(bytes(1, 784, 256), 'a later layer: its dX product reads its weights').toBe(0);
    for (const kind of [OptimizerId.Adam, OptimizerId.Momentum, OptimizerId.RMSprop]) {
      const name = OptimizerId[kind];
      expect(bytes(0, 784, 256, kind), name).toBe(784 * 256 * 4);
      expect(bytes(0, 64, 64, kind, 400), `${name}: the deepest product one K block takes`).toBe(64 * 64 * 4);
      expect(bytes(1, 784, 256, kind), `${name}: a later layer`).toBe(0);
      expect(bytes(0, 784, 256, kind, 401), `${name}: batches deeper than one K block`).toBe(0);
      expect(bytes(0, 784, 256, kind, 200), `${name}: batches whose forward is split by rows (no panels read)`).toBe(0);
      expect(bytes(0, 784, 256, kind, 3), `${name}: batches of fewer than 4 rows (no panels read)`).toBe(0);
      expect(bytes(0, 8, 8, kind), `${name}: a 1-row step too small to fuse`).toBe(0);
    }
    expect(bytes(0, 784, 10), 'N not a multiple of 8').toBe(0);
    expect(bytes(0, 10, 8), 'K not a multiple of 4').toBe(0);
    expect(bytes(0, 808, 8), 'K blocks of 270 rows: a tile across two').toBe(0);
    expect(bytes(0, 784, 520), 'wider than one column pass').toBe(0);
    expect(bytes(0, 65536, 128)).toBe(32 << 20);
    expect(bytes(0, 65540, 128), 'over 32 MiB').toBe(0);
    expect(bytes(0, 2 ** 22 + 4, 512), 'over 2^32 bytes (which 32-bit arithmetic would wrap to 8 KiB)').toBe(0);
  });
});
