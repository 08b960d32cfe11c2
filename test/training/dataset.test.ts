// Dataset (src/training/dataset.ts): training data copied into WebAssembly memory and checked
// once. Training on it is bit-identical to training on the same matrices (full batch, shuffled
// mini-batches, validation, validationSplit, the step path, 1 and 2 threads), costs no copy of x
// per call, and every misuse (disposed, wrong shape, disposing it while training reads it) is a
// named Error that leaves the network and the allocator as they were.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  backendInfo, Dataset, init, Matrix, NeuralNetwork, RandomState, ReLU, setThreads, shutdown, Sigmoid, Softmax, Tanh,
  type TrainOptions, type TrainResult,
} from '../../src/index.js';
import { loadBackend } from '../../src/backend/load.js';
import { datasetMemory } from '../../src/training/dataset.js';
import { firstDifference } from '../support/errors.js';
import { namedError } from '../support/named-error.js';

beforeAll(async () => {
  await init({ threads: 2, threadTimeoutMs: 5000 });
});
afterAll(async () => {
  await shutdown();
});

/** n rows of `inputs` uniform features and one-hot targets over `classes`. */
function data(n: number, inputs: number, classes: number, seed: number) {
  const rng = new RandomState(seed);
  const x = new Matrix(n, inputs, Float32Array.from({ length: n * inputs }, () => rng.random() * 2 - 1));
  const y = new Matrix(n, classes);
  for (let i = 0; i < n; i++) y.data[i * classes + rng.integer(classes)] = 1;
  return { x, y };
}

const N = 384, IN = 96, OUT = 5;
const { x: X, y: Y } = data(N, IN, OUT, 1);
const { x: VX, y: VY } = data(64, IN, OUT, 2);
const make = () => new NeuralNetwork([IN, 48, 24, OUT], [new ReLU(), new Tanh(), new Softmax()], { seed: 3, init: 'he' });
const params = (net: NeuralNetwork) => {
  const parts = net.layers.flatMap((l) => [l.weights.data, l.bias.data]);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};
const snapshot = (net: NeuralNetwork) => JSON.stringify(net.toJSON());

/** The outcome of `train` on a fresh network: the result, the weights, and the last layer's cached output. */
function outcome(train: (net: NeuralNetwork) => TrainResult | TrainResult[]) {
  const net = make();
  const result = train(net);
  const out = { result, params: params(net), cache: net.layers.at(-1)!.output!.data.slice(), predict: net.predict(VX).data.slice() };
  net.dispose();
  return out;
}

function expectIdentical(a: ReturnType<typeof outcome>, b: ReturnType<typeof outcome>): void {
  expect(b.result).toEqual(a.result); // every loss, valLoss, accuracy: Object.is per number
  expect(firstDifference(a.params, b.params)).toBe(-1);
  expect(firstDifference(a.cache, b.cache)).toBe(-1);
  expect(firstDifference(a.predict, b.predict)).toBe(-1);
}

const setups: [string, TrainOptions][] = [
  ['full batch (the kernel loop)', { epochs: 4, learningRate: 0.1, optimizer: 'momentum' }],
  ['shuffled mini-batches, Adam', { epochs: 3, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', seed: 7, metrics: ['accuracy'] }],
  ['mini-batches and a schedule', { epochs: 3, batchSize: 50, learningRate: 0.05, schedule: { type: 'exponential', rate: 0.9 }, l2: 1e-4 }],
  ['the step path (onBatch)', { epochs: 2, batchSize: 100, learningRate: 0.05, optimizer: 'rmsprop', onBatch: () => undefined }],
  ['validationSplit', { epochs: 3, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validationSplit: 0.25, metrics: ['accuracy'] }],
  ['validationSplit, full batch', { epochs: 3, learningRate: 0.1, validationSplit: 0.1 }],
];

describe('training on a Dataset is bit-identical to training on the matrices', () => {
  for (const threads of [1, 2]) {
    for (const [name, options] of setups) {
      it(`${name}, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
        await setThreads(threads);
        const ds = new Dataset(X, Y);
        expectIdentical(outcome((n) => n.train(X, Y, options)), outcome((n) => n.train(ds, options)));
        ds.dispose();
      });
    }

    it(`validation given as a Dataset or as { x, y }, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
      await setThreads(threads);
      const train = new Dataset(X, Y), val = new Dataset(VX, VY);
      const options: TrainOptions = { epochs: 3, batchSize: 32, learningRate: 1e-3, optimizer: 'adam', metrics: ['accuracy'] };
      const matrices = outcome((n) => n.train(X, Y, { ...options, validation: { x: VX, y: VY } }));
      expect((matrices.result as TrainResult).valLoss).toHaveLength(3);
      expectIdentical(matrices, outcome((n) => n.train(train, { ...options, validation: val })));
      expectIdentical(matrices, outcome((n) => n.train(train, { ...options, validation: { x: VX, y: VY } })));
      expectIdentical(matrices, outcome((n) => n.train(X, Y, { ...options, validation: val })));
      train.dispose();
      val.dispose();
    });
  }

  it('a Dataset made on 2 threads trains the same after setThreads(1) and back', async () => {
    await setThreads(2);
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 1e-3, optimizer: 'adam' };
    const two = outcome((n) => n.train(ds, options));
    await setThreads(1);
    const one = outcome((n) => n.train(ds, options));
    await setThreads(2);
    expectIdentical(two, one);
    expectIdentical(two, outcome((n) => n.train(ds, options)));
    ds.dispose();
  });

  it('an input of ≥ 2^20 values (checked by the SIMD pass) trains as the same Matrix does', () => {
    const { x, y } = data(2048, 512, 2, 5);
    const ds = new Dataset(x, y);
    const net = () => new NeuralNetwork([512, 8, 2], [new ReLU(), new Softmax()], { seed: 1 });
    const run = (train: (n: NeuralNetwork) => TrainResult) => {
      const n = net(), r = train(n), w = params(n);
      n.dispose();
      return { r, w };
    };
    const options: TrainOptions = { epochs: 1, batchSize: 256, learningRate: 0.01, validationSplit: 0.125 };
    const a = run((n) => n.train(x, y, options)), b = run((n) => n.train(ds, options));
    expect(b.r).toEqual(a.r);
    expect(firstDifference(a.w, b.w)).toBe(-1);
    ds.dispose();
  });

  it('trainAsync on a Dataset matches train on the matrices', async () => {
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 5, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validationSplit: 0.2 };
    const sync = outcome((n) => n.train(X, Y, options));
    const net = make();
    const result = await net.trainAsync(ds, { ...options, yieldEvery: 0.01 });
    expect(result).toEqual(sync.result);
    expect(firstDifference(sync.params, params(net))).toBe(-1);
    net.dispose();
    ds.dispose();
  });
});

describe('reuse', () => {
  it('one Dataset trains two networks, each as the matrices would', () => {
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 1e-3, optimizer: 'adam' };
    const a = make(), b = new NeuralNetwork([IN, 16, OUT], [new Tanh(), new Softmax()], { seed: 9 });
    const ra = a.train(ds, options), rb = b.train(ds, options);
    const a2 = make(), b2 = new NeuralNetwork([IN, 16, OUT], [new Tanh(), new Softmax()], { seed: 9 });
    expect(a2.train(X, Y, options)).toEqual(ra);
    expect(b2.train(X, Y, options)).toEqual(rb);
    expect(firstDifference(params(a), params(a2))).toBe(-1);
    expect(firstDifference(params(b), params(b2))).toBe(-1);
    for (const n of [a, b, a2, b2]) n.dispose();
    ds.dispose();
  });

  it('three 1-epoch calls: what three calls on the matrices give; full batch, the same as one 3-epoch call', () => {
    const ds = new Dataset(X, Y);
    for (const options of [
      { epochs: 1, learningRate: 1e-3, optimizer: 'adam' }, // full batch: Adam's state carries over
      { epochs: 1, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', seed: 4 }, // each call reshuffles from its seed
    ] satisfies TrainOptions[]) {
      const three = (data: (n: NeuralNetwork) => TrainResult) => outcome((n) => [data(n), data(n), data(n)]);
      const onDataset = three((n) => n.train(ds, options));
      expectIdentical(three((n) => n.train(X, Y, options)), onDataset);
      const once = outcome((n) => n.train(ds, { ...options, epochs: 3 }));
      const losses = (onDataset.result as TrainResult[]).flatMap((r) => r.loss);
      if (options.batchSize === undefined) {
        expect(losses).toEqual((once.result as TrainResult).loss);
        expect(firstDifference(once.params, onDataset.params)).toBe(-1);
      } else {
        // as for matrices: a new call starts its shuffling afresh from `seed`, so epochs 2 and 3 differ
        expect(losses[0]).toBe((once.result as TrainResult).loss[0]);
        expect(firstDifference(once.params, onDataset.params)).not.toBe(-1);
      }
    }
    ds.dispose();
  });
});

describe('the layers\' caches from a callback', () => {
  it('full batch: layers[0].input inside onEpoch and onBatch is the rows just trained on, in the layer\'s own memory', () => {
    for (const onBatch of [undefined, () => {}]) {
      const net = make(), ds = new Dataset(X, Y);
      net.forward(VX); // an earlier forward pass, on other rows
      const seen: number[][] = [];
      net.train(ds, {
        epochs: 2, learningRate: 0.01, onBatch,
        onEpoch: () => {
          const l = net.layers[0]!, input = l.input!;
          seen.push(Array.from(input.data.subarray(0, 3)));
          // z = input·W + b, recomputed from the cache: the input belongs to this pass
          const z = l.activationInput!, row = Array.from({ length: l.outputSize }, (_, j) => {
            let s = l.bias.data[j]!;
            for (let k = 0; k < IN; k++) s += input.data[k]! * l.weights.data[k * l.outputSize + j]!;
            return s;
          });
          // (the weights have taken the step since z was computed: close, not equal)
          row.forEach((v, j) => expect(Math.abs(v - z.data[j]!)).toBeLessThan(0.05));
          input.data.fill(9); // a live view of the layer's own buffer: the Dataset is not touched
        },
      });
      expect(seen).toEqual([Array.from(X.data.subarray(0, 3)), Array.from(X.data.subarray(0, 3))]);
      expect(ds.toMatrices().x.data).toEqual(X.data);
      ds.dispose();
      net.dispose();
    }
  });
});

describe('a Dataset owns a copy of its data', () => {
  it('is made from matrices or arrays of rows; toMatrices() returns copies; its shape is read-only', () => {
    const rows = [[1, 2, 3], [4, 5, 6]];
    const ds = new Dataset(rows, Matrix.from([[1, 0], [0, 1]]));
    expect([ds.rows, ds.inputSize, ds.outputSize, ds.disposed]).toEqual([2, 3, 2, false]);
    const { x, y } = ds.toMatrices();
    expect(x.toArray()).toEqual(rows);
    expect(y.toArray()).toEqual([[1, 0], [0, 1]]);
    x.data[0] = 99;
    expect(ds.toMatrices().x.get(0, 0)).toBe(1);
    expect(Object.isFrozen(ds)).toBe(true);
    expect(() => ((ds as { rows: number }).rows = 5)).toThrow(TypeError); // a getter, frozen: strict mode says so
    expect(ds.rows).toBe(2);
    ds.dispose();
  });

  it('changing the matrix it was made from changes nothing it trains on', () => {
    const x = new Matrix(N, IN, X.data.slice());
    const ds = new Dataset(x, Y);
    x.data.fill(Number.NaN); // not seen, never re-checked
    const options: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 1e-3, optimizer: 'adam' };
    expectIdentical(outcome((n) => n.train(X, Y, options)), outcome((n) => n.train(ds, options)));
    ds.dispose();
  });

  it('holds one block of x and y; dispose() frees it; a train() call allocates nothing proportional to x', () => {
    const before = backendInfo().usedBytes;
    const ds = new Dataset(X, Y);
    const bytes = (N * IN + N * OUT) * 4;
    expect(backendInfo().usedBytes - before).toBeGreaterThanOrEqual(bytes);
    expect(backendInfo().usedBytes - before).toBeLessThan(bytes + 64);
    const peak = (train: (n: NeuralNetwork, onEpoch: () => void) => void) => {
      const net = make();
      net.predict(X.toArray().slice(0, 64)); // the workspace for a batch of 64, before measuring
      const start = backendInfo().usedBytes;
      let most = 0;
      train(net, () => void (most = Math.max(most, backendInfo().usedBytes - start)));
      net.dispose();
      return most;
    };
    const options: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validationSplit: 0.25 };
    const onMatrices = peak((n, onEpoch) => n.train(X, Y, { ...options, onEpoch }));
    const onDataset = peak((n, onEpoch) => n.train(ds, { ...options, onEpoch }));
    expect(onMatrices - onDataset).toBe((N * IN + N * OUT) * 4); // the matrices' copy, and only that
    ds.dispose();
    expect(backendInfo().usedBytes).toBe(before);
    ds.dispose(); // twice: harmless
    expect(backendInfo().usedBytes).toBe(before);
  });

  it('memory growth after it was made does not move or stale it', () => {
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 2, batchSize: 64, learningRate: 1e-3, optimizer: 'adam' };
    const first = outcome((n) => n.train(ds, options));
    const start = backendInfo().memoryBytes, grown: NeuralNetwork[] = [];
    while (backendInfo().memoryBytes === start) grown.push(new NeuralNetwork([1000, 1000, 1], [new ReLU(), new Sigmoid()], { seed: 2 }));
    expectIdentical(first, outcome((n) => n.train(ds, options)));
    expect(ds.toMatrices().x.data).toEqual(X.data);
    grown.forEach((g) => g.dispose());
    ds.dispose();
  });

  it('an unreferenced Dataset is freed when garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const before = backendInfo().usedBytes;
    (() => {
      const ds = new Dataset(X, Y);
      expect(backendInfo().usedBytes).toBeGreaterThan(before);
      const net = make();
      net.train(ds, { epochs: 1 }); // training keeps no reference to it
      net.dispose();
    })();
    const deadline = Date.now() + 5000;
    while (backendInfo().usedBytes >= before + N * IN * 4 && Date.now() < deadline) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(backendInfo().usedBytes).toBeLessThan(before + N * IN * 4);
  });
});

describe('errors: named, and nothing changed', () => {
  /** `fn` throws a plain Error matching `re`; memory and `net` (weights, optimizer, config) are as before. */
  async function rejects(fn: () => unknown, re: RegExp, net?: NeuralNetwork): Promise<void> {
    const used = backendInfo().usedBytes, before = net ? snapshot(net) : '';
    const w = net ? params(net) : null;
    await namedError(fn, re);
    expect(backendInfo().usedBytes).toBe(used);
    if (net) {
      expect(snapshot(net)).toBe(before);
      expect(firstDifference(w, params(net))).toBe(-1);
    }
  }

  it('bad data: the values and shapes named as train() names them', async () => {
    await rejects(() => new Dataset([[1, 2], [3, Number.NaN]], [[0], [1]]), /^Dataset: x\[1\]\[1\] is NaN, not a finite number$/);
    await rejects(() => new Dataset([[1, 2]], [[Infinity]]), /^Dataset: y\[0\]\[0\] is Infinity, not a finite number$/);
    const x = new Matrix(3, 2, new Float32Array([1, 2, 3, 4, -Infinity, 6]));
    await rejects(() => new Dataset(x, [[0], [1], [1]]), /^Dataset: x\[2\]\[0\] is -Infinity, not a finite number$/);
    await rejects(() => new Dataset([[1], [2]], new Matrix(2, 1, new Float32Array([0, NaN]))), /^Dataset: y\[1\]\[0\] is NaN/);
    // a large Matrix, found by the SIMD pass over its copy; the copy is released
    const big = new Matrix(1024, 1024);
    big.data[1024 * 700 + 3] = NaN;
    await rejects(() => new Dataset(big, new Matrix(1024, 1)), /^Dataset: x\[700\]\[3\] is NaN, not a finite number$/);
    await rejects(() => new Dataset([[1], [2]], [[1]]), /^Dataset: x has 2 rows but y has 1$/);
    await rejects(() => new Dataset([], [[1]]), /^Dataset: x is empty \(no rows\)$/);
    await rejects(() => new Dataset([[]], [[1]]), /^Dataset: x is empty/);
    await rejects(() => new Dataset([[1, 2], [3]], [[1], [2]]), /^Dataset: x is ragged/);
    await rejects(() => new Dataset('x' as never, [[1]]), /^Dataset: x must be a Matrix or an array of rows/);
    await rejects(() => new Dataset([[1]], undefined as never), /^Dataset: y must be a Matrix or an array of rows/);
  });

  it('a Dataset of the wrong shape for the network', async () => {
    const net = make();
    net.train(X, Y, { epochs: 1, optimizer: 'adam' });
    const narrow = new Dataset(X.toArray().map((r) => r.slice(1)), Y);
    const wide = new Dataset(X, Y.toArray().map((r) => [...r, 0]));
    await rejects(() => net.train(narrow, { epochs: 1 }), /^NeuralNetwork\.train: the training Dataset's x has 95 columns, network expects 96$/, net);
    await rejects(() => net.train(wide, { epochs: 1 }), /^NeuralNetwork\.train: the training Dataset's y has 6 columns, network outputs 5$/, net);
    const good = new Dataset(X, Y);
    await rejects(() => net.train(good, { epochs: 1, validation: wide }), /^NeuralNetwork\.train: the validation Dataset's y has 6 columns/, net);
    await rejects(() => net.trainAsync(narrow, { epochs: 1 }), /^NeuralNetwork\.trainAsync: the training Dataset's x has 95 columns/, net);
    for (const d of [narrow, wide, good]) d.dispose();
    net.dispose();
  });

  it('a disposed Dataset: training on it or reading it throws, naming the call', async () => {
    const net = make();
    net.train(X, Y, { epochs: 1, optimizer: 'adam' });
    const ds = new Dataset(X, Y), val = new Dataset(VX, VY);
    ds.dispose();
    val.dispose();
    expect(ds.disposed).toBe(true);
    expect([ds.rows, ds.inputSize, ds.outputSize]).toEqual([N, IN, OUT]); // the shape stays readable
    await rejects(() => net.train(ds, { epochs: 1 }), /^NeuralNetwork\.train: the training Dataset was disposed; make a new one/, net);
    await rejects(() => net.trainAsync(ds, { epochs: 1 }), /^NeuralNetwork\.trainAsync: the training Dataset was disposed/, net);
    await rejects(() => net.train(X, Y, { epochs: 1, validation: val }), /^NeuralNetwork\.train: the validation Dataset was disposed/, net);
    await rejects(() => ds.toMatrices(), /^Dataset\.toMatrices: this Dataset was disposed$/);
    net.dispose();
  });

  it('targets the loss does not accept: the matrices\' message; a check passed for one loss is not taken for another', async () => {
    const net = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [2], [0]];
    const ds = new Dataset(x, y);
    const matrices = await namedError(() => net.train(x, y, { epochs: 1 }), /target\[2\]\[0\] is 2; binary cross-entropy targets must lie in \[0, 1\]/);
    await rejects(() => net.train(ds, { epochs: 1 }), new RegExp(`^${matrices.message.replace(/[[\]().]/g, '\\$&')}$`), net);
    // in a validationSplit's rows: named and numbered as validation rows, as for matrices
    const split = await namedError(() => net.train(x, y, { epochs: 1, validationSplit: 0.5 }), /validation: target\[0\]\[0\] is 2/);
    await rejects(() => net.train(ds, { epochs: 1, validationSplit: 0.5 }), new RegExp(`^${split.message.replace(/[[\]().]/g, '\\$&')}$`), net);
    net.train(ds, { epochs: 1, loss: 'meanSquaredError' }); // MSE takes any target
    await rejects(() => net.train(ds, { epochs: 1, loss: 'binaryCrossEntropy' }), /target\[2\]\[0\] is 2/, net);
    ds.dispose();
    net.dispose();
  });

  it('train(dataset, y, options): the targets are in the Dataset', async () => {
    const net = make(), ds = new Dataset(X, Y);
    await rejects(() => net.train(ds as never, Y as never, { epochs: 1 } as never), /^NeuralNetwork\.train: the Dataset holds the targets; call train\(dataset, options\)$/, net);
    await rejects(() => net.train(ds as never, { epochs: 1 } as never, {} as never), /the Dataset holds the targets/, net);
    await rejects(() => net.trainAsync(ds, Y.toArray() as never), /^NeuralNetwork\.trainAsync: the Dataset holds the targets/, net);
    await rejects(() => net.train(ds, null as never), /^NeuralNetwork\.train: options must be an object, got null/, net);
    ds.dispose();
    net.dispose();
  });

  it('validation getters and revoked Proxies that throw: named Errors, nothing changed', async () => {
    const net = make(), ds = new Dataset(X, Y);
    const getter = (key: 'x' | 'y', thrown: unknown) => {
      const v: Record<string, unknown> = { x: VX, y: VY };
      Object.defineProperty(v, key, { get() { throw thrown; } });
      return v as never;
    };
    await rejects(() => net.train(ds, { epochs: 1, validation: getter('x', new TypeError('boom')) }), /^NeuralNetwork\.train: reading validation\.x failed \(boom\)/, net);
    await rejects(() => net.train(X, Y, { epochs: 1, validation: getter('y', 'nope') }), /^NeuralNetwork\.train: reading validation\.y failed \(nope\)/, net);
    const gone = Proxy.revocable({}, {});
    gone.revoke();
    await rejects(() => net.train(ds, { epochs: 1, validation: gone.proxy as never }), /^NeuralNetwork\.train: reading validation\.x failed/, net);
    await rejects(() => net.train(ds, gone.proxy as never), /^NeuralNetwork\.train: reading the options failed/, net);
    await rejects(() => net.train(X, Y, gone.proxy as never), /^NeuralNetwork\.train: reading the options failed/, net);
    await rejects(() => net.trainAsync(ds, gone.proxy as never), /^NeuralNetwork\.trainAsync: reading the options failed/, net);
    ds.dispose();
    net.dispose();
  });

  it('a look-alike object is not a Dataset', async () => {
    const fake = Object.create(Dataset.prototype) as Dataset;
    await rejects(() => fake.rows, /^Dataset\.rows: called on an object that is not a Dataset/);
    await rejects(() => fake.dispose(), /^Dataset\.dispose: called on an object that is not a Dataset/);
    const net = make();
    await rejects(() => net.train(fake, { epochs: 1 }), /^NeuralNetwork\.train: input must be a Matrix or an array of rows/, net);
    net.dispose();
  });

  it('before init()', async () => {
    vi.resetModules();
    const fresh = await import('../../src/index.js'); // a module graph whose init() has not run
    await namedError(() => new fresh.Dataset([[1]], [[1]]), /^Dataset: call `await init\(\)` once before making a Dataset/);
  });

  it('a Dataset in another backend\'s memory', async () => {
    const ds = new Dataset([[1]], [[1]]);
    const other = await loadBackend('simd');
    expect(() => datasetMemory(ds, other, 'NeuralNetwork.train', 'training')).toThrow(
      /^NeuralNetwork\.train: the training Dataset lives in the memory of another WebAssembly backend than the network's; make it again/,
    );
    ds.dispose();
  });
});

describe('dispose() while training reads it', () => {
  it('two networks train on one Dataset at once (trainAsync), each as alone', async () => {
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 4, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validationSplit: 0.25 };
    const alone = outcome((n) => n.train(ds, options));
    const a = make(), b = make();
    const [ra, rb] = await Promise.all([a.trainAsync(ds, { ...options, yieldEvery: 0.01 }), b.trainAsync(ds, { ...options, yieldEvery: 0.01 })]);
    expect(ra).toEqual(alone.result);
    expect(rb).toEqual(alone.result);
    expect(firstDifference(alone.params, params(a))).toBe(-1);
    expect(firstDifference(alone.params, params(b))).toBe(-1);
    a.dispose();
    b.dispose();
    ds.dispose();
  });

  it('from a train() callback: refused, training goes on unchanged; dispose after it returns works', () => {
    const ds = new Dataset(X, Y);
    const options: TrainOptions = { epochs: 3, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validationSplit: 0.2 };
    const control = outcome((n) => n.train(ds, { ...options, onEpoch: () => undefined }));
    const errors: unknown[] = [];
    const disturbed = outcome((n) =>
      n.train(ds, {
        ...options,
        onEpoch: () => {
          try {
            ds.dispose();
          } catch (e) {
            errors.push(e);
          }
        },
      }),
    );
    expect(errors).toHaveLength(3);
    expect((errors[0] as Error).constructor).toBe(Error);
    expect((errors[0] as Error).message).toMatch(/^Dataset\.dispose: this Dataset is in use: a train\(\) or trainAsync\(\) is reading it/);
    expectIdentical(control, disturbed);
    expect(ds.disposed).toBe(false);
    const before = backendInfo().usedBytes;
    ds.dispose();
    expect(backendInfo().usedBytes).toBeLessThan(before);
  });

  it('between trainAsync slices and after it rejects or is aborted, as the data set of validation too', async () => {
    const ds = new Dataset(X, Y), val = new Dataset(VX, VY);
    const net = make();
    const controller = new AbortController();
    let slices = 0;
    const running = net.trainAsync(ds, {
      epochs: 1e6, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', validation: val, signal: controller.signal, yieldEvery: 0.01,
      onProgress: () => void (++slices >= 3 && controller.abort()),
    });
    // trainAsync returned at its first yield: between two slices
    await namedError(() => ds.dispose(), /^Dataset\.dispose: this Dataset is in use/);
    await namedError(() => val.dispose(), /^Dataset\.dispose: this Dataset is in use/);
    const result = await running;
    expect(result.stopReason).toBe('aborted');
    ds.dispose();
    val.dispose();
    expect(ds.disposed && val.disposed).toBe(true);
    // and after a run that failed: the Dataset is released too
    const ds2 = new Dataset(X, Y);
    await expect(net.trainAsync(ds2, { epochs: 3, onEpoch: () => { throw new Error('stop'); } })).rejects.toThrow('stop');
    ds2.dispose();
    expect(ds2.disposed).toBe(true);
    net.dispose();
  });
});
