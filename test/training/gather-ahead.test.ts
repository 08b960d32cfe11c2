// The next batch gathered ahead (assembly/network.ts, assembly/batch.ts gatherAhead): on more than
// one thread the workers gather it into a second pair of buffers while the main thread finishes
// the step, and the two pairs change roles. Nothing a user sees may change with it: the numbers
// stay those of one thread, and after a call (or a failed one) the first layer's input is the last
// batch's rows, in its own buffer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Matrix, NeuralNetwork, RandomState, ReLU, setThreads, shutdown, Softmax, TrainingDivergedError } from '../../src/index.js';
import { backend } from '../../src/backend/load.js';

beforeAll(async () => {
  await init({ threads: 2, threadTimeoutMs: 2000 });
});
afterAll(async () => {
  await shutdown();
});

// 500 rows of 300 inputs, batches of 128 (and a last one of 116): 128 × 300 floats is over the
// size where a gather is split across threads, so each next batch is gathered ahead.
const ROWS = 500, INPUTS = 300, CLASSES = 10, BATCH = 128;

function data(seed: number) {
  const rng = new RandomState(seed);
  const x = new Matrix(ROWS, INPUTS, Float32Array.from({ length: ROWS * INPUTS }, () => rng.random()));
  const y = new Matrix(ROWS, CLASSES);
  for (let i = 0; i < ROWS; i++) y.data[i * CLASSES + rng.integer(CLASSES)] = 1;
  return { x, y };
}

/** What a run leaves that a user can see: losses, weights, biases, and the first layer's input and z. */
function observe(net: NeuralNetwork) {
  const first = net.layers[0]!;
  return {
    weights: net.layers.map((l) => Array.from(l.weights.data)),
    biases: net.layers.map((l) => Array.from(l.bias.data)),
    input: Array.from(first.input?.data ?? []),
    z: Array.from(first.activationInput?.data ?? []),
  };
}

const make = (hidden = 32) => new NeuralNetwork([INPUTS, hidden, CLASSES], [new ReLU(), new Softmax()], { seed: 6, init: 'he' });

/** Run `f` on 1 thread and on `threads`, back to 2 after. */
async function onThreads<T>(threads: number, f: () => T): Promise<[T, T]> {
  await setThreads(1);
  const one = f();
  await setThreads(threads);
  const many = f();
  await setThreads(2);
  return [one, many];
}

describe('the next batch gathered ahead', () => {
  it('consecutive batches over several epochs in one call (the next epoch\'s first batch too): the numbers of one thread, and the last batch as the first layer\'s input', async () => {
    const { x, y } = data(1);
    for (const optimizer of ['sgd', 'adam'] as const) {
      for (const threads of [2, 3]) {
        const [one, many] = await onThreads(threads, () => {
          const net = make();
          // no shuffle and no callback: all epochs in one call of the kernels' loop
          const r = net.train(x, y, { epochs: 4, batchSize: BATCH, learningRate: 0.01, optimizer, shuffle: false, metrics: ['accuracy'] });
          const seen = { loss: r.loss, accuracy: r.accuracy, ...observe(net) };
          net.dispose();
          return seen;
        });
        expect(many, `${optimizer}, ${threads} threads`).toEqual(one);
        // the last batch: rows 384..499, in order
        expect(many.input).toEqual(Array.from(x.data.subarray(384 * INPUTS)));
      }
    }
  });

  it('shuffled, with a callback each epoch: inside it the first layer\'s input is the epoch\'s last batch, as on one thread', async () => {
    const { x, y } = data(2);
    const [one, two] = await onThreads(2, () => {
      const net = make();
      const inputs: number[][] = [];
      const r = net.train(x, y, {
        epochs: 3, batchSize: BATCH, learningRate: 0.01, optimizer: 'adam', shuffle: true, seed: 3,
        onEpoch: () => { inputs.push(Array.from(net.layers[0]!.input!.data)); },
      });
      const seen = { loss: r.loss, inputs, ...observe(net) };
      net.dispose();
      return seen;
    });
    expect(two).toEqual(one);
    // each is a batch of 116 of the data set's rows
    for (const input of two.inputs) {
      expect(input.length).toBe(116 * INPUTS);
      for (let r = 0; r < 116; r++) {
        const row = input.slice(r * INPUTS, (r + 1) * INPUTS);
        const at = Array.from({ length: ROWS }, (_, i) => i).find((i) => row.every((v, k) => v === x.data[i * INPUTS + k]));
        expect(at, `row ${r}`).toBeDefined();
      }
    }
  });

  it('training that diverges in a batch gathered ahead stops as on one thread: the same error, weights and input', async () => {
    const { x, y } = data(3);
    // a learning rate that makes a loss not finite after a few steps (not in the first batch,
    // whose rows are gathered before the step, but in one gathered ahead)
    const [one, two] = await onThreads(2, () => {
      const net = make(128);
      let error: unknown = null;
      try {
        net.train(x, y, { epochs: 5, batchSize: BATCH, learningRate: 1e20, optimizer: 'sgd', shuffle: false });
      } catch (e) {
        error = e;
      }
      const seen = { error: String(error), epoch: (error as TrainingDivergedError).epoch, ...observe(net) };
      net.dispose();
      return seen;
    });
    expect(one.error).toMatch(/diverged|not finite|Infinity|NaN/i);
    expect(two).toEqual(one);
  });

  it('the second pair of batch buffers is given back when the call returns', async () => {
    const { x, y } = data(4);
    const be = backend();
    const [one, two] = await onThreads(2, () => {
      const net = make(), before = be.usedBytes;
      net.train(x, y, { epochs: 1, batchSize: BATCH, learningRate: 0.01 });
      const kept = be.usedBytes - before; // the network's own batch buffers stay
      net.dispose();
      return kept;
    });
    expect(two).toBe(one);
  });
});
