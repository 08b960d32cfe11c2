/**
 * Loading the kernels and running them on threads: `init`, `setThreads`, `shutdown` and
 * `backendInfo`, the calls both entry points (`scratchnet` and `scratchnet/core`) export.
 *
 * @module
 */
import { backend, currentBackend as current, initBackend, type Flavor, type InitOptions } from './backend/load.js';
import { MAX_THREADS } from './backend/contract.js';
import { describe, readOptions } from './core/validate.js';
export type { Flavor, InitOptions } from './backend/load.js';

/**
 * What {@link init} loaded.
 *
 * @example
 * ```ts
 * const info: BackendInfo = await init(); // { build: 'simd', simd: true, relaxedSimd: false, threads: 2, ... }
 * ```
 */
export interface BackendInfo {
  /** Which kernel build runs: `'relaxed'` (SIMD + relaxed SIMD FMA), `'simd'` (f32x4) or `'scalar'`. */
  build: Flavor;
  /** Whether a SIMD build is in use. */
  simd: boolean;
  /** Whether the relaxed-SIMD build (`f32x4.relaxed_madd`) is in use. */
  relaxedSimd: boolean;
  /** Threads large products run on (1: the single-threaded build). */
  threads: number;
  /** Why fewer threads run than asked for, when that is the case (e.g. no SharedArrayBuffer). */
  threadsNote: string | null;
  /** Bytes of WebAssembly memory reserved, and allocated to live networks and layers. */
  memoryBytes: number;
  usedBytes: number;
}

/**
 * Load the kernels: once, before anything else; idempotent (later calls return the same
 * backend). Picks the best build `WebAssembly.validate` accepts: relaxed SIMD (Chrome/Edge 114+,
 * Firefox 146+, Node ≥ 22, Bun; Node 20 with `--experimental-wasm-relaxed-simd`), else SIMD, else scalar.
 * `{ relaxedSimd: false }` skips the relaxed build, `{ simd: false }` forces the scalar one.
 * Everything else in scratchnet is synchronous, but for five calls that return Promises:
 * `net.trainAsync`, `setThreads`, `shutdown`, `gunzip` and `loadIdx`.
 *
 * @example
 * ```ts
 * import { init } from 'scratchnet';
 * const info = await init(); // { build: 'simd', simd: true, ... }
 * ```
 */
export async function init(options: InitOptions = {}): Promise<BackendInfo> {
  await initBackend(checkInitOptions(options));
  return backendInfo();
}

/** Every option of init() is checked, whether or not this call is the one that loads (no silent coercion). */
function checkInitOptions(options: unknown): InitOptions {
  const o = readOptions('init', options, ['simd', 'relaxedSimd', 'threads', 'maxMemoryMB', 'threadTimeoutMs']);
  for (const k of ['simd', 'relaxedSimd']) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new Error(`init: ${k} must be true or false, got ${describe(o[k])}`);
  }
  const int = (k: string, lo: number, hi: number) => {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi)) {
      throw new Error(`init: ${k} must be an integer in [${lo}, ${hi}], got ${describe(v)}`);
    }
  };
  int('threads', 1, MAX_THREADS);
  int('maxMemoryMB', 1, 4096);
  const t = o.threadTimeoutMs;
  if (t !== undefined && !(typeof t === 'number' && t >= 1 && t <= 2 ** 31 - 1)) {
    throw new Error(`init: threadTimeoutMs must be a number of milliseconds in [1, ${2 ** 31 - 1}], got ${describe(t)}`);
  }
  return o as InitOptions;
}

/**
 * Change the number of threads at run time (starts or parks workers; resolves when they are
 * ready). Needs the threads build: `init()` with more than one thread.
 *
 * @example
 * ```ts
 * import { init, setThreads, backendInfo } from 'scratchnet';
 * await init({ threads: 2 });
 * await setThreads(1); // e.g. to compare; results are bit-identical
 * backendInfo().threads; // 1
 * ```
 */
export function setThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    return Promise.reject(new Error(`setThreads: threads must be an integer in [1, ${MAX_THREADS}], got ${describe(n)}`));
  }
  try {
    return backend().setThreads(n);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Stop the worker threads (scratchnet goes on with one thread; `setThreads(n)` starts them
 * again). Idle workers never keep Node from exiting, so this is only needed to free them early.
 *
 * @example
 * ```ts
 * import { shutdown } from 'scratchnet';
 * await shutdown();
 * ```
 */
export function shutdown(): Promise<void> {
  return current() ? backend().shutdown() : Promise.resolve();
}

/**
 * What `init()` loaded and how much WebAssembly memory is in use.
 *
 * @example
 * ```ts
 * import { init, backendInfo } from 'scratchnet';
 * await init();
 * backendInfo().build; // 'relaxed' or 'simd' on any engine from 2021 on ('scalar' before)
 * ```
 */
export function backendInfo(): BackendInfo {
  const be = backend();
  return {
    build: be.flavor,
    simd: be.flavor !== 'scalar',
    relaxedSimd: be.flavor === 'relaxed',
    threads: be.threads,
    threadsNote: be.threadsNote,
    memoryBytes: be.memoryBytes,
    usedBytes: be.usedBytes,
  };
}
