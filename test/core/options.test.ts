// Every public call reads its options through readOptions (src/core/validate.ts): an unknown key
// (a typo) is an Error naming the call, the key, the nearest known key and the known ones; a
// rejected call changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, init, Layer, Matrix, matmul, Momentum, NeuralNetwork, ReLU, RMSprop, Sigmoid,
} from '../../src/index.js';

beforeAll(async () => {
  await init({ threads: 1 });
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const make = () => new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
const weights = (n: NeuralNetwork) => JSON.stringify(n.toJSON());

describe('unknown option keys are refused, with the nearest known one', () => {
  it('train: a typo, and trainAsync-only keys', () => {
    const net = make(), before = weights(net);
    expect(() => net.train(X, Y, { learningrate: 1 } as never)).toThrow(
      /^NeuralNetwork\.train: unknown option "learningrate"; did you mean "learningRate"\? \(known: epochs, learningRate, /,
    );
    expect(() => net.train(X, Y, { epoch: 5 } as never)).toThrow(/unknown option "epoch"; did you mean "epochs"\?/);
    // train() is synchronous: an AbortSignal would never be looked at
    expect(() => net.train(X, Y, { signal: new AbortController().signal } as never)).toThrow(/NeuralNetwork\.train: unknown option "signal" \(known: /);
    expect(() => net.train(X, Y, { earlyStopping: { patiance: 2 } } as never)).toThrow(
      /NeuralNetwork\.train: earlyStopping: unknown option "patiance"; did you mean "patience"\?/,
    );
    expect(() => net.train(X, Y, { schedule: { type: 'step', every: 2, factr: 0.5 } } as never)).toThrow(
      /NeuralNetwork\.train: schedule: unknown option "factr"; did you mean "factor"\?/,
    );
    expect(weights(net)).toBe(before);
    expect(net.trainingConfig).toBeNull();
    net.dispose();
  });

  it('trainAsync takes its own keys and train()\'s together, and refuses others', async () => {
    const net = make(), before = weights(net);
    await expect(net.trainAsync(X, Y, { epochs: 2, yieldevery: 5 } as never)).rejects.toThrow(
      /^NeuralNetwork\.trainAsync: unknown option "yieldevery"; did you mean "yieldEvery"\?/,
    );
    await expect(net.trainAsync(X, Y, { epochs: 2, learningrate: 1 } as never)).rejects.toThrow(/trainAsync: unknown option "learningrate"/);
    expect(weights(net)).toBe(before);
    let progress = 0;
    const r = await net.trainAsync(X, Y, { epochs: 3, learningRate: 0.1, yieldEvery: 5, onProgress: () => { progress++; }, signal: new AbortController().signal });
    expect(r.loss).toHaveLength(3);
    expect(progress).toBeGreaterThan(0);
    net.dispose();
  });

  it('constructors, matmul, optimizers, export and import', () => {
    expect(() => new NeuralNetwork([2, 1], [new Sigmoid()], { seeed: 1 } as never)).toThrow(
      /^NeuralNetwork: unknown option "seeed"; did you mean "seed"\? \(known: seed, rng, init\)$/,
    );
    expect(() => new Layer(2, 1, new Sigmoid(), { Init: 'he' } as never)).toThrow(/^Layer: unknown option "Init"; did you mean "init"\?/);
    const a = new Matrix(2, 2, new Float32Array([1, 2, 3, 4]));
    expect(() => matmul(a, a, { transposea: true } as never)).toThrow(/^matmul: unknown option "transposea"; did you mean "transposeA"\?/);
    expect(matmul(a, a, { transposeA: true }).toArray()).toEqual([[10, 14], [14, 20]]);
    expect(() => new Adam({ beta_1: 0.8 } as never)).toThrow(/^Adam: unknown option "beta_1"; did you mean "beta1"\?/);
    expect(() => new Momentum({ nesterow: true } as never)).toThrow(/^Momentum: unknown option "nesterow"; did you mean "nesterov"\?/);
    expect(() => new RMSprop({ decay: 0.9 } as never)).toThrow(/^RMSprop: unknown option "decay" \(known: rho, epsilon\)$/);
    const net = make();
    expect(() => net.toONNX({ opSet: 13 } as never)).toThrow(/^NeuralNetwork\.toONNX: unknown option "opSet"; did you mean "opset"\?/);
    expect(() => NeuralNetwork.fromJSON(net.toJSON(), { activation: {} } as never)).toThrow(
      /^NeuralNetwork\.fromJSON: unknown option "activation"; did you mean "activations"\?/,
    );
    net.dispose();
  });

  it('a key far from every known one gets no guess; a huge key is cut in the message', () => {
    const net = make();
    expect(() => net.train(X, Y, { colour: 'red' } as never)).toThrow(/^NeuralNetwork\.train: unknown option "colour" \(known: /);
    const long = 'x'.repeat(100_000);
    let message = '';
    try {
      net.train(X, Y, { [long]: 1 } as never);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown option "x{40}…" \(known: /);
    expect(message.length).toBeLessThan(400);
    net.dispose();
  });
});

describe('built-in learning-rate schedules', () => {
  it('a factor or rate of 0 is refused; a rate that grows beyond float32 stops the run before that epoch, and changes nothing', () => {
    const net = make(), before = weights(net);
    expect(() => net.train(X, Y, { schedule: { type: 'step', every: 2, factor: 0 } })).toThrow(/schedule\.factor must be a finite number > 0, got 0/);
    expect(() => net.train(X, Y, { schedule: { type: 'exponential', rate: 0 } })).toThrow(/schedule\.rate must be a finite number > 0, got 0/);
    expect(() => net.train(X, Y, { epochs: 10, learningRate: 0.1, schedule: { type: 'exponential', rate: 1e10 } })).toThrow(
      /^NeuralNetwork\.train: schedule gives a learningRate of 1\.0+1e\+39 at epoch 4, beyond float32$/,
    );
    expect(weights(net)).toBe(before);
    // a function schedule is asked once per epoch (the kernel loop's plan used to ask for epoch 0 twice)
    const asked: number[] = [];
    net.train(X, Y, { epochs: 3, learningRate: 0.1, schedule: (e, lr0) => (asked.push(e), lr0) });
    expect(asked).toEqual([0, 1, 2]);
    net.resetOptimizer();
    // a decay towards 0 over a long run is allowed (those steps change nothing)
    const r = net.train(X, Y, { epochs: 400, learningRate: 0.1, schedule: { type: 'exponential', rate: 0.1 } });
    expect(r.loss.every(Number.isFinite)).toBe(true);
    net.dispose();
  });
});
