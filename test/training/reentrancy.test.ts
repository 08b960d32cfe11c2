// Re-entrancy and concurrency: every public method called from every training callback, and
// calls between the slices of trainAsync. The rule (src/nn/arena.ts): a network in training is
// busy; calls that would free, move or overwrite the memory training uses are rejected with an
// Error naming it busy; predict/forward/toJSON work (on temporary buffers). Each case checks
// that training's outcome is bit-identical to an undisturbed run, that a bystander network's
// outputs never change, and that no memory leaks.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, backendInfo, init, Layer, Linear, Matrix, NeuralNetwork, ReLU, SGD, Sigmoid, Tanh, type MatrixLike, type TrainOptions,
} from '../../src/index.js';

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

/**
 * After a call that ran user code: `net` trained exactly as `control`, memory as `used`, the
 * bystander's outputs as `seen`, and `net` idle again (then all three are disposed).
 */
function expectTrainedAsControlAndIdle(o: { net: NeuralNetwork; control: NeuralNetwork; bystander: NeuralNetwork; seen: Float32Array; used: number }): void {
  expect(weights(o.net)).toEqual(weights(o.control));
  expect(backendInfo().usedBytes).toBe(o.used);
  expect(Array.from(o.bystander.predict(big).data)).toEqual(Array.from(o.seen));
  expect(() => o.net.resetOptimizer()).not.toThrow();
  for (const n of [o.net, o.control, o.bystander]) n.dispose();
}

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
        expectTrainedAsControlAndIdle({ net, control, bystander, seen, used });
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

describe('user code run while train() sets up (an options getter, a custom optimizer\'s toJSON)', () => {
  class HookedSGD extends SGD {
    hook: (() => void) | null = null;
    calls = 0;
    override toJSON() {
      this.calls++;
      this.hook?.();
      return super.toJSON();
    }
  }
  const sources: Record<string, (call: () => void) => TrainOptions> = {
    'an options getter': (call) => ({ learningRate: 0.5, seed: 1, get epochs() { call(); return 6; } }),
    "the optimizer's toJSON": (call) => {
      const o = new HookedSGD();
      o.hook = call;
      return { epochs: 6, learningRate: 0.5, seed: 1, optimizer: o };
    },
  };
  for (const [source, options] of Object.entries(sources)) {
    for (const [name, { call, busy }] of Object.entries(calls)) {
      it(`${name} from ${source}: ${busy ? 'rejected as busy' : 'works'}, training unchanged, bystander unchanged, no leak`, () => {
        const bystander = make();
        const seen = bystander.predict(big).data.slice();
        const control = make();
        control.train(X, Y, options(() => undefined));
        const net = make();
        net.predict(X);
        const used = backendInfo().usedBytes;
        const errors: unknown[] = [];
        net.train(X, Y, options(() => {
          try {
            call(net);
          } catch (e) {
            errors.push(e);
          }
        }));
        if (busy) {
          expect(errors.length).toBe(1);
          expect((errors[0] as Error).constructor).toBe(Error);
          expect((errors[0] as Error).message).toMatch(/this network is busy: NeuralNetwork\.train is training it/);
        } else expect(errors).toEqual([]);
        expect(net.disposed).toBe(false);
        expectTrainedAsControlAndIdle({ net, control, bystander, seen, used });
      });
    }
  }

  it('a network disposed and its memory handed to a new one during setup: rejected, the new network untouched', () => {
    const a = make();
    let b: NeuralNetwork | null = null;
    const fresh = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
    const opts = {
      learningRate: 0.5,
      get epochs() {
        try {
          a.dispose();
        } finally {
          b = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
        }
        return 50;
      },
    };
    expect(() => a.train(X, Y, opts)).toThrow(/NeuralNetwork\.train: reading options\.epochs failed \(NeuralNetwork\.dispose: this network is busy/);
    expect(a.disposed).toBe(false);
    expect(weights(b!)).toEqual(weights(fresh));
    expect(() => a.train(X, Y, { epochs: 1 })).not.toThrow(); // idle again
    for (const n of [a, b!, fresh]) n.dispose();
  });

  it("reads every option once: a getter that changes its answer gives what it said first", () => {
    const net = make(), control = make();
    let reads = 0;
    const seen: number[] = [];
    const onEpoch = (e: number) => void seen.push(e);
    net.train(X, Y, { epochs: 3, get onEpoch(): any { return ++reads === 1 ? onEpoch : 42; } });
    expect(reads).toBe(1);
    expect(seen).toEqual([0, 1, 2]);
    control.train(X, Y, { epochs: 3 });
    expect(weights(net)).toEqual(weights(control));
    net.dispose();
    control.dispose();
  });

  it('the targets checked are the targets trained on: a getter changing a Matrix y is seen before the check', () => {
    const net = make();
    const before = weights(net);
    const x = Matrix.from(X), y = Matrix.from(Y);
    const opts = { epochs: 3, learningRate: 0.1, get batchSize() { y.data[0] = 1000; return 4; } };
    expect(() => net.train(x, y, opts)).toThrow(/NeuralNetwork\.train: target\[0\]\[0\] is 1000; binary cross-entropy targets must lie in \[0, 1\]/);
    expect(weights(net)).toEqual(before);
    expect(net.trainingConfig).toBeNull();
    const xs = Matrix.from(X);
    const nan = { epochs: 3, get learningRate() { xs.data[0] = NaN; return 0.1; } };
    expect(() => net.train(xs, Matrix.from(Y), nan)).toThrow(/NeuralNetwork\.train: input\[0\]\[0\] is NaN/);
    expect(net.trainingConfig).toBeNull();
    net.dispose();
  });

  it("calls the optimizer's toJSON once per train(); one that throws is named, and the network is left as it was and idle", () => {
    const net = make();
    const o = new HookedSGD();
    net.train(X, Y, { epochs: 3, optimizer: o });
    expect(o.calls).toBe(1);
    expect(net.trainingConfig).toEqual({ optimizer: { name: 'sgd' }, loss: 'binaryCrossEntropy' });
    const before = weights(net);
    o.hook = () => {
      throw new Error('toJSON boom');
    };
    expect(() => net.train(X, Y, { epochs: 3, optimizer: o })).toThrow(/NeuralNetwork\.train: optimizer: toJSON\(\) failed \(toJSON boom\)/);
    expect(weights(net)).toEqual(before);
    expect(() => net.train(X, Y, { epochs: 1 })).not.toThrow();
    net.dispose();
  });
});

describe('user code run by predict, forward, backward and a layer (a custom activation)', () => {
  /** tanh, computed in TS, calling `hook` once from its forward or backward. */
  class HookedTanh extends Activation {
    readonly name = 'hookedTanh';
    hook: (() => void) | null = null;
    #run() {
      const h = this.hook;
      this.hook = null;
      h?.();
    }
    forward(x: MatrixLike): Matrix {
      this.#run();
      const m = Matrix.from(x);
      return new Matrix(m.rows, m.cols, m.data.map(Math.tanh));
    }
    backward(x: MatrixLike): Matrix {
      this.#run();
      const m = Matrix.from(x);
      return new Matrix(m.rows, m.cols, m.data.map((v) => 1 - Math.tanh(v) ** 2));
    }
  }
  const makeHooked = () => {
    const act = new HookedTanh();
    return { act, net: new NeuralNetwork([2, 8, 1], [act, new Sigmoid()], { seed: 7, init: 'he' }) };
  };
  const entries: Record<string, { prepare?: (n: NeuralNetwork) => void; run: (n: NeuralNetwork) => unknown; op: string }> = {
    predict: { run: (n) => Array.from(n.predict(X).data), op: 'NeuralNetwork.predict' },
    forward: { run: (n) => Array.from(n.forward(X).data), op: 'NeuralNetwork.forward' },
    backward: {
      prepare: (n) => void n.forward(X),
      run: (n) => {
        n.backward([[1], [-1], [1], [-1]], 0.1);
        return weights(n);
      },
      op: 'NeuralNetwork.backward',
    },
    'layer.forward': { run: (n) => Array.from(n.layers[0]!.forward(X).data), op: 'Layer.forward' },
  };
  for (const [entry, { prepare, run, op }] of Object.entries(entries)) {
    for (const [name, { call, busy }] of Object.entries(calls)) {
      it(`${name} from the activation during ${entry}: ${busy ? 'rejected as busy' : 'works'}; the result, a bystander and memory unchanged`, () => {
        const bystander = make();
        const seen = Array.from(bystander.predict(big).data);
        const control = makeHooked();
        prepare?.(control.net);
        const expected = run(control.net);
        const { act, net } = makeHooked();
        net.predict(big); // buffers for the largest batch, before measuring
        prepare?.(net);
        const used = backendInfo().usedBytes;
        const errors: unknown[] = [];
        act.hook = () => {
          try {
            call(net);
          } catch (e) {
            errors.push(e);
          }
        };
        const got = run(net);
        expect(act.hook).toBeNull(); // it ran
        if (busy) {
          expect(errors.length).toBe(1);
          expect((errors[0] as Error).constructor).toBe(Error);
          expect((errors[0] as Error).message).toContain(`this network is busy: ${op} is running on it`);
        } else expect(errors).toEqual([]);
        expect(net.disposed).toBe(false);
        expect(got).toEqual(expected);
        expect(backendInfo().usedBytes).toBe(used);
        expect(Array.from(bystander.predict(big).data)).toEqual(seen);
        net.dispose();
        control.net.dispose();
        bystander.dispose();
      });
    }
  }
  it('a disposed network whose memory went to a new one mid-predict: rejected, the new network untouched', () => {
    const { act, net } = makeHooked();
    net.predict([[1, 2], [3, 4]]);
    let other: NeuralNetwork | null = null;
    act.hook = () => {
      try {
        net.dispose();
      } finally {
        other = new NeuralNetwork([50, 50, 1], [new Sigmoid(), new Sigmoid()], { seed: 3 });
      }
    };
    expect(() => net.predict([[1, 2], [3, 4]])).toThrow(/NeuralNetwork\.dispose: this network is busy: NeuralNetwork\.predict is running on it/);
    const ref = new NeuralNetwork([50, 50, 1], [new Sigmoid(), new Sigmoid()], { seed: 3 });
    expect(weights(other!)).toEqual(weights(ref));
    expect(net.predict([[1, 2]]).rows).toBe(1); // idle again
    for (const n of [net, other!, ref]) n.dispose();
  });

  it('a standalone layer cannot be disposed by its own activation mid-forward or mid-backward', () => {
    for (const during of ['forward', 'backward'] as const) {
      const act = new HookedTanh();
      const layer = new Layer(2, 3, act, { init: 'he' });
      layer.forward(X);
      const errors: unknown[] = [];
      act.hook = () => {
        try {
          layer.dispose();
        } catch (e) {
          errors.push(e);
        }
      };
      if (during === 'forward') layer.forward(X);
      else layer.backward([[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]]);
      expect(errors.map((e) => (e as Error).message)).toEqual([`Layer.dispose: this layer is busy: Layer.${during} is running on it, and code it calls (a custom activation) cannot dispose it meanwhile`]);
      expect(layer.disposed).toBe(false);
      layer.dispose();
    }
  });
});

describe('trainAsync and its AbortSignal', () => {
  it('aborted before the call: 0 epochs, and the optimizer state and trainingConfig stay as they were', async () => {
    const a = make(), control = make();
    for (const n of [a, control]) n.train(X, Y, { epochs: 5, optimizer: 'momentum', learningRate: 0.1 });
    const config = a.trainingConfig;
    const ac = new AbortController();
    ac.abort();
    const r = await a.trainAsync(X, Y, { epochs: 100, optimizer: 'adam', signal: ac.signal });
    expect([r.epochs, r.stopped, r.stopReason]).toEqual([0, true, 'aborted']);
    expect(a.trainingConfig).toEqual(config);
    for (const n of [a, control]) n.train(X, Y, { epochs: 5, optimizer: 'momentum', learningRate: 0.1 });
    expect(weights(a)).toEqual(weights(control)); // the momentum kept its velocity
    a.dispose();
    control.dispose();
  });

  it('aborted from onEpoch (or onBatch): stops after that epoch, whatever the slice length', async () => {
    for (const cb of ['onEpoch', 'onBatch'] as const) {
      for (const yieldEvery of [1000, 16]) {
        const net = make();
        const ac = new AbortController();
        let seen = -1;
        const hook = (...args: number[]) => {
          const epoch = cb === 'onEpoch' ? args[0]! : args[2]!;
          seen = epoch;
          if (epoch === 2) ac.abort();
        };
        const r = await net.trainAsync(X, Y, { epochs: 50, batchSize: 2, signal: ac.signal, yieldEvery, [cb]: hook });
        expect([r.epochs, r.stopped, r.stopReason, seen], `${cb}, yieldEvery ${yieldEvery}`).toEqual([3, true, 'aborted', 2]);
        net.dispose();
      }
    }
  });

  it('aborted between slices after an update that overflowed: TrainingDivergedError and the weights before it, as train() does', async () => {
    const net = new NeuralNetwork([1, 1], [new Linear()], { seed: 1 });
    const before = weights(net);
    const ac = new AbortController();
    const run = net.trainAsync([[1e15]], [[0]], { epochs: 1000, learningRate: 1e20, loss: 'meanSquaredError', signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/NeuralNetwork\.trainAsync: the last update at epoch 0 made a weight -?Infinity; the weights are those before it/);
    expect(weights(net)).toEqual(before);
    expect(weights(net).every(Number.isFinite)).toBe(true);
    net.dispose();
  });

  it('a throwing options getter or signal is a named Error, and the network is unchanged', async () => {
    const net = make();
    const before = weights(net);
    await expect(net.trainAsync(X, Y, { get epochs(): number { throw 'x'; } })).rejects.toThrow(/^NeuralNetwork\.trainAsync: reading options\.epochs failed \(x\)$/);
    await expect(net.trainAsync(X, Y, { get signal(): AbortSignal { throw 'x'; } })).rejects.toThrow(/^NeuralNetwork\.trainAsync: reading options\.signal failed \(x\)$/);
    const throwing = { get aborted(): boolean { throw 'x'; } } as unknown as AbortSignal;
    await expect(net.trainAsync(X, Y, { epochs: 10, signal: throwing })).rejects.toThrow(/^NeuralNetwork\.trainAsync: reading signal\.aborted failed \(x\)$/);
    const revoked = Proxy.revocable({ aborted: false }, {});
    revoked.revoke();
    await expect(net.trainAsync(X, Y, { epochs: 10, signal: revoked.proxy as unknown as AbortSignal })).rejects.toThrow(/^NeuralNetwork\.trainAsync: reading options\.signal failed/);
    expect(weights(net)).toEqual(before);
    expect(net.trainingConfig).toBeNull();
    net.dispose();
  });
});
