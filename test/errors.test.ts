import { beforeAll, describe, expect, it } from 'vitest';
import {
  backendInfo,
  init,
  Layer,
  Linear,
  Matrix,
  matmul,
  NeuralNetwork,
  ReLU,
  Sigmoid,
  Softmax,
  SoftmaxCrossEntropy,
  type Activation,
} from '../src/index.js';

beforeAll(async () => {
  await init();
});

/** Pass a deliberately ill-typed value through the public API. */
const bad = <T>(v: unknown): T => v as T;

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const Y = [[0], [1], [1], [0]];

/**
 * `fn` must throw an Error matching `re` that is not a raw WebAssembly.RuntimeError (a kernel
 * trap), and must not allocate or leak WebAssembly memory.
 */
function expectRejects(fn: () => unknown, re: RegExp): Error {
  const before = backendInfo();
  expect(fn).toThrow(re);
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(Error);
  expect(caught).not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect((caught as Error).name).not.toBe('RuntimeError');
  const after = backendInfo();
  expect(after.usedBytes).toBe(before.usedBytes);
  expect(after.memoryBytes).toBe(before.memoryBytes);
  return caught as Error;
}

interface LayerSnapshot {
  weights: Float32Array;
  bias: Float32Array;
  output: Float32Array | null;
}

function snapshotLayers(layers: readonly Layer[]): LayerSnapshot[] {
  return layers.map((l) => ({
    weights: l.weights.data.slice(),
    bias: l.bias.data.slice(),
    output: l.output?.data.slice() ?? null,
  }));
}

/** Index of the first element that differs (Object.is, so NaN and -0 count), or -1; length mismatch: -2. */
function firstDifference(a: Float32Array | null, b: Float32Array | null): number {
  if (a === null || b === null) return a === b ? -1 : -2;
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function expectLayersUnchanged(layers: readonly Layer[], snap: LayerSnapshot[]): void {
  const now = snapshotLayers(layers);
  expect(now.length).toBe(snap.length);
  now.forEach((l, i) => {
    // Element-wise (fast on large layers); reports where the first change is.
    expect({ layer: i, weights: firstDifference(l.weights, snap[i]!.weights) }).toEqual({ layer: i, weights: -1 });
    expect({ layer: i, bias: firstDifference(l.bias, snap[i]!.bias) }).toEqual({ layer: i, bias: -1 });
    expect({ layer: i, output: firstDifference(l.output, snap[i]!.output) }).toEqual({ layer: i, output: -1 });
  });
}

/** Run `fn` (which must be rejected) against `net` and check that nothing in it changed. */
function expectRejectsUnchanged(net: NeuralNetwork | Layer, fn: () => unknown, re: RegExp): Error {
  const layers = net instanceof NeuralNetwork ? net.layers : [net];
  const snap = snapshotLayers(layers);
  const err = expectRejects(fn, re);
  expectLayersUnchanged(layers, snap);
  return err;
}

function xorNet(output: Activation = new Sigmoid()): NeuralNetwork {
  return new NeuralNetwork([2, 4, 1], [new ReLU(), output], { seed: 42 });
}

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
    for (const op of ['forward', 'predict'] as const) {
      expectRejectsUnchanged(
        net,
        () => net[op](big),
        new RegExp(`NeuralNetwork\\.${op}: buffers for a batch of ${rows}: needs [\\d.]+ [MG]iB of WebAssembly memory`),
      );
    }
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
});

describe('Layer constructor', () => {
  for (const [label, size, shown] of [
    ['0', 0, '0'],
    ['-1', -1, '-1'],
    ['2.5', 2.5, '2\\.5'],
    ['"3"', '3', '"3" \\(a string\\)'],
    ['NaN', NaN, 'NaN'],
  ] as const) {
    it(`rejects an inputSize or outputSize of ${label}`, () => {
      expectRejects(
        () => new Layer(bad<number>(size), 2, new ReLU()),
        new RegExp(`Layer: inputSize must be a positive integer, got ${shown}`),
      );
      expectRejects(
        () => new Layer(2, bad<number>(size), new ReLU()),
        new RegExp(`Layer: outputSize must be a positive integer, got ${shown}`),
      );
    });
  }

  it('rejects a non-Activation', () => {
    expectRejects(
      () => new Layer(2, 3, bad<Activation>('relu')),
      /Layer: activation must be an Activation.*got "relu" \(a string\)/,
    );
    expectRejects(() => new Layer(2, 3, bad<Activation>(undefined)), /Layer: activation must be an Activation/);
    expectRejects(() => new Layer(2, 3, bad<Activation>(ReLU)), /Layer: activation must be an Activation/);
  });

  it('rejects a layer too large for WebAssembly memory before allocating anything', () => {
    const before = backendInfo();
    expectRejects(
      () => new Layer(100000, 100000, new ReLU()),
      /Layer\(100000, 100000\): needs [\d.]+ [MG]iB of WebAssembly memory/,
    );
    expect(backendInfo().memoryBytes).toBe(before.memoryBytes);
    expect(backendInfo().usedBytes).toBe(before.usedBytes);
  });
});

describe('Layer.forward / Layer.backward', () => {
  it('rejects the wrong column count', () => {
    const layer = new Layer(2, 3, new ReLU());
    expectRejectsUnchanged(
      layer,
      () => layer.forward([[1, 2, 3]]),
      /Layer\.forward: input has 3 columns, layer expects 2/,
    );
    layer.forward([[1, 2]]);
    expectRejectsUnchanged(layer, () => layer.forward([[1]]), /Layer\.forward: input has 1 columns, layer expects 2/);
    layer.dispose();
  });

  it('rejects NaN in the input', () => {
    const layer = new Layer(2, 3, new ReLU());
    layer.forward([[1, 2]]);
    expectRejectsUnchanged(
      layer,
      () => layer.forward([[1, 2], [NaN, 0]]),
      /Layer\.forward: input\[1\]\[0\] is NaN, not a finite number/,
    );
    layer.dispose();
  });

  it('rejects backward before forward and a wrong gradOutput shape', () => {
    const layer = new Layer(2, 3, new ReLU());
    expectRejectsUnchanged(layer, () => layer.backward([[1, 1, 1]]), /Layer\.backward: no forward pass.*call forward\(\) first/);
    layer.forward([[1, 2]]);
    expectRejectsUnchanged(
      layer,
      () => layer.backward([[1, 1]]),
      /Layer\.backward: gradOutput is 1x2, the last forward pass produced 1x3/,
    );
    expectRejectsUnchanged(
      layer,
      () => layer.backward([[1, NaN, 1]]),
      /Layer\.backward: gradOutput\[0\]\[1\] is NaN, not a finite number/,
    );
    layer.dispose();
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

describe('matmul', () => {
  it('rejects non-aligned shapes, naming both shapes', () => {
    expectRejects(() => matmul([[1, 2, 3]], [[1, 2]]), /matmul: shapes do not align: a \(1x3\) · b \(1x2\)/);
    expectRejects(
      () => matmul([[1, 2], [3, 4], [5, 6]], [[1, 2, 3]]),
      /matmul: .*a \(3x2\).*b \(1x3\).*inner dimensions 2 and 1 differ/,
    );
  });

  it('names transposed shapes', () => {
    expectRejects(
      () => matmul([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4], [5, 6]], { transposeA: true }),
      /matmul: shapes do not align: aᵀ \(3x2\) · b \(3x2\); inner dimensions 2 and 3 differ/,
    );
    expectRejects(
      () => matmul([[1, 2, 3]], [[1, 2]], { transposeB: true }),
      /matmul: shapes do not align: a \(1x3\) · bᵀ \(2x1\)/,
    );
  });

  it('rejects bad operands, naming which', () => {
    expectRejects(() => matmul([[1, NaN]], [[1], [2]]), /matmul: a\[0\]\[1\] is NaN, not a finite number/);
    expectRejects(() => matmul([[1, 2]], [[1], [2, 3]]), /matmul: b is ragged/);
  });
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
