// What runs on a block of a product's output while it is still in cache: the bias add and the
// activation (the "epilogue" of a dense layer's gemm), and the activations' backward passes.
// Activations are chosen by `ActivationId` from the one TS ↔ kernel contract.

import {
  reluForward, reluBackward, leakyReluForward, leakyReluBackward, linearForward, linearBackward,
  sigmoidForward, sigmoidBackward, tanhForward, tanhBackward, softmaxForward, softmaxBackward,
} from './activations';
import { addBiasRows } from './bias';
import { firstNonFinite } from './finite';
import { ActivationId } from '../src/backend/contract';

/**
 * An i32 set to 1 by biasActivate when a z it finished holds a NaN or ±Infinity (0 is left as it
 * is): the training loop clears it before each layer's forward pass and reads it after, so the
 * check of z runs where each block of z is made, on the thread that made it, while it is in cache.
 */
export const NON_FINITE_Z: usize = memory.data(16, 16);

/** y = f(x) for activation `id` (out may alias x). */
export function activate(id: i32, out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  switch (id) {
    case ActivationId.ReLU: reluForward(out, x, rows, cols, alpha); break;
    case ActivationId.LeakyReLU: leakyReluForward(out, x, rows, cols, alpha); break;
    case ActivationId.Linear: linearForward(out, x, rows, cols, alpha); break;
    case ActivationId.Sigmoid: sigmoidForward(out, x, rows, cols, alpha); break;
    case ActivationId.Tanh: tanhForward(out, x, rows, cols, alpha); break;
    default: softmaxForward(out, x, rows, cols, alpha);
  }
}

/** out = grad ⊙ f'(x) for activation `id` (y = f(x) is given for kernels that use it; out may alias grad). */
export function activateBackward(id: i32, out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  switch (id) {
    case ActivationId.ReLU: reluBackward(out, grad, x, y, rows, cols, alpha); break;
    case ActivationId.LeakyReLU: leakyReluBackward(out, grad, x, y, rows, cols, alpha); break;
    case ActivationId.Linear: linearBackward(out, grad, x, y, rows, cols, alpha); break;
    case ActivationId.Sigmoid: sigmoidBackward(out, grad, x, y, rows, cols, alpha); break;
    case ActivationId.Tanh: tanhBackward(out, grad, x, y, rows, cols, alpha); break;
    default: softmaxBackward(out, grad, x, y, rows, cols, alpha);
  }
}

/**
 * Bias add then activation on rows [r0, r1) and columns [c0, c1) of a rows×cols z (row stride
 * `cols`), writing y. Softmax needs whole rows: the caller passes c0 = 0, c1 = cols for it.
 */
export function biasActivate(z: usize, y: usize, bias: usize, cols: i32, r0: i32, r1: i32, c0: i32, c1: i32, id: i32, alpha: f32): void {
  const stride = <usize>cols << 2, off = <usize>c0 << 2, width = c1 - c0;
  if (c0 == 0 && c1 == cols) {
    const zp = z + <usize>r0 * stride;
    addBiasRows(zp, zp, bias, r1 - r0, cols);
    if (firstNonFinite(zp, (r1 - r0) * cols) >= 0) store<i32>(NON_FINITE_Z, 1);
    activate(id, y + <usize>r0 * stride, zp, r1 - r0, cols, alpha);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const zp = z + <usize>r * stride + off;
    addBiasRows(zp, zp, bias + off, 1, width);
    if (firstNonFinite(zp, width) >= 0) store<i32>(NON_FINITE_Z, 1);
    activate(id, y + <usize>r * stride + off, zp, 1, width, alpha);
  }
}
