// Bad input to NeuralNetwork constructor, batches too large for WebAssembly memory, NeuralNetwork.forward / predict, NeuralNetwork.backward, use after dispose(): the message, and that nothing changed or leaked.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, Layer, Matrix, NeuralNetwork, ReLU, Sigmoid, type Activation } from '../../src/index.js';

import { bad, X, Y, expectRejects, expectRejectsUnchanged, xorNet } from '../support/errors.js';

beforeAll(async () => {
  await init();
});

describe('NeuralNetwork constructor', () => {
  for (const [label, size, shown] of [
    ['0', 0, '0'],
    ['-1', -1, '-1'],
    ['2.5', 2.5, '2\\.5'],
    ['"3"', '3', '"3" \\(a string\\)'],
    ['NaN', NaN, 'NaN'],
  ] as const) {
    it(`rejects a layer size of ${label}`, () => {
      expectRejects(
        () => new NeuralNetwork(bad<number[]>([2, size, 1]), [new ReLU(), new Sigmoid()]),
        new RegExp(`NeuralNetwork: layerSizes\\[1\\] must be a positive integer, got ${shown}`),
      );
    });
  }

  it('rejects a bad input or output size too', () => {
    expectRejects(
      () => new NeuralNetwork([0, 4, 1], [new ReLU(), new Sigmoid()]),
      /NeuralNetwork: layerSizes\[0\] must be a positive integer, got 0/,
    );
    expectRejects(
      () => new NeuralNetwork([2, 4, -1], [new ReLU(), new Sigmoid()]),
      /NeuralNetwork: layerSizes\[2\] must be a positive integer, got -1/,
    );
  });

  it('rejects fewer than 2 sizes', () => {
    expectRejects(() => new NeuralNetwork([2], []), /NeuralNetwork: need at least input and output layers, got 1 size/);
    expectRejects(() => new NeuralNetwork([], []), /NeuralNetwork: need at least input and output layers, got 0 size/);
  });

  it('rejects a non-array of sizes', () => {
    expectRejects(
      () => new NeuralNetwork(bad<number[]>(3), [new ReLU()]),
      /NeuralNetwork: layerSizes must be an array of positive integers/,
    );
  });

  it('rejects an activation count that is not sizes - 1', () => {
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], [new ReLU()]),
      /NeuralNetwork: .*3 sizes need 2 activations, got 1/,
    );
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid(), new Sigmoid()]),
      /NeuralNetwork: .*3 sizes need 2 activations, got 3/,
    );
  });

  it('rejects a non-Activation in activations', () => {
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], bad<Activation[]>([new ReLU(), 'sigmoid'])),
      /NeuralNetwork: activations\[1\] is "sigmoid" \(a string\), not an Activation/,
    );
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], bad<Activation[]>([null, new Sigmoid()])),
      /NeuralNetwork: activations\[0\] is null, not an Activation/,
    );
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], bad<Activation[]>([{}, new Sigmoid()])),
      /NeuralNetwork: activations\[0\] is .*not an Activation/,
    );
    // The class instead of an instance: a common slip.
    expectRejects(
      () => new NeuralNetwork([2, 4, 1], bad<Activation[]>([ReLU, new Sigmoid()])),
      /NeuralNetwork: activations\[0\] is [\s\S]*not an Activation/,
    );
  });

  it('rejects a network too large for WebAssembly memory before allocating anything', () => {
    const before = backendInfo();
    const err = expectRejects(
      () => new NeuralNetwork([100000, 100000, 1], [new ReLU(), new Sigmoid()]),
      /NeuralNetwork\(\[100000, 100000, 1\]\): needs [\d.]+ [MG]iB of WebAssembly memory/,
    );
    expect(err.message).toMatch(/limit/);
    const after = backendInfo();
    expect(after.memoryBytes).toBe(before.memoryBytes);
    expect(after.usedBytes).toBe(before.usedBytes);
    // The backend is still usable afterwards.
    const net = xorNet();
    expect(net.forward(X).shape).toEqual([4, 1]);
    net.dispose();
    expect(backendInfo().usedBytes).toBe(before.usedBytes);
  });
});

describe('batches too large for WebAssembly memory', () => {
  it('forward, predict and train reject a batch whose buffers cannot fit, leaving the network as it was', () => {
    const net = new NeuralNetwork([2, 100000, 1], [new ReLU(), new Sigmoid()], { seed: 3 });
    net.forward(X);
    const rows = 20000; // 20000 x 100000 floats per buffer: tens of GB of workspace
    const big = Array.from({ length: rows }, () => [0.5, 0.5]);
    const bigY = Array.from({ length: rows }, () => [1]);
    const before = backendInfo();
    // (predict runs so many rows in blocks, on 400 MB: the network below is too wide for that)
    expectRejectsUnchanged(
      net,
      () => net.forward(big),
      new RegExp(`NeuralNetwork\\.forward: buffers for a batch of ${rows}: needs [\\d.]+ [MG]iB of WebAssembly memory`),
    );
    expectRejectsUnchanged(
      net,
      () => net.train(big, bigY, { epochs: 1 }),
      /NeuralNetwork\.train: buffers for a batch of 20000: needs [\d.]+ [MG]iB of WebAssembly memory/,
    );
    expect(backendInfo().memoryBytes).toBe(before.memoryBytes);
    // The cached pass of the earlier forward is intact.
    expect(() => net.backward([[1], [1], [1], [1]], 0.1)).not.toThrow();
    net.dispose();
  });

  it('predict rejects a batch whose buffers cannot fit, in one block of rows (on the workspace) or in several, leaving the network as it was', () => {
    // one row of its forward pass is 16 MB: a block of 512 rows (the fewest) is 8 GB
    const net = new NeuralNetwork([2, 2_000_000, 1], [new ReLU(), new Sigmoid()], { init: 0 });
    net.forward(X);
    const before = backendInfo();
    for (const rows of [300, 20000]) {
      expectRejectsUnchanged(
        net,
        () => net.predict(new Matrix(rows, 2)),
        new RegExp(`NeuralNetwork\\.predict: buffers for a batch of ${rows}: needs [\\d.]+ GiB of WebAssembly memory`),
      );
    }
    expect(backendInfo().memoryBytes).toBe(before.memoryBytes);
    expect(() => net.backward([[1], [1], [1], [1]], 0.1)).not.toThrow();
    net.dispose();
  });
});

describe('NeuralNetwork.forward / predict', () => {
  for (const op of ['forward', 'predict'] as const) {
    it(`${op} rejects the wrong column count`, () => {
      const net = xorNet();
      expectRejectsUnchanged(
        net,
        () => net[op]([[1, 2, 3]]),
        new RegExp(`NeuralNetwork\\.${op}: input has 3 columns, network expects 2`),
      );
      net[op](X);
      expectRejectsUnchanged(
        net,
        () => net[op]([[1], [2]]),
        new RegExp(`NeuralNetwork\\.${op}: input has 1 columns, network expects 2`),
      );
      net.dispose();
    });

    it(`${op} rejects NaN and Infinity in inputs`, () => {
      const net = xorNet();
      net[op](X);
      expectRejectsUnchanged(
        net,
        () => net[op]([[0, 0], [0, NaN]]),
        new RegExp(`NeuralNetwork\\.${op}: input\\[1\\]\\[1\\] is NaN, not a finite number`),
      );
      expectRejectsUnchanged(
        net,
        () => net[op](new Matrix(1, 2, new Float32Array([Infinity, 0]))),
        new RegExp(`NeuralNetwork\\.${op}: input\\[0\\]\\[0\\] is Infinity, not a finite number`),
      );
      net.dispose();
    });

    it(`${op} rejects an empty batch`, () => {
      const net = xorNet();
      expectRejectsUnchanged(net, () => net[op]([]), new RegExp(`NeuralNetwork\\.${op}: input is empty`));
      net.dispose();
    });
  }

  it('a rejected forward keeps the cached pass, so backward still works', () => {
    const net = xorNet();
    net.forward(X);
    expect(() => net.forward([[1, 2, 3]])).toThrow(/input has 3 columns/);
    expect(() => net.backward([[0.1], [0.1], [0.1], [0.1]], 0.1)).not.toThrow();
    net.dispose();
  });
});

describe('NeuralNetwork.backward', () => {
  it('rejects backward before any forward', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.backward([[1], [1], [1], [1]], 0.1),
      /NeuralNetwork\.backward: no forward pass of this network to differentiate; call forward\(\) first/,
    );
    net.dispose();
  });

  it('rejects a gradOutput of the wrong shape', () => {
    const net = xorNet();
    net.forward(X);
    expectRejectsUnchanged(
      net,
      () => net.backward([[1], [1], [1]], 0.1),
      /NeuralNetwork\.backward: gradOutput is 3x1, the last forward pass produced 4x1/,
    );
    expectRejectsUnchanged(
      net,
      () => net.backward([[1, 1], [1, 1], [1, 1], [1, 1]], 0.1),
      /NeuralNetwork\.backward: gradOutput is 4x2, the last forward pass produced 4x1/,
    );
    net.dispose();
  });

  it('rejects NaN in gradOutput', () => {
    const net = xorNet();
    net.forward(X);
    expectRejectsUnchanged(
      net,
      () => net.backward([[1], [1], [NaN], [1]], 0.1),
      /NeuralNetwork\.backward: gradOutput\[2\]\[0\] is NaN, not a finite number/,
    );
    net.dispose();
  });

  for (const [label, lr, shown] of [
    ['0', 0, '0'],
    ['-1', -1, '-1'],
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['"0.1"', '0.1', '"0\\.1" \\(a string\\)'],
  ] as const) {
    it(`rejects a learning rate of ${label}`, () => {
      const net = xorNet();
      net.forward(X);
      expectRejectsUnchanged(
        net,
        () => net.backward([[1], [1], [1], [1]], bad<number>(lr)),
        new RegExp(`NeuralNetwork\\.backward: learningRate must be a finite number > 0, got ${shown}`),
      );
      net.dispose();
    });
  }
});

describe('use after dispose()', () => {
  it('a disposed network rejects forward, predict, backward and train', () => {
    const net = xorNet();
    net.forward(X);
    net.dispose();
    expectRejects(() => net.forward(X), /NeuralNetwork\.forward: this network was disposed/);
    expectRejects(() => net.predict(X), /NeuralNetwork\.predict: this network was disposed/);
    expectRejects(() => net.backward([[1], [1], [1], [1]], 0.1), /NeuralNetwork\.backward: this network was disposed/);
    expectRejects(() => net.train(X, Y, { epochs: 1 }), /NeuralNetwork\.train: this network was disposed/);
    expect(net.disposed).toBe(true);
  });

  it('a disposed network rejects access to its layers', () => {
    const net = xorNet();
    net.forward(X);
    const layer = net.layers[0]!;
    net.dispose();
    expectRejects(() => layer.weights, /Layer\.weights: this layer was disposed/);
    expectRejects(() => layer.bias, /Layer\.bias: this layer was disposed/);
    expectRejects(() => layer.output, /Layer\.output: this layer was disposed/);
    expectRejects(() => layer.forward([[1, 2]]), /Layer\.forward: this layer was disposed/);
    expectRejects(() => layer.backward([[1, 1, 1, 1]]), /Layer\.backward: this layer was disposed/);
    expect(layer.disposed).toBe(true);
  });

  it('disposing twice is harmless', () => {
    const net = xorNet();
    const used = backendInfo().usedBytes;
    net.dispose();
    const freed = backendInfo().usedBytes;
    expect(freed).toBeLessThan(used);
    expect(() => net.dispose()).not.toThrow();
    expect(backendInfo().usedBytes).toBe(freed);
  });

  it('a layer of a network cannot be disposed on its own', () => {
    const net = xorNet();
    expectRejectsUnchanged(
      net,
      () => net.layers[0]!.dispose(),
      /Layer\.dispose: this layer belongs to a NeuralNetwork; dispose the network instead/,
    );
    net.dispose();
  });

  it('a disposed standalone Layer rejects every use', () => {
    const layer = new Layer(2, 3, new ReLU());
    layer.forward([[1, 2]]);
    layer.dispose();
    expectRejects(() => layer.forward([[1, 2]]), /Layer\.forward: this layer was disposed/);
    expectRejects(() => layer.backward([[1, 1, 1]]), /Layer\.backward: this layer was disposed/);
    expectRejects(() => layer.weights, /Layer\.weights: this layer was disposed/);
    expectRejects(() => layer.bias, /Layer\.bias: this layer was disposed/);
    expect(layer.disposed).toBe(true);
    expect(() => layer.dispose()).not.toThrow();
  });
});
