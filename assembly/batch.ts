// The training loop's mini-batch: its input and target rows gathered from the data set in the
// row order. Shuffled rows are scattered over the whole data set, so gathering them waits on
// memory: the threads build splits them by rows across threads, each thread's share in chunks that
// threads done with their own take over (two cores keep twice the reads in flight; W4's gather on
// 2 threads: 50 → 30 µs a step). Consecutive rows (an unshuffled order) are copied as blocks,
// split across the threads as shuffled rows are, each thread's rows being one block: two cores
// read twice the rows in flight, and each holds in its cache the half it wrote, where the main
// core held all of the batch that both threads' products read next (W2 on 2 threads in
// interleaved pairs: 1.830× → 1.858× one thread, median of 5 alternating runs; one block copied
// on the main thread was 28 → 20–29 µs a step on 1 thread).
// The job's layout is `GatherJob` in the TS ↔ kernel contract.

import { Command, GatherJob } from '../src/backend/contract';
import { gatherRows } from './bias';
import { chunkUnits, elementwiseThreads, join, jobWord, post, postAhead, runShares, settle } from './threads';

/** First row of thread `id`'s share of `rows`. */
@inline function rowShare(id: i32, threads: i32, rows: i32): i32 {
  return <i32>((<i64>id * <i64>rows) / <i64>threads);
}

/** Whether the `rows` row numbers at `index` are first, first + 1, … */
function consecutive(index: usize, rows: i32, first: i32): bool {
  for (let r = 1; r < rows; r++) if (load<i32>(index + (<usize>r << 2)) != first + r) return false;
  return true;
}

/** Rows [from, to) of the batch: inputs, then targets (one block copy each when the rows are consecutive). */
function gatherShare(x: usize, y: usize, dataX: usize, dataY: usize, index: usize, from: i32, to: i32, inSize: i32, outSize: i32): void {
  const skip = <usize>from;
  const first = load<i32>(index + (skip << 2));
  if (consecutive(index + (skip << 2), to - from, first)) {
    const inBytes = <usize>inSize << 2, outBytes = <usize>outSize << 2;
    memory.copy(x + skip * inBytes, dataX + <usize>first * inBytes, <usize>(to - from) * inBytes);
    memory.copy(y + skip * outBytes, dataY + <usize>first * outBytes, <usize>(to - from) * outBytes);
    return;
  }
  gatherRows(x + skip * (<usize>inSize << 2), dataX, index + (skip << 2), to - from, inSize);
  gatherRows(y + skip * (<usize>outSize << 2), dataY, index + (skip << 2), to - from, outSize);
}

/**
 * x row r = dataX row index[r] and y row r = dataY row index[r], for r < rows (gatherRows of the
 * inputs and of the targets), on every active thread when the batch is large.
 */
export function gatherBatch(x: usize, y: usize, dataX: usize, dataY: usize, index: usize, rows: i32, inSize: i32, outSize: i32): void {
  if (rows <= 0) return;
  const threads = ASC_FEATURE_THREADS ? gatherThreads(rows, inSize) : 1;
  if (threads < 2) {
    gatherShare(x, y, dataX, dataY, index, 0, rows, inSize, outSize);
    return;
  }
  writeGatherJob(x, y, dataX, dataY, index, rows, inSize, outSize);
  const size = chunkUnits(<usize>rowShare(1, threads, rows), 4); // whole groups of gatherRows' 4 rows
  gatherJobShare(0, threads, post(Command.Gather, threads, size, gatherStart));
  join();
}

/** Threads to gather `rows` rows of `inSize` inputs on, in the threads build (1: not worth splitting). */
function gatherThreads(rows: i32, inSize: i32): i32 {
  return rows > 0 ? min(rows, elementwiseThreads(<usize>rows * <usize>inSize)) : 1;
}

/** Settle any job posted ahead, then write a gather job into the control block. */
function writeGatherJob(x: usize, y: usize, dataX: usize, dataY: usize, index: usize, rows: i32, inSize: i32, outSize: i32): void {
  settle();
  store<i32>(jobWord(GatherJob.X), <i32>x); store<i32>(jobWord(GatherJob.Y), <i32>y);
  store<i32>(jobWord(GatherJob.DataX), <i32>dataX); store<i32>(jobWord(GatherJob.DataY), <i32>dataY);
  store<i32>(jobWord(GatherJob.Index), <i32>index); store<i32>(jobWord(GatherJob.Rows), rows);
  store<i32>(jobWord(GatherJob.InputSize), inSize); store<i32>(jobWord(GatherJob.OutputSize), outSize);
}

/**
 * gatherBatch's rows gathered by the workers alone, while the main thread goes on (the next
 * batch, during the serial parts of a training step): returns whether they were posted (on more
 * than one thread, for a batch large enough to split). The rows are in place once the job is
 * settled (threads.ts settle), which the next job posted, or the caller, does.
 */
export function gatherAhead(x: usize, y: usize, dataX: usize, dataY: usize, index: usize, rows: i32, inSize: i32, outSize: i32): bool {
  const threads = ASC_FEATURE_THREADS ? gatherThreads(rows, inSize) : 1;
  if (threads < 2) return false;
  writeGatherJob(x, y, dataX, dataY, index, rows, inSize, outSize);
  const size = chunkUnits(<usize>rowShare(1, threads - 1, rows), 4); // the first worker's share, in whole groups of 4 rows
  postAhead(Command.GatherAhead, threads, size, gatherAheadStart, gatherAheadShare);
  return true;
}

/** Thread `id`'s part of a gather job posted ahead (as gatherJobShare, the main thread's share being empty). */
export function gatherAheadShare(id: i32, threads: i32, generation: i32): void {
  runShares(id, threads, generation, gatherAheadStart, gatherRowsOfJob);
}

/** First row of thread `t`'s share of a gather job posted ahead: none for the main thread, the rows split among the workers. */
function gatherAheadStart(t: i32, threads: i32): usize {
  return t == 0 ? 0 : <usize>rowShare(t - 1, threads - 1, load<i32>(jobWord(GatherJob.Rows)));
}

/**
 * Thread `id`'s part of the gather job in the control block: the chunks of rows of its own share,
 * then whatever chunks of the other threads' shares are still unclaimed.
 */
export function gatherJobShare(id: i32, threads: i32, generation: i32): void {
  runShares(id, threads, generation, gatherStart, gatherRowsOfJob);
}

/** First row of thread `t`'s share of the gather job in the control block. */
function gatherStart(t: i32, threads: i32): usize {
  return <usize>rowShare(t, threads, load<i32>(jobWord(GatherJob.Rows)));
}

/** Rows [from, to) of the gather job in the control block. */
function gatherRowsOfJob(from: usize, to: usize): void {
  gatherShare(
    <usize>load<i32>(jobWord(GatherJob.X)), <usize>load<i32>(jobWord(GatherJob.Y)),
    <usize>load<i32>(jobWord(GatherJob.DataX)), <usize>load<i32>(jobWord(GatherJob.DataY)),
    <usize>load<i32>(jobWord(GatherJob.Index)), <i32>from, <i32>to,
    load<i32>(jobWord(GatherJob.InputSize)), load<i32>(jobWord(GatherJob.OutputSize)),
  );
}
