// Reliability classes of issue 10 in the network and the trainer: each case asserts the named
// Error (never a raw TypeError/RangeError/RuntimeError), that nothing was allocated or changed
// (usedBytes, the weights, the optimizer state and trainingConfig), and that a bystander
// network's outputs are intact.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo, circle, init, LeakyReLU, Linear, Matrix, NeuralNetwork, RandomState, ReLU, Sigmoid, Tanh, TrainingDivergedError, xor,
} from '../../src/index.js';

beforeAll(async () => {
  await init({ threads: 1 });
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const make = () => new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
const snapshot = (n: NeuralNetwork) => JSON.stringify(n.toJSON());

/** Run `fn`, expect a plain named Error matching `re`, and that memory and `net` are as before. */
function rejects(fn: () => unknown, re: RegExp, net?: NeuralNetwork): void {
  const bystander = make();
  const seen = Array.from(bystander.predict(X).data);
  const used = backendInfo().usedBytes;
  const before = net ? snapshot(net) : '';
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(Error);
  expect((caught as Error).constructor, String(caught)).toBe(Error);
  expect((caught as Error).message).toMatch(re);
  expect(backendInfo().usedBytes).toBe(used);
  expect(Number.isFinite(backendInfo().usedBytes)).toBe(true);
  if (net) expect(snapshot(net)).toBe(before);
  expect(Array.from(bystander.predict(X).data)).toEqual(seen);
  bystander.dispose();
}

describe('1. a rejected call never poisons the allocator', () => {
  it('a hole in layerSizes or activations', () => {
    rejects(() => new NeuralNetwork([2, , 1] as number[], [new ReLU(), new Sigmoid()]), /NeuralNetwork: layerSizes\[1\] must be a positive integer, got undefined/);
    rejects(() => new NeuralNetwork([2, 3, 1], [, new Sigmoid()] as never), /NeuralNetwork: activations\[0\] is undefined .*not an Activation/);
    const a = make(), b = make();
    a.train(X, Y, { epochs: 50, learningRate: 0.5 });
    expect(Array.from(b.predict(X).data)).not.toEqual(Array.from(a.predict(X).data)); // distinct memory
    a.dispose();
    b.dispose();
  });

  it('a layerSizes Proxy whose traps throw, or lie about the length', () => {
    const trap = new Proxy([2, 3, 1], { get: (t, k) => (k === '1' ? (() => { throw new RangeError('trap'); })() : Reflect.get(t, k)) });
    rejects(() => new NeuralNetwork(trap, [new ReLU(), new Sigmoid()]), /NeuralNetwork: layerSizes could not be read as an array of positive integers \(trap\)/);
    const liar = new Proxy([2, 3, 1], { get: (t, k) => (k === 'length' ? 1e12 : Reflect.get(t, k)) });
    rejects(() => new NeuralNetwork(liar, [new ReLU(), new Sigmoid()]), /NeuralNetwork: layerSizes could not be read/);
  });
});

describe('4. shapes that lie', () => {
  it('layers and layerSizes are frozen; assigning to them changes nothing', () => {
    const n = make();
    expect(Object.isFrozen(n.layers)).toBe(true);
    expect(Object.isFrozen(n.layerSizes)).toBe(true);
    expect(() => ((n.layerSizes as number[])[0] = 1000)).toThrow(TypeError); // strict mode: the language's own refusal
    expect(n.inputSize).toBe(2);
    expect(n.predict(X).rows).toBe(4);
    n.dispose();
  });

  it('a custom activation returning the wrong shape is a named Error and changes nothing', () => {
    class Bad extends Tanh {
      override forward(): Matrix {
        return Matrix.zeros(1, 1);
      }
    }
    const n = new NeuralNetwork([2, 3, 1], [new Bad(), new Sigmoid()], { seed: 1 });
    expect(() => n.predict(X)).toThrow(/a custom activation must return/); // (allocates its own workspace once)
    rejects(() => n.predict(X), /tanh\.forward: a custom activation must return a 4x3 Matrix, got a 1x1 Matrix/);
    rejects(() => n.train(X, Y, { epochs: 2 }), /a custom activation must return a 4x3 Matrix/, n);
    n.dispose();
  });
});

describe('a large Matrix is checked by one SIMD pass in WASM, with the same named errors', () => {
  it('predict and train name the first NaN or Infinity of a 2^20-value input, and change nothing', () => {
    const n = new NeuralNetwork([1024, 4, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
    const rows = 1100, x = new Matrix(rows, 1024, new Float32Array(rows * 1024).fill(0.25));
    n.predict(x); // its workspace for this batch
    x.data[700 * 1024 + 5] = NaN;
    rejects(() => n.predict(x), /NeuralNetwork\.predict: input\[700\]\[5\] is NaN, not a finite number/, n);
    x.data[700 * 1024 + 5] = 0.25;
    x.data[1099 * 1024 + 1023] = -Infinity;
    rejects(() => n.forward(x), /NeuralNetwork\.forward: input\[1099\]\[1023\] is -Infinity, not a finite number/, n);
    x.data[1099 * 1024 + 1023] = 0.25;
    expect(n.predict(x).rows).toBe(rows);
    n.dispose();
  });
});

describe('5. unbounded work from one number', () => {
  it('epochs beyond the per-call cap are refused before anything runs', () => {
    const n = make();
    rejects(() => n.train(X, Y, { epochs: 1e12 }), /NeuralNetwork\.train: epochs must be at most 10000000 per call, got 1000000000000/, n);
    n.dispose();
  });
});

describe('7. float32 overflow is caught where numbers enter', () => {
  it('rates, penalties, init scales and slopes beyond float32', () => {
    const n = make();
    rejects(() => n.train(X, Y, { learningRate: 1e39 }), /learningRate must be a finite number > 0, got 1e\+39 \(beyond float32\)/, n);
    rejects(() => n.train(X, Y, { l1: 1e39 }), /l1 must be a finite number ≥ 0, got 1e\+39 \(beyond float32\)/, n);
    rejects(() => n.train(X, Y, { l2: 1e39 }), /l2 must be a finite number ≥ 0/, n);
    n.forward(X);
    rejects(() => n.backward([[1], [1], [1], [1]], 1e39), /NeuralNetwork\.backward: learningRate must be a finite number > 0, got 1e\+39/, n);
    rejects(() => new NeuralNetwork([2, 1], [new Sigmoid()], { init: 1e39 }), /init must be 'chapter', 'xavier', 'he' or a scale/);
    rejects(() => new LeakyReLU(1e39), /LeakyReLU: slope is 1e\+39, which overflows float32/);
    const doc = n.toJSON();
    doc.activations[0] = { name: 'leakyRelu', slope: 1e39 };
    rejects(() => NeuralNetwork.fromJSON(doc), /slope/);
    n.dispose();
  });

  it.each(['momentum', 'adam', 'rmsprop'] as const)(
    'after divergence the %s state starts afresh (as after resetOptimizer): the next sane call trains as a fresh optimizer would',
    (optimizer) => {
      const X4 = [[0, 0], [0, 1], [1, 0], [1, 1]];
      const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Linear()], { seed: 1 });
      expect(() => net.train(X4, [[0], [1e30], [1e30], [0]], { epochs: 100, learningRate: 1e30, optimizer, loss: 'meanSquaredError' }))
        .toThrow(TrainingDivergedError);
      // a network with the same weights and a fresh optimizer is what the next call must match
      const fresh = NeuralNetwork.fromJSON(JSON.stringify(net.toJSON()));
      fresh.resetOptimizer();
      const sane = { epochs: 5, learningRate: 1e-3, optimizer, loss: 'meanSquaredError' as const };
      const r = net.train(X4, [[0], [1], [1], [0]], sane);
      expect(r.loss.every(Number.isFinite)).toBe(true);
      expect(r.loss).toEqual(fresh.train(X4, [[0], [1], [1], [0]], sane).loss);
      net.dispose();
      fresh.dispose();
    },
  );

  it('an init scale that would make weights beyond float32 is rejected (up to FLOAT32_MAX / 12.01 is accepted)', () => {
    rejects(() => new NeuralNetwork([4, 4, 1], [new Linear(), new Linear()], { seed: 1, init: 3e38 }), /init must be 'chapter', 'xavier', 'he' or a scale in \[0, 2\.83e\+37\] \(larger scales make weights beyond float32\), got 3e\+38/);
    const n = new NeuralNetwork([40, 40, 1], [new Linear(), new Linear()], { seed: 1, init: 3.4028234663852886e38 / 12.01 });
    expect(n.toJSON().layers.every((l) => l.weights.every(Number.isFinite))).toBe(true);
    n.dispose();
  });

  it('a run whose last update overflows is divergence: the weights before it are kept', () => {
    const n = new NeuralNetwork([1, 1], [new Linear()], { seed: 0, init: 1 });
    const before = Array.from(n.layers[0]!.weights.data);
    let caught: unknown = null;
    try {
      n.train([[1000]], [[1000]], { epochs: 1, learningRate: 1e33, loss: 'meanSquaredError' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    expect((caught as Error).message).toMatch(/the last update at epoch 0 made a weight -?Infinity/);
    expect(Array.from(n.layers[0]!.weights.data)).toEqual(before);
    n.dispose();
  });

  it.each([
    ['full batch, kernel loop', { batchSize: undefined }],
    ['mini-batches, kernel loop', { batchSize: 1 }],
    ['stepped from TS (onBatch)', { batchSize: 1, onBatch: () => true }],
  ])('a loss that is not finite at the very first step keeps the weights it started with (%s)', (_, extra) => {
    // a disposed network leaves its weights in freed memory: a restore must never read them
    const junk = new NeuralNetwork([1, 1], [new Linear()], { seed: 0 });
    junk.layers[0]!.weights.set(0, 0, 12345);
    junk.train([[1]], [[0]], { epochs: 2, learningRate: 1e-9, loss: 'meanSquaredError' });
    junk.dispose();
    const n = new NeuralNetwork([1, 1], [new Linear()], { seed: 0 });
    n.layers[0]!.weights.set(0, 0, 3e30);
    const weights = () => JSON.stringify(n.toJSON().layers);
    const before = weights();
    let caught: unknown = null;
    try {
      n.train([[1e10], [1]], [[0], [0]], { epochs: 3, learningRate: 0.1, loss: 'meanSquaredError', ...extra });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    expect((caught as Error).message).toMatch(/layer 0's x·W \+ b became Infinity at epoch 0/);
    expect(weights()).toBe(before);
    n.dispose();
  });

  it('divergence after an odd or an even number of steps: the kernel loop keeps the same weights as the step path', () => {
    // The kernel loop alternates between two copies of the weights (no copy per step); the TS
    // step path (forced by onBatch) copies a backup before each update. Both must end on the
    // weights of the last finite loss, whichever copy was live when the loss overflowed.
    const rng = new RandomState(3);
    const x = Array.from({ length: 32 }, () => [rng.random() * 4 - 2, rng.random() * 4 - 2]);
    const y = x.map(([a, b]) => [a! * b!]);
    const parities = new Set<number>();
    for (const lr of [0.5, 0.8, 1, 1.3, 1.7, 2.2, 3, 4, 6, 9]) {
      const make = () => new NeuralNetwork([2, 8, 1], [new Tanh(), new Linear()], { seed: 1, init: 'xavier' });
      const a = make(), b = make();
      const opts = { epochs: 40, batchSize: 4, learningRate: lr, loss: 'meanSquaredError' as const, shuffle: false };
      let ea: unknown = null, eb: unknown = null, steps = 0;
      try { a.train(x, y, opts); } catch (e) { ea = e; }
      try { b.train(x, y, { ...opts, onBatch: () => { steps++; return true; } }); } catch (e) { eb = e; }
      expect(ea === null, `lr ${lr}`).toBe(eb === null);
      if (ea !== null) {
        expect(ea).toBeInstanceOf(TrainingDivergedError);
        expect((ea as Error).message).toBe((eb as Error).message);
        parities.add(steps % 2);
      }
      a.layers.forEach((l, i) => {
        expect(Array.from(l.weights.data), `lr ${lr} layer ${i}`).toEqual(Array.from(b.layers[i]!.weights.data));
        expect(Array.from(l.bias.data)).toEqual(Array.from(b.layers[i]!.bias.data));
      });
      a.dispose();
      b.dispose();
    }
    expect([...parities].sort()).toEqual([0, 1]);
  });

  it('an overflowed weight behind a finite loss is divergence: named layer, finite weights, and the next call trains', () => {
    // A saturated sigmoid or tanh keeps the loss finite (sigmoid(+Inf) = 1) while a weight is
    // ±Infinity, and its gradient is 0 from then on: only x·W + b shows it.
    const cases = [
      { sizes: [2, 1], acts: () => [new Sigmoid()], x: [[1, 1], [1, 1]], y: [[1], [1]], o: { learningRate: 2e38, optimizer: 'nesterov' as const, loss: 'binaryCrossEntropy' as const } },
      { sizes: [1, 2, 1], acts: () => [new Tanh(), new Linear()], x: [[1e10], [2e10]], y: [[1], [-1]], o: { learningRate: 1e30, loss: 'meanSquaredError' as const } },
    ];
    for (const c of cases) {
      const start = new NeuralNetwork(c.sizes, c.acts(), { seed: 1 });
      const kernel = NeuralNetwork.fromJSON(start.toJSON()), stepped = NeuralNetwork.fromJSON(start.toJSON());
      let ek: unknown = null, es: unknown = null;
      const seen: number[] = [];
      try { kernel.train(c.x, c.y, { ...c.o, epochs: 6, onEpoch: (_e, loss) => { seen.push(loss); } }); } catch (e) { ek = e; }
      try { stepped.train(c.x, c.y, { ...c.o, epochs: 6, onBatch: () => true }); } catch (e) { es = e; }
      expect(ek).toBeInstanceOf(TrainingDivergedError);
      expect((ek as Error).message).toMatch(/layer \d's x·W \+ b became (-?Infinity|NaN) at epoch [1-9] \((float32 overflowed|a NaN or an overflow) there/);
      expect((ek as Error).message).toBe((es as Error).message);
      expect(seen.every(Number.isFinite)).toBe(true); // no epoch before it reported a non-finite loss
      // the weights of the last finite forward pass, the same on both paths
      expect(JSON.stringify(stepped.toJSON().layers)).toBe(JSON.stringify(kernel.toJSON().layers));
      for (const net of [kernel, stepped]) {
        for (const l of net.layers) expect([...l.weights.data, ...l.bias.data].every(Number.isFinite)).toBe(true);
        if (c.sizes.length > 2) continue; // (the second case's data, 1e10, diverges at any rate)
        // the optimizer starts afresh: a sane call trains
        const r = net.train(c.x, c.y, { epochs: 3, learningRate: 1e-3, loss: c.o.loss });
        expect(r.loss.every(Number.isFinite)).toBe(true);
        expect(net.predict(c.x).data.every(Number.isFinite)).toBe(true);
      }
      for (const net of [start, kernel, stepped]) net.dispose();
    }
  });

  it("the final-update check reads only weights and biases, never padding left by an earlier network's memory", () => {
    const first = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 4 });
    const d = xor();
    first.train(d.x, d.y, { epochs: 10000, learningRate: 0.1 });
    first.dispose();
    const c = circle();
    const net = new NeuralNetwork([2, 16, 16, 1], [new Sigmoid(), new Sigmoid(), new Sigmoid()], { seed: 1 });
    expect(() => net.train(c.x, c.y, { epochs: 300, learningRate: 0.1, optimizer: 'momentum' })).not.toThrow();
    net.dispose();
  });
});

describe('8. a rejected call leaves everything as it was', () => {
  it('a schedule that throws (even a string) at epoch 2: a named Error, and everything is put back', () => {
    const n = make();
    n.train(X, Y, { epochs: 3, optimizer: 'momentum' });
    const schedule = (e: number) => {
      if (e < 2) return 0.1;
      throw 'no more'; // eslint-disable-line no-throw-literal
    };
    rejects(() => n.train(X, Y, { epochs: 5, optimizer: 'momentum', schedule }), /NeuralNetwork\.train: schedule\(2\) failed \(no more\)/, n);
    n.dispose();
  });

  it('a schedule that fails at epoch 2: weights, optimizer state and trainingConfig are put back', () => {
    const n = make();
    n.train(X, Y, { epochs: 20, learningRate: 0.1, optimizer: 'adam' });
    const saved = n.toJSON();
    delete saved.training!.state;
    const control = NeuralNetwork.fromJSON(saved);
    control.train(X, Y, { epochs: 20, learningRate: 0.1, optimizer: 'adam' }); // fresh Adam state: differs
    const before = snapshot(n);
    rejects(() => n.train(X, Y, { epochs: 5, optimizer: 'momentum', schedule: (e) => (e < 2 ? 0.1 : NaN) }), /schedule\(2\): learningRate must be a finite number > 0, got NaN/, n);
    expect(snapshot(n)).toBe(before);
    // the Adam state survived: continuing gives what an uninterrupted second call gives
    const twin = make();
    twin.train(X, Y, { epochs: 20, learningRate: 0.1, optimizer: 'adam' });
    twin.train(X, Y, { epochs: 20, learningRate: 0.1, optimizer: 'adam' });
    n.train(X, Y, { epochs: 20, learningRate: 0.1, optimizer: 'adam' });
    expect(snapshot(n)).toBe(snapshot(twin));
    expect(snapshot(n)).not.toBe(snapshot(control));
    [n, control, twin].forEach((x) => x.dispose());
  });

  it('logEvery with console.log missing or throwing: a named Error, and the network as before the call', () => {
    const n = make();
    n.train(X, Y, { epochs: 1 }); // its buffers, before measuring
    const log = console.log;
    try {
      (console as { log: unknown }).log = undefined;
      rejects(() => n.train(X, Y, { epochs: 3, logEvery: 1 }), /^NeuralNetwork\.train: logEvery: console\.log failed \(console\.log is not a function\)$/, n);
      console.log = () => {
        throw 'logger down';
      };
      rejects(() => n.train(X, Y, { epochs: 3, logEvery: 1 }), /^NeuralNetwork\.train: logEvery: console\.log failed \(logger down\)$/, n);
    } finally {
      console.log = log;
    }
    n.dispose();
  });

  it('a callback that throws: the error propagates and the network is as before the call', () => {
    const n = make();
    const before = snapshot(n);
    let caught: unknown = null;
    try {
      n.train(X, Y, { epochs: 10, onEpoch: (e) => { if (e === 3) throw new Error('stop here'); } });
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toBe('stop here');
    expect(snapshot(n)).toBe(before);
    // the epochs that ran overwrote the cached forward pass, and their input (the run's copy of
    // the data, or a Dataset) is gone or not the network's: backward() must not read it
    const big = new Matrix(64, 2, Float32Array.from({ length: 128 }, (_, i) => (i % 7) / 7));
    const bigY = new Matrix(64, 1, Float32Array.from({ length: 64 }, (_, i) => i % 2));
    for (const batchSize of [64, 16]) {
      n.forward(X);
      expect(() => n.train(big, bigY, { epochs: 5, batchSize, onEpoch: (e) => { if (e === 1) throw new Error('stop'); } })).toThrow('stop');
      expect(() => n.backward(new Matrix(batchSize, 1), 0.1)).toThrow(/NeuralNetwork\.backward: no forward pass of this network to differentiate; call forward\(\) first/);
      expect(snapshot(n)).toBe(before);
    }
    // a call refused before any epoch ran leaves the cached forward pass usable
    n.forward(X);
    expect(() => n.train(X, Y, { epochs: 5, schedule: () => NaN })).toThrow(/learningRate must be a finite number/);
    expect(() => n.backward([[1], [1], [1], [1]], 1e-9)).not.toThrow();
    n.dispose();
  });

  it('fromJSON: a weights Proxy, a getter that changes between reads, and null options', () => {
    const n = make();
    const doc = n.toJSON();
    const trap = { ...doc, layers: [{ ...doc.layers[0]!, weights: new Proxy(doc.layers[0]!.weights, { get: (t, k) => (k === '3' ? (() => { throw new RangeError('trap'); })() : Reflect.get(t, k)) }) }, doc.layers[1]!] };
    rejects(() => NeuralNetwork.fromJSON(trap), /NeuralNetwork\.fromJSON: could not read the document \(trap\)/);
    let reads = 0;
    const flaky = doc.layers[0]!.weights.slice();
    Object.defineProperty(flaky, 0, { get: () => (reads++ === 0 ? 0.5 : NaN) });
    const loaded = NeuralNetwork.fromJSON({ ...doc, layers: [{ ...doc.layers[0]!, weights: flaky }, doc.layers[1]!] });
    expect(loaded.layers[0]!.weights.data.every(Number.isFinite)).toBe(true);
    loaded.dispose();
    rejects(() => NeuralNetwork.fromJSON(doc, null as never), /NeuralNetwork\.fromJSON: options must be an object, got null/);
    n.dispose();
  });

  it('options that are not what they say: null options, non-boolean flags', () => {
    const n = make();
    rejects(() => n.train(X, Y, null as never), /NeuralNetwork\.train: options must be an object, got null/, n);
    rejects(() => n.train(X, Y, { earlyStopping: { patience: 2, restoreBest: 'no' as never } }), /earlyStopping\.restoreBest must be true or false, got "no"/, n);
    rejects(() => n.train(X, Y, { shuffle: 1 as never }), /shuffle must be true or false/, n);
    n.dispose();
  });
});
