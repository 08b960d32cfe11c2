// Whole training epochs in one call, over a plan (a layer table) the host writes into linear
// memory, so a tiny network (the chapter's XOR) pays one JS→WASM call per chunk of epochs
// instead of ~20 per step, and a mini-batch epoch is one call. It sequences exactly the kernels
// that the host's step-by-step path calls, in the same order, so the results are bit-identical.
//
// Plan layout (32-bit words; f32 fields stored as f32):
//   header (32 words):  0 layers, 1 loss kind (0 BCE, 1 MSE, 2 softmax CE on logits), 2 lr (f32),
//     3 n rows, 4 batch rows, 5 dataX (0: full batch, input already at x0), 6 dataY, 7 index (i32 rows),
//     8 x0 (first layer's input buffer), 9 target, 10 lossOut (f64 per epoch), 11 lossSlot (f64),
//     12 inputSize, 13 outputSize, 14 (out) first row of the batch whose loss was not finite,
//     15 params (all layers' W, b, dW, db), 16 backup (0: none), 17 params bytes
//   then per layer (16 words): 0 in, 1 out, 2 x, 3 w, 4 b, 5 dw, 6 db, 7 z, 8 y, 9 g,
//     10 dx (0: skip the input gradient), 11 activation id, 12 alpha (f32)

import { gemm } from './gemm';
import { gatherRows, sumColumns } from './bias';
import { activateBackward, denseForward } from './dense';
import {
  binaryCrossEntropyLoss, binaryCrossEntropyGrad, meanSquaredErrorLoss, meanSquaredErrorGrad,
  softmaxCrossEntropyLoss, softmaxCrossEntropyGrad,
} from './losses';
import { sgdUpdate } from './optimizers';

// Loss kinds (src/losses.ts).
const BCE = 0, MSE = 1, SOFTMAX_CE = 2;

@inline function word(p: usize, i: i32): usize { return <usize>load<u32>(p + (<usize>i << 2)); }
@inline function int(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function real(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function layerAt(plan: usize, l: i32): usize { return plan + 128 + (<usize>l << 6); }

/**
 * Run `epochs` epochs of the plan; write the number completed (i32) at `done`. A batch whose
 * loss is not finite stops training: its loss is written to lossOut, plan word 14 gets its first
 * row, `done` stays at that epoch's index, and the parameters are restored from the backup, which
 * holds the weights that produced the last finite loss (copied after each finite loss).
 */
export function trainEpochs(plan: usize, epochs: i32, done: usize): void {
  const layers = int(plan, 0), lossKind = int(plan, 1), lr = real(plan, 2);
  const n = int(plan, 3), batch = int(plan, 4);
  const dataX = word(plan, 5), dataY = word(plan, 6), index = word(plan, 7);
  const x0 = word(plan, 8), target = word(plan, 9), lossOut = word(plan, 10), lossSlot = word(plan, 11);
  const inSize = int(plan, 12), outSize = int(plan, 13);
  const params = word(plan, 15), backup = word(plan, 16), paramBytes = word(plan, 17);
  const last = layerAt(plan, layers - 1);
  const fused = lossKind == SOFTMAX_CE;
  for (let e = 0; e < epochs; e++) {
    let total: f64 = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = min(batch, n - start);
      if (dataX != 0) {
        gatherRows(x0, dataX, index + (<usize>start << 2), rows, inSize);
        gatherRows(target, dataY, index + (<usize>start << 2), rows, outSize);
      }
      for (let l = 0; l < layers; l++) {
        const L = layerAt(plan, l);
        denseForward(word(L, 7), word(L, 8), word(L, 2), word(L, 3), word(L, 4), rows, int(L, 1), int(L, 0), int(L, 11), real(L, 12));
      }
      const pred = fused ? word(last, 7) : word(last, 8);
      const g = word(last, 9);
      const count = rows * outSize;
      if (lossKind == BCE) binaryCrossEntropyLoss(lossSlot, pred, target, count);
      else if (lossKind == MSE) meanSquaredErrorLoss(lossSlot, pred, target, count);
      else softmaxCrossEntropyLoss(lossSlot, pred, target, rows, outSize);
      const value = load<f64>(lossSlot);
      if (!isFinite(value)) {
        if (backup != 0) memory.copy(params, backup, paramBytes);
        store<f64>(lossOut + (<usize>e << 3), value);
        store<i32>(plan + 56, start);
        store<i32>(done, e);
        return;
      }
      total += value * <f64>rows;
      if (backup != 0) memory.copy(backup, params, paramBytes);
      if (lossKind == BCE) binaryCrossEntropyGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else if (lossKind == MSE) meanSquaredErrorGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else softmaxCrossEntropyGrad(g, pred, target, rows, outSize, <f32>(1.0 / <f64>rows));
      for (let l = layers - 1; l >= 0; l--) {
        const L = layerAt(plan, l);
        const inp = int(L, 0), out = int(L, 1), gl = word(L, 9), dx = word(L, 10);
        if (!(fused && l == layers - 1)) activateBackward(int(L, 11), gl, gl, word(L, 7), word(L, 8), rows, out, real(L, 12));
        gemm(word(L, 5), word(L, 2), gl, inp, out, rows, 1, 0);
        sumColumns(word(L, 6), gl, rows, out);
        if (dx != 0) gemm(dx, gl, word(L, 3), rows, inp, out, 0, 1);
        sgdUpdate(word(L, 3), word(L, 5), lr, inp * out);
        sgdUpdate(word(L, 4), word(L, 6), lr, out);
      }
    }
    store<f64>(lossOut + (<usize>e << 3), total / <f64>n);
  }
  store<i32>(done, epochs);
}
