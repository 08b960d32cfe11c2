// Whole training epochs in one call, over a plan (a layer table) the host writes into linear
// memory, so a tiny network (the chapter's XOR) pays one JS→WASM call per chunk of epochs
// instead of ~20 per step, and a mini-batch epoch is one call. It sequences exactly the kernels
// that the host's step-by-step path calls, in the same order, so the results are bit-identical.
//
// Plan layout (32-bit words; f32 fields stored as f32):
//   header (48 words):  0 layers, 1 loss kind (0 BCE, 1 MSE, 2 softmax CE on logits, 3 BCE on logits), 2 lr (f32),
//     3 n rows, 4 batch rows, 5 dataX (0: full batch, input already at x0), 6 dataY, 7 index (i32 rows),
//     8 x0 (first layer's input buffer), 9 target, 10 lossOut (f64 per epoch), 11 lossSlot (f64),
//     12 inputSize, 13 outputSize, 14 (out) first row of the batch whose loss was not finite,
//     15 params (all layers' W, b, dW, db), 16 backup (0: none), 17 params bytes,
//     18 optimizer (0 SGD, 1 momentum, 2 Adam, 3 RMSprop), 19 h1 (f32: momentum, β1 or ρ),
//     20 h2 (f32: β2), 21 ε (f32), 22 state A, 23 state B (optimizer state laid out like params),
//     24 Nesterov (0/1), 25 l1 (f32), 26 l2 (f32), 27 accuracyOut (f64 per epoch; 0: none),
//     28 accuracy threshold (f32), words 32-33 and 34-35: β1^t and β2^t (f64, updated every step)
//   then per layer (16 words): 0 in, 1 out, 2 x, 3 w, 4 b, 5 dw, 6 db, 7 z, 8 y, 9 g,
//     10 dx (0: skip the input gradient), 11 activation id, 12 alpha (f32)

import { gemm } from './gemm';
import { gatherRows, sumColumns } from './bias';
import { activateBackward, denseForward } from './dense';
import {
  binaryCrossEntropyLoss, binaryCrossEntropyGrad, meanSquaredErrorLoss, meanSquaredErrorGrad,
  softmaxCrossEntropyLoss, softmaxCrossEntropyGrad, binaryCrossEntropyLogitsLoss, binaryCrossEntropyLogitsGrad,
} from './losses';
import { adamUpdate, momentumUpdate, regularizeGrad, rmspropUpdate, sgdUpdate } from './optimizers';
import { accuracyCount } from './metrics';
import { parallelCopy, parallelUpdate } from './threads';

const SGD = 0, MOMENTUM = 1, ADAM = 2, RMSPROP = 3;
// Running products β1^t and β2^t of Adam's bias correction, as f64 in the header.
const POW1: usize = 128, POW2: usize = 136;

/** Update one parameter segment (at `p`, gradient `g`, n floats) with the plan's optimizer. */
function update(plan: usize, p: usize, g: usize, n: i32, lr: f32, c1: f32, c2: f32): void {
  if (ASC_FEATURE_THREADS && parallelUpdate(plan, p, g, n, lr, c1, c2)) return;
  updateSegment(plan, p, g, n, lr, c1, c2);
}

/** @internal `update` on this thread (also a worker's share of a parallel update). */
export function updateSegment(plan: usize, p: usize, g: usize, n: i32, lr: f32, c1: f32, c2: f32): void {
  const kind = int(plan, 18);
  if (kind == SGD) { sgdUpdate(p, g, lr, n); return; }
  const off = p - word(plan, 15);
  const a = word(plan, 22) + off;
  if (kind == MOMENTUM) momentumUpdate(p, g, a, lr, real(plan, 19), int(plan, 24), n);
  else if (kind == ADAM) adamUpdate(p, g, a, word(plan, 23) + off, lr, real(plan, 19), real(plan, 20), real(plan, 21), c1, c2, n);
  else rmspropUpdate(p, g, a, lr, real(plan, 19), real(plan, 21), n);
}

// Loss kinds (src/losses.ts).
const BCE = 0, MSE = 1, SOFTMAX_CE = 2, BCE_LOGITS = 3;

@inline function word(p: usize, i: i32): usize { return <usize>load<u32>(p + (<usize>i << 2)); }
@inline function int(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
@inline function real(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function layerAt(plan: usize, l: i32): usize { return plan + 192 + (<usize>l << 6); }

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
  const l1 = real(plan, 25), l2 = real(plan, 26), accOut = word(plan, 27), threshold = real(plan, 28);
  const adam = int(plan, 18) == ADAM, beta1 = <f64>real(plan, 19), beta2 = <f64>real(plan, 20);
  const last = layerAt(plan, layers - 1);
  const fused = lossKind == SOFTMAX_CE || lossKind == BCE_LOGITS;
  for (let e = 0; e < epochs; e++) {
    let total: f64 = 0, correct: f64 = 0;
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
      else if (lossKind == BCE_LOGITS) binaryCrossEntropyLogitsLoss(lossSlot, pred, target, count);
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
      if (accOut != 0) {
        accuracyCount(lossSlot, pred, target, rows, outSize, threshold);
        correct += load<f64>(lossSlot);
      }
      if (backup != 0 && !(ASC_FEATURE_THREADS && parallelCopy(backup, params, paramBytes))) memory.copy(backup, params, paramBytes);
      let c1: f32 = 1, c2: f32 = 1;
      if (adam) {
        const p1 = load<f64>(plan + POW1) * beta1, p2 = load<f64>(plan + POW2) * beta2;
        store<f64>(plan + POW1, p1);
        store<f64>(plan + POW2, p2);
        c1 = <f32>(1 / (1 - p1));
        c2 = <f32>(1 / (1 - p2));
      }
      if (lossKind == BCE) binaryCrossEntropyGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else if (lossKind == MSE) meanSquaredErrorGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else if (lossKind == BCE_LOGITS) binaryCrossEntropyLogitsGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else softmaxCrossEntropyGrad(g, pred, target, rows, outSize, <f32>(1.0 / <f64>rows));
      for (let l = layers - 1; l >= 0; l--) {
        const L = layerAt(plan, l);
        const inp = int(L, 0), out = int(L, 1), gl = word(L, 9), dx = word(L, 10);
        if (!(fused && l == layers - 1)) activateBackward(int(L, 11), gl, gl, word(L, 7), word(L, 8), rows, out, real(L, 12));
        gemm(word(L, 5), word(L, 2), gl, inp, out, rows, 1, 0);
        sumColumns(word(L, 6), gl, rows, out);
        if (dx != 0) gemm(dx, gl, word(L, 3), rows, inp, out, 0, 1);
        if (l1 != 0 || l2 != 0) regularizeGrad(word(L, 5), word(L, 3), l1, l2, inp * out);
        update(plan, word(L, 3), word(L, 5), inp * out, lr, c1, c2);
        update(plan, word(L, 4), word(L, 6), out, lr, c1, c2);
      }
    }
    store<f64>(lossOut + (<usize>e << 3), total / <f64>n);
    if (accOut != 0) store<f64>(accOut + (<usize>e << 3), correct / <f64>n);
  }
  store<i32>(done, epochs);
}
