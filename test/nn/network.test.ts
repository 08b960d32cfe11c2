// The chapter reproduced: NumPy's seed-42 weights, the printed training log, the final
// predictions, through the hand-written loop (forward / backward) and through train().
// Oracle values: the chapter's code run with NumPy 2.4 (float64), see the comments.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BinaryCrossEntropy, init, LeakyReLU, Linear, Matrix, MeanSquaredError, NeuralNetwork, ReLU, Sigmoid, Softmax,
  SoftmaxCrossEntropy, Tanh, TrainingDivergedError, seed,
} from '../../src/index.js';
import { StepByStep } from '../support/step-by-step.js';

beforeAll(async () => {
  await init();
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const y = [[0], [1], [1], [0]];
const chapterNet = () => new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });

// NumPy: np.random.seed(42); NeuralNetwork([2, 4, 1], [ReLU(), Sigmoid()]) -> layers[i].weights
const W1 = [[0.0049671415, -0.001382643, 0.0064768854, 0.0152302986], [-0.0023415337, -0.0023413696, 0.0157921282, 0.0076743473]];
const W2 = [[-0.0046947439], [0.0054256004], [-0.0046341769], [-0.0046572975]];
// The chapter's loop, losses at epochs 0, 1000, ..., 9000 (printed as 0.6931, 0.4972, 0.4791, ...)
const NUMPY_LOSSES = [
  0.6931485570688163, 0.4971521787026106, 0.47911128207417464, 0.47823874566053415, 0.47783474314509655,
  0.4777302842320439, 0.47765497348601327, 0.47760887805803626, 0.4775678090243107, 0.47753709835689306,
];
const CHAPTER_LOG = ['0.6931', '0.4972', '0.4791', '0.4782', '0.4778', '0.4777', '0.4777', '0.4776', '0.4776', '0.4775'];
// network.forward(X) after training
const NUMPY_PREDICTIONS = [0.6664844684618184, 0.6664844684618184, 0.6664844684618184, 0.0005524311859271939];

function expectMatrixClose(m: Matrix, want: number[][], tol: number): void {
  expect(m.shape).toEqual([want.length, want[0]!.length]);
  want.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(m.get(i, j) - v)).toBeLessThan(tol)));
}

describe('the chapter, reproduced', () => {
  it("draws NumPy's seed-42 weights in order, biases zero", () => {
    const net = chapterNet();
    expectMatrixClose(net.layers[0]!.weights, W1, 1e-9);
    expectMatrixClose(net.layers[1]!.weights, W2, 1e-9);
    expect(Array.from(net.layers[0]!.bias.data)).toEqual([0, 0, 0, 0]);
    expect(net.layers[1]!.bias.shape).toEqual([1, 1]);
    net.dispose();
  });

  it('seed(42) before construction is the same as { seed: 42 } (np.random.seed semantics)', () => {
    seed(42);
    const a = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()]);
    const b = chapterNet();
    expect(a.layers[1]!.weights.toArray()).toEqual(b.layers[1]!.weights.toArray());
    a.dispose();
    b.dispose();
  });

  it("the hand-written loop prints the chapter's log and predictions", () => {
    const network = chapterNet();
    const bce = new BinaryCrossEntropy();
    const losses: number[] = [];
    for (let epoch = 0; epoch < 10000; epoch++) {
      const output = network.forward(X);
      losses.push(bce.forward(output, y));
      network.backward(bce.backward(output, y), 0.1);
    }
    const printed = losses.filter((_, e) => e % 1000 === 0).map((l) => l.toFixed(4));
    expect(printed).toEqual(CHAPTER_LOG);
    losses.filter((_, e) => e % 1000 === 0).forEach((l, i) => expect(Math.abs(l - NUMPY_LOSSES[i]!)).toBeLessThan(1e-4));
    const predictions = network.forward(X);
    expect(Array.from(predictions.data, (v) => v.toFixed(4))).toEqual(['0.6665', '0.6665', '0.6665', '0.0006']);
    Array.from(predictions.data).forEach((v, i) => expect(Math.abs(v - NUMPY_PREDICTIONS[i]!)).toBeLessThan(1e-4));
    network.dispose();
  });

  it('train() records the same losses as the hand-written loop', () => {
    const byHand = chapterNet();
    const bce = new BinaryCrossEntropy();
    const handLosses: number[] = [];
    for (let epoch = 0; epoch < 2000; epoch++) {
      const output = byHand.forward(X);
      handLosses.push(bce.forward(output, y));
      byHand.backward(bce.backward(output, y), 0.1);
    }
    const net = chapterNet();
    const { loss, epochs } = net.train(X, y, { epochs: 2000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
    expect(epochs).toBe(2000);
    expect(loss).toEqual(handLosses);
    expect(net.predict(X).toArray()).toEqual(byHand.predict(X).toArray());
    byHand.dispose();
    net.dispose();
  });

  it("train() over 10,000 epochs gives the chapter's log", () => {
    const net = chapterNet();
    const { loss } = net.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
    expect(loss).toHaveLength(10000);
    expect(loss.filter((_, e) => e % 1000 === 0).map((l) => l.toFixed(4))).toEqual(CHAPTER_LOG);
    net.dispose();
  });
});

describe('the network API', () => {
  it('forward returns a copy; the layers cache input, activationInput and output', () => {
    const net = chapterNet();
    const out1 = net.forward(X);
    const snapshot = out1.toArray();
    net.forward([[5, 5]]);
    expect(out1.toArray()).toEqual(snapshot);
    const l0 = net.layers[0]!, l1 = net.layers[1]!;
    expect(l0.input!.toArray()).toEqual([[5, 5]]);
    expect(l1.input!.toArray()).toEqual(l0.output!.toArray());
    const z = l0.activationInput!.data;
    expect(Array.from(l0.output!.data)).toEqual(Array.from(z, (v) => Math.max(0, v)));
    net.dispose();
  });

  it('backward applies SGD: a step lowers the loss', () => {
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 3 });
    const bce = new BinaryCrossEntropy();
    const before = bce.forward(net.forward(X), y);
    for (let i = 0; i < 50; i++) net.backward(bce.backward(net.forward(X), y), 0.5);
    expect(bce.forward(net.forward(X), y)).toBeLessThan(before);
    net.dispose();
  });

  it('learns XOR with a seed that works and a wider hidden layer', () => {
    // (With the chapter's 0.01·randn init a Tanh hidden layer sits at a saddle on XOR; NumPy agrees.)
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const { loss } = net.train(X, y, { epochs: 3000, learningRate: 0.5 });
    expect(loss[loss.length - 1]).toBeLessThan(0.05);
    const p = net.predict(X).data;
    expect([p[0]! < 0.5, p[1]! > 0.5, p[2]! > 0.5, p[3]! < 0.5]).toEqual([true, true, true, true]);
    net.dispose();
  });

  it('mini-batches: one entry per epoch, seeded shuffling is reproducible', () => {
    const rowsX = Array.from({ length: 37 }, (_, i) => [Math.sin(i), Math.cos(i * 0.7)]);
    const rowsY = rowsX.map(([a, b]) => [a! * b! > 0 ? 1 : 0]);
    const run = () => {
      const net = new NeuralNetwork([2, 6, 1], [new Tanh(), new Sigmoid()], { seed: 5 });
      const r = net.train(rowsX, rowsY, { epochs: 20, learningRate: 0.3, batchSize: 8, seed: 1 });
      net.dispose();
      return r.loss;
    };
    const a = run(), b = run();
    expect(a).toHaveLength(20);
    expect(a).toEqual(b);
    expect(a[19]).toBeLessThan(a[0]!);
  });

  it('softmax + softmaxCrossEntropy trains a 3-class problem (fused gradient)', () => {
    const pts: number[][] = [], lab: number[][] = [];
    for (let i = 0; i < 60; i++) {
      const c = i % 3;
      pts.push([Math.cos((2 * Math.PI * c) / 3) + 0.1 * Math.sin(i), Math.sin((2 * Math.PI * c) / 3) + 0.1 * Math.cos(i)]);
      lab.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
    }
    const net = new NeuralNetwork([2, 8, 3], [new Tanh(), new Softmax()], { seed: 2 });
    const { loss } = net.train(pts, lab, { epochs: 300, learningRate: 0.5 });
    expect(loss[299]).toBeLessThan(0.1 * loss[0]!);
    const p = net.predict(pts);
    const rowSums = p.toArray().map((r) => r.reduce((s, v) => s + v, 0));
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    net.dispose();
  });

  it('onEpoch can stop training', () => {
    const net = chapterNet();
    const seen: number[] = [];
    const r = net.train(X, y, { epochs: 100, learningRate: 0.1, onEpoch: (e) => (seen.push(e), e < 4) });
    expect(r.epochs).toBe(5);
    expect(r.stopped).toBe(true);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    net.dispose();
  });
});

describe('init', () => {
  it('is idempotent and reports the build in use (relaxed SIMD under vitest)', async () => {
    const a = await init();
    const b = await init();
    expect(a.build).toBe(b.build);
    expect(a.build).toBe('relaxed');
    expect(a.simd && a.relaxedSimd).toBe(true);
  });
  it('refuses to switch builds after init', async () => {
    await expect(init({ simd: false })).rejects.toThrow(/already initialised with the relaxed build; cannot switch to scalar/);
  });
});

describe('train(): whole epochs in one kernel call', () => {
  const cases = [
    { name: 'XOR full batch, BCE', sizes: [2, 4, 1], acts: () => [new ReLU(), new Sigmoid()], loss: () => new BinaryCrossEntropy(), batchSize: undefined as number | undefined },
    { name: 'mini-batches, shuffled, softmax CE', sizes: [2, 6, 5, 3], acts: () => [new Tanh(), new LeakyReLU(0.2), new Softmax()], loss: () => new SoftmaxCrossEntropy(), batchSize: 7 },
    { name: 'mini-batches, MSE, linear output', sizes: [2, 5, 2], acts: () => [new Sigmoid(), new Linear()], loss: () => new MeanSquaredError(), batchSize: 16 },
  ];
  for (const c of cases) {
    it(`${c.name}: same losses and weights as the step-by-step path`, () => {
      const rowsX = Array.from({ length: 40 }, (_, i) => [Math.sin(i * 1.3), Math.cos(i * 0.7)]);
      const out = c.sizes[c.sizes.length - 1]!;
      const rowsY = rowsX.map((_, i) => Array.from({ length: out }, (_, j) => (out > 1 && c.name.includes('softmax') ? (i % out === j ? 1 : 0) : (i * (j + 1)) % 2)));
      const opts = { epochs: 30, learningRate: 0.2, batchSize: c.batchSize, seed: 3 };
      const a = new NeuralNetwork(c.sizes, c.acts(), { seed: 4 });
      const b = new NeuralNetwork(c.sizes, c.acts(), { seed: 4 });
      const ra = a.train(rowsX, rowsY, { ...opts, loss: c.loss() });
      const rb = b.train(rowsX, rowsY, { ...opts, loss: new StepByStep(c.loss()) });
      expect(ra.loss).toEqual(rb.loss);
      a.layers.forEach((l, i) => expect(Array.from(l.weights.data)).toEqual(Array.from(b.layers[i]!.weights.data)));
      expect(a.layers[0]!.output!.toArray()).toEqual(b.layers[0]!.output!.toArray());
      a.dispose();
      b.dispose();
    });
  }

  it('a diverging run stops with TrainingDivergedError, keeping finite weights (both paths)', () => {
    for (const loss of [new MeanSquaredError(), new StepByStep(new MeanSquaredError())]) {
      const net = new NeuralNetwork([1, 8, 1], [new ReLU(), new Linear()], { seed: 1 });
      let err: unknown;
      try {
        net.train([[1], [2], [3]], [[1e6], [-1e6], [1e6]], { epochs: 500, learningRate: 10, loss });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TrainingDivergedError);
      expect(String(err)).toMatch(/(the loss|layer \d's x·W \+ b) became (NaN|-?Infinity) at epoch \d+/);
      const diverged = err as TrainingDivergedError;
      expect(diverged.loss).toHaveLength(diverged.epoch);
      net.layers.forEach((l) => expect(Array.from(l.weights.data).every(Number.isFinite)).toBe(true));
      net.dispose();
    }
  });
});
