/**
 * The benchmark's inputs: the chapter's XOR data, a seeded synthetic 784→10 classification set
 * for the MLP, the starting weights every implementation shares, and the gemm shapes.
 *
 * @module
 */
import { NeuralNetwork, RandomState, ReLU, Sigmoid, Softmax, Tanh, type Activation } from '../../../src/index.js';

/** The chapter's XOR inputs and targets. */
export const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
export const XOR_Y = [[0], [1], [1], [0]];

/** One dense layer's parameters (weights row-major inputSize×outputSize, bias outputSize). */
export interface LayerParams {
  inputSize: number;
  outputSize: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** The W1 network: the chapter's [2, 4, 1] ReLU/Sigmoid. */
export const W1_SIZES = [2, 4, 1] as const;
/** The W2 network: 784-256-128-10, ReLU/ReLU/Softmax. */
export const W2_SIZES = [784, 256, 128, 10] as const;
/** The W4 network (the MNIST-shaped epoch): 784-128-10, ReLU/Softmax. */
export const W4_SIZES = [784, 128, 10] as const;

export const w1Activations = (): Activation[] => [new ReLU(), new Sigmoid()];
/** The hidden layers' activation of an MLP: ReLU in W2 and W4; Tanh and Sigmoid in W2's activation rows. */
export type Hidden = 'relu' | 'tanh' | 'sigmoid';
const HIDDEN: Record<Hidden, () => Activation> = { relu: () => new ReLU(), tanh: () => new Tanh(), sigmoid: () => new Sigmoid() };

/** `hidden` (ReLU unless given) on every hidden layer, Softmax on the output (W2, W4). */
export const mlpActivations = (layers: number, hidden: Hidden = 'relu'): Activation[] =>
  [...Array.from({ length: layers - 1 }, HIDDEN[hidden]), new Softmax()];

/** Copy of a network's parameters (`layer.weights.data` / `layer.bias.data`). */
export function snapshot(net: NeuralNetwork): LayerParams[] {
  return net.layers.map((l) => ({
    inputSize: l.inputSize,
    outputSize: l.outputSize,
    weights: l.weights.data.slice(),
    bias: l.bias.data.slice(),
  }));
}

/** Overwrite a network's parameters with `params` (through the public live views). */
export function load(net: NeuralNetwork, params: readonly LayerParams[]): void {
  net.layers.forEach((l, i) => {
    l.weights.data.set(params[i]!.weights);
    l.bias.data.set(params[i]!.bias);
  });
}

/** A W1 network exactly as the chapter builds it (np.random.seed(42)). */
export const newW1Net = (): NeuralNetwork => new NeuralNetwork([...W1_SIZES], w1Activations(), { seed: 42 });

/**
 * Starting weights of an MLP of `sizes` (W2, W4): a scratchnet network (seed 42), whose weights
 * are then rescaled to He initialisation (randn·sqrt(2/fan_in) from RandomState(7), biases zero)
 * so the loss actually moves in a few epochs (with the chapter's randn·0.01 a deep net sits at
 * ln 10 and every implementation would "agree" trivially). Every implementation starts from these.
 */
export function mlpInitialParams(sizes: readonly number[]): LayerParams[] {
  const net = new NeuralNetwork([...sizes], mlpActivations(sizes.length - 1), { seed: 42 });
  const rng = new RandomState(7);
  for (const l of net.layers) {
    const scale = Math.sqrt(2 / l.inputSize);
    const w = rng.randnArray(l.inputSize * l.outputSize);
    const data = l.weights.data;
    for (let i = 0; i < w.length; i++) data[i] = w[i]! * scale;
    l.bias.data.fill(0);
  }
  const params = snapshot(net);
  net.dispose();
  return params;
}

/** An MLP (`hidden` on the hidden layers, ReLU unless given; Softmax output) starting from `params`. */
export function newMlp(params: readonly LayerParams[], hidden: Hidden = 'relu'): NeuralNetwork {
  const sizes = [params[0]!.inputSize, ...params.map((p) => p.outputSize)];
  const net = new NeuralNetwork(sizes, mlpActivations(params.length, hidden), { seed: 42 });
  load(net, params);
  return net;
}

/**
 * The row orders `net.train({ shuffle: true, seed })` uses, epoch by epoch: one RandomState(seed)
 * shuffling the same order array in place each epoch (src/training/train.ts), so NumPy can be
 * given exactly scratchnet's batches.
 */
export function shuffleOrders(n: number, epochs: number, seed: number): Int32Array {
  const rng = new RandomState(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const out = new Int32Array(n * epochs);
  for (let e = 0; e < epochs; e++) {
    rng.shuffle(order);
    out.set(order, e * n);
  }
  return out;
}

/**
 * Floating-point operations of one training sample through an MLP of `sizes`: forward 2·in·out
 * per layer, dW 2·in·out per layer, dX 2·in·out per layer but the first (elementwise work and the
 * optimizer are not counted: they are O(in+out), not O(in·out)).
 */
export function mlpTrainFlops(sizes: readonly number[]): number {
  let f = 0;
  for (let i = 0; i + 1 < sizes.length; i++) f += 2 * sizes[i]! * sizes[i + 1]! * (i === 0 ? 2 : 3);
  return f;
}

/** The synthetic W2 data set: inputs in [0, 1) and one-hot labels of a random linear teacher. */
export interface W2Data {
  n: number;
  inputSize: number;
  classes: number;
  /** n×784 row-major. */
  x: Float32Array;
  /** n×10 one-hot, row-major. */
  y: Float32Array;
  labels: Int32Array;
}

/**
 * `n` samples: x uniform in [0, 1) (like scaled pixels, RandomState(seed).random()), label =
 * argmax over classes of (x − 0.5)·T for a teacher T ~ randn(784, 10), so the task is learnable.
 */
export function makeW2Data(n: number, seed = 2024): W2Data {
  const inputSize = W2_SIZES[0], classes = W2_SIZES[W2_SIZES.length - 1]!;
  const rng = new RandomState(seed);
  const teacher = rng.randnArray(inputSize * classes);
  const x = new Float32Array(n * inputSize);
  for (let i = 0; i < x.length; i++) x[i] = rng.random();
  const y = new Float32Array(n * classes);
  const labels = new Int32Array(n);
  const score = new Float64Array(classes);
  for (let r = 0; r < n; r++) {
    score.fill(0);
    for (let p = 0; p < inputSize; p++) {
      const v = x[r * inputSize + p]! - 0.5;
      for (let c = 0; c < classes; c++) score[c]! += v * teacher[p * classes + c]!;
    }
    let best = 0;
    for (let c = 1; c < classes; c++) if (score[c]! > score[best]!) best = c;
    labels[r] = best;
    y[r * classes + best] = 1;
  }
  return { n, inputSize, classes, x, y, labels };
}

/** A gemm problem: C (m×n) = op(A)·op(B), inner dimension k. */
export interface GemmShape {
  id: string;
  /** What it is, e.g. 'square' or 'W2 dW1 = Xᵀ·dY'. */
  what: string;
  m: number;
  n: number;
  k: number;
  transA: 0 | 1;
  transB: 0 | 1;
}

/** Square products n×n·n×n. */
export const squareShape = (n: number): GemmShape => ({ id: `${n}x${n}x${n}`, what: `square n=${n}`, m: n, n, k: n, transA: 0, transB: 0 });

/** The products one W2 training step runs (batch 64), in the kernel's (m, n, k, transA, transB). */
export const W2_SHAPES: readonly GemmShape[] = [
  { id: 'fwd1 64x784·784x256', what: 'W2 forward layer 1', m: 64, n: 256, k: 784, transA: 0, transB: 0 },
  { id: 'fwd2 64x256·256x128', what: 'W2 forward layer 2', m: 64, n: 128, k: 256, transA: 0, transB: 0 },
  { id: 'fwd3 64x128·128x10', what: 'W2 forward layer 3', m: 64, n: 10, k: 128, transA: 0, transB: 0 },
  { id: 'dW1 (64x784)ᵀ·64x256', what: 'W2 dW1 = Xᵀ·dZ1 (transA)', m: 784, n: 256, k: 64, transA: 1, transB: 0 },
  { id: 'dW2 (64x256)ᵀ·64x128', what: 'W2 dW2 (transA)', m: 256, n: 128, k: 64, transA: 1, transB: 0 },
  { id: 'dW3 (64x128)ᵀ·64x10', what: 'W2 dW3 (transA)', m: 128, n: 10, k: 64, transA: 1, transB: 0 },
  { id: 'dX2 64x128·(256x128)ᵀ', what: 'W2 dX2 = dZ2·W2ᵀ (transB)', m: 64, n: 256, k: 128, transA: 0, transB: 1 },
  { id: 'dX3 64x10·(128x10)ᵀ', what: 'W2 dX3 = dZ3·W3ᵀ (transB)', m: 64, n: 128, k: 10, transA: 0, transB: 1 },
];

/** The products one W4 training step runs (batch 64) that W2 does not already have. */
export const W4_SHAPES: readonly GemmShape[] = [
  { id: 'W4 fwd1 64x784·784x128', what: 'W4 forward layer 1', m: 64, n: 128, k: 784, transA: 0, transB: 0 },
  { id: 'W4 dW1 (64x784)ᵀ·64x128', what: 'W4 dW1 = Xᵀ·dZ1 (transA)', m: 784, n: 128, k: 64, transA: 1, transB: 0 },
];

/** Floating-point operations of one product (2·m·n·k). */
export const flops = (s: GemmShape): number => 2 * s.m * s.n * s.k;

/** Deterministic operands for a shape: A stored (transA ? k×m : m×k), B (transB ? n×k : k×n). */
export function gemmOperands(s: GemmShape, seed = 11): { a: Float32Array; b: Float32Array } {
  const rng = new RandomState(seed);
  const a = new Float32Array(s.m * s.k), b = new Float32Array(s.k * s.n);
  for (let i = 0; i < a.length; i++) a[i] = rng.random() - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = rng.random() - 0.5;
  return { a, b };
}
