// Saving and loading networks (src/nn/serialize.ts, NeuralNetwork.toJSON / fromJSON).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, Adam, backendInfo, init, LeakyReLU, Linear, Loss, Matrix, MeanSquaredError, NeuralNetwork, Optimizer, ReLU, Sigmoid, Softmax, Tanh, seed, TrainingDivergedError,
  type FromJSONOptions, type MatrixLike,
} from '../../src/index.js';
import { globalRandom } from '../../src/core/random.js';
import { expectRejects } from '../support/rejects.js';

beforeAll(async () => {
  await init();
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];

function trained(): NeuralNetwork {
  const net = new NeuralNetwork([2, 5, 3, 1], [new LeakyReLU(0.05), new Tanh(), new Sigmoid()], { seed: 7, init: 'xavier' });
  net.train(X, y, { epochs: 50, learningRate: 0.05, optimizer: 'adam' });
  return net;
}

describe('toJSON / fromJSON', () => {
  it('round-trips exactly: same weights bit for bit, same predictions, through JSON text', () => {
    const net = trained();
    const text = JSON.stringify(net.toJSON());
    const again = NeuralNetwork.fromJSON(text);
    expect(again.layerSizes).toEqual([2, 5, 3, 1]);
    again.layers.forEach((l, i) => {
      expect(Array.from(l.weights.data)).toEqual(Array.from(net.layers[i]!.weights.data));
      expect(Array.from(l.bias.data)).toEqual(Array.from(net.layers[i]!.bias.data));
    });
    expect((again.layers[0]!.activation as LeakyReLU).slope).toBe(0.05);
    expect(again.predict(X).toArray()).toEqual(net.predict(X).toArray());
    expect(again.toJSON()).toEqual(net.toJSON());
    net.dispose();
    again.dispose();
  });

  it('is versioned and complete: architecture, activations, weights, optimizer and loss', () => {
    const net = trained();
    const doc = net.toJSON();
    expect(doc).toMatchObject({
      format: 'scratchnet', version: 1, layerSizes: [2, 5, 3, 1],
      activations: [{ name: 'leakyRelu', slope: 0.05 }, { name: 'tanh' }, { name: 'sigmoid' }],
      training: { optimizer: { name: 'adam', beta1: 0.9, beta2: 0.999 }, loss: 'binaryCrossEntropy' },
    });
    expect(doc.layers[0]!.weights).toHaveLength(10);
    expect(NeuralNetwork.fromJSON(doc).trainingConfig).toEqual(net.trainingConfig);
    net.dispose();
  });

  it('saves the optimizer state: training resumed after a reload goes on bit for bit as without the save', () => {
    // a custom optimizer with a state array and a step (heavy ball with a step-dependent rate)
    class Heavy extends Optimizer {
      readonly name = 'heavy';
      override readonly stateArrays = 1;
      update(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], lr: number, step: number): void {
        const v = state[0]!;
        for (let i = 0; i < param.length; i++) {
          v[i] = 0.8 * v[i]! + grad[i]!;
          param[i] = param[i]! - (lr / Math.sqrt(step)) * v[i]!;
        }
      }
    }
    const factories: FromJSONOptions = { optimizers: { heavy: () => new Heavy() } };
    for (const optimizer of ['momentum', 'nesterov', 'adam', 'rmsprop', () => new Heavy()] as const) {
      const opt = () => (typeof optimizer === 'function' ? optimizer() : optimizer);
      const o = { epochs: 7, learningRate: 0.05, batchSize: 3, shuffle: true, seed: 2 };
      const make = () => new NeuralNetwork([2, 6, 1], [new Tanh(), new Sigmoid()], { seed: 3, init: 'xavier' });
      const straight = make(), saved = make();
      const full = straight.train(X, y, { ...o, optimizer: opt() }).loss.concat(straight.train(X, y, { ...o, optimizer: opt() }).loss);
      const first = saved.train(X, y, { ...o, optimizer: opt() }).loss;
      const doc = JSON.parse(JSON.stringify(saved.toJSON()));
      saved.dispose();
      expect(doc.training.state.step).toBe(7 * 2); // 7 epochs of 2 batches
      const back = NeuralNetwork.fromJSON(doc, factories);
      const rest = back.train(X, y, { ...o, optimizer: opt() }).loss;
      expect(first.concat(rest), String(optimizer)).toEqual(full);
      back.layers.forEach((l, i) => expect(Array.from(l.weights.data)).toEqual(Array.from(straight.layers[i]!.weights.data)));
      expect(back.toJSON()).toEqual(straight.toJSON());
      // other settings (or resetOptimizer) start afresh, as in one process
      back.resetOptimizer();
      expect(back.toJSON().training!.state).toBeUndefined();
      straight.dispose();
      back.dispose();
    }
  });

  it('a checkpoint saved from onEpoch records the running call (settings and state), and resumes bit for bit', () => {
    const o = { learningRate: 0.05, batchSize: 2, shuffle: false };
    const make = () => new NeuralNetwork([2, 5, 1], [new Tanh(), new Sigmoid()], { seed: 4, init: 'xavier' });
    const straight = make(), ckptd = make();
    straight.train(X, y, { ...o, epochs: 3, optimizer: 'sgd' });
    ckptd.train(X, y, { ...o, epochs: 3, optimizer: 'sgd' });
    const adam = new Adam({ beta1: 0.5 });
    straight.train(X, y, { ...o, epochs: 8, optimizer: adam });
    let checkpoint: ReturnType<NeuralNetwork['toJSON']> | null = null;
    ckptd.train(X, y, { ...o, epochs: 8, optimizer: adam, onEpoch: (e) => { if (e === 4) checkpoint = JSON.parse(JSON.stringify(ckptd.toJSON())); } });
    // the sgd run before had no state: the checkpoint holds this run's Adam settings and moments
    expect(checkpoint!.training!.optimizer).toEqual(adam.toJSON());
    expect(checkpoint!.training!.state!.step).toBe(5 * 2);
    const resumed = NeuralNetwork.fromJSON(checkpoint!);
    resumed.train(X, y, { ...o, epochs: 3, optimizer: adam });
    expect(resumed.toJSON().layers).toEqual(straight.toJSON().layers);
    // after the run, toJSON records what the last run used, with its state
    expect(ckptd.toJSON().training!.state!.step).toBe(8 * 2);
    [straight, ckptd, resumed].forEach((n) => n.dispose());
  });

  it('a saved optimizer state that does not fit is refused before anything is allocated', () => {
    const net = trained(); // adam: two state arrays
    const doc = JSON.parse(JSON.stringify(net.toJSON()));
    net.dispose();
    const bad = (change: (s: any) => void) => {
      const d = structuredClone(doc);
      change(d.training.state);
      return () => NeuralNetwork.fromJSON(d);
    };
    expectRejects(bad((s) => { s.arrays.pop(); }), /training\.state\.arrays must hold the optimizer's 2 state arrays/);
    expectRejects(bad((s) => { s.arrays[1][2].weights.push(0); }), /training\.state\.arrays\[1\]\[2\]\.weights has 4 values, expected 3/);
    expectRejects(bad((s) => { s.arrays[0][0].bias[1] = 1e39; }), /training\.state\.arrays\[0\]\[0\]\.bias\[1\] is 1e\+39, not a finite float32 number/);
    expectRejects(bad((s) => { s.pow2 = 2; }), /training\.state\.pow2 must be a number in \[0, 1\], got 2/);
    expectRejects(bad((s) => { s.step = -1; }), /training\.state\.step must be an integer ≥ 0, got -1/);
    expectRejects(bad((s) => { s.arrays = 'x'; }), /training\.state\.arrays must hold/);
    // Adam's v (array 1) is a mean of squares: a negative entry would make the update NaN
    expectRejects(bad((s) => { s.arrays[1][0].weights[2] = -1; }), /training\.state\.arrays\[1\]\[0\]\.weights\[2\] is -1: a mean of squared gradients is never negative/);
    // a custom optimizer's stateArrays is range-checked before any array is walked
    class Many extends Optimizer {
      readonly name = 'many';
      override readonly stateArrays = 1e9;
      update(): void {}
    }
    const d9 = structuredClone(doc);
    d9.training.optimizer = { name: 'many' };
    d9.training.state.arrays = new Array(1e9);
    const t0 = performance.now();
    expectRejects(() => NeuralNetwork.fromJSON(d9, { optimizers: { many: () => new Many() } }), /optimizer\.stateArrays must be an integer in \[0, 8\], got 1000000000/);
    expect(performance.now() - t0).toBeLessThan(1000); // it walked 1e9 holes for 34 s before
    // a file without a state (saved before it was kept, or stripped to save space) loads: the optimizer starts afresh
    const d = structuredClone(doc);
    delete d.training.state;
    const back = NeuralNetwork.fromJSON(d);
    expect(back.toJSON().training!.state).toBeUndefined();
    back.dispose();
  });

  it('reads a document once: a Proxy or getter cannot answer one thing to the checks and another to the use', () => {
    const src = new NeuralNetwork([2, 3, 1], [new Tanh(), new Sigmoid()], { seed: 1 });
    src.train(X, y, { epochs: 1, optimizer: 'momentum' });
    const doc: any = JSON.parse(JSON.stringify(src.toJSON()));
    src.dispose();
    // layerSizes that answer [2, 3, 1] to the first read of each entry and [2, 40, 1] after: state
    // sized for 40 hidden units must not pass a later check, let alone be written into a 3-unit
    // network's block (before, the state was checked against the later answers)
    const seen = new Set<string>();
    const d1 = structuredClone(doc);
    d1.training.state.arrays = [[{ weights: Array(80).fill(7), bias: Array(40).fill(7) }, { weights: Array(40).fill(7), bias: [7] }]];
    d1.layerSizes = new Proxy([2, 3, 1], {
      get: (t, k, r) => {
        if (typeof k !== 'string' || !/^\d+$/.test(k)) return Reflect.get(t, k, r);
        const later = seen.has(k);
        seen.add(k);
        return later ? [2, 40, 1][Number(k)] : Reflect.get(t, k, r);
      },
    });
    const bystander = new NeuralNetwork([2, 3, 1], [new Tanh(), new Sigmoid()], { seed: 9 });
    const before = JSON.stringify(bystander.toJSON());
    expectRejects(() => NeuralNetwork.fromJSON(d1), /training\.state\.arrays\[0\]\[0\]\.weights has 80 values, expected 6/);
    expect(JSON.stringify(bystander.toJSON())).toBe(before);
    bystander.dispose();
    // a layers array whose length answers 2 then 1: read once, the network is whole
    let reads = 0;
    const d2 = { ...doc, layers: new Proxy(doc.layers, { get: (t, k, r) => (k === 'length' ? (++reads === 1 ? 2 : 1) : Reflect.get(t, k, r)) }) };
    const used = backendInfo().usedBytes;
    const back = NeuralNetwork.fromJSON(d2);
    expect(back.layers.map((l) => Array.from(l.bias.data))).toEqual(doc.layers.map((l: any) => l.bias.map((v: number) => Math.fround(v))));
    back.dispose();
    expect(backendInfo().usedBytes).toBe(used);
  });

  it('every refusal is an Error naming fromJSON: thrown non-Errors, refused settings, training that is not an object', () => {
    const doc: any = trained().toJSON();
    for (const thrown of ['boom', { code: 42 }]) {
      const d = { ...doc };
      Object.defineProperty(d, 'layers', { get() { throw thrown; }, enumerable: true });
      expectRejects(() => NeuralNetwork.fromJSON(d), /^NeuralNetwork\.fromJSON: could not read the document \(it threw /);
    }
    const d3 = structuredClone(doc);
    d3.activations[0].slope = 1e39; // LeakyReLU's own check
    expectRejects(() => NeuralNetwork.fromJSON(d3), /^NeuralNetwork\.fromJSON: LeakyReLU: slope is 1e\+39, which overflows float32/);
    const d4 = structuredClone(doc);
    d4.training.optimizer.beta1 = 1; // Adam's own check
    expectRejects(() => NeuralNetwork.fromJSON(d4), /^NeuralNetwork\.fromJSON: Adam: beta1 must be a number in \[0, 1\), got 1/);
    expectRejects(() => NeuralNetwork.fromJSON({ ...doc, training: [] }), /^NeuralNetwork\.fromJSON: training must be an object, got an array/);
  });

  it('a mean of squares that overflows float32 stops training as divergence; the file then has no state and loads', () => {
    // targets of 1e20 (finite float32): g² overflows, Adam's and RMSprop's mean of squares is
    // +Infinity, and the step NaN (m/(√∞ + ε) = 0 would leave the weight where it is for good)
    const Xb = [[1], [2], [3], [4]], Yb = [[1e20], [2e20], [3e20], [4e20]];
    for (const optimizer of ['adam', 'rmsprop'] as const) {
      const net = new NeuralNetwork([1, 1], [new Linear()], { seed: 1 });
      const before = Array.from(net.layers[0]!.weights.data);
      expect(() => net.train(Xb, Yb, { epochs: 2, optimizer }), optimizer).toThrow(TrainingDivergedError);
      expect(Array.from(net.layers[0]!.weights.data)).toEqual(before);
      const doc = net.toJSON();
      expect(doc.training!.optimizer).toMatchObject({ name: optimizer });
      expect(doc.training!.state).toBeUndefined();
      for (const saved of [doc, JSON.stringify(doc)]) {
        const back = NeuralNetwork.fromJSON(saved);
        expect(Array.from(back.layers[0]!.weights.data)).toEqual(Array.from(net.layers[0]!.weights.data));
        back.dispose();
      }
      net.dispose();
    }
  });

  it('loading does not advance the global generator', () => {
    const doc = trained().toJSON();
    seed(3);
    const before = globalRandom.randn();
    seed(3);
    NeuralNetwork.fromJSON(doc).dispose();
    expect(globalRandom.randn()).toBe(before);
  });

  it('custom activations load through a factory', () => {
    class Square extends Activation {
      readonly name = 'square';
      forward(x: Matrix | number[][]) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => v * v)); }
      backward(x: Matrix | number[][]) { const m = Matrix.from(x); return new Matrix(m.rows, m.cols, m.data.map((v) => 2 * v)); }
    }
    const net = new NeuralNetwork([2, 2, 3], [new Square(), new Softmax()], { seed: 1 });
    const doc = net.toJSON();
    expect(() => NeuralNetwork.fromJSON(doc)).toThrow(/unknown activation "square".*options\.activations/);
    const again = NeuralNetwork.fromJSON(doc, { activations: { square: () => new Square() } });
    expect(again.predict([[1, 2]]).toArray()).toEqual(net.predict([[1, 2]]).toArray());
    net.dispose();
    again.dispose();
  });

  describe('custom optimizers and losses recorded in training load through factories', () => {
    class SignSGD extends Optimizer {
      readonly name = 'signSgd';
      constructor(readonly scale = 1) {
        super();
      }
      update(param: Float32Array, grad: Float32Array, _state: readonly Float32Array[], lr: number): void {
        for (let i = 0; i < param.length; i++) param[i] = param[i]! - this.scale * lr * Math.sign(grad[i]!);
      }
      override toJSON() {
        return { name: this.name, scale: this.scale };
      }
    }
    class HalfMSE extends Loss {
      readonly name = 'halfMse';
      forward(pred: MatrixLike, target: MatrixLike): number {
        return new MeanSquaredError().forward(pred, target) / 2;
      }
      backward(pred: MatrixLike, target: MatrixLike): Matrix {
        const g = new MeanSquaredError().backward(pred, target);
        return new Matrix(g.rows, g.cols, g.data.map((v) => v / 2));
      }
    }
    /** `made`, renamed: what a factory returns for a saved name that is not its own. */
    const named = <T extends object>(made: T, name: unknown): T => Object.defineProperty(made, 'name', { get: () => name });
    const trainedWith = (): NeuralNetwork => {
      const net = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
      net.train(X, y, { epochs: 3, learningRate: 0.01, optimizer: new SignSGD(0.5), loss: new HalfMSE() });
      return net;
    };

    it('without a factory: an Error naming the saved name (not [object Object]) and the option that supplies it', () => {
      const net = trainedWith();
      const doc = JSON.parse(JSON.stringify(net.toJSON()));
      net.dispose();
      expect(doc.training).toEqual({ optimizer: { name: 'signSgd', scale: 0.5 }, loss: 'halfMse', state: { step: 3, pow1: 1, pow2: 1, arrays: [] } });
      const used = backendInfo().usedBytes;
      expect(() => NeuralNetwork.fromJSON(doc)).toThrow(
        'NeuralNetwork.fromJSON: training.optimizer: unknown optimizer "signSgd" (known: sgd, momentum, nesterov, adam, rmsprop; pass options.optimizers for custom ones)',
      );
      expect(() => NeuralNetwork.fromJSON(doc, { optimizers: { signSgd: (saved) => new SignSGD(saved.scale as number) } })).toThrow(
        'NeuralNetwork.fromJSON: training.loss: unknown loss "halfMse" (known: binaryCrossEntropy, meanSquaredError, mse, softmaxCrossEntropy, categoricalCrossEntropy, binaryCrossEntropyFromLogits; pass options.losses for custom ones)',
      );
      expect(backendInfo().usedBytes).toBe(used);
    });

    it('with factories: the network loads, its training config and weights as saved, and round-trips', () => {
      const net = trainedWith();
      const text = JSON.stringify(net.toJSON());
      const seen: Record<string, unknown>[] = [];
      const again = NeuralNetwork.fromJSON(text, {
        optimizers: { signSgd: (saved) => (seen.push(saved), new SignSGD(saved.scale as number)) },
        losses: { halfMse: () => new HalfMSE() },
      });
      expect(seen).toEqual([{ name: 'signSgd', scale: 0.5 }]); // the factory gets the saved settings
      expect(again.trainingConfig).toEqual({ optimizer: { name: 'signSgd', scale: 0.5 }, loss: 'halfMse' });
      expect(again.predict(X).toArray()).toEqual(net.predict(X).toArray());
      expect(JSON.stringify(again.toJSON())).toBe(text);
      net.dispose();
      again.dispose();
    });

    it('a factory wins over a built-in of the same name; built-ins need none', () => {
      const net = new NeuralNetwork([2, 2, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
      net.train(X, y, { epochs: 1, learningRate: 0.01, optimizer: 'adam' });
      const doc = net.toJSON();
      net.dispose();
      expect(NeuralNetwork.fromJSON(doc).trainingConfig?.optimizer).toEqual(new Adam().toJSON());
      const substitutes = {
        optimizers: { adam: () => named(new SignSGD(2), 'adam') }, losses: { binaryCrossEntropy: () => named(new HalfMSE(), 'binaryCrossEntropy') },
      };
      // Adam's saved moments do not fit the substitute: refused, with the way out
      expectRejects(() => NeuralNetwork.fromJSON(doc, substitutes), /state arrays, got an array \(delete training\.state to start the optimizer afresh\)/);
      delete doc.training!.state;
      const mine = NeuralNetwork.fromJSON(doc, substitutes);
      expect(mine.trainingConfig).toEqual({ optimizer: { name: 'adam', scale: 2 }, loss: 'binaryCrossEntropy' }); // the factory's settings
      mine.dispose();
    });

    it('factories that throw, return another name, or an optimizer whose toJSON() cannot be saved: named Errors with the cause', () => {
      const net = trainedWith();
      const doc = net.toJSON();
      net.dispose();
      const losses = { halfMse: () => new HalfMSE() };
      const refused = (options: FromJSONOptions, message: string): Error => {
        const exactly = `NeuralNetwork.fromJSON: ${message}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return expectRejects(() => NeuralNetwork.fromJSON(doc, options), new RegExp(`^${exactly}$`));
      };
      const withToJSON = (toJSON: () => unknown) => ({ signSgd: () => Object.assign(new SignSGD(), { toJSON }) as SignSGD });
      expect(refused({ optimizers: { signSgd: () => { throw 'str'; } }, losses }, 'training.optimizer: the factory for "signSgd" failed (str)').cause).toBe('str');
      const boom = new RangeError('boom');
      expect(refused({ optimizers: { signSgd: () => { throw boom; } }, losses }, 'training.optimizer: the factory for "signSgd" failed (boom)').cause).toBe(boom);
      refused({ optimizers: withToJSON(() => { throw new Error('tj'); }), losses },
        'training.optimizer: the optimizer from the factory for "signSgd": toJSON() failed (tj)');
      refused({ optimizers: withToJSON(() => ({ name: 'signSgd', big: 10n })), losses },
        'training.optimizer: the optimizer from the factory for "signSgd": toJSON() failed (Do not know how to serialize a BigInt)');
      refused({ optimizers: withToJSON(() => 5), losses },
        'training.optimizer: the optimizer from the factory for "signSgd": toJSON() must return an object with a string name, got 5');
      refused({ optimizers: { signSgd: () => new Adam() }, losses }, 'training.optimizer: the factory for "signSgd" returned one named "adam"; it must return one named "signSgd"');
      const optimizers = { signSgd: () => new SignSGD() };
      expect(refused({ optimizers, losses: { halfMse: () => { throw 'ls'; } } }, 'training.loss: the factory for "halfMse" failed (ls)').cause).toBe('ls');
      refused({ optimizers, losses: { halfMse: () => new MeanSquaredError() } }, 'training.loss: the factory for "halfMse" returned one named "meanSquaredError"; it must return one named "halfMse"');
      refused({ optimizers, losses: { halfMse: () => named(new HalfMSE(), 42) } }, 'training.loss: the factory for "halfMse" returned one named 42; it must return one named "halfMse"');
      refused({ optimizers, losses: { halfMse: () => Object.defineProperty(new HalfMSE(), 'name', { get: () => { throw 'nm'; } }) } },
        'training.loss: reading the name of what the factory for "halfMse" returned failed (nm)');
      // custom activations alike
      const one = new NeuralNetwork([2, 1], [named(new Tanh(), 'myTanh')], { seed: 1 });
      const act = one.toJSON();
      one.dispose();
      expect(() => NeuralNetwork.fromJSON(act, { activations: { myTanh: () => { throw 'no'; } } })).toThrow('NeuralNetwork.fromJSON: activations[0]: the factory for "myTanh" failed (no)');
      expect(() => NeuralNetwork.fromJSON(act, { activations: { myTanh: () => new Tanh() } })).toThrow(
        'NeuralNetwork.fromJSON: activations[0]: the factory for "myTanh" returned one named "tanh"; it must return one named "myTanh"',
      );
    });

    it('hooks that are not factories, and factories that return the wrong thing, are named', () => {
      const net = trainedWith();
      const doc = net.toJSON();
      net.dispose();
      const losses = { halfMse: () => new HalfMSE() };
      expect(() => NeuralNetwork.fromJSON(doc, { optimizers: 'signSgd' as never, losses })).toThrow(
        'NeuralNetwork.fromJSON: options.optimizers must be an object of factories by name, got "signSgd" (a string)',
      );
      expect(() => NeuralNetwork.fromJSON(doc, { optimizers: { signSgd: new SignSGD() as never }, losses })).toThrow(
        'NeuralNetwork.fromJSON: options.optimizers["signSgd"] must be a function, got [object Object] (object)',
      );
      expect(() => NeuralNetwork.fromJSON(doc, { optimizers: { signSgd: () => 'sgd' as never }, losses })).toThrow(
        'NeuralNetwork.fromJSON: training.optimizer: the factory for "signSgd" did not return an Optimizer, got "sgd" (a string)',
      );
      expect(() => NeuralNetwork.fromJSON(doc, { optimizers: { signSgd: () => new SignSGD() }, losses: { halfMse: () => new SignSGD() as never } })).toThrow(
        'NeuralNetwork.fromJSON: training.loss: the factory for "halfMse" did not return a Loss',
      );
      expect(() => NeuralNetwork.fromJSON(doc, { activations: { relu: 1 as never } })).toThrow(
        'NeuralNetwork.fromJSON: options.activations["relu"] must be a function, got 1',
      );
    });
  });

  describe('rejects bad or hostile files with a clear error, allocating nothing', () => {
    const good = () => {
      const net = new NeuralNetwork([2, 3, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
      const doc = net.toJSON() as unknown as Record<string, unknown>;
      net.dispose();
      return doc;
    };
    const cases: [string, (d: Record<string, unknown>) => unknown, RegExp][] = [
      ['not JSON', () => '{ nope', /not valid JSON/],
      ['not an object', () => 42, /expected a saved network object, got 42/],
      ['wrong format', (d) => ({ ...d, format: 'keras' }), /not a scratchnet network \(format is "keras"/],
      ['future version', (d) => ({ ...d, version: 2 }), /unsupported version 2/],
      ['bad sizes', (d) => ({ ...d, layerSizes: [2, -3, 1] }), /layerSizes\[1\] must be an integer in \[1, 1048576\], got -3/],
      ['huge sizes', (d) => ({ ...d, layerSizes: [1000000, 1000000, 1] }), /parameters, more than the limit/],
      ['too few activations', (d) => ({ ...d, activations: [{ name: 'relu' }] }), /activations must be an array of 2 entries/],
      ['unknown activation', (d) => ({ ...d, activations: [{ name: 'swish' }, { name: 'sigmoid' }] }), /unknown activation "swish"/],
      ['bad slope', (d) => ({ ...d, activations: [{ name: 'leakyRelu', slope: 'x' }, { name: 'sigmoid' }] }), /leakyRelu slope must be a finite number/],
      ['wrong weight count', (d) => ({ ...d, layers: [{ weights: [1, 2], bias: [0, 0, 0] }, (d.layers as unknown[])[1]] }), /layers\[0\]\.weights \(2x3\) has 2 values, expected 6/],
      ['non-finite weight', (d) => ({ ...d, layers: [{ weights: [1, 2, 3, 4, 5, null], bias: [0, 0, 0] }, (d.layers as unknown[])[1]] }), /layers\[0\]\.weights \(2x3\)\[5\] is null, not a finite float32 number/],
      ['float32 overflow', (d) => ({ ...d, layers: [(d.layers as unknown[])[0], { weights: [1, 2, 1e39], bias: [0] }] }), /\[2\] is 1e\+39, not a finite float32 number/],
      ['unknown optimizer', (d) => ({ ...d, training: { optimizer: { name: 'lion' } } }), /training\.optimizer: unknown optimizer "lion" \(known: sgd, .*; pass options\.optimizers for custom ones\)$/],
      ['an optimizer without a name', (d) => ({ ...d, training: { optimizer: { lr: 1 } } }), /training\.optimizer must be an object with a name, got \[object Object\]/],
      ['unknown loss', (d) => ({ ...d, training: { loss: 'hinge' } }), /training\.loss: unknown loss "hinge" \(known: .*; pass options\.losses for custom ones\)$/],
      ['a loss that is not a name', (d) => ({ ...d, training: { loss: { name: 'mse' } } }), /training\.loss must be the name of a loss, got \[object Object\]/],
      ['a loss named like an Object method', (d) => ({ ...d, training: { loss: 'toString' } }), /unknown loss "toString"/],
    ];
    for (const [name, mutate, message] of cases) {
      it(name, () => {
        const used = backendInfo().usedBytes;
        let err: unknown;
        try {
          NeuralNetwork.fromJSON(mutate(good()));
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(Error);
        expect(String(err)).toMatch(/^Error: NeuralNetwork\.fromJSON: /);
        expect(String(err)).toMatch(message);
        expect(backendInfo().usedBytes).toBe(used);
      });
    }
  });
});
