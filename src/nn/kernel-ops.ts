/**
 * The kernel facade the layers read like the chapter: each call names its operands
 * (`{ out, x, W, b, ... }`) instead of a positional pointer list, and picks the fused kernel for
 * built-in activations or the TypeScript path for a user's. Pointers are byte offsets into
 * linear memory handed out by the backend; nothing here allocates.
 *
 * @module
 * @internal
 */
import type { Backend } from '../backend/heap.js';
import { readMatrix } from '../core/scratch.js';
import { returnedMatrix } from '../core/matrix.js';
import { userCall } from '../core/validate.js';
import { type Activation, activationKernel, kernelsOf } from './activations.js';

type Ptr = number;

/** z = x·W + b; y = activation(z), for `rows` rows (one fused kernel for built-in activations). */
export function dense(
  be: Backend,
  o: { z: Ptr; y: Ptr; x: Ptr; W: Ptr; b: Ptr; rows: number; inputs: number; outputs: number; activation: Activation },
): void {
  const k = activationKernel(o.activation);
  if (k) {
    be.kernels.denseForward(o.z, o.y, o.x, o.W, o.b, o.rows, o.outputs, o.inputs, k.id, k.alpha);
    return;
  }
  matmulInto(be, { out: o.z, a: o.x, b: o.W, m: o.rows, n: o.outputs, k: o.inputs });
  be.kernels.addBiasRows(o.z, o.z, o.b, o.rows, o.outputs);
  activationForward(be, o.activation, { out: o.y, x: o.z, rows: o.rows, cols: o.outputs });
}

/** out = activation(x), for `rows` rows (the built-in's kernel, or a user's `forward` in TypeScript). */
export function activationForward(be: Backend, activation: Activation, o: { out: Ptr; x: Ptr; rows: number; cols: number }): void {
  const k = activationKernel(activation);
  if (k) {
    kernelsOf(be, k.family).forward(o.out, o.x, o.rows, o.cols, k.alpha);
    return;
  }
  const x = readMatrix(be, o.x, o.rows, o.cols);
  const y = userCall(`${activation.name}.forward`, () => activation.forward(x));
  be.write(o.out, returnedMatrix(`${activation.name}.forward`, 'a custom activation', y, o.rows, o.cols).data);
}

/** out = op(a)·op(b), op(a) m×k, op(b) k×n (the one gemm: forward and both backward products). */
export function matmulInto(
  be: Backend,
  o: { out: Ptr; a: Ptr; b: Ptr; m: number; n: number; k: number; transposeA?: boolean; transposeB?: boolean },
): void {
  be.kernels.gemm(o.out, o.a, o.b, o.m, o.n, o.k, o.transposeA ? 1 : 0, o.transposeB ? 1 : 0);
}

/** out (1×cols) = the sum over rows of x (rows×cols). */
export function sumRows(be: Backend, o: { out: Ptr; x: Ptr; rows: number; cols: number }): void {
  be.kernels.sumColumns(o.out, o.x, o.rows, o.cols);
}

/**
 * out = grad ⊙ activation'(z) (for softmax, the Jacobian-vector product), given y = activation(z);
 * out may alias grad.
 */
export function activationBackward(
  be: Backend, activation: Activation, o: { out: Ptr; grad: Ptr; z: Ptr; y: Ptr; rows: number; cols: number },
): void {
  const k = activationKernel(activation);
  if (k) {
    kernelsOf(be, k.family).backward(o.out, o.grad, o.z, o.y, o.rows, o.cols, k.alpha);
    return;
  }
  const z = readMatrix(be, o.z, o.rows, o.cols);
  const d = userCall(`${activation.name}.backward`, () => activation.backward(z));
  const dd = returnedMatrix(`${activation.name}.backward`, 'a custom activation', d, o.rows, o.cols).data;
  const g = be.read(o.grad, o.rows * o.cols);
  for (let i = 0; i < g.length; i++) g[i] = g[i]! * dd[i]!;
  be.write(o.out, g);
}

/** The chapter's update: param −= learningRate · grad, over `count` floats. */
export function sgdStep(be: Backend, o: { param: Ptr; grad: Ptr; learningRate: number; count: number }): void {
  be.kernels.sgdUpdate(o.param, o.param, o.grad, o.learningRate, o.count);
}

