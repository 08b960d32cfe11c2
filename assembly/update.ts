// The optimizer update of one parameter segment, as the training plan says (kind, hyperparameters,
// state blocks laid out like the parameters), split across threads when large (each thread's share
// in chunks that threads done with their own take over). The new values go
// to `out`, the old ones are read from `p` (the same pointer: in place); the optimizer's state is
// found at `off`, the segment's byte offset in the parameter block. A segment in the forward's
// panel layout (the first layer's weights, their gradient and state during a training call:
// network.ts) is split by the column panels the products split it into, so that each thread
// updates the weights its share of dW wrote and its share of the next forward reads: on two
// threads, halves of flat ranges mixed both cores' data, and W4's Adam pass took 64–72 µs of a
// step instead of ~45 on data a thread owns.

import { Command, OptimizerId, PlanField, UpdateJob } from '../src/backend/contract';
import { adamUpdate, momentumUpdate, rmspropUpdate, sgdUpdate } from './optimizers';
import { intField, ptrField, realField } from './plan';
import { panelColumnRuns } from './gemm';
import { chunkUnits, elementwiseThreads, join, jobWord, panelShare, post, rangeShare, runShares, settle } from './threads';

/** Update n floats read at `p` into `out` with gradient `g` on this thread (also a worker's share of a split update). */
export function updateSegment(plan: usize, out: usize, p: usize, g: usize, n: i32, lr: f32, c1: f32, c2: f32, off: usize): void {
  const kind = intField(plan, PlanField.Optimizer);
  if (kind == OptimizerId.SGD) { sgdUpdate(out, p, g, lr, n); return; }
  const a = ptrField(plan, PlanField.StateA) + off;
  const h1 = realField(plan, PlanField.Hyper1), eps = realField(plan, PlanField.Epsilon);
  if (kind == OptimizerId.Momentum) momentumUpdate(out, p, g, a, lr, h1, intField(plan, PlanField.Nesterov), n);
  else if (kind == OptimizerId.Adam) adamUpdate(out, p, g, a, ptrField(plan, PlanField.StateB) + off, lr, h1, realField(plan, PlanField.Hyper2), eps, c1, c2, n);
  else rmspropUpdate(out, p, g, a, lr, h1, eps, n);
}

/**
 * Thread `id`'s part of the update job in the control block: the chunks of its own share, then
 * whatever chunks of the other threads' shares are still unclaimed.
 */
export function updateShare(id: i32, threads: i32, generation: i32): void {
  runShares(id, threads, generation, updateStart, updateRange);
}

/** First float of thread `t`'s share of the update job in the control block (of a segment in panels: its first column). */
function updateStart(t: i32, threads: i32): usize {
  const columns = <usize>load<i32>(jobWord(UpdateJob.Columns));
  if (columns != 0) return panelShare(t, threads, columns);
  return rangeShare(t, threads, <usize>load<i32>(jobWord(UpdateJob.Count)));
}

/** Floats [from, to) of the update job in the control block (of a segment in panels: columns [from, to)). */
function updateRange(from: usize, to: usize): void {
  const columns = <usize>load<i32>(jobWord(UpdateJob.Columns));
  if (columns == 0) updateBytes(from << 2, to << 2);
  else panelColumnRuns(<usize>load<i32>(jobWord(UpdateJob.Count)) / columns, columns, from, to, updateBytes);
}

/** Bytes [skip, to) of the update job in the control block. */
function updateBytes(skip: usize, to: usize): void {
  updateSegment(
    <usize>load<i32>(jobWord(UpdateJob.Plan)), <usize>load<i32>(jobWord(UpdateJob.Out)) + skip,
    <usize>load<i32>(jobWord(UpdateJob.Param)) + skip, <usize>load<i32>(jobWord(UpdateJob.Grad)) + skip, <i32>((to - skip) >> 2),
    load<f32>(jobWord(UpdateJob.LearningRate)), load<f32>(jobWord(UpdateJob.Correction1)), load<f32>(jobWord(UpdateJob.Correction2)),
    <usize>load<i32>(jobWord(UpdateJob.StateOffset)) + skip,
  );
}

/**
 * `updateSegment`, split across threads when the segment is large: into flat ranges, or (`columns`
 * N > 0: a K×N segment in the forward's panel layout) into the column panels a product splits.
 */
export function update(plan: usize, out: usize, p: usize, g: usize, n: i32, lr: f32, c1: f32, c2: f32, off: usize, columns: i32): void {
  const threads = ASC_FEATURE_THREADS ? elementwiseThreads(<usize>n) : 1;
  if (threads < 2) {
    updateSegment(plan, out, p, g, n, lr, c1, c2, off);
    return;
  }
  settle();
  store<i32>(jobWord(UpdateJob.Plan), <i32>plan);
  store<i32>(jobWord(UpdateJob.Out), <i32>out);
  store<i32>(jobWord(UpdateJob.Param), <i32>p);
  store<i32>(jobWord(UpdateJob.Grad), <i32>g);
  store<i32>(jobWord(UpdateJob.Count), n);
  store<f32>(jobWord(UpdateJob.LearningRate), lr);
  store<f32>(jobWord(UpdateJob.Correction1), c1);
  store<f32>(jobWord(UpdateJob.Correction2), c2);
  store<i32>(jobWord(UpdateJob.StateOffset), <i32>off);
  store<i32>(jobWord(UpdateJob.Columns), columns);
  const size = columns != 0 ? chunkUnits(panelShare(1, threads, <usize>columns), 8) : chunkUnits(rangeShare(1, threads, <usize>n), 16);
  updateShare(0, threads, post(Command.Update, threads, size, updateStart));
  join();
}
