/**
 * One training run of the sweep: the setups (data set, layer sizes, activation, init, optimizer),
 * a seeded network trained on one, and what the run reports (final loss and accuracy, epochs to
 * the threshold, dead units, the loss curve when a plot needs it).
 *
 * @module
 */
import {
  circle, moons, NeuralNetwork, Sigmoid, spirals, TrainingDivergedError, xor, type Activation, type ToyDataset, type Init,
} from '../../src/index.js';
import { builtinActivation } from '../../src/nn/serialize.js';

export type Act = 'relu' | 'leaky' | 'tanh' | 'sigmoid';
export type DataName = 'xor' | 'circle' | 'moons' | 'spirals';
export type Opt = 'sgd' | 'momentum' | 'adam';

/** One training setup; a run is a setup plus a seed. */
export interface Setup {
  data: DataName;
  sizes: number[];
  act: Act;
  init: Init;
  epochs: number;
  lr: number;
  optimizer: Opt;
}

export interface Job extends Setup {
  id: number;
  seed: number;
  /** Send the whole loss curve back (for plots). */
  curve: boolean;
}

export interface Outcome {
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
export const THRESHOLD = 0.1;
export const LN2 = Math.log(2);
export const ACTS: Act[] = ['relu', 'leaky', 'tanh', 'sigmoid'];
export const ACT_NAME: Record<Act, string> = { relu: 'ReLU', leaky: 'LeakyReLU(0.01)', tanh: 'Tanh', sigmoid: 'Sigmoid' };
export const ACT_COLOR: Record<Act, string> = { relu: '#1f77b4', leaky: '#17becf', tanh: '#2ca02c', sigmoid: '#d62728' };

/** The activation of a hidden layer: the library's built-in, by the name it saves (LeakyReLU's slope 0.01). */
const KERNEL_NAME: Record<Act, string> = { relu: 'relu', leaky: 'leakyRelu', tanh: 'tanh', sigmoid: 'sigmoid' };
const makeAct = (a: Act): Activation => builtinActivation(KERNEL_NAME[a])!;

const dataCache = new Map<DataName, ToyDataset>();
/** The data sets, all with their default options (n = 200, data seed 0) except XOR: the chapter's 4 points. */
export function data(name: DataName): ToyDataset {
  let d = dataCache.get(name);
  if (!d) {
    d = name === 'xor' ? xor() : name === 'circle' ? circle() : name === 'moons' ? moons() : spirals();
    dataCache.set(name, d);
  }
  return d;
}

export function buildNet(s: Setup, seed: number): NeuralNetwork {
  const hidden = s.sizes.length - 2;
  const acts = [...Array.from({ length: hidden }, () => makeAct(s.act)), new Sigmoid()];
  return new NeuralNetwork(s.sizes, acts, { seed, init: s.init });
}

export function trainNet(net: NeuralNetwork, s: Setup, d: ToyDataset): { curve: number[]; diverged: boolean } {
  try {
    const r = net.train(d.x, d.y, { epochs: s.epochs, learningRate: s.lr, optimizer: s.optimizer, loss: 'binaryCrossEntropy' });
    return { curve: r.loss, diverged: false };
  } catch (e) {
    if (e instanceof TrainingDivergedError) return { curve: e.loss, diverged: true };
    throw e;
  }
}

export function runJob(job: Job): Outcome {
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
export function cost(s: Setup): number {
  const rows = data(s.data).labels.length;
  let macs = 0, acts = 0;
  for (let i = 0; i + 1 < s.sizes.length; i++) {
    macs += s.sizes[i]! * s.sizes[i + 1]!;
    if (i + 2 < s.sizes.length) acts += s.sizes[i + 1]!;
  }
  const actCost = s.act === 'tanh' ? 12 : s.act === 'sigmoid' ? 8 : 1;
  return s.epochs * (rows * (3 * macs + actCost * acts) + 60);
}
