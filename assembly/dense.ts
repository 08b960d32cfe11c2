// A dense layer's forward pass in one kernel: z = x·W + b and y = f(z), with the bias add and the
// activation applied as an epilogue of the gemm, on each block of rows while it is still in cache.
// Activations are chosen by id, the numbers src/activations.ts gives its classes.

import {
  reluForward, reluBackward, leakyReluForward, leakyReluBackward, linearForward, linearBackward,
  sigmoidForward, sigmoidBackward, tanhForward, tanhBackward, softmaxForward, softmaxBackward,
} from './activations';
import { addBiasRows } from './bias';
import { gemm, gemmWithEpilogue } from './gemm';

export const RELU = 0, LEAKY_RELU = 1, LINEAR = 2, SIGMOID = 3, TANH = 4, SOFTMAX = 5;

/** y = f(x) for activation `id` (out may alias x). */
export function activate(id: i32, out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  switch (id) {
    case RELU: reluForward(out, x, rows, cols, alpha); break;
    case LEAKY_RELU: leakyReluForward(out, x, rows, cols, alpha); break;
    case LINEAR: linearForward(out, x, rows, cols, alpha); break;
    case SIGMOID: sigmoidForward(out, x, rows, cols, alpha); break;
    case TANH: tanhForward(out, x, rows, cols, alpha); break;
    default: softmaxForward(out, x, rows, cols, alpha);
  }
}

export function activateBackward(id: i32, out: usize, grad: usize, x: usize, y: usize, rows: i32, cols: i32, alpha: f32): void {
  switch (id) {
    case RELU: reluBackward(out, grad, x, y, rows, cols, alpha); break;
    case LEAKY_RELU: leakyReluBackward(out, grad, x, y, rows, cols, alpha); break;
    case LINEAR: linearBackward(out, grad, x, y, rows, cols, alpha); break;
    case SIGMOID: sigmoidBackward(out, grad, x, y, rows, cols, alpha); break;
    case TANH: tanhBackward(out, grad, x, y, rows, cols, alpha); break;
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
    activate(id, y + <usize>r0 * stride, zp, r1 - r0, cols, alpha);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const zp = z + <usize>r * stride + off;
    addBiasRows(zp, zp, bias + off, 1, width);
    activate(id, y + <usize>r * stride + off, zp, 1, width, alpha);
  }
}

/**
 * z = x·W + b (rows×out, x rows×inp, W inp×out, b 1×out) and y = f(z) with activation `id`.
 * z and y must not overlap x or W.
 */
export function denseForward(z: usize, y: usize, x: usize, w: usize, b: usize, rows: i32, out: i32, inp: i32, id: i32, alpha: f32): void {
  if (!gemmWithEpilogue(z, x, w, rows, out, inp, y, b, id, alpha)) {
    gemm(z, x, w, rows, out, inp, 0, 0);
    biasActivate(z, y, b, out, 0, rows, 0, out, id, alpha);
  }
}
