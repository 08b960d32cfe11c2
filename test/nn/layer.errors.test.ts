// Bad input to Layer constructor, Layer.forward / Layer.backward: the message, and that nothing changed or leaked.
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, Layer, ReLU, type Activation } from '../../src/index.js';

import { bad, expectRejects, expectRejectsUnchanged } from '../support/errors.js';

beforeAll(async () => {
  await init();
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

