// Saving and loading networks (src/nn/serialize.ts, NeuralNetwork.toJSON / fromJSON).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, backendInfo, init, LeakyReLU, Matrix, NeuralNetwork, ReLU, Sigmoid, Softmax, Tanh, seed,
} from '../../src/index.js';
import { globalRandom } from '../../src/core/random.js';

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
      ['unknown optimizer', (d) => ({ ...d, training: { optimizer: { name: 'lion' } } }), /unknown optimizer/],
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
