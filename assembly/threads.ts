// Threads build only (`--enable threads --sharedMemory --importMemory`): one instance of this
// module per thread, all on one shared memory. This file is the control block and its
// primitives; the workers' loop is in workers.ts, and the jobs are split where they are run
// (gemm.ts for products, update.ts for optimizer updates, batch.ts for gathers). The main instance
// writes a job into the control block, wakes the workers through it (atomics; a postMessage
// round trip is far too slow per step), does its own share, takes over what is left of the
// others' shares (post / runShares: work stealing), and waits for the chunks still being run. Each
// element is computed by the same sequence of operations whatever the thread count, so results
// are bit-identical. The block's layout is `ControlField` in the TS ↔ kernel contract.

import { CLAIM_STRIDE, Command, ControlField, ProfilePhase } from '../src/backend/contract';
import { now } from './clock';
import { PROFILING, profileAdd } from './profile';

// Elementwise jobs (optimizer updates) split only above this size.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 15;
// How long a worker that ran out of jobs spins on the generation word before it sleeps, in
// milliseconds of the host's clock. Waking a sleeping worker costs tens of µs (on a VM, its idle
// vCPU is halted), more than the serial stretches between a training step's parallel jobs
// (~50–100 µs: the small output layer, the loss), and a count of spins is no measure of time: at
// 65,536 spins W4's worker slept in some steps, and its main thread waited 40 µs a step at the
// barriers instead of 8 (`npm run bench -- --profile`). Thread pools spin about this long
// (OpenMP runtimes: 0.2–200 ms).
const SPIN_MS: f64 = 2;

let ctrl: usize = 0;
let self: i32 = 0;

// A worker sleeps through the host's Atomics.wait on the word at `addr` (returns once it no
// longer holds `expected`, or on a notify), not through memory.atomic.wait32: the Liftoff
// compiler of V8 11.3 (Node 20), which runs the worker's never-returning loop for its whole life,
// loses the address operand of memory.atomic.wait32 when it is a local kept in a register across
// the wait inside a loop (it reads 0 afterwards). Binaryen keeps the control word's address in
// such a local at shrinkLevel 1, so the woken worker went back to sleep on address 0 and never
// answered. A call to an import has no such bug, and the sleep comes only after SPIN_MS of spinning.
@external('env', 'wait')
declare function hostWait(addr: usize, expected: i32): void;

/** Byte address of control word `field`. */
@inline export function controlWord(field: i32): usize {
  return ctrl + (<usize>field << 2);
}

/** Byte address of word `field` of the current job. */
@inline export function jobWord(field: i32): usize {
  return ctrl + ((<usize>ControlField.Job + <usize>field) << 2);
}

/** Point this instance at the control block; `id` 0 is the main thread, 1.. the workers. */
export function setControl(ptr: usize, id: i32): void {
  ctrl = ptr;
  self = id;
}

/** This instance's thread id (0: the main thread). */
export function threadId(): i32 {
  return self;
}

/** Threads the main thread may split a job across now (1: none to spare, or not the main thread). */
export function activeThreads(): i32 {
  if (ctrl == 0 || self != 0 || atomic.load<i32>(controlWord(ControlField.Error)) != 0) return 1;
  return atomic.load<i32>(controlWord(ControlField.Threads));
}

/** Threads for an elementwise job of `n` floats (1 below the size where splitting pays). */
export function elementwiseThreads(n: usize): i32 {
  return n < PARALLEL_MIN_ELEMENTS ? 1 : activeThreads();
}

/** First column of thread `id`'s share of N columns, in whole 8-wide panels. */
export function panelShare(id: i32, threads: i32, N: usize): usize {
  const panels = (N + 7) >> 3;
  return min(N, ((<usize>id * panels) / <usize>threads) << 3);
}

/** First element of thread `id`'s share of n, in multiples of 16 (whole SIMD vectors and cache lines). */
export function rangeShare(id: i32, threads: i32, n: usize): usize {
  return min(n, (((<usize>id * n) / <usize>threads) + 15) & ~(<usize>15));
}

/**
 * Chunks in each thread's share of a job: the grain of work stealing (see claimChunk). A thread
 * whose share is done waits at the join for the chunk the other thread is still running: half a
 * chunk on average. With 4, W4's forward and dW products on 2 threads (chunks of 2 panels, ~32 µs
 * each) waited 23–45 and 28–32 µs a step at their joins; with 8 (one panel), 4–8 and 1.5–5, and
 * the bench's W4 pairs went 1.34× → 1.78× and 1.54× → 1.72× (medians of 6 alternating runs each,
 * 11 of 12 pairs won; a machine in a slow phase). A claim is one compare-and-swap.
 */
export const CHUNKS_PER_SHARE: usize = 8;

/** Units per chunk of shares of at most `share` units: 1/CHUNKS_PER_SHARE of it, in whole multiples of `grain`. */
export function chunkUnits(share: usize, grain: usize): usize {
  const units = (share + CHUNKS_PER_SHARE - 1) / CHUNKS_PER_SHARE;
  return max(grain, ((units + grain - 1) / grain) * grain);
}

/**
 * Hand a job to the workers: the job written at `jobWord` (command `cmd`), each thread's share of
 * it being units [start(t), start(t + 1)) in chunks of `size` units. The threads claim the chunks
 * (runShares) and count each one done; `join` waits for the count. Returns the job's generation.
 * A job posted ahead (postAhead) reads the job words until it is settled: callers settle() before
 * they write the next job.
 */
export function post(cmd: i32, threads: i32, size: usize, start: (t: i32, threads: i32) => usize): i32 {
  const generation = atomic.load<i32>(controlWord(ControlField.Generation)) + 1; // only this thread writes it
  let chunks: i32 = 0;
  for (let t = 0; t < threads; t++) {
    const from = start(t, threads), to = start(t + 1, threads);
    const n = to > from ? <i32>((to - from + size - 1) / size) : 0;
    atomic.store<i64>(claimWord(t), (<i64>generation << 32) | (<i64>n << 16));
    chunks += n;
  }
  atomic.store<i32>(controlWord(ControlField.Pending), chunks);
  atomic.store<i32>(controlWord(ControlField.ChunkSize), <i32>size);
  atomic.store<i32>(controlWord(ControlField.Command), cmd);
  atomic.store<i32>(controlWord(ControlField.Generation), generation);
  // Wake every sleeper, not threads − 1: after setThreads(n) to fewer threads the workers beyond
  // n sleep on the same word, and a notify wakes waiters in no set order, so waking threads − 1
  // could wake those instead of one whose share is due (that one slept on: "did not answer").
  atomic.notify(controlWord(ControlField.Generation), -1);
  return generation;
}

// A job posted ahead (postAhead) that the main thread has not joined yet: its generation (0: none),
// its thread count, and the function that runs a thread's part of it.
let aheadGeneration: i32 = 0;
let aheadThreads: i32 = 0;
let aheadShare: (id: i32, threads: i32, generation: i32) => void = noShare;

function noShare(id: i32, threads: i32, generation: i32): void {}

/**
 * Post a job that the main thread does not wait for: the workers run it while the main thread goes
 * on with other work, so `start` gives the main thread (thread 0) no share. `share` runs a
 * thread's part of it (as the workers' loop does). The job is settled (settle) before the next one
 * is posted, or earlier where its results are read.
 */
export function postAhead(cmd: i32, threads: i32, size: usize, start: (t: i32, threads: i32) => usize, share: (id: i32, threads: i32, generation: i32) => void): void {
  const generation = post(cmd, threads, size, start);
  aheadGeneration = generation;
  aheadThreads = threads;
  aheadShare = share;
}

/**
 * Finish the job posted ahead, if any: run here whatever chunks of it no worker has claimed yet
 * (a worker that is late or busy elsewhere), then wait for those being run (join). Returns join's
 * answer (true when there was no such job).
 */
export function settle(): bool {
  if (!ASC_FEATURE_THREADS) return true;
  if (aheadGeneration == 0) return true;
  const generation = aheadGeneration;
  aheadGeneration = 0;
  aheadShare(0, aheadThreads, generation);
  return join();
}

/**
 * Thread `id`'s part of job `generation` (posted with the same `start`, and the chunk size post
 * stored): `run` on each chunk of its own share, then on each chunk of the other threads' shares still unclaimed, counting
 * each chunk done. A worker that comes late to a job finds nothing left to claim (or the job
 * already replaced by the next one: the claim words carry their job's generation) and returns.
 */
export function runShares(id: i32, threads: i32, generation: i32, start: (t: i32, threads: i32) => usize, run: (from: usize, to: usize) => void): void {
  const size = <usize>atomic.load<i32>(controlWord(ControlField.ChunkSize));
  for (let v = 0; v < threads; v++) {
    const t = (id + v) % threads;
    const from = start(t, threads), to = start(t + 1, threads);
    for (let chunk = claimChunk(t, v == 0, generation); chunk >= 0; chunk = claimChunk(t, v == 0, generation)) {
      if (id == 1) stallForTest();
      const first = from + <usize>chunk * size;
      run(first, min(to, first + size));
      atomic.sub<i32>(controlWord(ControlField.Pending), 1);
    }
  }
}

/** Byte address of thread `t`'s claim word: an i64 `first | end << 16 | generation << 32`. */
@inline function claimWord(t: i32): usize {
  return controlWord(ControlField.Claims + t * CLAIM_STRIDE);
}

/**
 * Claim a chunk of thread `t`'s share of job `generation`: its owner (`own`) takes them first to
 * last, any other thread (work stealing, once its own share is done) last to first, so that a
 * slow or late thread's work goes to the others instead of everyone waiting for it. Returns the
 * chunk's index, or -1 once none is left (or the job is over). Which thread runs a chunk does not
 * change its results.
 */
function claimChunk(t: i32, own: bool, generation: i32): i32 {
  const word = claimWord(t);
  while (true) {
    const w = atomic.load<i64>(word);
    if (<i32>(w >> 32) != generation) return -1;
    const first = <i32>(w & 0xffff), end = <i32>((w >> 16) & 0xffff);
    if (first >= end) return -1;
    if (atomic.cmpxchg<i64>(word, w, own ? w + 1 : w - 0x10000) != w) continue;
    if (own) return first;
    atomic.add<i32>(controlWord(ControlField.Stolen), 1);
    return end - 1;
  }
}

/** Test hook: worker 1 spins for ControlField.StallMs before each chunk (a descheduled thread, staged). */
function stallForTest(): void {
  const ms = atomic.load<i32>(controlWord(ControlField.StallMs));
  if (ms <= 0) return;
  const until = now() + <f64>ms;
  while (now() < until) {}
}

/** After the timeout, how long at least the main thread still waits for chunks being run. */
const GRACE_MS: f64 = 1000;

/**
 * Wait until every chunk of the job posted last is done, i.e. for the chunks other threads are
 * still running (runShares has taken over the unclaimed ones; a thread that has not come to the
 * job is not waited for). Returns false when they are not done within the timeout; the error word
 * is then set (the host turns it into an Error) instead of hanging. A late chunk may still be
 * written, by a worker that is slow rather than dead: nothing may be freed or put back under it,
 * so the wait goes on for a grace period (the timeout again, at least GRACE_MS) before the chunks
 * are abandoned; the host keeps the memory they could write out of use until they are done
 * (Backend.release, setThreads).
 */
export function join(): bool {
  let spins = 0;
  let deadline: f64 = 0;
  let late = false;
  const start = PROFILING ? now() : 0;
  while (atomic.load<i32>(controlWord(ControlField.Pending)) > 0) {
    if ((++spins & 0xffff) == 0) {
      const t = now();
      const timeout = <f64>atomic.load<i32>(controlWord(ControlField.Timeout));
      if (deadline == 0) deadline = t + timeout;
      else if (t > deadline) {
        if (late) return false; // abandoned: Pending stays above 0
        atomic.store<i32>(controlWord(ControlField.Error), 1);
        late = true;
        deadline = t + max(timeout, GRACE_MS);
      }
    }
  }
  if (PROFILING) profileAdd(ProfilePhase.Waiting, now() - start);
  return !late;
}

/**
 * A worker: wait until the generation word moves past `seen`, spinning first (SPIN_MS) when
 * `spin`, else sleeping at once (a worker beyond the threads in use: its spinning would take a
 * core from those that compute); returns the new generation.
 */
export function awaitJob(seen: i32, spin: bool): i32 {
  let spins = 0;
  let deadline: f64 = 0;
  while (atomic.load<i32>(controlWord(ControlField.Generation)) == seen) {
    if (!spin) {
      hostWait(controlWord(ControlField.Generation), seen);
      continue;
    }
    if ((++spins & 1023) != 0) continue;
    const t = now();
    if (deadline == 0) deadline = t + SPIN_MS;
    else if (t > deadline) {
      hostWait(controlWord(ControlField.Generation), seen);
      deadline = 0;
    }
  }
  return atomic.load<i32>(controlWord(ControlField.Generation));
}

/** Ask every worker to leave its loop. */
export function shutdownWorkers(): void {
  if (!ASC_FEATURE_THREADS || ctrl == 0) return;
  atomic.store<i32>(controlWord(ControlField.Command), Command.Shutdown);
  atomic.add<i32>(controlWord(ControlField.Generation), 1);
  atomic.notify(controlWord(ControlField.Generation), -1);
}
