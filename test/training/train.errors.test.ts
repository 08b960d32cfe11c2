// Bad input to NeuralNetwork.train: the message, and that nothing changed or leaked.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Linear, NeuralNetwork, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy } from '../../src/index.js';

import { bad, X, Y, expectRejectsUnchanged, xorNet } from '../support/errors.js';

beforeAll(async () => {
  await init();
});

describe('NeuralNetwork.train', () => {
  it('rejects x/y row mismatch', () => {
    const net = xorNet();
    expectRejectsUnchanged(net, () => net.train(X, [[0], [1], [1]], { epochs: 5 }), /NeuralNetwork\.train: x has 4 rows but y has 3/);
    net.dispose();
  });

  it('rejects the wrong number of y columns', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.train(X, [[0, 1], [1, 0], [1, 0], [0, 1]], { epochs: 5 }),
      /NeuralNetwork\.train: y has 2 columns, network outputs 1/,
    );
    net.dispose();
  });

  it('rejects the wrong number of x columns', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.train([[1, 2, 3]], [[1]], { epochs: 5 }),
      /NeuralNetwork\.train: input has 3 columns, network expects 2/,
    );
    net.dispose();
  });

  it('rejects NaN and Infinity in targets', () => {
    const net = xorNet(new Linear());
    net.forward(X);
    expectRejectsUnchanged(
      net,
      () => net.train(X, [[0], [NaN], [1], [0]], { epochs: 5 }),
      /NeuralNetwork\.train: y\[1\]\[0\] is NaN, not a finite number/,
    );
    expectRejectsUnchanged(
      net,
      () => net.train(X, [[0], [1], [1], [Infinity]], { epochs: 5, batchSize: 2 }),
      /NeuralNetwork\.train: y\[3\]\[0\] is Infinity, not a finite number/,
    );
    net.dispose();
  });

  it('rejects NaN in x', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.train([[0, 0], [NaN, 1]], [[0], [1]], { epochs: 5 }),
      /NeuralNetwork\.train: input\[1\]\[0\] is NaN, not a finite number/,
    );
    net.dispose();
  });

  it('rejects binary cross-entropy targets outside [0, 1]', () => {
    const net = xorNet();
    // Default loss after a Sigmoid output is binary cross-entropy.
    expectRejectsUnchanged(
      net,
      () => net.train(X, [[0], [2], [1], [0]], { epochs: 5 }),
      /NeuralNetwork\.train: target\[1\]\[0\] is 2; binary cross-entropy targets must lie in \[0, 1\]/,
    );
    expectRejectsUnchanged(
      net,
      () => net.train(X, [[0], [1], [-0.5], [0]], { epochs: 5, loss: 'binaryCrossEntropy' }),
      /NeuralNetwork\.train: target\[2\]\[0\] is -0\.5; binary cross-entropy targets must lie in \[0, 1\]/,
    );
    net.dispose();
  });

  it('rejects an unknown loss name', () => {
    const net = xorNet();
    const err = expectRejectsUnchanged(
      net,
      () => net.train(X, Y, { epochs: 5, loss: bad<'mse'>('hinge') }),
      /NeuralNetwork\.train: unknown loss "hinge"/,
    );
    expect(err.message).toMatch(/binaryCrossEntropy/);
    expectRejectsUnchanged(
      net,
      () => net.train(X, Y, { epochs: 5, loss: bad<'mse'>('toString') }),
      /NeuralNetwork\.train: unknown loss "toString"/,
    );
    net.dispose();
  });

  it('rejects softmaxCrossEntropy on a Sigmoid output', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.train(X, Y, { epochs: 5, loss: 'softmaxCrossEntropy' }),
      /NeuralNetwork\.train: the softmaxCrossEntropy loss takes logits and needs a Softmax \(or Linear\) output layer, the last layer has sigmoid/,
    );
    expectRejectsUnchanged(
      net,
      () => net.train(X, Y, { epochs: 5, loss: new SoftmaxCrossEntropy() }),
      /NeuralNetwork\.train: the softmaxCrossEntropy loss .*the last layer has sigmoid/,
    );
    net.dispose();
  });

  it('accepts softmaxCrossEntropy on a Softmax output (control)', () => {
    const net = new NeuralNetwork([2, 4, 2], [new ReLU(), new Softmax()], { seed: 1 });
    const oneHot = [[1, 0], [0, 1], [0, 1], [1, 0]];
    expect(net.train(X, oneHot, { epochs: 2, loss: 'softmaxCrossEntropy' }).epochs).toBe(2);
    net.dispose();
  });

  for (const [label, value, shown] of [
    ['0', 0, '0'],
    ['-1', -1, '-1'],
    ['2.5', 2.5, '2\\.5'],
    ['NaN', NaN, 'NaN'],
    ['"10"', '10', '"10" \\(a string\\)'],
  ] as const) {
    it(`rejects epochs = ${label}`, () => {
      const net = xorNet();
      expectRejectsUnchanged(
        net,
        () => net.train(X, Y, { epochs: bad<number>(value) }),
        new RegExp(`NeuralNetwork\\.train: epochs must be a positive integer, got ${shown}`),
      );
      net.dispose();
    });

    it(`rejects batchSize = ${label}`, () => {
      const net = xorNet();
      expectRejectsUnchanged(
        net,
        () => net.train(X, Y, { epochs: 5, batchSize: bad<number>(value) }),
        new RegExp(`NeuralNetwork\\.train: batchSize must be a positive integer, got ${shown}`),
      );
      net.dispose();
    });
  }

  it('rejects a bad learning rate', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.train(X, Y, { epochs: 5, learningRate: -0.1 }),
      /NeuralNetwork\.train: learningRate must be a finite number > 0, got -0\.1/,
    );
    net.dispose();
  });

  it('a rejected train after a forward keeps weights and the cached pass', () => {
    const net = xorNet();
    const out = net.forward(X).data.slice();
    expectRejectsUnchanged(net, () => net.train(X, [[0], [5], [1], [0]], { epochs: 5 }), /binary cross-entropy targets/);
    expect(net.forward(X).data).toEqual(out);
    net.dispose();
  });
});

