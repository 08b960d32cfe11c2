// Whole training epochs in one call, over a plan (a layer table) the host writes into linear
// memory, so a tiny network (the chapter's XOR) pays one JS→WASM call per chunk of epochs
// instead of ~20 per step, and a mini-batch epoch is one call. It sequences exactly the kernels
// that the host's step-by-step path calls, in the same order, so the results are bit-identical.
// The plan's layout (`PlanField`, `PlanLayerField`) is in the TS ↔ kernel contract.

import { LossId, OptimizerId, PlanField, PlanLayerField as L } from '../src/backend/contract';
import { gemm } from './gemm';
import { gatherRows, sumColumns } from './bias';
import { denseForward } from './dense';
import { activateBackward } from './epilogue';
import {
  binaryCrossEntropyLoss, binaryCrossEntropyGrad, meanSquaredErrorLoss, meanSquaredErrorGrad,
  softmaxCrossEntropyLoss, softmaxCrossEntropyGrad, binaryCrossEntropyLogitsLoss, binaryCrossEntropyLogitsGrad,
} from './losses';
import { regularizeGrad } from './optimizers';
import { accuracyCount } from './metrics';
import { parallelCopy } from './threads';
import { update } from './update';
import { f64Field, intField, layerRow, ptrField, realField } from './plan';

/**
 * memory.copy of `bytes` (a multiple of 4; no overlap). A few hundred bytes (the chapter's XOR:
 * 136) go by a loop: an engine's memory.copy is a call with a fixed cost larger than that copy.
 */
@inline function copyBytes(dst: usize, src: usize, bytes: usize): void {
  if (bytes > 1024) {
    memory.copy(dst, src, bytes);
    return;
  }
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<u32>(dst + i, load<u32>(src + i));
}

/**
 * Copy every layer's weights and bias between the parameters and the backup (laid out like the
 * parameters): `save` copies into the backup, else back. The gradients are not copied: nothing
 * reads them after a restore (half the bytes of copying the whole parameter block every step).
 */
function backupWeights(plan: usize, layers: i32, params: usize, backup: usize, save: bool): void {
  for (let l = 0; l < layers; l++) {
    const r = layerRow(plan, l);
    const w = ptrField(r, L.W), b = ptrField(r, L.B), out = <usize>intField(r, L.Out);
    const wBytes = (<usize>intField(r, L.In) * out) << 2;
    const wk = backup + (w - params), bk = backup + (b - params);
    if (save) {
      copySegment(wk, w, wBytes);
      copySegment(bk, b, out << 2);
    } else {
      copySegment(w, wk, wBytes);
      copySegment(b, bk, out << 2);
    }
  }
}

/** copyBytes, split across threads when large (threads build). */
@inline function copySegment(dst: usize, src: usize, bytes: usize): void {
  if (!(ASC_FEATURE_THREADS && parallelCopy(dst, src, bytes))) copyBytes(dst, src, bytes);
}

/**
 * Run `epochs` epochs of the plan; write the number completed (i32) at `done`. A batch whose
 * loss is not finite stops training: its loss is written to LossOut, FailedRow gets its first
 * row, `done` stays at that epoch's index, and the weights and biases are restored from the
 * backup, which holds those that produced the last finite loss (copied after each finite loss).
 */
export function trainEpochs(plan: usize, epochs: i32, done: usize): void {
  const layers = intField(plan, PlanField.Layers), lossKind = intField(plan, PlanField.Loss), lr = realField(plan, PlanField.LearningRate);
  const n = intField(plan, PlanField.Rows), batch = intField(plan, PlanField.BatchRows);
  const dataX = ptrField(plan, PlanField.DataX), dataY = ptrField(plan, PlanField.DataY), index = ptrField(plan, PlanField.Index);
  const x0 = ptrField(plan, PlanField.Input), target = ptrField(plan, PlanField.Target);
  const lossOut = ptrField(plan, PlanField.LossOut), lossSlot = ptrField(plan, PlanField.LossSlot);
  const inSize = intField(plan, PlanField.InputSize), outSize = intField(plan, PlanField.OutputSize);
  const params = ptrField(plan, PlanField.Params), backup = ptrField(plan, PlanField.Backup);
  const l1 = realField(plan, PlanField.L1), l2 = realField(plan, PlanField.L2);
  const accOut = ptrField(plan, PlanField.AccuracyOut), threshold = realField(plan, PlanField.AccuracyThreshold);
  const adam = intField(plan, PlanField.Optimizer) == OptimizerId.Adam;
  const beta1 = <f64>realField(plan, PlanField.Hyper1), beta2 = <f64>realField(plan, PlanField.Hyper2);
  const pow1 = f64Field(plan, PlanField.Pow1), pow2 = f64Field(plan, PlanField.Pow2);
  const last = layerRow(plan, layers - 1);
  const fused = lossKind == LossId.SoftmaxCrossEntropy || lossKind == LossId.BinaryCrossEntropyLogits;
  for (let e = 0; e < epochs; e++) {
    let total: f64 = 0, correct: f64 = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = min(batch, n - start);
      if (dataX != 0) {
        gatherRows(x0, dataX, index + (<usize>start << 2), rows, inSize);
        gatherRows(target, dataY, index + (<usize>start << 2), rows, outSize);
      }
      for (let l = 0; l < layers; l++) {
        const r = layerRow(plan, l);
        denseForward(
          ptrField(r, L.Z), ptrField(r, L.Y), ptrField(r, L.X), ptrField(r, L.W), ptrField(r, L.B),
          rows, intField(r, L.Out), intField(r, L.In), intField(r, L.Activation), realField(r, L.Alpha),
        );
      }
      const pred = fused ? ptrField(last, L.Z) : ptrField(last, L.Y);
      const g = ptrField(last, L.G);
      const count = rows * outSize;
      if (lossKind == LossId.BinaryCrossEntropy) binaryCrossEntropyLoss(lossSlot, pred, target, count);
      else if (lossKind == LossId.MeanSquaredError) meanSquaredErrorLoss(lossSlot, pred, target, count);
      else if (lossKind == LossId.BinaryCrossEntropyLogits) binaryCrossEntropyLogitsLoss(lossSlot, pred, target, count);
      else softmaxCrossEntropyLoss(lossSlot, pred, target, rows, outSize);
      const value = load<f64>(lossSlot);
      if (!isFinite(value)) {
        if (backup != 0) backupWeights(plan, layers, params, backup, false);
        store<f64>(lossOut + (<usize>e << 3), value);
        store<i32>(plan + (<usize>PlanField.FailedRow << 2), start);
        store<i32>(done, e);
        return;
      }
      total += value * <f64>rows;
      if (accOut != 0) {
        accuracyCount(lossSlot, pred, target, rows, outSize, threshold);
        correct += load<f64>(lossSlot);
      }
      if (backup != 0) backupWeights(plan, layers, params, backup, true);
      let c1: f32 = 1, c2: f32 = 1;
      if (adam) {
        const p1 = load<f64>(pow1) * beta1, p2 = load<f64>(pow2) * beta2;
        store<f64>(pow1, p1);
        store<f64>(pow2, p2);
        c1 = <f32>(1 / (1 - p1));
        c2 = <f32>(1 / (1 - p2));
      }
      if (lossKind == LossId.BinaryCrossEntropy) binaryCrossEntropyGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else if (lossKind == LossId.MeanSquaredError) meanSquaredErrorGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else if (lossKind == LossId.BinaryCrossEntropyLogits) binaryCrossEntropyLogitsGrad(g, pred, target, count, <f32>(1.0 / <f64>count));
      else softmaxCrossEntropyGrad(g, pred, target, rows, outSize, <f32>(1.0 / <f64>rows));
      for (let l = layers - 1; l >= 0; l--) {
        const r = layerRow(plan, l);
        const inp = intField(r, L.In), out = intField(r, L.Out), gl = ptrField(r, L.G), dx = ptrField(r, L.DX);
        if (!(fused && l == layers - 1)) activateBackward(intField(r, L.Activation), gl, gl, ptrField(r, L.Z), ptrField(r, L.Y), rows, out, realField(r, L.Alpha));
        gemm(ptrField(r, L.DW), ptrField(r, L.X), gl, inp, out, rows, 1, 0);
        sumColumns(ptrField(r, L.DB), gl, rows, out);
        if (dx != 0) gemm(dx, gl, ptrField(r, L.W), rows, inp, out, 0, 1);
        if (l1 != 0 || l2 != 0) regularizeGrad(ptrField(r, L.DW), ptrField(r, L.W), l1, l2, inp * out);
        update(plan, ptrField(r, L.W), ptrField(r, L.DW), inp * out, lr, c1, c2);
        update(plan, ptrField(r, L.B), ptrField(r, L.DB), out, lr, c1, c2);
      }
    }
    store<f64>(lossOut + (<usize>e << 3), total / <f64>n);
    if (accOut != 0) store<f64>(accOut + (<usize>e << 3), correct / <f64>n);
  }
  store<i32>(done, epochs);
}
