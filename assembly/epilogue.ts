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
  const stride = <usize>cols << 2;
  let off = <usize>c0 << 2, width = c1 - c0;
  if (c0 == 0 && c1 == cols) {
    const zp = z + <usize>r0 * stride;
    addBiasRows(zp, zp, bias, r1 - r0, cols);
    if (firstNonFinite(zp, (r1 - r0) * cols) >= 0) store<i32>(NON_FINITE_Z, 1);
    activate(id, y + <usize>r0 * stride, zp, r1 - r0, cols, alpha);
    return;
  }
  if (ASC_FEATURE_SIMD && (id == ActivationId.ReLU || id == ActivationId.LeakyReLU || id == ActivationId.Linear)) {
    // whole vectors of 4 in one loop; the last 1–3 columns (the end of an odd width) row by row below
    const vectors = width & ~3;
    biasActivateBlock(z + off, y + off, bias + off, stride, r0, r1, <usize>vectors << 2, id, alpha);
    off += <usize>vectors << 2;
    width -= vectors;
    if (width == 0) return;
  }
  for (let r = r0; r < r1; r++) {
    const zp = z + <usize>r * stride + off;
    addBiasRows(zp, zp, bias + off, 1, width);
    if (firstNonFinite(zp, width) >= 0) store<i32>(NON_FINITE_Z, 1);
    activate(id, y + <usize>r * stride + off, zp, 1, width, alpha);
  }
}

/**
 * biasActivate on a block narrower than z's rows (a thread's column panels of a product split
 * across threads: rows of 8 or 16 floats), `rowBytes` wide (whole vectors of 4), for ReLU,
 * LeakyReLU and Linear: one loop doing to each element what addBiasRows, firstNonFinite and the
 * activation's kernel do (the same operations in the same lanes, so the same bits), instead of
 * those three calls for every row, whose overhead was most of the work on rows that narrow.
 */
function biasActivateBlock(z: usize, y: usize, bias: usize, stride: usize, r0: i32, r1: i32, rowBytes: usize, id: i32, alpha: f32): void {
  const zero = f32x4.splat(0), va = f32x4.splat(alpha);
  let bad = zero;
  for (let r = r0; r < r1; r++) {
    const zp = z + <usize>r * stride, yp = y + <usize>r * stride;
    for (let j: usize = 0; j < rowBytes; j += 16) {
      const v = f32x4.add(v128.load(zp + j), v128.load(bias + j));
      v128.store(zp + j, v);
      bad = f32x4.add(bad, f32x4.sub(v, v)); // 0 while finite, NaN from a NaN or ±Infinity on
      if (id == ActivationId.ReLU) v128.store(yp + j, f32x4.max(v, zero));
      else if (id == ActivationId.LeakyReLU) v128.store(yp + j, v128.bitselect(v, f32x4.mul(v, va), f32x4.gt(v, zero)));
      else if (yp != zp) v128.store(yp + j, v);
    }
  }
  if (v128.any_true(f32x4.ne(bad, bad))) store<i32>(NON_FINITE_Z, 1);
}
