import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, Layer, Linear, NeuralNetwork, ReLU, Sigmoid, Softmax, Tanh } from '../../src/index.js';

beforeAll(async () => {
  // one thread: the single-threaded build's memory is not shared, so growth detaches old views (the
  // case this file tests); test/threads.test.ts covers growth of the shared memory
  await init({ threads: 1 });
});

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const Y = [[0], [1], [1], [0]];

/** Index of the first element that differs (Object.is), -1 when equal, -2 on a length mismatch. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Deterministic inputs: rows×cols values in [-1, 1). */
function inputs(rows: number, cols: number, salt = 0): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (((i * 31 + j * 17 + salt * 7) % 23) / 23) * 2 - 1),
  );
}

describe('memory growth keeps old views correct', () => {
  it('a network created before growth still computes, reads and writes correctly after it', () => {
    const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const out = net.forward(X).data.slice();
    const w = net.layers[0]!.weights; // the same Matrix object is read again after growth
    const b = net.layers[1]!.bias;
    const wBefore = w.data.slice();
    const bBefore = b.data.slice();
    const staleArray = w.data; // a Float32Array over the pre-growth buffer
    expect(wBefore.length).toBe(2 * 4);

    // A standalone layer created before growth, too.
    const layer = new Layer(3, 2, new Tanh());
    const layerW = layer.weights;
    const layerWBefore = layerW.data.slice();
    const layerOut = layer.forward([[0.5, -0.25, 1]]).data.slice();

    const memBefore = backendInfo().memoryBytes;
    const others: NeuralNetwork[] = [];
    for (let i = 0; i < 200 && backendInfo().memoryBytes === memBefore; i++) {
      const size = 32 * (i + 1);
      const other = new NeuralNetwork([size, size, 10], [new ReLU(), new Softmax()], { seed: 100 + i });
      other.forward(inputs(8, size, i));
      others.push(other);
    }
    const memAfter = backendInfo().memoryBytes;
    expect(memAfter).toBeGreaterThan(memBefore);
    // The growth really detached arrays over the old buffer (so this test exercises re-derivation).
    expect(staleArray.length).toBe(0);

    // The first network computes exactly what it did before growth.
    expect(firstDifference(net.forward(X).data, out)).toBe(-1);
    // The same Matrix objects read the same values, with the right length, over the current buffer.
    const wNow = w.data;
    expect(wNow.length).toBe(2 * 4);
    expect(wNow.buffer.byteLength).toBe(memAfter);
    expect(Array.from(wNow)).toEqual(Array.from(wBefore));
    expect(w.toArray().flat()).toEqual(Array.from(wBefore));
    expect(w.get(1, 3)).toBe(wBefore[7]);
    expect(Array.from(b.data)).toEqual(Array.from(bBefore));
    expect(b.data.length).toBe(1);
    // And they are the very objects the layers hand out.
    expect(net.layers[0]!.weights).toBe(w);
    expect(Array.from(net.layers[0]!.weights.data)).toEqual(Array.from(wBefore));

    // The standalone layer too.
    expect(Array.from(layerW.data)).toEqual(Array.from(layerWBefore));
    expect(firstDifference(layer.forward([[0.5, -0.25, 1]]).data, layerOut)).toBe(-1);

    // A write through the old Matrix object after growth reaches the network.
    const v = 5;
    w.set(0, 0, v);
    w.set(0, 1, -v);
    expect(w.get(0, 0)).toBe(v);
    expect(net.layers[0]!.weights.data[0]).toBe(v);
    const changed = net.forward(X).data;
    expect(firstDifference(changed, out)).not.toBe(-1);
    // Restoring the value restores the output exactly.
    w.set(0, 0, wBefore[0]!);
    w.set(0, 1, wBefore[1]!);
    expect(firstDifference(net.forward(X).data, out)).toBe(-1);

    // Writes through the layer's view reach its forward pass as well.
    layerW.set(2, 0, 3);
    expect(firstDifference(layer.forward([[0.5, -0.25, 1]]).data, layerOut)).not.toBe(-1);

    for (const o of others) o.dispose();
    net.dispose();
    layer.dispose();
  });

  it('a network trained across a memory growth matches one trained without', () => {
    // Reference: train a network start to finish.
    const ref = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 7 });
    const refLoss = ref.train(X, Y, { epochs: 200, learningRate: 0.5 }).loss;
    const refOut = ref.forward(X).data.slice();

    // Same network, same training, but memory grows between the two halves.
    const net = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 7 });
    const first = net.train(X, Y, { epochs: 100, learningRate: 0.5 }).loss;
    const memBefore = backendInfo().memoryBytes;
    const big: NeuralNetwork[] = [];
    for (let i = 0; i < 50 && backendInfo().memoryBytes === memBefore; i++) {
      big.push(new NeuralNetwork([512, 512, 1], [new ReLU(), new Linear()], { seed: i }));
    }
    expect(backendInfo().memoryBytes).toBeGreaterThan(memBefore);
    const second = net.train(X, Y, { epochs: 100, learningRate: 0.5 }).loss;
    expect([...first, ...second]).toEqual(refLoss);
    expect(firstDifference(net.forward(X).data, refOut)).toBe(-1);

    for (const n of big) n.dispose();
    ref.dispose();
    net.dispose();
  });
});

describe('dispose() frees memory', () => {
  it('usedBytes returns to its earlier value, and an equal network reuses the memory', () => {
    const used0 = backendInfo().usedBytes;
    const nets = [
      new NeuralNetwork([64, 128, 10], [new ReLU(), new Softmax()], { seed: 1 }),
      new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 2 }),
      new NeuralNetwork([300, 200, 100, 3], [new Tanh(), new ReLU(), new Linear()], { seed: 3 }),
    ];
    nets[0]!.forward(inputs(16, 64));
    nets[1]!.train(X, Y, { epochs: 3, batchSize: 2 });
    nets[2]!.forward(inputs(40, 300));
    const layer = new Layer(50, 60, new ReLU());
    layer.forward(inputs(5, 50));
    expect(backendInfo().usedBytes).toBeGreaterThan(used0);

    for (const n of nets) n.dispose();
    layer.dispose();
    expect(backendInfo().usedBytes).toBe(used0);

    // Creating equal networks (and batches) again fits in the freed memory.
    const mem = backendInfo().memoryBytes;
    for (let round = 0; round < 20; round++) {
      const again = [
        new NeuralNetwork([64, 128, 10], [new ReLU(), new Softmax()], { seed: 1 }),
        new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 2 }),
        new NeuralNetwork([300, 200, 100, 3], [new Tanh(), new ReLU(), new Linear()], { seed: 3 }),
      ];
      again[0]!.forward(inputs(16, 64));
      again[1]!.train(X, Y, { epochs: 3, batchSize: 2 });
      again[2]!.forward(inputs(40, 300));
      const l = new Layer(50, 60, new ReLU());
      l.forward(inputs(5, 50));
      expect(backendInfo().memoryBytes).toBe(mem);
      for (const n of again) n.dispose();
      l.dispose();
      expect(backendInfo().usedBytes).toBe(used0);
    }
    expect(backendInfo().memoryBytes).toBe(mem);
  });

  it('disposing in any order coalesces the free memory', () => {
    const used0 = backendInfo().usedBytes;
    const make = () =>
      Array.from({ length: 6 }, (_, i) => new NeuralNetwork([100, 100, 1], [new ReLU(), new Sigmoid()], { seed: i }));
    const nets = make();
    for (const i of [1, 4, 0, 5, 2, 3]) nets[i]!.dispose();
    expect(backendInfo().usedBytes).toBe(used0);
    // One network as large as all six together fits in what they freed.
    const mem = backendInfo().memoryBytes;
    const sixInOne = make();
    expect(backendInfo().memoryBytes).toBe(mem);
    for (const n of sixInOne) n.dispose();
    expect(backendInfo().usedBytes).toBe(used0);
  });

  it('a larger batch replaces the workspace instead of leaking the old one', () => {
    const net = new NeuralNetwork([10, 20, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const used0 = backendInfo().usedBytes;
    net.forward(inputs(4, 10));
    const usedSmall = backendInfo().usedBytes;
    net.forward(inputs(64, 10));
    const usedLarge = backendInfo().usedBytes;
    expect(usedLarge).toBeGreaterThan(usedSmall);
    // Smaller batches reuse the larger workspace.
    net.forward(inputs(4, 10));
    net.forward(inputs(32, 10));
    expect(backendInfo().usedBytes).toBe(usedLarge);
    net.dispose();
    expect(backendInfo().usedBytes).toBeLessThan(used0);
  });
});

describe('training does not grow memory per step', () => {
  const trainX = inputs(64, 6);
  const trainY = trainX.map((r) => [r[0]! * r[1]! > 0 ? 1 : 0]);

  for (const [label, extra] of [
    ['full batch', {}],
    ['batchSize 8', { batchSize: 8 }],
    ['batchSize 10 (ragged last batch), no shuffle', { batchSize: 10, shuffle: false }],
  ] as const) {
    it(`${label}: repeated train calls leave memoryBytes and usedBytes unchanged`, () => {
      const net = new NeuralNetwork([6, 16, 8, 1], [new ReLU(), new Tanh(), new Sigmoid()], { seed: 5 });
      net.train(trainX, trainY, { epochs: 2, learningRate: 0.1, ...extra }); // warm-up
      const mem = backendInfo().memoryBytes;
      const used = backendInfo().usedBytes;
      const perEpoch: number[] = [];
      for (let call = 0; call < 10; call++) {
        net.train(trainX, trainY, {
          epochs: 5,
          learningRate: 0.1,
          ...extra,
          onEpoch: () => {
            perEpoch.push(backendInfo().usedBytes);
          },
        });
        expect(backendInfo().memoryBytes).toBe(mem);
        expect(backendInfo().usedBytes).toBe(used);
      }
      // Within a call, nothing is allocated per epoch either.
      expect(perEpoch).toHaveLength(50);
      expect(new Set(perEpoch).size).toBe(1);
      net.dispose();
    });
  }

  it('alternating full-batch and mini-batch calls is stable after one warm-up of each', () => {
    const net = new NeuralNetwork([6, 16, 1], [new ReLU(), new Sigmoid()], { seed: 9 });
    net.train(trainX, trainY, { epochs: 1 });
    net.train(trainX, trainY, { epochs: 1, batchSize: 16 });
    const mem = backendInfo().memoryBytes;
    const used = backendInfo().usedBytes;
    for (let call = 0; call < 10; call++) {
      net.train(trainX, trainY, { epochs: 3, batchSize: call % 2 ? 16 : undefined });
      net.forward(trainX);
      net.backward(trainX.map(() => [0.01]), 0.01);
      expect(backendInfo().memoryBytes).toBe(mem);
      expect(backendInfo().usedBytes).toBe(used);
    }
    net.dispose();
  });
});

describe('views of disposed networks', () => {
  it('a Matrix view of a disposed network throws a clear Error on .data', () => {
    const net = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    net.forward(X);
    const w = net.layers[0]!.weights;
    const b = net.layers[1]!.bias;
    const out = net.layers[1]!.output!;
    expect(w.data.length).toBe(6);
    net.dispose();

    const check = (fn: () => unknown, re: RegExp) => {
      expect(fn).toThrow(re);
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect(e).not.toBeInstanceOf(WebAssembly.RuntimeError);
      }
    };
    check(() => w.data, /Matrix: Layer\(2, 3\)\.weights belongs to a network or layer that was disposed/);
    check(() => b.data, /Matrix: Layer\(3, 1\)\.bias belongs to a network or layer that was disposed/);
    check(() => out.data, /Matrix: .*output belongs to a network or layer that was disposed/);
    check(() => w.get(0, 0), /disposed/);
    check(() => w.set(0, 0, 1), /disposed/);
    check(() => w.toArray(), /disposed/);
    check(() => w.clone(), /disposed/);
    // Shape information stays available.
    expect(w.shape).toEqual([2, 3]);

    // Still throws after its memory has been handed to a new network (no reading someone else's weights).
    const next = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
    check(() => w.data, /Matrix: Layer\(2, 3\)\.weights belongs to a network or layer that was disposed/);
    // ...and writing through it cannot corrupt the new network.
    const nextW = next.layers[0]!.weights.data.slice();
    check(() => w.set(0, 0, 123), /disposed/);
    expect(Array.from(next.layers[0]!.weights.data)).toEqual(Array.from(nextW));
    next.dispose();
  });

  it('a Matrix view of a disposed standalone Layer throws a clear Error on .data', () => {
    const layer = new Layer(4, 2, new ReLU());
    const w = layer.weights;
    const b = layer.bias;
    layer.dispose();
    expect(() => w.data).toThrow(/Matrix: Layer\(4, 2\)\.weights belongs to a network or layer that was disposed/);
    expect(() => b.data).toThrow(/Matrix: Layer\(4, 2\)\.bias belongs to a network or layer that was disposed/);
  });

  it('a JS-owned copy taken before dispose stays readable', () => {
    const net = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const copy = net.layers[0]!.weights.clone();
    const values = net.layers[0]!.weights.data.slice();
    net.dispose();
    expect(Array.from(copy.data)).toEqual(Array.from(values));
  });
});
