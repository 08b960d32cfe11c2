// The SGD step fused into the weight-gradient product: when the training loop computes
// dW = Xᵀ·dZ, each 4×8 register tile of dW goes straight to w − lr·dW while it is still in
// registers, instead of being stored and read back by a separate update pass (W2's step: 3%
// faster). The loop keeps two copies of the weights, so the step reads one (Param) and writes
// the other (Out), and the dX product can still read the weights before the step. Each element
// gets regularizeGrad's then sgdUpdate's own rule (optimizers.ts regularizedVec, sgdVec), so the
// results are bit-identical. The first layer's two copies can also be in the forward product's
// panel layout (`Packed`: network.ts keeps them so, and its forward then never packs them; a tile
// is then 128 contiguous bytes of each copy). For the other optimizers the step only stores the
// tile (`StepKind.Store`), so that the first layer's gradient is in the panel layout too, where
// their own pass then updates the panels (network.ts). Adam is not fused: with its two moments the tile
// touches five arrays in four rows at once. The step measured 7–10% slower than Adam's own
// streaming pass on a Zen 1 (W4, 1 thread); on a Zen 5, 1% faster on 1 thread but 0.6–0.9× the
// speed on 2 (its square roots and divisions did not overlap the product's multiplies), and
// slower still run a tile late, one vector of the previous tile's step after each eighth of the
// next tile's product (W4 0.85–0.95×: Adam's pass is bound by the core's divider, 2.7 ns a
// vector of 4 even in L1, and did not overlap the multiplies that way either). The step's
// settings are a `GradientStep` block from the TS ↔ kernel contract.

import { GradientStep as S, OptimizerId, StepKind } from '../src/backend/contract';
import { regularizedVec, sgdVec } from './optimizers';

/** The step the current product applies (written by the training loop before the product). */
export const STEP_BLOCK: usize = memory.data(S.Words * 4, 16);

@inline function word(d: usize, f: i32): usize {
  return d + (<usize>f << 2);
}

/** Whether an optimizer has a fused step (SGD; the others update in their own pass). */
export function fusable(kind: i32): bool {
  return kind == OptimizerId.SGD;
}

/** Whether the weights of the step in block `d` (both copies) are in the forward's panel layout (see gemm.ts stepKeepsPanels). */
@inline export function stepPacked(d: usize): bool {
  return load<i32>(word(d, S.Packed)) != 0;
}

/**
 * Apply the step in block `d` to a 4×8 tile of the gradient (or store the tile: StepKind.Store):
 * rows i..i+3, columns j..j+7 of the weights; `off` is the byte offset of its first element in
 * the weights, `rowBytes` a row's.
 */
@inline export function stepTile(
  d: usize, off: usize, rowBytes: usize, g0a: v128, g0b: v128, g1a: v128, g1b: v128, g2a: v128, g2b: v128, g3a: v128, g3b: v128,
): void {
  const out = <usize>load<i32>(word(d, S.Out)) + off, param = <usize>load<i32>(word(d, S.Param)) + off;
  if (load<i32>(word(d, S.Kind)) == StepKind.Store) {
    v128.store(out, g0a); v128.store(out, g0b, 16);
    v128.store(out + rowBytes, g1a); v128.store(out + rowBytes, g1b, 16);
    v128.store(out + 2 * rowBytes, g2a); v128.store(out + 2 * rowBytes, g2b, 16);
    v128.store(out + 3 * rowBytes, g3a); v128.store(out + 3 * rowBytes, g3b, 16);
    return;
  }
  const l1 = load<f32>(word(d, S.L1)), l2 = load<f32>(word(d, S.L2));
  // regularized only when a penalty is set, as the training loop calls regularizeGrad
  const reg = l1 != 0 || l2 != 0;
  const a = f32x4.splat(l1), b = f32x4.splat(l2), lr = f32x4.splat(load<f32>(word(d, S.LearningRate)));
  sgdRow(out, param, g0a, g0b, lr, reg, a, b);
  sgdRow(out + rowBytes, param + rowBytes, g1a, g1b, lr, reg, a, b);
  sgdRow(out + 2 * rowBytes, param + 2 * rowBytes, g2a, g2b, lr, reg, a, b);
  sgdRow(out + 3 * rowBytes, param + 3 * rowBytes, g3a, g3b, lr, reg, a, b);
}

/** out = w − lr·g for 8 floats, g regularized first when `reg`. */
@inline function sgdRow(out: usize, param: usize, ga: v128, gb: v128, lr: v128, reg: bool, l1: v128, l2: v128): void {
  const wa = v128.load(param), wb = v128.load(param, 16);
  v128.store(out, sgdVec(wa, reg ? regularizedVec(ga, wa, l1, l2) : ga, lr));
  v128.store(out, sgdVec(wb, reg ? regularizedVec(gb, wb, l1, l2) : gb, lr), 16);
}
