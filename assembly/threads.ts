// Threads build only (`--enable threads --sharedMemory --importMemory`): one instance of this
// module per thread, all on one shared memory. Worker instances sit in `workerLoop`; the main
// instance splits a large packed product by column panels of C, wakes the workers through a
// control block in shared memory (atomics; a postMessage round trip is far too slow per step),
// computes its own share, and waits for the others. Each element of C is computed by the same
// sequence of operations whatever the thread count, so results are bit-identical.
//
// Besides products, large elementwise work (optimizer updates, the weights' backup) is split too.
//
// Control block (host-allocated, 64-byte aligned, i32 words):
//   0 generation (bumped per job)   1 done (workers finished)   2 command   3 threads (active)
//   4 ready (workers that entered the loop)   5 error (1: a worker did not answer in time)
//   6 timeout (ms)   8.. job: product: c, a, b, M, N, K, transA, transB, acc, y, bias, id, alpha (f32);
//   update: plan, p, g, n, lr, c1, c2 (f32s); copy: -, dst, src, n (floats)

import { packedColumns } from './gemm';
import { biasActivate } from './dense';
import { updateSegment } from './network';

const GEN: usize = 0, DONE: usize = 4, CMD: usize = 8, THREADS: usize = 12, READY: usize = 16, ERROR: usize = 20, TIMEOUT: usize = 24;
const JOB: usize = 32;
const CMD_PRODUCT = 1, CMD_SHUTDOWN = 2, CMD_UPDATE = 3, CMD_COPY = 4;
// Elementwise jobs (optimizer updates, the weights' backup copy) split only above this size.
const PARALLEL_MIN_ELEMENTS: usize = 1 << 15;
const SOFTMAX = 5;
// Below this much work (m·n·k) a product stays on one thread: waking others costs more.
const PARALLEL_MIN_WORK: usize = 1 << 17;
const SPIN = 1 << 16;

let ctrl: usize = 0;
let self: i32 = 0;

@external('env', 'now')
declare function now(): f64;

/** Point this instance at the control block; `id` 0 is the main thread, 1.. the workers. */
export function setControl(ptr: usize, id: i32): void {
  ctrl = ptr;
  self = id;
}

function share(id: i32, threads: i32, N: usize): usize {
  const panels = (N + 7) >> 3;
  return min(N, ((<usize>id * panels) / <usize>threads) << 3);
}

/** [from, to) of n elements for thread `id`, in multiples of 16 (64 bytes: whole SIMD vectors and cache lines). */
function slice(id: i32, threads: i32, n: usize): usize {
  return min(n, (((<usize>id * n) / <usize>threads) + 15) & ~(<usize>15));
}

function runShare(id: i32, threads: i32): void {
  const cmd = atomic.load<i32>(ctrl + CMD);
  const j = ctrl + JOB;
  if (cmd == CMD_UPDATE || cmd == CMD_COPY) {
    const n = <usize>load<i32>(j, 12);
    const from = slice(id, threads, n), to = slice(id + 1, threads, n);
    if (from >= to) return;
    const a = <usize>load<i32>(j, 4) + (from << 2), b = <usize>load<i32>(j, 8) + (from << 2);
    if (cmd == CMD_COPY) memory.copy(a, b, (to - from) << 2);
    else updateSegment(<usize>load<i32>(j), a, b, <i32>(to - from), load<f32>(j, 16), load<f32>(j, 20), load<f32>(j, 24));
    return;
  }
  const N = <usize>load<i32>(j, 16);
  const j0 = share(id, threads, N), j1 = share(id + 1, threads, N);
  if (j0 >= j1) return;
  let y = <usize>load<i32>(j, 36);
  const id_ = load<i32>(j, 44);
  if (id_ == SOFTMAX) y = 0; // whole rows: done by the main thread after the barrier
  packedColumns(
    <usize>load<i32>(j), <usize>load<i32>(j, 4), <usize>load<i32>(j, 8), <usize>load<i32>(j, 12), N,
    <usize>load<i32>(j, 20), load<i32>(j, 24) != 0, load<i32>(j, 28) != 0, load<i32>(j, 32) != 0,
    j0, j1, y, <usize>load<i32>(j, 40), id_, load<f32>(j, 48),
  );
}

/** A worker's life: wait for jobs, do its share, until shutdown. */
export function workerLoop(): void {
  if (!ASC_FEATURE_THREADS) return;
  let seen = atomic.load<i32>(ctrl + GEN);
  atomic.add<i32>(ctrl + READY, 1);
  while (true) {
    let spins = 0;
    while (atomic.load<i32>(ctrl + GEN) == seen) {
      if (++spins > SPIN) atomic.wait<i32>(ctrl + GEN, seen, -1); // sleep once the spin is over
    }
    seen = atomic.load<i32>(ctrl + GEN);
    if (atomic.load<i32>(ctrl + CMD) == CMD_SHUTDOWN) return;
    const threads = atomic.load<i32>(ctrl + THREADS);
    if (self < threads) {
      runShare(self, threads);
      atomic.add<i32>(ctrl + DONE, 1);
    }
  }
}

/**
 * Run a packed product on all active threads when it is large enough; returns false (nothing
 * done) when it should stay on this thread. A worker that does not answer within the timeout
 * sets the error word (the host turns it into an Error) instead of hanging.
 */
export function parallelProduct(
  c: usize, a: usize, b: usize, M: usize, N: usize, K: usize, transA: bool, transB: bool, acc: bool,
  y: usize, bias: usize, id: i32, alpha: f32,
): bool {
  if (ctrl == 0 || self != 0) return false;
  const threads = atomic.load<i32>(ctrl + THREADS);
  if (threads < 2 || N < 16 || M * N * K < PARALLEL_MIN_WORK || atomic.load<i32>(ctrl + ERROR) != 0) return false;
  const j = ctrl + JOB;
  store<i32>(j, <i32>c); store<i32>(j, <i32>a, 4); store<i32>(j, <i32>b, 8); store<i32>(j, <i32>M, 12);
  store<i32>(j, <i32>N, 16); store<i32>(j, <i32>K, 20); store<i32>(j, transA ? 1 : 0, 24); store<i32>(j, transB ? 1 : 0, 28);
  store<i32>(j, acc ? 1 : 0, 32); store<i32>(j, <i32>y, 36); store<i32>(j, <i32>bias, 40); store<i32>(j, id, 44);
  store<f32>(j, alpha, 48);
  if (dispatch(CMD_PRODUCT, threads) && y != 0 && id == SOFTMAX) biasActivate(c, y, bias, <i32>N, 0, <i32>M, 0, <i32>N, id, alpha);
  return true;
}

/** Hand the job in the control block to every thread, do share 0 here, wait for the rest (false: timed out). */
function dispatch(cmd: i32, threads: i32): bool {
  atomic.store<i32>(ctrl + DONE, 0);
  atomic.store<i32>(ctrl + CMD, cmd);
  atomic.add<i32>(ctrl + GEN, 1);
  atomic.notify(ctrl + GEN, threads - 1);
  runShare(0, threads);
  const others = threads - 1;
  let spins = 0;
  let deadline: f64 = 0;
  while (atomic.load<i32>(ctrl + DONE) < others) {
    if ((++spins & 0xffff) == 0) {
      const t = now();
      if (deadline == 0) deadline = t + <f64>atomic.load<i32>(ctrl + TIMEOUT);
      else if (t > deadline) {
        atomic.store<i32>(ctrl + ERROR, 1);
        return false;
      }
    }
  }
  return true;
}

function elementwiseThreads(n: usize): i32 {
  if (ctrl == 0 || self != 0 || n < PARALLEL_MIN_ELEMENTS || atomic.load<i32>(ctrl + ERROR) != 0) return 1;
  return atomic.load<i32>(ctrl + THREADS);
}

/** The optimizer update of one parameter segment (see network.ts), split across threads when large. */
export function parallelUpdate(plan: usize, p: usize, g: usize, n: i32, lr: f32, c1: f32, c2: f32): bool {
  const threads = elementwiseThreads(<usize>n);
  if (threads < 2) return false;
  const j = ctrl + JOB;
  store<i32>(j, <i32>plan); store<i32>(j, <i32>p, 4); store<i32>(j, <i32>g, 8); store<i32>(j, n, 12);
  store<f32>(j, lr, 16); store<f32>(j, c1, 20); store<f32>(j, c2, 24);
  dispatch(CMD_UPDATE, threads);
  return true;
}

/** memory.copy of `bytes` (a multiple of 4), split across threads when large. */
export function parallelCopy(dst: usize, src: usize, bytes: usize): bool {
  const threads = elementwiseThreads(bytes >> 2);
  if (threads < 2) return false;
  const j = ctrl + JOB;
  store<i32>(j, <i32>dst, 4); store<i32>(j, <i32>src, 8); store<i32>(j, <i32>(bytes >> 2), 12);
  dispatch(CMD_COPY, threads);
  return true;
}

/** Ask every worker to leave its loop. */
export function shutdownWorkers(): void {
  if (!ASC_FEATURE_THREADS || ctrl == 0) return;
  atomic.store<i32>(ctrl + CMD, CMD_SHUTDOWN);
  atomic.add<i32>(ctrl + GEN, 1);
  atomic.notify(ctrl + GEN, -1);
}
