/**
 * Plain-TypeScript twin of assembly/dense.ts: a dense layer's forward pass, z = x·W + b and
 * y = f(z), with the activation chosen by the same ids the kernels use.
 *
 * @example
 * ```ts
 * import { denseForward } from 'scratchnet/dist/reference/dense.js';
 * const z = new Float32Array(1), y = new Float32Array(1);
 * denseForward(z, y, new Float32Array([1, 2]), new Float32Array([3, -4]), new Float32Array([1]), 1, 1, 2, 0, 0);
 * // z = [-4], y = [0] (ReLU)
 * ```
 * @module
 */
import * as act from './activations.js';
import { addBiasRows } from './bias.js';
import { gemm } from './gemm.js';
import { ActivationId } from '../backend/contract.js';

const NAMES: Record<ActivationId, 'relu' | 'leakyRelu' | 'linear' | 'sigmoid' | 'tanh' | 'softmax'> = {
  [ActivationId.ReLU]: 'relu', [ActivationId.LeakyReLU]: 'leakyRelu', [ActivationId.Linear]: 'linear',
  [ActivationId.Sigmoid]: 'sigmoid', [ActivationId.Tanh]: 'tanh', [ActivationId.Softmax]: 'softmax',
};
/** The activation kernels' names, indexed by the contract's ActivationId. */
export const ACTIVATION_IDS: readonly (typeof NAMES)[ActivationId][] = Object.freeze(
  Object.keys(NAMES).map(Number).sort((a, b) => a - b).map((id) => NAMES[id as ActivationId]),
);

/** z = x·W + b; y = f(z) for activation `id`. */
export function denseForward(
  z: Float32Array, y: Float32Array, x: Float32Array, w: Float32Array, b: Float32Array,
  rows: number, out: number, inp: number, id: number, alpha: number,
): void {
  gemm(z, x, w, rows, out, inp, 0, 0);
  addBiasRows(z, z, b, rows, out);
  const forward = (act as unknown as Record<string, (o: Float32Array, x: Float32Array, r: number, c: number, a: number) => void>)[
    `${ACTIVATION_IDS[id]}Forward`
  ]!;
  forward(y, z, rows, out, alpha);
}
