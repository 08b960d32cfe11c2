// The training toolkit (src/training/, src/nn/optimizers.ts): each option shows its effect.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam, init, Linear, Matrix, MeanSquaredError, Momentum, NeuralNetwork, ReLU, RMSprop, SGD, Sigmoid, Softmax,
  SoftmaxCrossEntropy, Tanh, BinaryCrossEntropy, BinaryCrossEntropyFromLogits, backendInfo, RandomState, setThreads,
} from '../../src/index.js';
import { StepByStep } from '../support/step-by-step.js';
import { blobs, circle, spirals } from '../../src/data/toy.js';

beforeAll(async () => {
  await init();
});

const norm = (net: NeuralNetwork) => net.layers.reduce((s, l) => s + l.weights.data.reduce((a, v) => a + v * v, 0), 0);


describe('optimizers', () => {
  it('Adam reaches a loss on two spirals that SGD does not in the same epochs', () => {
    const { x, y } = spirals({ n: 200, noise: 0.02, seed: 1 });
    const run = (optimizer: 'sgd' | 'adam', learningRate: number) => {
      const net = new NeuralNetwork([2, 32, 32, 1], [new ReLU(), new ReLU(), new Sigmoid()], { seed: 3, init: 'he' });
      const r = net.train(x, y, { epochs: 300, learningRate, optimizer, batchSize: 32, metrics: ['accuracy'] });
      net.dispose();
      return r;
    };
    const adam = run('adam', 0.01);
    expect(adam.loss.at(-1)!).toBeLessThan(0.05);
    expect(adam.accuracy!.at(-1)!).toBeGreaterThan(0.98);
    // SGD at its own good learning rates does not get there in the same 300 epochs
    for (const lr of [0.1, 0.3]) expect(run('sgd', lr).loss.at(-1)!).toBeGreaterThan(4 * adam.loss.at(-1)!);
  });

  it('momentum and Nesterov converge faster than plain SGD at the same learning rate', () => {
    const { x, y } = circle({ n: 200, noise: 0.05, seed: 2 });
    const final = (optimizer: SGD | Momentum) => {
      const net = new NeuralNetwork([2, 16, 1], [new Tanh(), new Sigmoid()], { seed: 1, init: 'xavier' });
      const r = net.train(x, y, { epochs: 150, learningRate: 0.05, optimizer });
      net.dispose();
      return r.loss.at(-1)!;
    };
    const plain = final(new SGD());
    expect(final(new Momentum({ momentum: 0.9 }))).toBeLessThan(plain * 0.8);
    expect(final(new Momentum({ momentum: 0.9, nesterov: true }))).toBeLessThan(plain * 0.8);
  });

  it('RMSprop trains a 3-class problem', () => {
    const { x, y } = blobs({ n: 300, classes: 3, spread: 0.3, seed: 2 });
    const net = new NeuralNetwork([2, 8, 3], [new ReLU(), new Softmax()], { seed: 1, init: 'he' });
    const r = net.train(x, y, { epochs: 60, learningRate: 0.01, optimizer: new RMSprop(), batchSize: 30, metrics: ['accuracy'] });
    expect(r.accuracy!.at(-1)!).toBeGreaterThan(0.95);
    net.dispose();
  });

  for (const optimizer of ['sgd', 'momentum', 'nesterov', 'adam', 'rmsprop'] as const) {
    it(`${optimizer}: the kernels' epoch loop and the step-by-step path agree bit for bit (with L1 and L2)`, () => {
      const { x, y } = blobs({ n: 64, classes: 3, spread: 0.4, seed: 5 });
      const make = () => new NeuralNetwork([2, 7, 5, 3], [new Tanh(), new ReLU(), new Softmax()], { seed: 2, init: 'xavier' });
      const opts = { epochs: 12, learningRate: 0.01, optimizer, batchSize: 10, l1: 1e-4, l2: 1e-3, metrics: ['accuracy' as const] };
      const a = make(), b = make();
      const ra = a.train(x, y, { ...opts, loss: new SoftmaxCrossEntropy() });
      const rb = b.train(x, y, { ...opts, loss: new StepByStep(new SoftmaxCrossEntropy()) });
      expect(ra.loss).toEqual(rb.loss);
      expect(ra.accuracy).toEqual(rb.accuracy);
      a.layers.forEach((l, i) => expect(Array.from(l.weights.data)).toEqual(Array.from(b.layers[i]!.weights.data)));
      // state carries over to the next train() call in both paths
      const ra2 = a.train(x, y, { ...opts, epochs: 3, loss: new SoftmaxCrossEntropy() });
      const rb2 = b.train(x, y, { ...opts, epochs: 3, loss: new StepByStep(new SoftmaxCrossEntropy()) });
      expect(ra2.loss).toEqual(rb2.loss);
      a.dispose();
      b.dispose();
    });
  }

  // Layers whose dW is a whole number of 4×8 tiles (inputs a multiple of 4, outputs of 8, batch
  // ≤ 400: one K block) take the SGD step inside the dW product (assembly/gradient-step.ts); it
  // must give the step path's numbers exactly, on one thread and on two (Adam and momentum update
  // separately), at a batch of 64 and one of 300 (and the last batches' leftovers).
  for (const optimizer of ['sgd', 'adam', 'momentum'] as const) {
    it(`${optimizer}: the step fused into the dW product agrees bit for bit with the step path, on 1 and 2 threads`, async () => {
      const rng = new RandomState(9);
      const n = 700, x = new Matrix(n, 64, Float32Array.from({ length: n * 64 }, () => rng.random() * 2 - 1));
      const y = new Matrix(n, 3, new Float32Array(n * 3));
      for (let i = 0; i < n; i++) y.set(i, i % 3, 1);
      const make = () => new NeuralNetwork([64, 64, 32, 3], [new ReLU(), new Tanh(), new Softmax()], { seed: 3, init: 'xavier' });
      const before = backendInfo().threads;
      for (const threads of [1, 2]) {
        await setThreads(threads);
        for (const batchSize of [64, 300]) for (const reg of [{}, { l1: 1e-4, l2: 1e-3 }]) {
          const opts = { epochs: 4, learningRate: optimizer === 'adam' ? 0.01 : 0.05, optimizer, batchSize, ...reg };
          const a = make(), b = make();
          const ra = a.train(x, y, { ...opts, loss: new SoftmaxCrossEntropy() });
          const rb = b.train(x, y, { ...opts, loss: new StepByStep(new SoftmaxCrossEntropy()) });
          expect(ra.loss, `${threads} threads ${JSON.stringify(reg)}, batch ${batchSize}`).toEqual(rb.loss);
          a.layers.forEach((l, i) => {
            expect(Array.from(l.weights.data), `layer ${i}`).toEqual(Array.from(b.layers[i]!.weights.data));
            expect(Array.from(l.bias.data)).toEqual(Array.from(b.layers[i]!.bias.data));
          });
          a.dispose();
          b.dispose();
        }
      }
      await setThreads(before);
    });
  }

  it('optimizer state persists across train() calls with the same settings and resets on demand', () => {
    const { x, y } = circle({ n: 100, seed: 3 });
    const make = () => new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 4, init: 'xavier' });
    const once = make(), twice = make(), reset = make();
    const o = { learningRate: 0.01, optimizer: 'adam' as const };
    const full = once.train(x, y, { ...o, epochs: 20 });
    twice.train(x, y, { ...o, epochs: 10 });
    const second = twice.train(x, y, { ...o, epochs: 10 });
    expect(second.loss).toEqual(full.loss.slice(10));
    reset.train(x, y, { ...o, epochs: 10 });
    reset.resetOptimizer();
    expect(reset.train(x, y, { ...o, epochs: 10 }).loss).not.toEqual(full.loss.slice(10));
    [once, twice, reset].forEach((n) => n.dispose());
  });

  it('rejects bad optimizer settings with clear errors', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(/Adam: beta1 must be a number in \[0, 1\), got 1/);
    expect(() => new Momentum({ momentum: -0.1 })).toThrow(/Momentum: momentum must be a number/);
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 1 });
    expect(() => net.train([[0, 1]], [[1]], { optimizer: 'adamw' as never })).toThrow(/unknown optimizer "adamw"/);
    net.dispose();
  });
});

describe('regularization', () => {
  it('L2 (weight decay) shrinks the weight norm; L1 drives weights to exactly-small values', () => {
    const { x, y } = circle({ n: 100, noise: 0.1, seed: 4 });
    const trained = (o: { l1?: number; l2?: number }) => {
      const net = new NeuralNetwork([2, 16, 1], [new Tanh(), new Sigmoid()], { seed: 5, init: 'xavier' });
      net.train(x, y, { epochs: 200, learningRate: 0.1, ...o });
      const n = norm(net), small = net.layers[0]!.weights.data.filter((v) => Math.abs(v) < 1e-2).length;
      net.dispose();
      return { n, small };
    };
    const plain = trained({}), l2 = trained({ l2: 0.05 }), l1 = trained({ l1: 0.01 });
    expect(l2.n).toBeLessThan(0.7 * plain.n);
    expect(l1.small).toBeGreaterThan(plain.small);
  });
});

describe('initialization', () => {
  it("'chapter' is randn·0.01, 'xavier' and 'he' scale by fan-in/out, a number is the scale", () => {
    const std = (init: 'chapter' | 'xavier' | 'he' | number) => {
      const net = new NeuralNetwork([200, 100, 1], [new ReLU(), new Sigmoid()], { seed: 1, init });
      const w = net.layers[0]!.weights.data;
      const s = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
      net.dispose();
      return s;
    };
    expect(std('chapter')).toBeCloseTo(0.01, 3);
    expect(std('xavier')).toBeCloseTo(Math.sqrt(2 / 300), 2);
    expect(std('he')).toBeCloseTo(Math.sqrt(2 / 200), 2);
    expect(std(0.5)).toBeCloseTo(0.5, 1);
    expect(() => new NeuralNetwork([2, 1], [new Sigmoid()], { init: 'glorot' as never })).toThrow(/init must be 'chapter', 'xavier', 'he' or a scale/);
  });
});

describe('training control', () => {
  const data = () => circle({ n: 160, noise: 0.05, seed: 6 });
  /** 24 training and 200 validation points with random labels: a network memorises the 24 and its validation loss climbs. */
  const randomLabels = () => {
    const rng = new RandomState(9);
    const pts = (n: number) => Array.from({ length: n }, () => [2 * rng.random() - 1, 2 * rng.random() - 1]);
    const labels = (n: number) => Array.from({ length: n }, () => [rng.random() < 0.5 ? 0 : 1]);
    return [pts(24), labels(24), pts(200), labels(200)] as const;
  };

  it('validation data and validationSplit give valLoss and valAccuracy per epoch', () => {
    const { x, y } = data();
    const net = new NeuralNetwork([2, 16, 1], [new Tanh(), new Sigmoid()], { seed: 2, init: 'xavier' });
    const r = net.train(x, y, { epochs: 50, learningRate: 0.5, validationSplit: 0.25, metrics: ['accuracy'] });
    expect(r.valLoss).toHaveLength(50);
    expect(r.valAccuracy).toHaveLength(50);
    expect(r.valLoss!.at(-1)!).toBeLessThan(r.valLoss![0]!);
    // evaluating by hand on the held-out quarter gives the last epoch's numbers after one more step
    const r2 = net.train(x, y, { epochs: 1, learningRate: 1e-9, validation: { x, y } });
    expect(r2.valLoss![0]!).toBeGreaterThan(0);
    net.dispose();
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', () => {
    // random labels: the network memorises the training rows and the validation loss climbs
    const [x, y, vx, vy] = randomLabels();
    const net = new NeuralNetwork([2, 64, 1], [new Tanh(), new Sigmoid()], { seed: 2, init: 'xavier' });
    const r = net.train(x, y, { epochs: 3000, learningRate: 0.02, optimizer: 'adam', validation: { x: vx, y: vy }, earlyStopping: { patience: 20 } });
    expect(r.stopped).toBe(true);
    expect(r.stopReason).toBe('earlyStopping');
    expect(r.epochs).toBeLessThan(3000);
    expect(r.bestEpoch).toBe(r.epochs - 21);
    expect(Math.min(...r.valLoss!)).toBe(r.valLoss![r.bestEpoch!]);
    expect(r.loss.at(-1)!).toBeLessThan(r.loss[r.bestEpoch!]!); // training kept improving meanwhile
    // the network now holds the best epoch's weights: evaluating them gives that epoch's validation loss
    const check = net.train(x, y, { epochs: 1, learningRate: 1e-30, validation: { x: vx, y: vy } });
    expect(check.loss[0]).toBeCloseTo(r.loss[r.bestEpoch! + 1]!, 6);
    net.dispose();
  });

  it('early stopping on the training loss of a full batch restores the weights that scored the best loss (those before its update)', () => {
    const X1 = [[1], [2], [3], [4]], Y1 = [[2], [4], [6], [8]];
    for (const [lr, patience] of [[0.12, 2], [0.121, 5]] as const) {
      const net = new NeuralNetwork([1, 1], [new Linear()], { seed: 3 });
      const r = net.train(X1, Y1, { epochs: 200, learningRate: lr, loss: 'meanSquaredError', earlyStopping: { patience, restoreBest: true } });
      expect(r.stopReason).toBe('earlyStopping');
      // the loss of the weights kept, measured with no update
      const probe = NeuralNetwork.fromJSON(net.toJSON());
      const kept = probe.train(X1, Y1, { epochs: 1, learningRate: 1e-30, loss: 'meanSquaredError' }).loss[0]!;
      expect(kept).toBe(Math.min(...r.loss));
      expect(kept).toBe(r.loss[r.bestEpoch!]);
      net.dispose();
      probe.dispose();
    }
  });

  it('errorThreshold stops as soon as the loss falls below it (brain.js errorThresh)', () => {
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const r = net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 10000, learningRate: 0.5, errorThreshold: 0.05 });
    expect(r.stopReason).toBe('errorThreshold');
    expect(r.loss.at(-1)!).toBeLessThan(0.05);
    expect(r.loss.at(-2)!).toBeGreaterThanOrEqual(0.05);
    net.dispose();
  });

  it('learning-rate schedules: step, exponential, and a callback', () => {
    const { x, y } = data();
    const net = new NeuralNetwork([2, 4, 1], [new Tanh(), new Sigmoid()], { seed: 2 });
    const step = net.train(x, y, { epochs: 6, learningRate: 0.4, schedule: { type: 'step', every: 2, factor: 0.5 } });
    expect(step.learningRate).toEqual([0.4, 0.4, 0.2, 0.2, 0.1, 0.1]);
    const exp = net.train(x, y, { epochs: 3, learningRate: 1, schedule: { type: 'exponential', rate: 0.9 } });
    exp.learningRate.forEach((lr, e) => expect(lr).toBeCloseTo(0.9 ** e, 12));
    const fn = net.train(x, y, { epochs: 3, learningRate: 1, schedule: (e, lr0) => lr0 / (1 + e) });
    expect(fn.learningRate).toEqual([1, 0.5, 1 / 3]);
    expect(() => net.train(x, y, { epochs: 3, schedule: () => -1 })).toThrow(/schedule\(0\): learningRate must be a finite number > 0, got -1/);
    net.dispose();
  });

  it('onBatch sees every mini-batch and can stop mid-epoch; onEpoch gets the logs', () => {
    const { x, y } = data();
    const net = new NeuralNetwork([2, 4, 1], [new Tanh(), new Sigmoid()], { seed: 2 });
    const batches: number[] = [];
    const r = net.train(x, y, { epochs: 5, batchSize: 32, onBatch: (b, _loss, epoch) => (batches.push(epoch * 10 + b), !(epoch === 1 && b === 2)) });
    expect(batches).toEqual([0, 1, 2, 3, 4, 10, 11, 12]);
    expect(r.stopReason).toBe('callback');
    const logs: unknown[] = [];
    net.train(x, y, { epochs: 2, metrics: ['accuracy'], validationSplit: 0.2, onEpoch: (_e, _l, l) => void logs.push(l) });
    expect(logs[1]).toMatchObject({ epoch: 1, learningRate: 0.01, loss: expect.any(Number), accuracy: expect.any(Number), valLoss: expect.any(Number) });
    net.dispose();
  });

  it('an epoch that onBatch stops counts, as Keras records it: its loss is the mean of the batches it ran, and onEpoch and validation see it', async () => {
    const { x, y } = data();
    for (const run of ['train', 'trainAsync'] as const) {
      const net = new NeuralNetwork([2, 4, 1], [new Tanh(), new Sigmoid()], { seed: 2 });
      const control = NeuralNetwork.fromJSON(net.toJSON());
      const batchLosses: number[][] = [[], []];
      const seen: number[] = [];
      const opts = {
        epochs: 5, batchSize: 64, learningRate: 0.3, shuffle: false, validationSplit: 0.2,
        onBatch: (b: number, loss: number, epoch: number) => (batchLosses[epoch]!.push(loss), !(epoch === 1 && b === 1)),
        onEpoch: (e: number) => void seen.push(e),
      };
      const r = run === 'train' ? net.train(x, y, opts) : await net.trainAsync(x, y, opts);
      expect(r.stopReason, run).toBe('callback');
      expect(r.epochs, run).toBe(2); // epoch 1 ran 2 of its batches: it counts
      expect(r.loss).toHaveLength(2);
      expect(r.valLoss).toHaveLength(2);
      expect(seen).toEqual([0, 1]);
      // 128 training rows in batches of 64: epoch 1's loss is the mean of its two batches
      expect(r.loss[1]).toBeCloseTo((batchLosses[1]![0]! + batchLosses[1]![1]!) / 2, 12);
      // the weights are those after the 4 batches that ran: the same as 2 full epochs of the same batches
      control.train(x, y, { epochs: 2, batchSize: 64, learningRate: 0.3, shuffle: false, validationSplit: 0.2 });
      expect(Array.from(net.layers[0]!.weights.data)).toEqual(Array.from(control.layers[0]!.weights.data));
      // a full batch stopped at once: one epoch, recorded
      const once = net.train(x, y, { epochs: 3, learningRate: 0.1, onBatch: () => false });
      expect([once.epochs, once.loss.length, once.stopReason]).toEqual([1, 1, 'callback']);
      net.dispose();
      control.dispose();
    }
  });

  it('validationSplit holds out Keras\' count: the rows past floor(n·(1 − split))', () => {
    const net = new NeuralNetwork([1, 1], [new Sigmoid()], { seed: 1 });
    for (const [n, split, held] of [[10, 0.34, 4], [7, 0.2, 2], [3, 0.1, 1], [160, 0.25, 40], [10, 0.05, 1]] as const) {
      const x = Array.from({ length: n }, (_, i) => [i]), y = Array.from({ length: n }, (_, i) => [i % 2]);
      // the validation loss is the mean over the held-out rows: compare with those rows evaluated by hand
      const r = net.train(x, y, { epochs: 1, learningRate: 1e-30, validationSplit: split });
      const byHand = net.train(x.slice(n - held), y.slice(n - held), { epochs: 1, learningRate: 1e-30 }).loss[0];
      expect(r.valLoss![0], `${n} rows, split ${split}`).toBe(byHand);
    }
    expect(() => net.train([[0]], [[1]], { validationSplit: 0.5 })).toThrow(/validationSplit 0\.5 of 1 rows leaves 1 validation and 0 training rows/);
    net.dispose();
  });

  it('early stopping keeps the best weights when the run ends by its epochs too (as Keras 3 restores them at the end of fit)', () => {
    // random labels: the validation loss climbs after a few epochs, too few for the patience to stop the run
    const [x, y, vx, vy] = randomLabels();
    const make = () => new NeuralNetwork([2, 64, 1], [new Tanh(), new Sigmoid()], { seed: 2, init: 'xavier' });
    const net = make();
    const r = net.train(x, y, { epochs: 300, learningRate: 0.02, optimizer: 'adam', validation: { x: vx, y: vy }, earlyStopping: { patience: 1000 } });
    expect(r.stopReason).toBe('epochs');
    expect(r.bestEpoch!).toBeLessThan(299);
    const kept = net.train(vx, vy, { epochs: 1, learningRate: 1e-30 }).loss[0]!;
    expect(kept).toBeCloseTo(Math.min(...r.valLoss!), 6);
    expect(kept).toBeLessThan(r.valLoss!.at(-1)! - 1e-3);
    // restoreBest: false keeps the last epoch's weights
    const last = make();
    const r2 = last.train(x, y, { epochs: 300, learningRate: 0.02, optimizer: 'adam', validation: { x: vx, y: vy }, earlyStopping: { patience: 1000, restoreBest: false } });
    expect(last.train(vx, vy, { epochs: 1, learningRate: 1e-30 }).loss[0]!).toBeCloseTo(r2.valLoss!.at(-1)!, 6);
    net.dispose();
    last.dispose();
  });

  it('early stopping\'s restore and the other stops: errorThreshold keeps the weights that met it; onBatch\'s stop stays "callback"; a best last epoch of a full batch keeps the weights that scored it', () => {
    const X1 = [[1], [2], [3], [4]], Y1 = [[2], [4], [6], [8]];
    const lossOf = (net: NeuralNetwork) => NeuralNetwork.fromJSON(net.toJSON()).train(X1, Y1, { epochs: 1, learningRate: 1e-30, loss: 'meanSquaredError' }).loss[0]!;
    // errorThreshold with a minDelta that leaves the best epoch behind: the run's weights are kept, not the best's
    const a = new NeuralNetwork([1, 1], [new Linear()], { seed: 3 });
    const ra = a.train(X1, Y1, { epochs: 500, learningRate: 0.01, loss: 'meanSquaredError', errorThreshold: 0.05, earlyStopping: { patience: 1000, minDelta: 0.05 } });
    expect(ra.stopReason).toBe('errorThreshold');
    expect(ra.bestEpoch!).toBeLessThan(ra.epochs - 1);
    expect(lossOf(a)).toBeLessThan(0.05);
    // onBatch stops at once, in an epoch whose loss is under the threshold: the stop is the callback's
    const b = new NeuralNetwork([1, 1], [new Linear()], { seed: 3 });
    const rb = b.train(X1, Y1, { epochs: 5, learningRate: 0.01, loss: 'meanSquaredError', errorThreshold: 1e9, onBatch: () => false });
    expect([rb.stopReason, rb.epochs]).toEqual(['callback', 1]);
    // the best epoch is the last (a full batch, the training loss): the weights that scored it, those before its update
    const c = new NeuralNetwork([1, 1], [new Linear()], { seed: 3 });
    const rc = c.train(X1, Y1, { epochs: 30, learningRate: 0.01, loss: 'meanSquaredError', earlyStopping: { patience: 100 } });
    expect(rc.bestEpoch).toBe(29);
    expect(lossOf(c)).toBe(rc.loss[29]);
    for (const n of [a, b, c]) n.dispose();
  });

  it('logEvery prints the chapter-style log', () => {
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: string) => void lines.push(s);
    try {
      const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
      net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 3000, learningRate: 0.1, logEvery: 1000 });
      net.dispose();
    } finally {
      console.log = orig;
    }
    expect(lines).toEqual(['Epoch 0, Loss: 0.6931', 'Epoch 1000, Loss: 0.4972', 'Epoch 2000, Loss: 0.4791']);
  });
});

describe('trainAsync', () => {
  it('yields to the event loop, reports progress, and equals train()', async () => {
    const { x, y } = circle({ n: 100, seed: 7 });
    const a = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 3 });
    const b = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 3 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const progress: number[] = [];
    const ra = await a.trainAsync(x, y, { epochs: 3000, learningRate: 0.3, yieldEvery: 2, onProgress: (p) => progress.push(p.epoch) });
    clearInterval(timer);
    const rb = b.train(x, y, { epochs: 3000, learningRate: 0.3 });
    expect(ra.loss).toEqual(rb.loss);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(3000);
    expect(ticks).toBeGreaterThan(0);
    a.dispose();
    b.dispose();
  });

  it('stops cleanly on an AbortSignal with the weights of the last completed epoch', async () => {
    const { x, y } = circle({ n: 100, seed: 7 });
    const net = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 3 });
    const controller = new AbortController();
    const promise = net.trainAsync(x, y, { epochs: 1e7, learningRate: 0.3, yieldEvery: 2, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const r = await promise;
    expect(r.stopReason).toBe('aborted');
    expect(r.epochs).toBeGreaterThan(0);
    expect(r.epochs).toBeLessThan(1e7);
    // the weights are those after the last completed epoch: one more epoch from here continues the curve
    const same = new NeuralNetwork([2, 8, 1], [new Tanh(), new Sigmoid()], { seed: 3 });
    const replay = same.train(x, y, { epochs: r.epochs + 1, learningRate: 0.3 });
    expect(replay.loss.slice(0, r.epochs)).toEqual(r.loss);
    expect(net.train(x, y, { epochs: 1, learningRate: 0.3 }).loss[0]).toBe(replay.loss[r.epochs]);
    expect(backendInfo().usedBytes).toBeGreaterThan(0);
    net.dispose();
    same.dispose();
  });

  it('rejects bad input before training', async () => {
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 1 });
    await expect(net.trainAsync([[1, 2, 3]], [[1]])).rejects.toThrow(/NeuralNetwork.trainAsync: input has 3 columns, network expects 2/);
    net.dispose();
  });
});

describe('losses beyond the chapter, in train()', () => {
  it('mean squared error with a Linear output fits a regression', () => {
    const xs = Array.from({ length: 64 }, (_, i) => [i / 32 - 1]);
    const ys = xs.map(([v]) => [Math.sin(3 * v!)]);
    const net = new NeuralNetwork([1, 32, 1], [new Tanh(), new Linear()], { seed: 1, init: 'xavier' });
    const r = net.train(xs, ys, { epochs: 800, learningRate: 0.01, optimizer: 'adam', loss: new MeanSquaredError() });
    expect(r.loss.at(-1)!).toBeLessThan(0.01);
    net.dispose();
  });
  it('binary cross-entropy from logits: fused with a Sigmoid output, same as the step path, predictions are probabilities', () => {
    const { x, y } = circle({ n: 120, noise: 0.05, seed: 8 });
    const make = () => new NeuralNetwork([2, 16, 1], [new Tanh(), new Sigmoid()], { seed: 3, init: 'xavier' });
    const a = make(), b = make();
    const o = { epochs: 200, learningRate: 0.5, batchSize: 40, metrics: ['accuracy' as const] };
    const ra = a.train(x, y, { ...o, loss: 'binaryCrossEntropyFromLogits' });
    const rb = b.train(x, y, { ...o, loss: new StepByStep(new BinaryCrossEntropyFromLogits()) });
    expect(ra.loss).toEqual(rb.loss);
    expect(ra.accuracy!.at(-1)!).toBeGreaterThan(0.95);
    const p = a.predict(x).data;
    expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
    // the loss from logits equals the clamped BCE on the sigmoid outputs (away from saturation)
    const bce = new BinaryCrossEntropy().forward(a.predict(x), y);
    const again = a.train(x, y, { epochs: 1, learningRate: 1e-30, loss: 'binaryCrossEntropyFromLogits' });
    expect(again.loss[0]).toBeCloseTo(bce, 5);
    expect(() => new NeuralNetwork([2, 1], [new ReLU()]).train([[0, 1]], [[1]], { loss: 'binaryCrossEntropyFromLogits' }))
      .toThrow(/needs a Sigmoid \(or Linear\) output layer, the last layer has relu/);
    a.dispose();
    b.dispose();
  });

  it('a loss on logits leaves the output layer\'s caches as a stepped run does: output = activation(activationInput)', async () => {
    const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]];
    const cases = [
      [() => new Softmax(), 'softmaxCrossEntropy', [[1, 0], [0, 1], [0, 1], [1, 0], [1, 0]]],
      [() => new Sigmoid(), 'binaryCrossEntropyFromLogits', [[0, 1], [1, 0], [1, 0], [0, 1], [1, 1]]],
    ] as const;
    for (const [out, loss, Y] of cases) {
      // batch 2 of 5 rows: the caches hold the last batch, of 1 row
      const make = () => new NeuralNetwork([2, 8, 2], [new ReLU(), out()], { seed: 1, init: 'he' });
      const o = { epochs: 30, learningRate: 0.5, batchSize: 2, loss, shuffle: true, seed: 4 };
      const kernel = make(), stepped = make(), late = make();
      kernel.train(X, Y.map((r) => [...r]), o);
      stepped.train(X, Y.map((r) => [...r]), { ...o, onBatch: () => {} });
      await late.trainAsync(X, Y.map((r) => [...r]), o);
      for (const net of [kernel, late]) {
        const last = net.layers[1]!;
        expect(Array.from(last.output!.data)).toEqual(Array.from(stepped.layers[1]!.output!.data));
        expect(Array.from(last.output!.data)).toEqual(Array.from(out().forward(last.activationInput!).data));
        // the chapter's backward straight after train() reads the right output
        const g = [[0.1, -0.2]];
        expect(Array.from(last.backward(g)[1].data)).toEqual(Array.from(stepped.layers[1]!.backward(g)[1].data));
      }
      for (const net of [kernel, stepped, late]) net.dispose();
    }
  });

  it('binary cross-entropy is the default after a Sigmoid output', () => {
    const net = new NeuralNetwork([2, 1], [new Sigmoid()], { seed: 1 });
    const before = new BinaryCrossEntropy().forward(net.forward([[0, 1]]), [[1]]);
    const r = net.train([[0, 1]], [[1]], { epochs: 1 });
    expect(r.loss[0]).toBeCloseTo(before, 6);
    net.dispose();
  });
  it('a Matrix built from typed data trains like nested arrays', () => {
    const x = new Matrix(4, 2, new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]));
    const a = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
    const b = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
    expect(a.train(x, [[0], [1], [1], [0]], { epochs: 10 }).loss).toEqual(b.train(x.toArray(), [[0], [1], [1], [0]], { epochs: 10 }).loss);
    a.dispose();
    b.dispose();
  });
});

describe('a large training set given as a Matrix', () => {
  // At 2^20 values and more, x's finiteness is checked by a SIMD pass in WASM after the copy in
  // (src/training/train.ts LARGE_INPUT) rather than in JS: the same errors, at the same positions.
  const rows = 1024, cols = 1024;
  const make = (bad?: [number, number, number]) => {
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 1000) / 1000;
    if (bad) data[bad[0] * cols + bad[1]] = bad[2];
    return new Matrix(rows, cols, data);
  };
  const y = new Matrix(rows, 1, Float32Array.from({ length: rows }, (_, i) => i % 2));

  it('trains on finite data with the same losses as the same values given as arrays', () => {
    const x = make();
    const a = new NeuralNetwork([cols, 2, 1], [new ReLU(), new Sigmoid()], { seed: 5 });
    const b = new NeuralNetwork([cols, 2, 1], [new ReLU(), new Sigmoid()], { seed: 5 });
    const options = { epochs: 2, batchSize: 256, learningRate: 0.01, seed: 1 };
    const la = a.train(x, y, options).loss;
    expect(la.every(Number.isFinite)).toBe(true);
    expect(la).toEqual(b.train(x.toArray(), y.toArray(), options).loss);
    a.dispose();
    b.dispose();
  });

  it('rejects NaN and ±Infinity naming the position, leaving the weights as they were', () => {
    const net = new NeuralNetwork([cols, 2, 1], [new ReLU(), new Sigmoid()], { seed: 5 });
    const w = net.layers[0]!.weights.data.slice();
    const used = backendInfo().usedBytes;
    expect(() => net.train(make([700, 3, NaN]), y, { epochs: 1 })).toThrow(/NeuralNetwork\.train: input\[700\]\[3\] is NaN, not a finite number/);
    expect(() => net.train(make([0, 0, -Infinity]), y, { epochs: 1 })).toThrow(/input\[0\]\[0\] is -Infinity, not a finite number/);
    expect(() => net.train(make([1023, 1023, Infinity]), y, { epochs: 1 })).toThrow(/input\[1023\]\[1023\] is Infinity, not a finite number/);
    // in the validationSplit's part: numbered as rows of x
    expect(() => net.train(make([1000, 5, NaN]), y, { epochs: 1, validationSplit: 0.25 })).toThrow(/input\[1000\]\[5\] is NaN/);
    expect(net.layers[0]!.weights.data).toEqual(w);
    expect(backendInfo().usedBytes).toBe(used);
    net.dispose();
  });
});
