// Whole training epochs in one call, over a plan (a layer table) the host writes into linear
// memory, so a tiny network (the chapter's XOR) pays one JS→WASM call per chunk of epochs
// instead of ~20 per step, and a mini-batch epoch is one call. It sequences exactly the kernels
// that the host's step-by-step path calls, in the same order, so the results are bit-identical
// (softmax cross-entropy's loss and gradient are one kernel here, with the same operations).
// The plan's layout (`PlanField`, `PlanLayerField`) is in the TS ↔ kernel contract.

import { ActivationId, GradientStep as S, LossId, OptimizerId, PanelState, PlanField, PlanLayerField as L, ProfilePhase as P, StepKind } from '../src/backend/contract';
import { forwardPanelBytes, forwardReadsPanels, gemm, gemmStep, packPanels, PARALLEL_MIN_COLUMNS, stepKeepsPanels, stepTakes, unpackPanels } from './gemm';
import { fusable, STEP_BLOCK } from './gradient-step';
import { sumColumns } from './bias';
import { gatherAhead, gatherBatch } from './batch';
import { denseForwardPanels } from './dense';
import { activateBackward, NON_FINITE_Z } from './epilogue';
import {
  binaryCrossEntropyLoss, binaryCrossEntropyGrad, meanSquaredErrorLoss, meanSquaredErrorGrad,
  softmaxCrossEntropyLossGrad, binaryCrossEntropyLogitsLoss, binaryCrossEntropyLogitsGrad,
} from './losses';
import { regularizeGrad } from './optimizers';
import { accuracyCount } from './metrics';
import { firstNonFinite } from './finite';
import { update } from './update';
import { profileMark, profileStart } from './profile';
import { settle } from './threads';
import { f64Field, intField, layerRow, ptrField, realField } from './plan';

/** Most bytes of a copy of a layer's weights in panels: training allocates two, so at most 64 MiB more. */
const MAX_PANEL_BYTES: u64 = 32 << 20;

/**
 * Bytes of room for each of a layer's two copies of its weights in the forward's panel layout
 * (`PlanLayerField.Panels`, `OtherPanels`) when training with optimizer `kind` on batches of
 * `batch` rows steps them in that layout: the first layer (no dX product reads its weights),
 * whose 4×8 tiles of dW fit the panels (see trainEpochs), up to MAX_PANEL_BYTES. With SGD the
 * fused step may refuse a product (the weights then go back to row-major); the other optimizers
 * keep the gradient and their state in panels for the whole call, so every batch's product must
 * take the fused store (stepTakes, from 1 row to `batch`), and the forward read the panels. 0 otherwise.
 */
export function trainingPanelBytes(layer: i32, inputs: i32, outputs: i32, kind: i32, batch: i32): i32 {
  if (layer != 0 || !stepKeepsPanels(inputs, outputs)) return 0;
  if (!fusable(kind) && !(stepTakes(inputs, outputs, 1) && stepTakes(inputs, outputs, batch) && forwardReadsPanels(batch, outputs, inputs))) return 0;
  const bytes = forwardPanelBytes(inputs, outputs);
  return bytes <= MAX_PANEL_BYTES ? <i32>bytes : 0;
}

/**
 * Whether layer row `r` keeps its weights' gradient and the optimizer's state in the panel layout
 * too, its optimizer (`kind`, not SGD's fused step) updating the panels in its own pass.
 */
@inline function updatesPanels(r: usize, kind: i32): bool {
  return ASC_FEATURE_SIMD && !fusable(kind) && ptrField(r, L.Panels) != 0;
}

/**
 * Put the optimizer's state of every layer that updates its panels (updatesPanels) into the
 * panel layout (`toPanels`) or back to row-major, through the layer's dW buffer (free between
 * steps): the host reads and saves that state row-major, like the weights.
 */
function stateLayout(plan: usize, layers: i32, toPanels: bool): void {
  const kind = intField(plan, PlanField.Optimizer), params = ptrField(plan, PlanField.Params);
  for (let l = 0; l < layers; l++) {
    const r = layerRow(plan, l);
    if (!updatesPanels(r, kind)) continue;
    const In = intField(r, L.In), Out = intField(r, L.Out), tmp = ptrField(r, L.DW), off = ptrField(r, L.W) - params;
    for (let f = 0; f < 2; f++) {
      const base = ptrField(plan, f == 0 ? PlanField.StateA : PlanField.StateB);
      if (base == 0) continue;
      memory.copy(tmp, base + off, (<usize>In * <usize>Out) << 2);
      if (toPanels) packPanels(base + off, tmp, In, Out);
      else unpackPanels(base + off, tmp, In, Out);
    }
  }
}

/** The layer's weights in the copy at byte offset `copy` from the parameters (its live or its next copy). */
@inline function weightsAt(r: usize, copy: usize): usize {
  return ptrField(r, L.W) + copy;
}

/** Its panels for that copy: the first of its two when `copy` is the parameters' (0), else the second. */
function panelsAt(r: usize, copy: usize): usize {
  return ptrField(r, copy == 0 ? L.Panels : L.OtherPanels);
}

/** Write the weights of the copy at `copy` from its panels (where only the panels are current). */
function unpackCopy(r: usize, copy: usize): void {
  unpackPanels(weightsAt(r, copy), panelsAt(r, copy), intField(r, L.In), intField(r, L.Out));
}

/** Set layer row `r`'s PanelState. */
@inline function setPanelState(r: usize, state: PanelState): void {
  store<i32>(r + (<usize>L.PanelState << 2), state);
}

/**
 * Before returning: the row-major weights of every layer whose panels alone are current, from
 * them: the parameters get the copy at `toParams`, the backup the other one.
 */
function unpackAll(plan: usize, layers: i32, other: usize, toParams: usize): void {
  for (let l = 0; l < layers; l++) {
    const r = layerRow(plan, l);
    if (intField(r, L.PanelState) != PanelState.Panels) continue;
    const toBackup: usize = toParams == 0 ? other : 0;
    const In = intField(r, L.In), Out = intField(r, L.Out);
    unpackPanels(weightsAt(r, 0), panelsAt(r, toParams), In, Out);
    unpackPanels(weightsAt(r, other), panelsAt(r, toBackup), In, Out);
    setPanelState(r, PanelState.Both);
  }
}

/**
 * Exchange every layer's weights and bias with the backup's (but the weights of a layer whose
 * panels alone are current: unpackAll writes both of its copies from the panels).
 */
function swapWeights(plan: usize, layers: i32, params: usize, backup: usize): void {
  for (let l = 0; l < layers; l++) {
    const r = layerRow(plan, l);
    const w = ptrField(r, L.W), b = ptrField(r, L.B), out = <usize>intField(r, L.Out);
    if (intField(r, L.PanelState) != PanelState.Panels) swapBytes(w, backup + (w - params), (<usize>intField(r, L.In) * out) << 2);
    swapBytes(b, backup + (b - params), out << 2);
  }
}

/** Exchange `bytes` (a multiple of 4) at `p` and `q` (no overlap). */
function swapBytes(p: usize, q: usize, bytes: usize): void {
  let i: usize = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 16 <= bytes; i += 16) {
      const a = v128.load(p + i);
      v128.store(p + i, v128.load(q + i));
      v128.store(q + i, a);
    }
  }
  for (; i < bytes; i += 4) {
    const a = load<u32>(p + i);
    store<u32>(p + i, load<u32>(q + i));
    store<u32>(q + i, a);
  }
}

/**
 * Fill the fused step's block for one layer's weights (read at `param`, written at `out`: in the
 * forward's panel layout when `packed`, else row-major), or for a store of its gradient at `out`
 * (StepKind.Store); returns it.
 */
function describeStep(plan: usize, kind: StepKind, out: usize, param: usize, packed: bool, lr: f32): usize {
  const d = STEP_BLOCK;
  store<i32>(d + (<usize>S.Kind << 2), kind);
  store<i32>(d + (<usize>S.Out << 2), <i32>out);
  store<i32>(d + (<usize>S.Packed << 2), packed ? 1 : 0);
  store<i32>(d + (<usize>S.Param << 2), <i32>param);
  store<f32>(d + (<usize>S.LearningRate << 2), lr);
  store<f32>(d + (<usize>S.L1 << 2), realField(plan, PlanField.L1));
  store<f32>(d + (<usize>S.L2 << 2), realField(plan, PlanField.L2));
  return d;
}

/**
 * Run `epochs` epochs of the plan; write the number completed (i32) at `done`. A batch whose
 * loss, or a layer's z = x·W + b, is not finite stops training: that value is written to
 * LossOut, FailedRow gets the batch's first row, FailedLayer 0 (the loss) or 1 + the layer,
 * `done` stays at that epoch's index, and the parameters get back the weights and biases
 * that produced the last finite loss (those the backup holds when the call starts, or those
 * before the last update).
 *
 * With a backup, nothing is copied per step: the parameters and the backup take turns. Each
 * update reads the weights of one copy and writes the new weights into the other, which keeps
 * the weights before it. When the call ends on the backup's turn the two are exchanged once, so
 * the parameters hold the final weights and the backup those before the last update, as the
 * host expects.
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
  const kind = intField(plan, PlanField.Optimizer), adam = kind == OptimizerId.Adam;
  const beta1 = <f64>realField(plan, PlanField.Hyper1), beta2 = <f64>realField(plan, PlanField.Hyper2);
  const pow1 = f64Field(plan, PlanField.Pow1), pow2 = f64Field(plan, PlanField.Pow2);
  const last = layerRow(plan, layers - 1);
  // the backup's distance from the parameters, and whether the live weights are the backup's
  const other: usize = backup != 0 ? backup - params : 0;
  let flipped = false;
  // the optimizer step fused into the dW product needs the second copy (and SGD)
  const step = backup != 0 && fusable(kind);
  const fused = lossKind == LossId.SoftmaxCrossEntropy || lossKind == LossId.BinaryCrossEntropyLogits;
  // A layer with panels (the first: trainingPanelBytes) keeps two copies of its weights
  // in the forward's panel layout too. The first forward packs the live copy's, and the fused
  // step then reads and writes only panels (one copy into the other, as with the row-major
  // copies), so no forward packs them again and neither the step nor the forward walks the
  // row-major weights: those are written from the panels when the call returns, or before
  // anything else reads them (a forward or a step that would not read panels). No dX product
  // reads the first layer's weights. W2 on one thread: 0.867 → 0.890 of the local limit (median
  // of 6 alternating runs each); on two, 0.71 → 0.78 of twice it.
  // With the other optimizers (Adam, momentum, RMSprop) such a layer keeps its gradient and the
  // optimizer's state in the panel layout too (updatesPanels): the dW product stores each tile
  // there (StepKind.Store), and the optimizer's own pass updates the panels, split across threads
  // by the column panels each thread's share of the products makes and reads (update.ts). The
  // state goes into that layout when the call starts and back when it returns (stateLayout).
  for (let l = 0; l < layers; l++) setPanelState(layerRow(plan, l), PanelState.RowMajor);
  stateLayout(plan, layers, true);
  // On more than one thread the workers gather the next batch into the other pair of buffers
  // (InputAhead, TargetAhead) while this thread runs the step's serial part: the loss, and the
  // backward pass up to its first product split across threads, which settles the gather first.
  // The batch's rows are in the Input and Target buffers, or in the ahead ones (`inAhead`); the
  // first layer reads them where they are (its plan row names the Input buffer).
  const xAhead: usize = ASC_FEATURE_THREADS && dataX != 0 ? ptrField(plan, PlanField.InputAhead) : 0;
  const yAhead = ptrField(plan, PlanField.TargetAhead);
  // It is posted after the forward of the last layer wide enough to be split across threads, so
  // that no forward product settles it at once.
  let aheadAfter = xAhead != 0 ? layers - 1 : -1;
  while (aheadAfter > 0 && intField(layerRow(plan, aheadAfter), L.Out) < PARALLEL_MIN_COLUMNS) aheadAfter--;
  let inAhead = false;
  let ahead = false; // whether the next step's batch is being gathered ahead
  for (let e = 0; e < epochs; e++) {
    let total: f64 = 0, correct: f64 = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = min(batch, n - start);
      const batchX = inAhead ? xAhead : x0, batchY = inAhead ? yAhead : target;
      profileStart();
      if (ahead) settle();
      else if (dataX != 0) gatherBatch(batchX, batchY, dataX, dataY, index + (<usize>start << 2), rows, inSize, outSize);
      ahead = false;
      profileMark(P.Gather);
      const live: usize = flipped ? other : 0, next: usize = flipped ? 0 : other;
      // a layer whose z = x·W + b is not finite stops training as a non-finite loss does: an
      // overflowed weight shows there first (a saturated sigmoid or a ReLU can keep the loss finite)
      let failedLayer: i32 = 0;
      let value: f64 = 0;
      for (let l = 0; l < layers; l++) {
        const r = layerRow(plan, l);
        // A loss on logits reads z: the output layer's softmax or sigmoid is left out (its y is
        // never read during a run; the host computes the last batch's y from z when the run returns).
        const id = fused && l == layers - 1 ? ActivationId.Linear : intField(r, L.Activation);
        store<i32>(NON_FINITE_Z, 0);
        const state = intField(r, L.PanelState);
        const readsPanels = ASC_FEATURE_SIMD && ptrField(r, L.Panels) != 0 && forwardReadsPanels(rows, intField(r, L.Out), intField(r, L.In));
        if (state == PanelState.Panels && !readsPanels) {
          // both copies: the other holds the weights before the last update, which a failure puts back
          unpackCopy(r, live);
          unpackCopy(r, next);
          setPanelState(r, PanelState.Both);
        }
        denseForwardPanels(
          ptrField(r, L.Z), ptrField(r, L.Y), l == 0 ? batchX : ptrField(r, L.X), weightsAt(r, live), ptrField(r, L.B) + live,
          rows, intField(r, L.Out), intField(r, L.In), id, realField(r, L.Alpha),
          readsPanels ? panelsAt(r, live) : 0, state == PanelState.RowMajor,
        );
        if (readsPanels && state == PanelState.RowMajor) setPanelState(r, PanelState.Both);
        // biasActivate flags a non-finite z where it makes each block; only then is z searched
        const z = ptrField(r, L.Z), at = load<i32>(NON_FINITE_Z) != 0 ? firstNonFinite(z, rows * intField(r, L.Out)) : -1;
        if (at >= 0) {
          failedLayer = l + 1;
          value = <f64>load<f32>(z + (<usize>at << 2));
          break;
        }
        if (l == aheadAfter) {
          // the next batch: this epoch's next rows, or (within this call) the next epoch's first
          const next = start + batch < n ? start + batch : e + 1 < epochs ? 0 : -1;
          if (next >= 0) {
            ahead = gatherAhead(inAhead ? x0 : xAhead, inAhead ? target : yAhead, dataX, dataY, index + (<usize>next << 2), min(batch, n - next), inSize, outSize);
          }
        }
      }
      profileMark(P.Forward);
      const pred = fused ? ptrField(last, L.Z) : ptrField(last, L.Y);
      const g = ptrField(last, L.G);
      const count = rows * outSize;
      if (failedLayer == 0) {
        if (lossKind == LossId.BinaryCrossEntropy) binaryCrossEntropyLoss(lossSlot, pred, batchY, count);
        else if (lossKind == LossId.MeanSquaredError) meanSquaredErrorLoss(lossSlot, pred, batchY, count);
        else if (lossKind == LossId.BinaryCrossEntropyLogits) binaryCrossEntropyLogitsLoss(lossSlot, pred, batchY, count);
        // softmax cross-entropy: the gradient too, sharing the exponentials (the same bits as the two kernels)
        else softmaxCrossEntropyLossGrad(lossSlot, g, pred, batchY, rows, outSize, <f32>(1.0 / <f64>rows));
        value = load<f64>(lossSlot);
      }
      if (!isFinite(value)) {
        // The weights before the last update go back to the parameters: the copy not live (on
        // the backup's turn they are there already, else the backup has them).
        leaveCall(plan, layers, flipped ? 0 : other, xAhead != 0, inAhead, rows);
        store<f64>(lossOut + (<usize>e << 3), value);
        store<i32>(plan + (<usize>PlanField.FailedRow << 2), start);
        store<i32>(plan + (<usize>PlanField.FailedLayer << 2), failedLayer);
        store<i32>(done, e);
        return;
      }
      total += value * <f64>rows;
      if (accOut != 0) {
        accuracyCount(lossSlot, pred, batchY, rows, outSize, threshold);
        correct += load<f64>(lossSlot);
      }
      let c1: f32 = 1, c2: f32 = 1;
      if (adam) {
        const p1 = load<f64>(pow1) * beta1, p2 = load<f64>(pow2) * beta2;
        store<f64>(pow1, p1);
        store<f64>(pow2, p2);
        c1 = <f32>(1 / (1 - p1));
        c2 = <f32>(1 / (1 - p2));
      }
      if (lossKind == LossId.BinaryCrossEntropy) binaryCrossEntropyGrad(g, pred, batchY, count, <f32>(1.0 / <f64>count));
      else if (lossKind == LossId.MeanSquaredError) meanSquaredErrorGrad(g, pred, batchY, count, <f32>(1.0 / <f64>count));
      else if (lossKind == LossId.BinaryCrossEntropyLogits) binaryCrossEntropyLogitsGrad(g, pred, batchY, count, <f32>(1.0 / <f64>count));
      profileMark(P.Loss);
      for (let l = layers - 1; l >= 0; l--) {
        const r = layerRow(plan, l);
        const inp = intField(r, L.In), out = intField(r, L.Out), gl = ptrField(r, L.G), dx = ptrField(r, L.DX);
        const w = ptrField(r, L.W), b = ptrField(r, L.B), x = l == 0 ? batchX : ptrField(r, L.X);
        if (!(fused && l == layers - 1)) activateBackward(intField(r, L.Activation), gl, gl, ptrField(r, L.Z), ptrField(r, L.Y), rows, out, realField(r, L.Alpha));
        profileMark(P.ActivationBackward);
        // With two copies of the weights, SGD takes dW tile by tile from the product
        // (gradient-step.ts): the step writes the other copy, so dX below still reads these weights.
        // A layer whose live panels are current is stepped panels to panels (its row-major
        // weights are then out of date). gemmStep takes or refuses a product whatever the layout,
        // and a refused one is updated below from row-major weights, made current first.
        // A layer that updates its panels (the other optimizers) gets dW stored in the panel
        // layout, which trainingPanelBytes ensures gemmStep takes for every batch. Its live
        // panels are current once a forward has read them (trainingPanelBytes ensures the first
        // batch's does); were they not, the live weights are packed first.
        const state = intField(r, L.PanelState), viaPanels = ASC_FEATURE_SIMD && state != PanelState.RowMajor;
        const dw = ptrField(r, L.DW), ownPass = updatesPanels(r, kind);
        let stepped = false;
        if (ownPass) {
          if (state == PanelState.RowMajor) packPanels(panelsAt(r, live), w + live, inp, out);
          gemmStep(dw, x, gl, inp, out, rows, describeStep(plan, StepKind.Store, dw, 0, true, 0));
        } else {
          stepped = step && gemmStep(
            dw, x, gl, inp, out, rows,
            viaPanels ? describeStep(plan, StepKind.SGD, panelsAt(r, next), panelsAt(r, live), true, lr) : describeStep(plan, StepKind.SGD, w + next, w + live, false, lr),
          );
          if (!stepped) {
            if (ASC_FEATURE_SIMD && state == PanelState.Panels) unpackCopy(r, live);
            gemm(dw, x, gl, inp, out, rows, 1, 0);
          }
        }
        setPanelState(r, ownPass || (stepped && viaPanels) ? PanelState.Panels : PanelState.RowMajor);
        profileMark(P.WeightGradient);
        sumColumns(ptrField(r, L.DB), gl, rows, out);
        if (dx != 0) gemm(dx, gl, w + live, rows, inp, out, 0, 1);
        profileMark(P.InputGradient);
        if (!stepped) {
          const from = ownPass ? panelsAt(r, live) : w + live, to = ownPass ? panelsAt(r, next) : w + next;
          if (l1 != 0 || l2 != 0) regularizeGrad(dw, from, l1, l2, inp * out);
          update(plan, to, from, dw, inp * out, lr, c1, c2, w - params, ownPass ? out : 0);
        }
        update(plan, b + next, b + live, ptrField(r, L.DB), out, lr, c1, c2, b - params, 0);
        profileMark(P.Update);
      }
      if (backup != 0) flipped = !flipped;
      if (ahead) inAhead = !inAhead;
    }
    store<f64>(lossOut + (<usize>e << 3), total / <f64>n);
    if (accOut != 0) store<f64>(accOut + (<usize>e << 3), correct / <f64>n);
  }
  // the parameters get the live copy (the final weights)
  leaveCall(plan, layers, flipped ? other : 0, xAhead != 0, inAhead, n - ((n - 1) / batch) * batch);
  store<i32>(done, epochs);
}

/**
 * Before trainEpochs returns: the parameters get the weights of the copy at byte offset
 * `toParams` from them (0: their own; else the backup's, exchanged once) and the backup the other
 * copy, the first layer's from its panels where only those are current; the optimizer's state
 * goes back to row-major; with buffers to gather ahead (`ahead`), the last batch (`rows` rows) to
 * the Input and Target buffers.
 */
function leaveCall(plan: usize, layers: i32, toParams: usize, ahead: bool, inAhead: bool, rows: i32): void {
  const params = ptrField(plan, PlanField.Params), backup = ptrField(plan, PlanField.Backup);
  if (toParams != 0) swapWeights(plan, layers, params, backup);
  if (ASC_FEATURE_SIMD && backup != 0) unpackAll(plan, layers, backup - params, toParams);
  stateLayout(plan, layers, false);
  if (ahead) batchToInput(plan, inAhead, rows);
}

/**
 * Before returning, with buffers to gather ahead: settle a gather still posted, and leave the
 * last batch (`rows` rows, in the ahead buffers when `inAhead`) in the Input and Target buffers,
 * where the host expects it.
 */
function batchToInput(plan: usize, inAhead: bool, rows: i32): void {
  settle();
  if (!inAhead) return;
  const r = <usize>rows;
  memory.copy(ptrField(plan, PlanField.Input), ptrField(plan, PlanField.InputAhead), (r * <usize>intField(plan, PlanField.InputSize)) << 2);
  memory.copy(ptrField(plan, PlanField.Target), ptrField(plan, PlanField.TargetAhead), (r * <usize>intField(plan, PlanField.OutputSize)) << 2);
}
