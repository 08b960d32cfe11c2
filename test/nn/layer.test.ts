// The chapter's Layer semantics, and gradient checks of a Layer and of whole networks against
// centred finite differences of a float64 forward pass built from the reference kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, BinaryCrossEntropy, init, Layer, LeakyReLU, Linear, Matrix, MeanSquaredError, NeuralNetwork, ReLU,
  RandomState, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh, seed,
} from '../../src/index.js';
import * as refAct from '../../src/reference/activations.js';
import * as refBias from '../../src/reference/bias.js';
import * as refGemm from '../../src/reference/gemm.js';
import * as refLoss from '../../src/reference/losses.js';

beforeAll(async () => {
  await init();
});

type F = Float32Array;
const f = (a: Float64Array) => a as unknown as F;
const kernelName = (a: Activation) => (a.name === 'leakyRelu' ? 'leakyRelu' : a.name);

/** float64 forward of one dense layer with the reference kernels. */
function refLayer(x: Float64Array, rows: number, w: Float64Array, b: Float64Array, inp: number, out: number, act: Activation) {
  const z = new Float64Array(rows * out), y = new Float64Array(rows * out);
  refGemm.gemm(f(z), f(x), f(w), rows, out, inp, 0, 0);
  refBias.addBiasRows(f(z), f(z), f(b), rows, out);
  const fwd = (refAct as unknown as Record<string, (...a: unknown[]) => void>)[`${kernelName(act)}Forward`]!;
  fwd(f(y), f(z), rows, out, act instanceof LeakyReLU ? act.slope : 0);
  return y;
}

function centred(fn: (v: Float64Array) => number, at: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const p = at.slice(), m = at.slice();
    p[i]! += h;
    m[i]! -= h;
    g[i] = (fn(p) - fn(m)) / (2 * h);
  }
  return g;
}

function expectGradClose(analytic: ArrayLike<number>, numeric: Float64Array, what: string, tol = 2e-3): void {
  expect(analytic.length).toBe(numeric.length);
  let scale = 0;
  for (const v of numeric) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < numeric.length; i++) {
    const rel = Math.abs(analytic[i]! - numeric[i]!) / Math.max(Math.abs(numeric[i]!), 1e-2 * scale, 1e-6);
    expect(rel, `${what}[${i}]: analytic ${analytic[i]} numeric ${numeric[i]}`).toBeLessThan(tol);
  }
}

function randomize(layer: Layer, rng: RandomState): void {
  layer.weights.data.set(Float32Array.from({ length: layer.inputSize * layer.outputSize }, () => rng.random() - 0.5));
  layer.bias.data.set(Float32Array.from({ length: layer.outputSize }, () => 0.2 * (rng.random() - 0.5)));
}

describe("Layer (the chapter's semantics)", () => {
  it('draws randn(in, out) * 0.01 from the global generator, bias zero', () => {
    seed(42);
    const layer = new Layer(2, 4, new ReLU());
    const want = new RandomState(42).randnArray(8).map((v) => v * 0.01);
    expect(Array.from(layer.weights.data)).toEqual(Array.from(Float32Array.from(want)));
    expect(layer.weights.shape).toEqual([2, 4]);
    expect(layer.bias.toArray()).toEqual([[0, 0, 0, 0]]);
    layer.dispose();
  });

  it('forward computes activation(x·W + b) and caches input and activation_input', () => {
    const layer = new Layer(3, 2, new ReLU(), { rng: new RandomState(1) });
    layer.weights.data.set([1, -1, 2, 0, -3, 1]);
    layer.bias.data.set([0.5, -0.5]);
    const out = layer.forward([[1, 2, 3], [0, 0, 1]]);
    // z = [[1+4-9+0.5, -1+0+3-0.5], [-3+0.5, 1-0.5]] = [[-3.5, 1.5], [-2.5, 0.5]]
    expect(layer.activationInput!.toArray()).toEqual([[-3.5, 1.5], [-2.5, 0.5]]);
    expect(out.toArray()).toEqual([[0, 1.5], [0, 0.5]]);
    expect(layer.input!.toArray()).toEqual([[1, 2, 3], [0, 0, 1]]);
    expect(layer.output!.toArray()).toEqual(out.toArray());
    layer.dispose();
  });

  it('backward returns [gradInput, gradWeights, gradBias] as the chapter computes them, changing no weight', () => {
    const layer = new Layer(3, 2, new ReLU(), { rng: new RandomState(1) });
    layer.weights.data.set([1, -1, 2, 0, -3, 1]);
    layer.forward([[1, 2, 3], [0, 0, 1]]);
    const before = layer.weights.toArray();
    const [gIn, gW, gB] = layer.backward([[1, 2], [3, 4]]);
    // grad_activation = [[0, 2], [0, 4]]; grad_weights = x.T @ ga; grad_bias = sum(ga); grad_input = ga @ W.T
    expect(gW.toArray()).toEqual([[0, 2], [0, 4], [0, 10]]);
    expect(gB.toArray()).toEqual([[0, 6]]);
    expect(gIn.toArray()).toEqual([[-2, 0, 2], [-4, 0, 4]]);
    expect(layer.weights.toArray()).toEqual(before);
    layer.dispose();
  });

  it('accepts a custom Activation written in TypeScript', () => {
    class Square extends Activation {
      readonly name = 'square';
      forward(x: Matrix | number[][]) {
        const m = x instanceof Matrix ? x : Matrix.from(x);
        return new Matrix(m.rows, m.cols, m.data.map((v) => v * v));
      }
      backward(x: Matrix | number[][]) {
        const m = x instanceof Matrix ? x : Matrix.from(x);
        return new Matrix(m.rows, m.cols, m.data.map((v) => 2 * v));
      }
    }
    const layer = new Layer(1, 1, new Square(), { rng: new RandomState(0) });
    layer.weights.data.set([3]);
    expect(layer.forward([[2]]).toArray()).toEqual([[36]]);
    const [gIn, gW] = layer.backward([[1]]);
    expect(gW.toArray()).toEqual([[24]]); // d(9w²·... ) : 2·z·x = 2·6·2
    expect(gIn.toArray()).toEqual([[36]]); // 2·z·w = 2·6·3
    layer.dispose();
  });
});

const activations: [string, () => Activation][] = [
  ['ReLU', () => new ReLU()], ['Sigmoid', () => new Sigmoid()], ['Tanh', () => new Tanh()],
  ['LeakyReLU', () => new LeakyReLU(0.1)], ['Linear', () => new Linear()], ['Softmax', () => new Softmax()],
];

describe('Layer gradients vs finite differences (float64 reference)', () => {
  for (const [name, make] of activations) {
    it(`${name}: gradWeights, gradBias and gradInput of L = Σ G ⊙ forward(x)`, () => {
      const rng = new RandomState(name.length + 10);
      const [rows, inp, out] = [5, 3, 4];
      const act = make();
      const layer = new Layer(inp, out, act, { rng });
      randomize(layer, rng);
      const x = Float64Array.from({ length: rows * inp }, () => 2 * rng.random() - 1);
      const G = Float64Array.from({ length: rows * out }, () => 2 * rng.random() - 1);
      const W = Float64Array.from(layer.weights.data), b = Float64Array.from(layer.bias.data);
      const L = (xx: Float64Array, ww: Float64Array, bb: Float64Array) =>
        refLayer(xx, rows, ww, bb, inp, out, act).reduce((s, v, i) => s + v * G[i]!, 0);
      layer.forward(new Matrix(rows, inp, Float32Array.from(x)));
      const [gIn, gW, gB] = layer.backward(new Matrix(rows, out, Float32Array.from(G)));
      expectGradClose(gW.data, centred((w) => L(x, w, b), W), `${name} gradWeights`);
      expectGradClose(gB.data, centred((bb) => L(x, W, bb), b), `${name} gradBias`);
      expectGradClose(gIn.data, centred((xx) => L(xx, W, b), x), `${name} gradInput`);
      layer.dispose();
    });
  }
});

describe('whole-network gradients vs finite differences', () => {
  function check(
    sizes: number[], acts: Activation[], lossName: 'bce' | 'mse' | 'sce', viaTrain: boolean, rows = 6,
  ): void {
    const rng = new RandomState(sizes.reduce((a, b) => a * 7 + b, 1) % 1000);
    const net = new NeuralNetwork(sizes, acts, { rng });
    net.layers.forEach((l) => randomize(l, rng));
    const inp = sizes[0]!, outN = sizes[sizes.length - 1]!;
    const x = Float64Array.from({ length: rows * inp }, () => 2 * rng.random() - 1);
    const t = new Float64Array(rows * outN);
    for (let i = 0; i < rows; i++) {
      if (lossName === 'sce') t[i * outN + rng.integer(outN)] = 1;
      else for (let j = 0; j < outN; j++) t[i * outN + j] = lossName === 'bce' ? (rng.random() < 0.5 ? 0 : 1) : rng.random();
    }
    const params = net.layers.map((l) => [Float64Array.from(l.weights.data), Float64Array.from(l.bias.data)] as const);
    const lossOf = (ps: (readonly [Float64Array, Float64Array])[]) => {
      let h = x;
      net.layers.forEach((l, i) => {
        const act = lossName === 'sce' && i === net.layers.length - 1 ? new Linear() : l.activation;
        h = refLayer(h, rows, ps[i]![0], ps[i]![1], l.inputSize, l.outputSize, act);
      });
      const o = new Float64Array(1);
      if (lossName === 'bce') refLoss.binaryCrossEntropyLoss(o, f(h), f(t), rows * outN);
      else if (lossName === 'mse') refLoss.meanSquaredErrorLoss(o, f(h), f(t), rows * outN);
      else refLoss.softmaxCrossEntropyLoss(o, f(h), f(t), rows, outN);
      return o[0]!;
    };
    const X = new Matrix(rows, inp, Float32Array.from(x)), T = new Matrix(rows, outN, Float32Array.from(t));
    const lr = 1;
    if (viaTrain) {
      const loss = lossName === 'bce' ? 'binaryCrossEntropy' : lossName === 'mse' ? 'meanSquaredError' : 'softmaxCrossEntropy';
      const r = net.train(X, T, { epochs: 1, learningRate: lr, loss });
      expect(Math.abs(r.loss[0]! - lossOf(params))).toBeLessThan(1e-5);
    } else {
      const lossObj = lossName === 'bce' ? new BinaryCrossEntropy() : lossName === 'mse' ? new MeanSquaredError() : new SoftmaxCrossEntropy();
      net.backward(lossObj.backward(net.forward(X), T), lr);
    }
    net.layers.forEach((l, i) => {
      const [W, b] = params[i]!;
      const dW = Float64Array.from(l.weights.data, (v, j) => (W[j]! - v) / lr);
      const db = Float64Array.from(l.bias.data, (v, j) => (b[j]! - v) / lr);
      const numW = centred((w) => lossOf(params.map((p, k) => (k === i ? [w, p[1]] : p))), W);
      const numB = centred((bb) => lossOf(params.map((p, k) => (k === i ? [p[0], bb] : p))), b);
      expectGradClose(dW, numW, `layer ${i} dW`, 5e-3);
      expectGradClose(db, numB, `layer ${i} db`, 5e-3);
    });
    net.dispose();
  }

  it('[3, 5, 4, 2] Tanh/LeakyReLU/Sigmoid with binary cross-entropy, through backward()', () => {
    check([3, 5, 4, 2], [new Tanh(), new LeakyReLU(0.1), new Sigmoid()], 'bce', false);
  });
  it('[4, 6, 3] ReLU/Linear with mean squared error, through train()', () => {
    check([4, 6, 3], [new ReLU(), new Linear()], 'mse', true);
  });
  it('[3, 7, 4] Sigmoid/Softmax with fused softmax cross-entropy, through train()', () => {
    check([3, 7, 4], [new Sigmoid(), new Softmax()], 'sce', true);
  });
  it('[2, 3, 3] Tanh/Softmax with mean squared error (softmax Jacobian), through train()', () => {
    check([2, 3, 3], [new Tanh(), new Softmax()], 'mse', true);
  });
});
