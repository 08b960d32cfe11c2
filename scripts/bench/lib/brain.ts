/**
 * brain.js (1.6.1) peer for W1. It is a different algorithm, not just a different engine:
 * one activation for every layer (we keep its default, sigmoid; it has no ReLU-hidden /
 * sigmoid-output mix), online updates (one step per sample, 4 per epoch), momentum 0.1 (its
 * default; it rejects 0), and the error it descends is the squared error (target − output),
 * not binary cross-entropy. Its `errorThresh` must be > 0, so 1e-12 stands for "never stop".
 * We start it from the chapter's seed-42 weights through its JSON format.
 *
 * @module
 */
import type { LayerParams } from './data.js';
import { now } from './timing.js';

interface BrainNet {
  train(data: { input: number[]; output: number[] }[], options: Record<string, unknown>): { error: number; iterations: number };
  run(input: number[]): ArrayLike<number>;
  fromJSON(json: unknown): BrainNet;
}
interface BrainModule {
  NeuralNetwork: new (options?: Record<string, unknown>) => BrainNet;
}

/** The brain.js module and its version; throws when it cannot be imported. */
export async function loadBrain(): Promise<{ brain: BrainModule; version: string }> {
  const mod = (await import('brain.js')) as unknown as { default?: BrainModule } & BrainModule;
  const brain = mod.NeuralNetwork ? mod : mod.default;
  if (!brain?.NeuralNetwork) throw new Error('brain.js has no NeuralNetwork export');
  const { createRequire } = await import('node:module');
  const version = (createRequire(import.meta.url)('brain.js/package.json') as { version: string }).version;
  return { brain, version };
}

/** brain.js's JSON for a [2, 4, 1] network with our weights (node j of layer l: weights[k] = W[k][j]). */
function toBrainJson(params: readonly LayerParams[]): unknown {
  const sizes = [params[0]!.inputSize, ...params.map((p) => p.outputSize)];
  const layers: Record<string, unknown>[] = [Object.fromEntries(Array.from({ length: sizes[0]! }, (_, i) => [String(i), {}]))];
  for (const p of params) {
    const layer: Record<string, unknown> = {};
    for (let j = 0; j < p.outputSize; j++) {
      const weights: Record<string, number> = {};
      for (let k = 0; k < p.inputSize; k++) weights[String(k)] = p.weights[k * p.outputSize + j]!;
      layer[String(j)] = { bias: p.bias[j]!, weights };
    }
    layers.push(layer);
  }
  return { sizes, layers, outputLookup: false, inputLookup: false, activation: 'sigmoid' };
}

/** What one brain.js W1 run did. */
export interface BrainRun {
  ms: number;
  iterations: number;
  /** Its own training error (mean squared error) at the end. */
  error: number;
  /** The chapter's BCE of its predictions after training (for the record; a different model). */
  bce: number;
}

/** Train brain.js on XOR for `iterations` iterations (learningRate `lr`), timed. */
export function brainXor(brain: BrainModule, params: readonly LayerParams[], iterations: number, lr: number): BrainRun {
  const net = new brain.NeuralNetwork({ hiddenLayers: [params[0]!.outputSize] }).fromJSON(toBrainJson(params));
  const data = [
    { input: [0, 0], output: [0] },
    { input: [0, 1], output: [1] },
    { input: [1, 0], output: [1] },
    { input: [1, 1], output: [0] },
  ];
  const t = now();
  const status = net.train(data, { iterations, errorThresh: 1e-12, learningRate: lr, log: false });
  const ms = now() - t;
  let bce = 0;
  for (const d of data) {
    const p = net.run(d.input)[0]!, y = d.output[0]!;
    bce += y * Math.log(p + 1e-15) + (1 - y) * Math.log(1 - p + 1e-15);
  }
  return { ms, iterations: status.iterations, error: status.error, bce: -bce / data.length };
}
