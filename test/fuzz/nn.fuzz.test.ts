// Property tests (fast-check) for the network and the trainer: arbitrary values — numbers incl.
// NaN/±Inf/−0/1e39, strings, holes, Proxies, typed arrays, objects posing as arrays — given as
// layer sizes, activations, options, training data, saved documents and init() options. Whatever
// happens, no raw TypeError/RangeError/WebAssembly.RuntimeError escapes, a bystander network
// predicts exactly what it did before, WebAssembly memory in use is unchanged after a rejected
// call, and the network trained on stays usable.
//
// Seeded; FUZZ_RUNS (default 200 per property) and FUZZ_SEED pick a longer or different run.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, LeakyReLU, Linear, NeuralNetwork, ReLU, Sigmoid, Softmax, Tanh } from '../../src/index.js';
import { isRawError } from '../support/rejects.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const params = { seed: SEED, numRuns: RUNS };
const probe = [[0.5, -1], [3, 0.25]];

let bystander: NeuralNetwork;
let baseline: number[];
let net: NeuralNetwork;

beforeAll(async () => {
  await init();
  bystander = new NeuralNetwork([2, 5, 1], [new ReLU(), new Sigmoid()], { seed: 9 });
  baseline = Array.from(bystander.predict(probe).data);
  net = new NeuralNetwork([2, 3, 1], [new Tanh(), new Sigmoid()], { seed: 3 });
});

afterAll(() => {
  bystander.dispose();
  net.dispose();
});

/** Anything a hostile or careless caller might pass. */
const anything = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 2, 3, 1e39, -1e39, 2 ** 31, 2 ** 53, 1e-300, 0.5, -1, null, undefined, true, 'yes', '2', ''),
    fc.double(),
    fc.integer({ min: -5, max: 70000 }),
    fc.string({ maxLength: 5 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('epochs', 'learningRate', 'batchSize', 'l1', 'l2', 'loss', 'optimizer', 'x', 'y', 'length', '0', 'name', 'slope'), tie('value'), { maxKeys: 3 }),
    fc.constantFrom(new Float64Array(3), new Int8Array(2), new Float32Array([NaN, 1]), [1, , 3], new ReLU(), new Sigmoid(), new LeakyReLU(0.2)),
    fc.constant(new Proxy([2, 3], { get: (t, k) => (typeof k === 'string' && /^\d+$/.test(k) ? (() => { throw new RangeError('trap'); })() : Reflect.get(t, k)) })),
    fc.constant(new Proxy([2, 3], { get: (t, k) => (k === 'length' ? 1e12 : Reflect.get(t, k)) })),
  ),
})).value;

/** Run one call: a named Error or a result, never a raw error; bystander and memory as before. */
function survives(call: () => unknown, rejectedLeavesMemory = true): void {
  const used = backendInfo().usedBytes;
  let threw = false;
  try {
    const r = call();
    if (r instanceof NeuralNetwork) r.dispose();
  } catch (e) {
    threw = true;
    if (isRawError(e)) throw new Error(`raw error escaped: ${String(e)}`);
    if (!(e instanceof Error) || !/^[\w.]+(\(.*?\))?:/.test(e.message)) throw new Error(`an error that names no operation: ${String(e)}`);
  }
  if (threw && rejectedLeavesMemory) expect(backendInfo().usedBytes).toBe(used);
  expect(Array.from(bystander.predict(probe).data)).toEqual(baseline);
}

describe('fuzz: networks and training', () => {
  it('new NeuralNetwork(anything, anything, anything)', () => {
    fc.assert(fc.property(anything, anything, anything, (sizes, acts, opts) => {
      survives(() => new NeuralNetwork(sizes as never, acts as never, opts as never));
    }), params);
  });

  it('well-formed sizes with hostile activations and options', () => {
    const sizes = fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 });
    const act = fc.constantFrom<unknown>(new ReLU(), new Sigmoid(), new Linear(), new Softmax(), new Tanh(), undefined, null, 'relu', {});
    fc.assert(fc.property(sizes, fc.array(act, { maxLength: 4 }), anything, (s, a, o) => {
      survives(() => new NeuralNetwork(s, a as never, o as never));
    }), params);
  });

  it('train(anything, anything, anything options): named errors, and the network stays usable', () => {
    const rows = fc.array(fc.tuple(fc.double({ noNaN: false }), fc.double()), { minLength: 1, maxLength: 5 });
    const x = fc.oneof(anything, rows.map((r) => r.map(([a, b]) => [a, b])));
    const y = fc.oneof(anything, rows.map((r) => r.map(([a]) => [Math.abs(a) % 1])));
    const options = fc.oneof(anything, fc.record({
      epochs: fc.oneof(fc.integer({ min: -2, max: 3 }), anything),
      learningRate: fc.oneof(fc.double(), anything),
      batchSize: fc.oneof(fc.integer({ min: -1, max: 6 }), anything),
      optimizer: fc.constantFrom<unknown>('sgd', 'adam', 'rmsprop', 'nesterov', 'momentum', 'nope', { name: 'adam', beta1: 2 }, null),
      loss: fc.constantFrom<unknown>('binaryCrossEntropy', 'meanSquaredError', 'softmaxCrossEntropy', 'nope', 7),
      l2: fc.oneof(fc.double(), anything),
    }, { requiredKeys: [] }));
    fc.assert(fc.property(x, y, options, (X, Y, o) => {
      survives(() => {
        try {
          return net.train(X as never, Y as never, o as never);
        } catch (e) {
          if ((e as Error).name === 'TrainingDivergedError') return null; // a documented outcome
          throw e;
        }
      }, false);
      expect(net.predict(probe).rows).toBe(2);
    }), params);
  });

  it('fromJSON(anything) and fromJSON of a saved document with one field replaced by anything', () => {
    const doc = net.toJSON() as unknown as Record<string, unknown>;
    const keys = fc.constantFrom('format', 'version', 'layerSizes', 'activations', 'layers', 'training');
    fc.assert(fc.property(anything, keys, anything, (whole, key, value) => {
      survives(() => NeuralNetwork.fromJSON(whole));
      survives(() => NeuralNetwork.fromJSON({ ...doc, [key]: value }));
    }), params);
  });

  it('init(anything) rejects bad options by name (the backend is already loaded)', async () => {
    await fc.assert(fc.asyncProperty(anything, async (o) => {
      try {
        await init(o as never);
      } catch (e) {
        if (isRawError(e)) throw new Error(`raw error escaped: ${String(e)}`);
        expect((e as Error).message).toMatch(/^init: /);
      }
    }), { ...params, numRuns: Math.min(RUNS, 100) });
  });
});
