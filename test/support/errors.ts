// Shared by the units' bad-input tests: the rejected call must throw a named Error (never a raw
// WebAssembly.RuntimeError), allocate nothing, and leave every layer exactly as it was.
import { expect } from 'vitest';
import { backendInfo, Layer, NeuralNetwork, ReLU, Sigmoid, type Activation } from '../../src/index.js';

/** Pass a deliberately ill-typed value through the public API. */
export const bad = <T>(v: unknown): T => v as T;

export const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const Y = [[0], [1], [1], [0]];

/**
 * `fn` must throw an Error matching `re` that is not a raw WebAssembly.RuntimeError (a kernel
 * trap), and must not allocate or leak WebAssembly memory.
 */
export function expectRejects(fn: () => unknown, re: RegExp): Error {
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

export function snapshotLayers(layers: readonly Layer[]): LayerSnapshot[] {
  return layers.map((l) => ({
    weights: l.weights.data.slice(),
    bias: l.bias.data.slice(),
    output: l.output?.data.slice() ?? null,
  }));
}

/** Index of the first element that differs (Object.is, so NaN and -0 count), or -1; length mismatch: -2. */
export function firstDifference(a: Float32Array | null, b: Float32Array | null): number {
  if (a === null || b === null) return a === b ? -1 : -2;
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

export function expectLayersUnchanged(layers: readonly Layer[], snap: LayerSnapshot[]): void {
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
export function expectRejectsUnchanged(net: NeuralNetwork | Layer, fn: () => unknown, re: RegExp): Error {
  const layers = net instanceof NeuralNetwork ? net.layers : [net];
  const snap = snapshotLayers(layers);
  const err = expectRejects(fn, re);
  expectLayersUnchanged(layers, snap);
  return err;
}

export function xorNet(output: Activation = new Sigmoid()): NeuralNetwork {
  return new NeuralNetwork([2, 4, 1], [new ReLU(), output], { seed: 42 });
}

