// The threads build (assembly/threads.ts, src/backend/threads.ts): products split across
// worker threads on one shared memory; results bit-identical whatever the thread count.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo, init, LeakyReLU, Linear, matmul, Matrix, NeuralNetwork, RandomState, ReLU, setThreads, shutdown, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh,
  TrainingDivergedError,
} from '../../src/index.js';
import { backend } from '../../src/backend/load.js';
import { ControlField } from '../../src/backend/contract.js';
import { StepByStep } from '../support/step-by-step.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

beforeAll(async () => {
  await init({ threads: 2, threadTimeoutMs: 2000 });
});
afterAll(async () => {
  await shutdown();
});

function data(n: number, inputs: number, classes: number, seed: number) {
  const rng = new RandomState(seed);
  const x = new Matrix(n, inputs, Float32Array.from({ length: n * inputs }, () => rng.random()));
  const y = new Matrix(n, classes);
  for (let i = 0; i < n; i++) y.data[i * classes + rng.integer(classes)] = 1;
  return { x, y };
}

describe('threads', () => {
  it('backendInfo reports the threads in use', () => {
    expect(backendInfo().threads).toBe(2);
    expect(backendInfo().threadsNote).toBeNull();
  });

  it('training is bit-identical on 1 and 2 threads (losses and weights)', async () => {
    const { x, y } = data(512, 300, 10, 1);
    const runWith = async (threads: number) => {
      await setThreads(threads);
      expect(backendInfo().threads).toBe(threads);
      const net = new NeuralNetwork([300, 128, 64, 10], [new ReLU(), new Tanh(), new Softmax()], { seed: 3, init: 'he' });
      const r = net.train(x, y, { epochs: 3, batchSize: 64, learningRate: 0.05, optimizer: 'adam' });
      const w = net.layers.map((l) => Array.from(l.weights.data));
      net.dispose();
      return { loss: r.loss, w };
    };
    const one = await runWith(1), two = await runWith(2);
    expect(two.loss).toEqual(one.loss);
    expect(two.w).toEqual(one.w);
  });

  it('ReLU, LeakyReLU and Linear layers of odd widths (bias and activation on each thread\'s columns) are bit-identical on 1, 2 and 3 threads', async () => {
    // split by column panels, each thread adds the bias and applies these activations to its own
    // columns in one loop (epilogue.ts biasActivateBlock); on 1 thread the whole rows go through
    // addBiasRows and the activation's kernel. 37 and 45 columns end in a panel of 5 (whose last column goes row by row).
    const { x, y } = data(256, 200, 3, 7);
    const runWith = async (threads: number) => {
      await setThreads(threads);
      const net = new NeuralNetwork([200, 37, 64, 45, 3], [new LeakyReLU(0.1), new Linear(), new ReLU(), new Softmax()], { seed: 4, init: 'he' });
      const r = net.train(x, y, { epochs: 2, batchSize: 64, learningRate: 0.05, optimizer: 'momentum' });
      const out = { loss: r.loss, w: net.layers.map((l) => Array.from(l.weights.data)), p: Array.from(net.predict(x).data) };
      net.dispose();
      return out;
    };
    const one = await runWith(1), two = await runWith(2), three = await runWith(3);
    await setThreads(2);
    expect(one.loss.every(Number.isFinite)).toBe(true);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it("Tanh, Sigmoid and LeakyReLU layers of odd widths, in products split by columns and by rows, are bit-identical on 1, 2 and 3 threads", async () => {
    // In the first network each thread adds the bias and applies Tanh and Sigmoid to its own
    // columns of 45 and 37 (epilogue.ts biasActivate: a row at a time, through the kernels'
    // SIMD lines and, for a width's last 1–3 columns, their scalar lines), where one thread takes
    // whole rows. Batches of 1,024 rows make the second network's products split by rows.
    const { x, y } = data(1100, 120, 3, 11);
    const runWith = async (threads: number) => {
      await setThreads(threads);
      const out = [];
      const nets = [
        { sizes: [120, 45, 37, 40, 3], acts: [new Tanh(), new Sigmoid(), new LeakyReLU(0.2)], batchSize: 128, learningRate: 0.5 },
        { sizes: [120, 45, 80, 3], acts: [new LeakyReLU(0.2), new Tanh()], batchSize: 1024, learningRate: 0.1 },
      ];
      for (const { sizes, acts, batchSize, learningRate } of nets) {
        const net = new NeuralNetwork(sizes, [...acts, new Softmax()], { seed: 5 });
        const r = net.train(x, y, { epochs: 3, batchSize, learningRate, optimizer: 'sgd' });
        out.push({ loss: r.loss, w: net.layers.map((l) => Array.from(l.weights.data)), b: net.layers.map((l) => Array.from(l.bias.data)) });
        net.dispose();
      }
      return out;
    };
    const one = await runWith(1), two = await runWith(2), three = await runWith(3);
    await setThreads(2);
    for (const { loss } of one) expect(loss.every(Number.isFinite)).toBe(true);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
  });

  it("a z that overflows only in the columns the other thread makes stops training as divergence, as on 1 thread", async () => {
    // each thread checks the block of z it makes (epilogue.ts NON_FINITE_Z); columns 240–255 of
    // layer 0's z overflow (3e38 weights), in the second share of 256 columns
    const { x, y } = data(64, 64, 1, 9);
    const start = new NeuralNetwork([64, 256, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
    const doc = start.toJSON();
    start.dispose();
    doc.layers[0]!.weights = doc.layers[0]!.weights.map((w, i) => (i % 256 >= 240 ? 3e38 : w));
    const runWith = async (threads: number) => {
      await setThreads(threads);
      const net = NeuralNetwork.fromJSON(doc);
      let error: unknown = null;
      try {
        net.train(x, y, { epochs: 2, batchSize: 64, learningRate: 0.01, loss: 'binaryCrossEntropy' });
      } catch (e) {
        error = e;
      }
      const w = net.layers.map((l) => Array.from(l.weights.data));
      net.dispose();
      return { error, w };
    };
    const one = await runWith(1), two = await runWith(2);
    expect(two.error).toBeInstanceOf(TrainingDivergedError);
    expect((two.error as Error).message).toMatch(/layer 0's x·W \+ b became Infinity at epoch 0/);
    expect((two.error as Error).message).toBe((one.error as Error).message);
    expect(two.w).toEqual(one.w);
  });

  it('weight updates split across threads (odd widths, 2 and 3 threads) are bit-identical for every optimizer', async () => {
    // 1000 × 37 and 1000 × 21 weights pass the size where an update is split (assembly/update.ts),
    // into shares that end inside rows
    const { x, y } = data(192, 1000, 3, 9);
    for (const optimizer of ['adam', 'rmsprop', 'momentum', 'nesterov'] as const) {
      const runWith = async (threads: number) => {
        await setThreads(threads);
        const net = new NeuralNetwork([1000, 37, 3], [new ReLU(), new Softmax()], { seed: 2, init: 'he' });
        const wide = new NeuralNetwork([1000, 21, 3], [new Tanh(), new Softmax()], { seed: 3, init: 'he' });
        const r = net.train(x, y, { epochs: 2, batchSize: 64, learningRate: 0.01, optimizer, l2: 1e-3 });
        const r2 = wide.train(x, y, { epochs: 2, batchSize: 96, learningRate: 0.01, optimizer });
        const w = [...net.layers, ...wide.layers].map((l) => Array.from(l.weights.data));
        net.dispose();
        wide.dispose();
        return { loss: [...r.loss, ...r2.loss], w };
      };
      const one = await runWith(1), two = await runWith(2), three = await runWith(3);
      expect(two, optimizer).toEqual(one);
      expect(three, optimizer).toEqual(one);
    }
    await setThreads(2);
  });

  it('shuffled batches large enough to be gathered on both threads train bit-identically to 1 thread', async () => {
    // 128 rows × 300 inputs per batch (and a last batch of 116) pass the size where the
    // training loop gathers a batch's rows on every thread (assembly/batch.ts)
    const { x, y } = data(500, 300, 10, 2);
    const runWith = async (threads: number) => {
      await setThreads(threads);
      const net = new NeuralNetwork([300, 32, 10], [new ReLU(), new Softmax()], { seed: 4, init: 'he' });
      const r = net.train(x, y, { epochs: 3, batchSize: 128, learningRate: 0.01, optimizer: 'adam', shuffle: true, seed: 7, metrics: ['accuracy'] });
      const w = net.layers.map((l) => Array.from(l.weights.data));
      net.dispose();
      return { loss: r.loss, accuracy: r.accuracy, w };
    };
    const one = await runWith(1), two = await runWith(2);
    expect(two.loss).toEqual(one.loss);
    expect(two.accuracy).toEqual(one.accuracy);
    expect(two.w).toEqual(one.w);
    expect(one.loss[2]!).toBeLessThan(one.loss[0]!);
  });

  it('batches gathered in the kernels\' loop (shuffled and split across threads, or consecutive and copied at once) give the step path\'s numbers', async () => {
    const { x, y } = data(500, 300, 10, 3);
    for (const threads of [1, 2]) {
      await setThreads(threads);
      for (const shuffle of [true, false]) {
        const make = () => new NeuralNetwork([300, 32, 10], [new ReLU(), new Softmax()], { seed: 5, init: 'he' });
        const opts = { epochs: 2, batchSize: 128, learningRate: 0.01, optimizer: 'adam' as const, shuffle, seed: 8 };
        const a = make(), b = make();
        const ra = a.train(x, y, { ...opts, loss: new SoftmaxCrossEntropy() });
        const rb = b.train(x, y, { ...opts, loss: new StepByStep(new SoftmaxCrossEntropy()) });
        expect(ra.loss, `${threads} threads, shuffle ${shuffle}`).toEqual(rb.loss);
        expect(Array.from(a.layers[0]!.weights.data)).toEqual(Array.from(b.layers[0]!.weights.data));
        a.dispose();
        b.dispose();
      }
    }
  });

  it('more threads than cores (3 and 4 on 2 cores, and back to 2): the bits stay the same', async () => {
    const rng = new RandomState(11);
    const a = new Matrix(67, 300, Float32Array.from({ length: 67 * 300 }, () => rng.random() - 0.5));
    const b = new Matrix(300, 250, Float32Array.from({ length: 300 * 250 }, () => rng.random() - 0.5));
    const { x, y } = data(256, 300, 10, 4);
    const runWith = async (threads: number) => {
      await setThreads(threads);
      expect(backendInfo().threads).toBe(threads);
      const products = Array.from({ length: 20 }, () => Array.from(matmul(a, b).data));
      const net = new NeuralNetwork([300, 200, 10], [new ReLU(), new Softmax()], { seed: 6, init: 'he' });
      const r = net.train(x, y, { epochs: 4, batchSize: 64, learningRate: 0.05 });
      const w = Array.from(net.layers[0]!.weights.data);
      net.dispose();
      return { products, loss: r.loss, w };
    };
    const one = await runWith(1);
    for (const threads of [3, 4]) {
      const many = await runWith(threads);
      for (const p of many.products) expect(p).toEqual(one.products[0]);
      expect(many.loss).toEqual(one.loss);
      expect(many.w).toEqual(one.w);
    }
    await setThreads(2);
  });

  it('a product of 2^32 multiply-adds is split across the threads (its size does not wrap to 0 in 32 bits)', () => {
    // 1024×4096 · 4096×1024: M·N·K = 2^32 wrapped to 0 in a 32-bit usize, which sent the
    // product down the unpacked one-thread path (8-14× slower); no job reached the workers
    const be = backend(), m = 1024, k = 4096, n = 1024;
    const a = be.alloc(m * k * 4, 'a'), b = be.alloc(k * n * 4, 'b'), c = be.alloc(m * n * 4, 'c');
    try {
      be.f32(a.ptr, m * k).fill(0.5);
      be.f32(b.ptr, k * n).fill(0.25);
      const words = be._controlWords()!, before = Atomics.load(words, ControlField.Generation);
      be.kernels.gemm(c.ptr, a.ptr, b.ptr, m, n, k, 0, 0);
      be.checkThreads('gemm');
      expect(Atomics.load(words, ControlField.Generation)).toBeGreaterThan(before);
      const out = be.f32(c.ptr, m * n);
      expect([out[0], out[m * n - 1], out[123_457]]).toEqual([512, 512, 512]); // 4096 · 0.5 · 0.25, exact
    } finally {
      for (const block of [c, b, a]) be.release(block);
    }
  });

  it('a thread that falls behind has the rest of its share taken over by the others (work stealing), bit-identically', async () => {
    // 4 threads on 2 cores: at any moment some are descheduled, and the threads that run take the
    // chunks of those shares they have not claimed yet. Products of training shapes (A's block
    // fits in L2: 8 chunks per share) and of a tall A (one chunk per share, taken whole); training
    // with Adam on shuffled batches, whose updates and gathers are split in chunks too.
    const rng = new RandomState(12);
    const m = (r: number, c: number) => new Matrix(r, c, Float32Array.from({ length: r * c }, () => rng.random() - 0.5));
    const cases = [[m(64, 784), m(784, 256)], [m(784, 64), m(64, 256)], [m(3000, 96), m(96, 200)]] as const;
    const { x, y } = data(640, 300, 10, 9);
    const train = () => {
      // batches of 128 × 300 inputs and 300 × 128 weights: gathered and updated on every thread
      const net = new NeuralNetwork([300, 128, 10], [new ReLU(), new Softmax()], { seed: 8, init: 'he' });
      const r = net.train(x, y, { epochs: 3, batchSize: 128, learningRate: 0.01, optimizer: 'adam', shuffle: true, seed: 4 });
      const w = net.layers.map((l) => Array.from(l.weights.data));
      net.dispose();
      return { loss: r.loss, w };
    };
    const be = backend();
    await setThreads(1);
    const start = be.stolenChunks;
    const expected = cases.map(([a, b]) => matmul(a, b).data);
    const trained = train();
    expect(be.stolenChunks).toBe(start); // one thread: no shares
    await setThreads(4);
    for (let rep = 0; rep < 3; rep++) expect(train()).toEqual(trained);
    const before = be.stolenChunks;
    const firstDifference = (x: Float32Array, y: Float32Array) => x.findIndex((v, i) => !Object.is(v, y[i]));
    for (let rep = 0; rep < 40; rep++) {
      cases.forEach(([a, b], i) => expect(firstDifference(matmul(a, b).data, expected[i]!), `case ${i}, call ${rep}`).toBe(-1));
    }
    expect(be.stolenChunks).toBeGreaterThan(before);
    await setThreads(2);
  });

  it('after setThreads to fewer threads, a job reaches the workers in use even when all are asleep', async () => {
    // the workers beyond the threads in use sleep on the same word: a wake-up that went to one of
    // them left the worker whose share was due asleep, and the call failed after the timeout
    const a = new Matrix(64, 300, new Float32Array(64 * 300).fill(0.5)), b = new Matrix(300, 256, new Float32Array(300 * 256).fill(0.25));
    const expected = Array.from(matmul(a, b).data);
    for (const [from, to] of [[3, 2], [4, 2], [4, 3]] as const) {
      await setThreads(from);
      matmul(a, b);
      await setThreads(to);
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 20)); // every worker falls asleep (they spin ~2 ms)
        expect(Array.from(matmul(a, b).data), `${from} → ${to} threads`).toEqual(expected);
      }
      expect(backendInfo().threads).toBe(to);
    }
    await setThreads(2);
  });

  it('matmul of every transpose combination is bit-identical on 1, 2 and 3 threads', async () => {
    const rng = new RandomState(2);
    const A = new Matrix(200, 150, Float32Array.from({ length: 30000 }, () => rng.random() - 0.5));
    const B = new Matrix(150, 203, Float32Array.from({ length: 150 * 203 }, () => rng.random() - 0.5));
    const Bt = new Matrix(203, 150, Float32Array.from({ length: 150 * 203 }, () => rng.random() - 0.5));
    const At = new Matrix(150, 200, Float32Array.from({ length: 30000 }, () => rng.random() - 0.5));
    // and with A's K block past L2 (2,100 × 150 floats), where the threads split rows instead of columns
    const tall = new Matrix(2101, 150, Float32Array.from({ length: 2101 * 150 }, () => rng.random() - 0.5));
    const tallT = new Matrix(150, 2101, Float32Array.from({ length: 2101 * 150 }, () => rng.random() - 0.5));
    const products = () => [
      matmul(A, B), matmul(At, B, { transposeA: true }), matmul(A, Bt, { transposeB: true }), matmul(At, Bt, { transposeA: true, transposeB: true }),
      matmul(tall, B), matmul(tallT, B, { transposeA: true }), matmul(tall, Bt, { transposeB: true }), matmul(tallT, Bt, { transposeA: true, transposeB: true }),
    ].map((m) => m.data);
    await setThreads(1);
    const one = products();
    for (const threads of [2, 3]) {
      await setThreads(threads);
      products().forEach((p, i) => expect(p.findIndex((v, j) => !Object.is(v, one[i]![j])), `product ${i}, ${threads} threads`).toBe(-1));
    }
    await setThreads(2);
  });

  it('predict on many rows (products split by rows, bias and activation fused, softmax after) is bit-identical on 1, 2 and 3 threads', async () => {
    const { x } = data(3001, 300, 10, 10);
    const net = new NeuralNetwork([300, 100, 64, 40], [new ReLU(), new Tanh(), new Softmax()], { seed: 9, init: 'he' });
    await setThreads(1);
    const one = net.predict(x).data;
    for (const threads of [2, 3]) {
      await setThreads(threads);
      const many = net.predict(x).data;
      expect(many.findIndex((v, i) => !Object.is(v, one[i])), `${threads} threads`).toBe(-1);
    }
    net.dispose();
    await setThreads(2);
  });

  it('shared memory growth: old networks still compute the same', async () => {
    await setThreads(2);
    const { x, y } = data(64, 40, 3, 4);
    const net = new NeuralNetwork([40, 32, 3], [new ReLU(), new Softmax()], { seed: 1 });
    const before = net.predict(x).toArray();
    const w = net.layers[0]!.weights;
    const grown: NeuralNetwork[] = [];
    const start = backendInfo().memoryBytes;
    while (backendInfo().memoryBytes === start) grown.push(new NeuralNetwork([1000, 1000, 1], [new ReLU(), new Softmax()], { seed: 2 }));
    expect(net.predict(x).toArray()).toEqual(before);
    expect(w.data.length).toBe(40 * 32);
    net.train(x, y, { epochs: 2, learningRate: 0.1 });
    grown.forEach((g) => g.dispose());
    net.dispose();
  });

  it('setThreads validates its argument', async () => {
    await expect(setThreads(0)).rejects.toThrow(/setThreads: threads must be an integer in \[1, 256\], got 0/);
    await expect(setThreads(1.5)).rejects.toThrow(/got 1.5/);
    await expect(setThreads('2' as never)).rejects.toThrow(/setThreads: threads must be an integer in \[1, 256\], got "2" \(a string\)/);
  });

  it('setThreads and shutdown called at once run one after another: no worker starts twice, products stay bit-identical', async () => {
    const n = 256;
    const A = new Matrix(n, n, Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)));
    const B = new Matrix(n, n, Float32Array.from({ length: n * n }, (_, i) => Math.cos(i)));
    await setThreads(1);
    const ref = Array.from(matmul(A, B).data);
    await shutdown();
    await Promise.all([setThreads(2), setThreads(2), setThreads(2), shutdown(), setThreads(2)]);
    expect(backendInfo().threads).toBe(2);
    for (let k = 0; k < 60; k++) expect(Array.from(matmul(A, B).data)).toEqual(ref);
    // a rejected call does not hold up the ones after it
    await expect(Promise.all([setThreads(0), setThreads(2)])).rejects.toThrow(/got 0/);
    await setThreads(2);
    expect(Array.from(matmul(A, B).data)).toEqual(ref);
  });

  it('a worker that dies surfaces as a clear error, not a deadlock; setThreads restarts workers', async () => {
    await setThreads(2);
    const be = backend();
    await be._killWorker(1);
    // the worker's exit event stops parallel work at once (threads read 1 from then on)
    for (let i = 0; i < 200 && backendInfo().threads !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(backendInfo().threads).toBe(1);
    const { x, y } = data(256, 300, 10, 5);
    const net = new NeuralNetwork([300, 128, 10], [new ReLU(), new Softmax()], { seed: 3 });
    expect(() => net.train(x, y, { epochs: 1, batchSize: 128 })).toThrow(/worker thread 1 exited.*now runs on 1 thread/s);
    expect(backendInfo().threads).toBe(1);
    expect(backendInfo().threadsNote).toMatch(/worker thread 1/);
    // it goes on, correctly, on one thread
    const r = net.train(x, y, { epochs: 1, batchSize: 128 });
    expect(Number.isFinite(r.loss[0])).toBe(true);
    await setThreads(2);
    expect(backendInfo().threads).toBe(2);
    expect(net.train(x, y, { epochs: 1, batchSize: 128 }).loss).toHaveLength(1);
    net.dispose();
  });

  it('predict on a network that is training (from its own callback) reports a failed worker itself', async () => {
    await setThreads(2);
    const be = backend();
    await be._killWorker(1);
    for (let i = 0; i < 200 && backendInfo().threads !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    const { x, y } = data(256, 300, 10, 7);
    const net = new NeuralNetwork([300, 128, 10], [new ReLU(), new Softmax()], { seed: 3 });
    // the step path (onBatch) runs the callback before the epoch's own check
    expect(() => net.train(x, y, { epochs: 1, batchSize: 128, onBatch: () => void net.predict(x) })).toThrow(
      /^NeuralNetwork\.predict: worker thread 1 exited/,
    );
    await setThreads(2);
    net.dispose();
  });

  it('a worker slower than the timeout: its chunks are waited for before anything is put back, so a rejected train() changes nothing', async () => {
    await setThreads(2);
    const be = backend(), words = be._controlWords()!;
    const { x, y } = data(256, 300, 10, 11);
    const net = new NeuralNetwork([300, 128, 10], [new ReLU(), new Softmax()], { seed: 5 });
    net.train(x, y, { epochs: 1, batchSize: 128, optimizer: 'adam' });
    const before = JSON.stringify(net.toJSON());
    // the test's own timeout, 50 ms; worker 1 stalls 300 ms before each chunk (a descheduled thread)
    Atomics.store(words, ControlField.Timeout, 50);
    Atomics.store(words, ControlField.StallMs, 300);
    try {
      // 50 epochs: the worker must claim a chunk to stall, and under load it can sleep through a
      // few products while the main thread takes all their chunks (2 epochs once passed without)
      expect(() => net.train(x, y, { epochs: 50, batchSize: 128, optimizer: 'adam' })).toThrow(/did not answer within .*now runs on 1 thread/s);
    } finally {
      Atomics.store(words, ControlField.StallMs, 0);
      Atomics.store(words, ControlField.Timeout, 2000);
    }
    expect(Atomics.load(words, ControlField.Pending)).toBe(0); // its chunk was waited for, not abandoned
    expect(JSON.stringify(net.toJSON())).toBe(before); // weights and Adam's state as before the call
    await setThreads(2);
    expect(backendInfo().threads).toBe(2);
    net.dispose();
  });

  it('a worker that stays silent past the grace period: the memory it could still write is not handed out until it is done', async () => {
    await setThreads(2);
    const be = backend(), words = be._controlWords()!;
    const rng = new RandomState(21);
    const a = new Matrix(512, 600, Float32Array.from({ length: 512 * 600 }, () => rng.random() - 0.5));
    const b = new Matrix(600, 256, Float32Array.from({ length: 600 * 256 }, () => rng.random() - 0.5));
    const expected = matmul(a, b).data;
    const used = backendInfo().usedBytes;
    Atomics.store(words, ControlField.Timeout, 50);
    Atomics.store(words, ControlField.StallMs, 2500); // beyond the timeout and the 1 s grace
    let bystander: NeuralNetwork | null = null;
    try {
      expect(() => matmul(a, b)).toThrow(/matmul: a worker thread did not answer within/);
      expect(Atomics.load(words, ControlField.Pending)).toBeGreaterThan(0); // abandoned, still running
      // matmul's scratch (A, B and the product the late chunk writes) stays out of use
      expect(backendInfo().usedBytes).toBeGreaterThanOrEqual(used + (a.data.length + b.data.length + 512 * 256) * 4);
      bystander = new NeuralNetwork([600, 256], [new ReLU()], { seed: 2 });
      const mine = JSON.stringify(bystander.toJSON());
      while (Atomics.load(words, ControlField.Pending) > 0) await new Promise((r) => setTimeout(r, 20));
      expect(JSON.stringify(bystander.toJSON())).toBe(mine); // the late write landed in held memory only
    } finally {
      Atomics.store(words, ControlField.StallMs, 0);
      Atomics.store(words, ControlField.Timeout, 2000);
    }
    await setThreads(2);
    bystander!.dispose();
    expect(backendInfo().usedBytes).toBe(used); // the held blocks are free again
    expect(Array.from(matmul(a, b).data)).toEqual(Array.from(expected));
  });

  it('a worker killed between jobs is reported by the next call, in well under the timeout', async () => {
    await setThreads(2);
    const be = backend();
    // the main thread does not wait for workers (only for chunks being run), so the dead worker's
    // share is taken over; its exit is what the call reports
    await be._killWorker(1);
    const { x, y } = data(256, 300, 10, 6);
    const net = new NeuralNetwork([300, 128, 10], [new ReLU(), new Softmax()], { seed: 3 });
    const t = performance.now();
    expect(() => net.train(x, y, { epochs: 1, batchSize: 128 })).toThrow(/worker thread 1 exited/);
    expect(performance.now() - t).toBeLessThan(2000); // the threads' timeout here: nothing waited for it
    await setThreads(2);
    net.dispose();
  });

  it('a rejected init() stops the workers it started; a rejected setThreads(n) keeps the threads that ran', async () => {
    // 2 MiB of memory fits two threads' scratch, not three or eight
    const script = `import { readFileSync } from 'node:fs';
import { init, setThreads, backendInfo } from ${JSON.stringify(root + 'src/index.ts')};
const osThreads = () => Number(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
const start = osThreads();
const errors = [];
for (let i = 0; i < 5; i++) await init({ threads: 3, maxMemoryMB: 2 }).catch((e) => errors.push(e.message));
await new Promise((r) => setTimeout(r, 300));
const afterFailed = osThreads();
await init({ threads: 2, maxMemoryMB: 2 });
const rejected = await setThreads(8).then(() => 'resolved', (e) => e.message);
console.log(JSON.stringify({ errors, grew: afterFailed - start, rejected, threads: backendInfo().threads, note: backendInfo().threadsNote }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(r.errors).toHaveLength(5);
    expect(r.errors[0]).toMatch(/^init: scratch for worker 2: needs/);
    expect(r.grew).toBeLessThanOrEqual(1); // five leaked workers were five more OS threads
    expect(r.rejected).toMatch(/^setThreads: scratch for worker 2: needs/);
    expect(r.threads).toBe(2);
    expect(r.note).toBeNull();
  });

  it('init and setThreads name values that cannot become strings', async () => {
    await expect(setThreads(Object.create(null))).rejects.toThrow(/^setThreads: threads must be an integer in \[1, 256\], got an unprintable object$/);
    await expect(setThreads(1n as never)).rejects.toThrow(/got 1n \(a bigint\)$/);
    await expect(init({ threads: Object.create(null) })).rejects.toThrow(/^init: threads must be an integer in \[1, 256\], got an unprintable object$/);
    await expect(init({ simd: Object.create(null) })).rejects.toThrow(/^init: simd must be true or false, got an unprintable object$/);
    await expect(init({ threadTimeoutMs: 0.4 })).rejects.toThrow(/^init: threadTimeoutMs must be a number of milliseconds in \[1, 2147483647\], got 0\.4$/);
    await expect(init({ threadz: 2 } as never)).rejects.toThrow(/^init: unknown option "threadz"; did you mean "threads"\?/);
  });

  it('Node exits on its own with workers alive (they never keep the process up)', async () => {
    const script = `import { init, NeuralNetwork, ReLU, Softmax, backendInfo } from ${JSON.stringify(root + 'src/index.ts')};
await init({ threads: 2 });
const net = new NeuralNetwork([64, 64, 4], [new ReLU(), new Softmax()], { seed: 1 });
net.predict(Array.from({ length: 64 }, () => Array(64).fill(0.5)));
console.log('threads', backendInfo().threads);`;
    const t = performance.now();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 30_000 });
    expect(stdout.trim()).toBe('threads 2');
    expect(performance.now() - t).toBeLessThan(30_000);
  });
});
