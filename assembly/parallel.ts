// Threads build only (`--enable threads --sharedMemory --importMemory`): one instance of this
// module per thread, all on one shared memory. Worker instances sit in `workerLoop`; the main
// instance splits a large packed product by column panels of C, wakes the workers through a
// control block in shared memory (atomics; a postMessage round trip is far too slow per step),
// computes its own share, and waits for the others. Each element of C is computed by the same
// sequence of operations whatever the thread count, so results are bit-identical.
//
// Control block (host-allocated, 64-byte aligned, i32 words):
//   0 generation (bumped per job)   1 done (workers finished)   2 command   3 threads (active)
//   4 ready (workers that entered the loop)   5 error (1: a worker did not answer in time)
//   6 timeout (ms)   8.. job: c, a, b, M, N, K, transA, transB, acc, y, bias, id, alpha (f32)

import { packedColumns } from './gemm';
import { biasActivate } from './dense';

const GEN: usize = 0, DONE: usize = 4, CMD: usize = 8, THREADS: usize = 12, READY: usize = 16, ERROR: usize = 20, TIMEOUT: usize = 24;
const JOB: usize = 32;
const CMD_PRODUCT = 1, CMD_SHUTDOWN = 2;
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

function runShare(id: i32, threads: i32): void {
  const j = ctrl + JOB;
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
    const cmd = atomic.load<i32>(ctrl + CMD);
    if (cmd == CMD_SHUTDOWN) return;
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
  atomic.store<i32>(ctrl + DONE, 0);
  atomic.store<i32>(ctrl + CMD, CMD_PRODUCT);
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
        return true;
      }
    }
  }
  if (y != 0 && id == SOFTMAX) biasActivate(c, y, bias, <i32>N, 0, <i32>M, 0, <i32>N, id, alpha);
  return true;
}

/** Ask every worker to leave its loop. */
export function shutdownWorkers(): void {
  if (!ASC_FEATURE_THREADS || ctrl == 0) return;
  atomic.store<i32>(ctrl + CMD, CMD_SHUTDOWN);
  atomic.add<i32>(ctrl + GEN, 1);
  atomic.notify(ctrl + GEN, -1);
}
