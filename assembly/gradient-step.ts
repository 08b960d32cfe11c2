// The SGD step fused into the weight-gradient product: when the training loop computes
// dW = Xᵀ·dZ, each 4×8 register tile of dW goes straight to w − lr·dW while it is still in
// registers, instead of being stored and read back by a separate update pass (W2's step: 3%
// faster). The loop keeps two copies of the weights, so the step reads one (Param) and writes
// the other (Out), and the dX product can still read the weights before the step. Each element
// gets exactly the operations of regularizeGrad then sgdUpdate (optimizers.ts): bit-identical.
// Adam is not fused: with its two moments the tile touches five arrays in four rows at once, and
// the step measured 7–10% slower than Adam's own streaming pass (W4, 1 thread).
// The step's settings are a `GradientStep` block from the TS ↔ kernel contract.

import { GradientStep as S, OptimizerId } from '../src/backend/contract';

/** The step the current product applies (written by the training loop before the product). */
export const STEP_BLOCK: usize = memory.data(S.Words * 4, 16);

@inline function word(d: usize, f: i32): usize {
  return d + (<usize>f << 2);
}

/** Whether an optimizer has a fused step (SGD; the others update in their own pass). */
export function fusable(kind: i32): bool {
  return kind == OptimizerId.SGD;
}

/**
 * Apply the step in block `d` to a 4×8 tile of the gradient (rows i..i+3, columns j..j+7 of the
 * weights; `off` is the byte offset of its first element in the weights, `rowBytes` a row's).
 */
@inline export function stepTile(
  d: usize, off: usize, rowBytes: usize, g0a: v128, g0b: v128, g1a: v128, g1b: v128, g2a: v128, g2b: v128, g3a: v128, g3b: v128,
): void {
  const out = <usize>load<i32>(word(d, S.Out)) + off, param = <usize>load<i32>(word(d, S.Param)) + off;
  const reg = load<i32>(word(d, S.Regularize)) != 0;
  const l1 = f32x4.splat(load<f32>(word(d, S.L1))), l2 = f32x4.splat(load<f32>(word(d, S.L2)));
  const lr = f32x4.splat(load<f32>(word(d, S.LearningRate)));
  sgdRow(out, param, g0a, g0b, lr, reg, l1, l2);
  sgdRow(out + rowBytes, param + rowBytes, g1a, g1b, lr, reg, l1, l2);
  sgdRow(out + 2 * rowBytes, param + 2 * rowBytes, g2a, g2b, lr, reg, l1, l2);
  sgdRow(out + 3 * rowBytes, param + 3 * rowBytes, g3a, g3b, lr, reg, l1, l2);
}

/** g + l1·sign(w) + l2·w, as regularizeGrad computes it. */
@inline function regularized(g: v128, w: v128, l1: v128, l2: v128): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1), minus = f32x4.splat(-1);
  const sign = v128.or(v128.and(f32x4.gt(w, zero), one), v128.and(f32x4.lt(w, zero), minus));
  return f32x4.add(g, f32x4.add(f32x4.mul(l1, sign), f32x4.mul(l2, w)));
}

/** out = w − lr·g for 8 floats, as sgdUpdate computes it. */
@inline function sgdRow(out: usize, param: usize, ga: v128, gb: v128, lr: v128, reg: bool, l1: v128, l2: v128): void {
  const wa = v128.load(param), wb = v128.load(param, 16);
  const a = reg ? regularized(ga, wa, l1, l2) : ga, b = reg ? regularized(gb, wb, l1, l2) : gb;
  v128.store(out, f32x4.sub(wa, f32x4.mul(lr, a)));
  v128.store(out, f32x4.sub(wb, f32x4.mul(lr, b)), 16);
}
