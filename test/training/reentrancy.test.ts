// Re-entrancy and concurrency: every public method called from every training callback, and
// calls between the slices of trainAsync. The rule (src/nn/arena.ts): a network in training is
// busy; calls that would free, move or overwrite the memory training uses are rejected with an
// Error naming it busy; predict/forward/toJSON work (on temporary buffers). Each case checks
// that training's outcome is bit-identical to an undisturbed run, that a bystander network's
// outputs never change, and that no memory leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, NeuralNetwork, ReLU, Sigmoid, type TrainOptions } from '../../src/index.js';

beforeAll(async () => {
  await init({ threads: 1 });
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const big = Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i)]);
const make = () => new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 7, init: 'he' });
const weights = (n: NeuralNetwork) => n.layers.flatMap((l) => [...l.weights.data, ...l.bias.data]);

type Call = (net: NeuralNetwork) => unknown;
const calls: Record<string, { call: Call; busy: boolean }> = {
  dispose: { call: (n) => n.dispose(), busy: true },
  train: { call: (n) => n.train(X, Y, { epochs: 2 }), busy: true },
  resetOptimizer: { call: (n) => n.resetOptimizer(), busy: true },
  backward: { call: (n) => n.backward([[1], [1], [1], [1]], 0.1), busy: true },
  'layer.forward': { call: (n) => n.layers[0]!.forward([[1, 2]]), busy: true },
  'layer.backward': { call: (n) => n.layers[1]!.backward([[1], [1], [1], [1]]), busy: true },
  predict: { call: (n) => n.predict(X), busy: false },
  'predict (a larger batch)': { call: (n) => n.predict(big), busy: false },
  forward: { call: (n) => n.forward(big), busy: false },
  toJSON: { call: (n) => n.toJSON(), busy: false },
  'a new network': { call: () => make().dispose(), busy: false },
  'weights.get': { call: (n) => n.layers[0]!.weights.get(0, 0), busy: false },
};

const callbacks = ['onEpoch', 'onBatch'] as const;

describe('every public method from every callback', () => {
  for (const cb of callbacks) {
    for (const [name, { call, busy }] of Object.entries(calls)) {
      it(`${name} from ${cb}: ${busy ? 'rejected as busy' : 'works'}, training unchanged, bystander unchanged, no leak`, () => {
        const bystander = make();
        const seen = bystander.predict(big).data.slice();
        const opts: TrainOptions = { epochs: 6, learningRate: 0.5, batchSize: cb === 'onBatch' ? 2 : 4, seed: 1 };
        const control = make();
        // the control uses the same callback kind (onBatch forces the step path) without the call
        control.train(X, Y, { ...opts, [cb]: () => undefined });
        const net = make();
        net.predict(X); // its own workspace for this batch size, before measuring
        const used = backendInfo().usedBytes;
        const errors: unknown[] = [];
        let returned: unknown = null;
        net.train(X, Y, {
          ...opts,
          [cb]: () => {
            try {
              returned = call(net);
            } catch (e) {
              errors.push(e);
            }
          },
        });
        if (busy) {
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).constructor).toBe(Error);
            expect((e as Error).message).toMatch(/this network is busy: NeuralNetwork\.train is training it/);
          }
        } else {
          expect(errors).toEqual([]);
          expect(returned).not.toBeNull();
        }
        expect(weights(net)).toEqual(weights(control));
        expect(backendInfo().usedBytes).toBe(used);
        expect(Array.from(bystander.predict(big).data)).toEqual(Array.from(seen));
        // after training the network is idle again: everything works
        expect(() => net.resetOptimizer()).not.toThrow();
        net.dispose();
        control.dispose();
        bystander.dispose();
      });
    }
  }

  it('a trainAsync from a callback rejects as busy (a rejected promise, no raw error)', async () => {
    const net = make();
    const pending: Promise<unknown>[] = [];
    net.train(X, Y, { epochs: 2, onEpoch: () => void pending.push(net.trainAsync(X, Y, { epochs: 1 })) });
    for (const p of pending) await expect(p).rejects.toThrow(/busy/);
    net.dispose();
  });
});

describe('concurrency of trainAsync', () => {
  it('a second trainAsync or a train() while one runs is rejected; the first ends as if alone', async () => {
    const control = make();
    const alone = await control.trainAsync(X, Y, { epochs: 3000, learningRate: 0.3, yieldEvery: 1 });
    const net = make();
    const first = net.trainAsync(X, Y, { epochs: 3000, learningRate: 0.3, yieldEvery: 1 });
    await expect(net.trainAsync(X, Y, { epochs: 10 })).rejects.toThrow(/NeuralNetwork\.trainAsync: this network is busy/);
    expect(() => net.train(X, Y, { epochs: 1 })).toThrow(/NeuralNetwork\.train: this network is busy/);
    expect(() => net.dispose()).toThrow(/NeuralNetwork\.dispose: this network is busy/);
    const result = await first;
    expect(result.loss).toEqual(alone.loss);
    expect(weights(net)).toEqual(weights(control));
    net.dispose();
    control.dispose();
  });

  it('between async slices: predict on a large batch works and changes no other network', async () => {
    const bystander = make();
    const before = Array.from(bystander.predict(big).data);
    const net = make();
    const running = net.trainAsync(X, Y, { epochs: 4000, learningRate: 0.3, yieldEvery: 1 });
    let predictions = 0;
    while (predictions < 20) {
      await new Promise((r) => setTimeout(r, 0));
      const p = net.predict(big);
      expect(p.rows).toBe(big.length);
      expect(Array.from(bystander.predict(big).data)).toEqual(before);
      predictions++;
    }
    await running;
    expect(Array.from(bystander.predict(big).data)).toEqual(before);
    net.dispose();
    bystander.dispose();
  });

  it('several networks training at once, with predictions in between, each as if alone', async () => {
    const seeds = [1, 2, 3];
    const alone = seeds.map((s) => {
      const n = new NeuralNetwork([2, 6, 1], [new ReLU(), new Sigmoid()], { seed: s });
      n.train(X, Y, { epochs: 2000, learningRate: 0.5 });
      const w = weights(n);
      n.dispose();
      return w;
    });
    const nets = seeds.map((s) => new NeuralNetwork([2, 6, 1], [new ReLU(), new Sigmoid()], { seed: s }));
    const runs = nets.map((n) => n.trainAsync(X, Y, { epochs: 2000, learningRate: 0.5, yieldEvery: 1, onProgress: () => void nets[0]!.predict(big) }));
    await Promise.all(runs);
    nets.forEach((n, i) => expect(weights(n)).toEqual(alone[i]));
    nets.forEach((n) => n.dispose());
  });
});
