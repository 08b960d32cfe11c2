/**
 * The binding module: the only place that knows the WebAssembly instance, its linear memory and
 * raw pointers. Everything above it (Matrix, Layer, NeuralNetwork) calls kernels through a
 * {@link Backend}, passing pointers it obtained here, and never touches `memory.buffer` itself.
 *
 * @module
 */
import { instantiate } from '@assemblyscript/loader';
import { availableCores, threadsSupported, WorkerPool } from './threads.js';
import { ControlField } from './contract.js';
import {
  RELAXED_WASM_BASE64, SCALAR_WASM_BASE64, SIMD_WASM_BASE64, THREADSRELAXED_WASM_BASE64, THREADS_WASM_BASE64,
} from './wasm-bytes.generated.js';

/**
 * Which compiled kernel module is in use: `'relaxed'` (f32x4 SIMD with relaxed SIMD's fused
 * multiply-add), `'simd'` (f32x4 SIMD), or `'scalar'` (no SIMD, for old engines).
 *
 * @example
 * ```ts
 * const { build } = await init(); // build: Flavor, e.g. 'simd'
 * ```
 */
export type Flavor = 'relaxed' | 'simd' | 'scalar';

type Ptr = number;

/**
 * The kernel exports (see assembly/index.ts). Pointers are byte offsets into linear memory.
 *
 * @internal
 */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  simdEnabled(): number;
  setScratch(ptr: Ptr, bytes: number): void;
  scratchBytes(): number;
  setControl(ctrl: Ptr, id: number): void;
  shutdownWorkers(): void;
  gemm(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  gemmAccumulate(c: Ptr, a: Ptr, b: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  addBiasRows(out: Ptr, x: Ptr, bias: Ptr, rows: number, cols: number): void;
  sumColumns(out: Ptr, x: Ptr, rows: number, cols: number): void;
  gatherRows(out: Ptr, src: Ptr, index: Ptr, count: number, cols: number): void;
  sgdUpdate(param: Ptr, grad: Ptr, learningRate: number, n: number): void;
  trainEpochs(plan: Ptr, epochs: number, done: Ptr): void;
  momentumUpdate(param: Ptr, grad: Ptr, velocity: Ptr, lr: number, momentum: number, nesterov: number, n: number): void;
  adamUpdate(param: Ptr, grad: Ptr, m: Ptr, v: Ptr, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, n: number): void;
  rmspropUpdate(param: Ptr, grad: Ptr, s: Ptr, lr: number, rho: number, eps: number, n: number): void;
  regularizeGrad(grad: Ptr, param: Ptr, l1: number, l2: number, n: number): void;
  accuracyCount(out: Ptr, pred: Ptr, target: Ptr, rows: number, cols: number, threshold: number): void;
  denseForward(z: Ptr, y: Ptr, x: Ptr, w: Ptr, b: Ptr, rows: number, out: number, inp: number, id: number, alpha: number): void;
  binaryCrossEntropyLoss(out: Ptr, pred: Ptr, target: Ptr, n: number): void;
  binaryCrossEntropyGrad(out: Ptr, pred: Ptr, target: Ptr, n: number, scale: number): void;
  meanSquaredErrorLoss(out: Ptr, pred: Ptr, target: Ptr, n: number): void;
  meanSquaredErrorGrad(out: Ptr, pred: Ptr, target: Ptr, n: number, scale: number): void;
  softmaxCrossEntropyLoss(out: Ptr, logits: Ptr, target: Ptr, rows: number, cols: number): void;
  softmaxCrossEntropyGrad(out: Ptr, logits: Ptr, target: Ptr, rows: number, cols: number, scale: number): void;
  binaryCrossEntropyLogitsLoss(out: Ptr, logits: Ptr, target: Ptr, n: number): void;
  binaryCrossEntropyLogitsGrad(out: Ptr, logits: Ptr, target: Ptr, n: number, scale: number): void;
  [activationKernel: string]: unknown;
}

/**
 * Forward / derivative kernel of an activation: (out, x, rows, cols, alpha).
 *
 * @internal
 */
export type ActivationKernel = (out: Ptr, x: Ptr, rows: number, cols: number, alpha: number) => void;
/**
 * Backward kernel of an activation: (out, grad, x, y, rows, cols, alpha).
 *
 * @internal
 */
export type ActivationBackwardKernel = (
  out: Ptr, grad: Ptr, x: Ptr, y: Ptr, rows: number, cols: number, alpha: number,
) => void;

const PAGE = 65536;
/**
 * wasm32 addresses at most 65,536 pages of 64 KiB: 4 GiB.
 *
 * @internal
 */
export const MAX_MEMORY_BYTES = 65536 * PAGE;
const ALIGN = 16;

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;
const mib = (bytes: number) =>
  bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const CTRL_BYTES = ControlField.Words * 4;

/** The threads build's state: control block, compiled module for workers, the pool. */
interface Threading {
  ctrl: number;
  module: WebAssembly.Module;
  pool: WorkerPool;
  scratch: Map<number, Block>;
  timeoutMs: number;
  reported: boolean;
}

/**
 * A block of linear memory handed out by {@link Backend.alloc}.
 *
 * @internal
 */
export interface Block {
  readonly ptr: Ptr;
  readonly bytes: number;
  released: boolean;
}

/**
 * One instantiated kernel module, its memory and the allocator over that memory.
 *
 * Allocation is first-fit over an address-ordered free list with coalescing; freed blocks are
 * reused before memory grows. Growth detaches every typed-array view of the old buffer, so
 * {@link Backend.epoch} counts growths and views are re-derived when it changes.
 *
 * @internal
 */
export class Backend {
  /** The compiled module in use. */
  readonly flavor: Flavor;
  /** The raw kernel exports. */
  readonly kernels: Kernels;
  /** Incremented each time linear memory grows (all earlier views are then detached). */
  epoch = 0;
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  private freeList: { ptr: number; bytes: number }[] = [];
  private heapF32: Float32Array;
  private heapF64: Float64Array;
  private heapI32: Int32Array;
  private used = 0;
  /** Largest linear memory this backend may grow to. */
  readonly maxBytes: number;
  /** The threads build's workers and control block (null: single-threaded build). */
  private threading: Threading | null = null;

  constructor(kernels: Kernels, flavor: Flavor, maxBytes = MAX_MEMORY_BYTES) {
    this.kernels = kernels;
    this.flavor = flavor;
    this.maxBytes = maxBytes;
    this.memory = kernels.memory;
    this.base = kernels.heapBase();
    this.top = this.base;
    this.heapF32 = new Float32Array(this.memory.buffer);
    this.heapF64 = new Float64Array(this.memory.buffer);
    this.heapI32 = new Int32Array(this.memory.buffer);
    const scratch = this.alloc(kernels.scratchBytes(), 'init: kernel scratch');
    kernels.setScratch(scratch.ptr, scratch.bytes);
  }

  /** Bytes of linear memory currently reserved by the WebAssembly instance. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes currently allocated to live blocks. */
  get usedBytes(): number {
    return this.used;
  }

  /** Bytes that could still be allocated (free blocks, the rest of memory, and growth). */
  get availableBytes(): number {
    let free = this.maxBytes - this.top;
    for (const f of this.freeList) free += f.bytes;
    return free;
  }

  /**
   * Allocate `bytes` (rounded up to 16) of linear memory. `what` names the caller in the error
   * thrown when memory is exhausted, so nothing is allocated and the caller's state is untouched.
   */
  alloc(bytes: number, what: string): Block {
    const size = alignUp(Math.max(bytes, ALIGN));
    for (let i = 0; i < this.freeList.length; i++) {
      const f = this.freeList[i]!;
      if (f.bytes >= size) {
        const ptr = f.ptr;
        if (f.bytes === size) this.freeList.splice(i, 1);
        else { f.ptr += size; f.bytes -= size; }
        this.used += size;
        return { ptr, bytes: size, released: false };
      }
    }
    if (this.top + size > this.maxBytes) {
      throw new Error(
        `${what}: needs ${mib(size)} of WebAssembly memory, but only ${mib(this.availableBytes)} of the ` +
          `${mib(this.maxBytes)} limit is free`,
      );
    }
    const end = this.top + size;
    if (end > this.memory.buffer.byteLength) this.grow(end, what);
    const ptr = this.top;
    this.top = end;
    this.used += size;
    return { ptr, bytes: size, released: false };
  }

  /** Return a block to the allocator. Releasing twice is a no-op. */
  release(block: Block): void {
    if (block.released) return;
    block.released = true;
    this.used -= block.bytes;
    let ptr = block.ptr, bytes = block.bytes;
    const list = this.freeList;
    let i = 0;
    while (i < list.length && list[i]!.ptr < ptr) i++;
    const prev = list[i - 1];
    if (prev && prev.ptr + prev.bytes === ptr) { ptr = prev.ptr; bytes += prev.bytes; list.splice(--i, 1); }
    const next = list[i];
    if (next && ptr + bytes === next.ptr) { bytes += next.bytes; list.splice(i, 1); }
    if (ptr + bytes === this.top) this.top = ptr;
    else list.splice(i, 0, { ptr, bytes });
  }

  private grow(end: number, what: string): void {
    const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new Error(`${what}: could not grow WebAssembly memory by ${mib(pages * PAGE)} (${String(cause)})`);
    }
    this.epoch++;
    this.heapF32 = new Float32Array(this.memory.buffer);
    this.heapF64 = new Float64Array(this.memory.buffer);
    this.heapI32 = new Int32Array(this.memory.buffer);
  }

  /** A live Float32Array view of `length` floats at `ptr`, valid until memory next grows. */
  f32(ptr: Ptr, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** Copy floats into linear memory at `ptr`. */
  write(ptr: Ptr, data: ArrayLike<number>): void {
    this.heapF32.set(data, ptr >>> 2);
  }

  /** Copy `length` floats out of linear memory into a new Float32Array. */
  read(ptr: Ptr, length: number): Float32Array {
    return this.heapF32.slice(ptr >>> 2, (ptr >>> 2) + length);
  }

  /** Copy `length` floats within linear memory. */
  copy(dst: Ptr, src: Ptr, length: number): void {
    this.heapF32.copyWithin(dst >>> 2, src >>> 2, (src >>> 2) + length);
  }

  /** Write int32 values (row indices) at `ptr`. */
  writeI32(ptr: Ptr, data: ArrayLike<number>): void {
    this.heapI32.set(data, ptr >>> 2);
  }

  // ---- threads ----

  /** @internal Attach the threads build's control block and worker pool. */
  _attachThreads(t: Threading): void {
    this.threading = t;
  }

  /** Threads in use (1 for the single-threaded builds). */
  get threads(): number {
    return this.threading ? this.ctrlLoad(ControlField.Threads) : 1;
  }

  /** Whether this is the threads build (workers on shared memory). */
  get threaded(): boolean {
    return this.threading !== null;
  }

  /** Why the backend runs on fewer threads than asked, if it does. */
  threadsNote: string | null = null;

  private ctrlLoad(word: number): number {
    return Atomics.load(this.heapI32, (this.threading!.ctrl >>> 2) + word);
  }

  private ctrlStore(word: number, value: number): void {
    Atomics.store(this.heapI32, (this.threading!.ctrl >>> 2) + word, value);
  }

  /**
   * Use `n` threads (the calling thread and n − 1 workers), starting workers as needed.
   * Resolves when they are ready. Results do not depend on the thread count.
   */
  async setThreads(n: number, op = 'setThreads'): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`${op}: threads must be an integer in [1, 256], got ${String(n)}`);
    const t = this.threading;
    if (!t) {
      if (n === 1) return;
      throw new Error(
        `${op}: this backend runs the single-threaded build (${this.threadsNote ?? 'init() was given threads: 1'}); ` +
          `call init({ threads: ${n} }) before anything else to use threads`,
      );
    }
    this.ctrlStore(ControlField.Threads, 1);
    // a fresh start: forget an earlier failure (its worker is gone and gets replaced below)
    t.pool.failure = null;
    this.ctrlStore(ControlField.Error, 0);
    t.reported = false;
    const missing: number[] = [];
    for (let id = 1; id < n; id++) if (!t.pool.has(id)) missing.push(id);
    if (missing.length) {
      const readyBefore = this.ctrlLoad(ControlField.Ready);
      for (const id of missing) {
        let scratch = t.scratch.get(id);
        if (!scratch) {
          scratch = this.alloc(this.kernels.scratchBytes(), `${op}: scratch for worker ${id}`);
          t.scratch.set(id, scratch);
        }
        await t.pool.spawn({ module: t.module, memory: this.memory, ctrl: t.ctrl, id, scratch: scratch.ptr, scratchBytes: scratch.bytes });
      }
      const deadline = Date.now() + Math.max(5000, t.timeoutMs);
      while (this.ctrlLoad(ControlField.Ready) < readyBefore + missing.length) {
        if (t.pool.failure) throw new Error(`${op}: ${t.pool.failure}`);
        if (Date.now() > deadline) throw new Error(`${op}: worker threads did not start within ${deadline - Date.now() + 5000} ms`);
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    this.threadsNote = null;
    this.ctrlStore(ControlField.Threads, n);
  }

  /** Stop every worker (the backend goes on with one thread; setThreads starts them again). */
  async shutdown(): Promise<void> {
    const t = this.threading;
    if (!t) return;
    this.ctrlStore(ControlField.Threads, 1);
    this.kernels.shutdownWorkers();
    await t.pool.close();
  }

  /** @internal Test hook: kill worker `id` abruptly, as a crash would. */
  async _killWorker(id: number): Promise<void> {
    await this.threading?.pool.kill(id);
  }

  /**
   * Throw (once) a clear error when a worker died or stopped answering; the backend then goes on
   * on one thread. Called by the public entry points after their kernels ran.
   */
  checkThreads(op: string): void {
    const t = this.threading;
    if (!t || t.reported) return;
    if (!this.ctrlLoad(ControlField.Error) && !t.pool.failure) return;
    t.reported = true;
    this.ctrlStore(ControlField.Threads, 1);
    const why = t.pool.failure ?? `a worker thread did not answer within ${t.timeoutMs} ms`;
    this.threadsNote = `${why}; running on 1 thread (setThreads(n) restarts workers)`;
    throw new Error(`${op}: ${why}. The last result may be incomplete; scratchnet now runs on 1 thread (call setThreads(n) to restart workers)`);
  }

  /** Write one float at `ptr`. */
  writeF32(ptr: Ptr, value: number): void {
    this.heapF32[ptr >>> 2] = value;
  }

  /** Read one int32 at `ptr`. */
  readI32(ptr: Ptr): number {
    return this.heapI32[ptr >>> 2]!;
  }

  /** Read the f64 a loss kernel wrote at `ptr` (8-byte aligned). */
  readF64(ptr: Ptr): number {
    return this.heapF64[ptr >>> 3]!;
  }
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const moduleCache = new Map<string, Promise<WebAssembly.Module>>();
const BASE64: Record<string, string> = {
  relaxed: RELAXED_WASM_BASE64, simd: SIMD_WASM_BASE64, scalar: SCALAR_WASM_BASE64,
  threads: THREADS_WASM_BASE64, 'threads-relaxed': THREADSRELAXED_WASM_BASE64,
};
const supportCache = new Map<string, boolean>();

/**
 * Whether this engine accepts a build (WebAssembly.validate on its bytes).
 *
 * @internal
 */
export function buildSupported(flavor: Flavor | 'threads' | 'threads-relaxed'): boolean {
  let ok = supportCache.get(flavor);
  if (ok === undefined) {
    ok = WebAssembly.validate(decodeBase64(BASE64[flavor]!));
    supportCache.set(flavor, ok);
  }
  return ok;
}

function compiled(name: string): Promise<WebAssembly.Module> {
  let m = moduleCache.get(name);
  if (!m) {
    m = WebAssembly.compile(decodeBase64(BASE64[name]!));
    moduleCache.set(name, m);
  }
  return m;
}

/**
 * The best build this engine runs: relaxed SIMD, else SIMD, else scalar.
 *
 * @internal
 */
export function bestFlavor(options: InitOptions = {}): Flavor {
  if (options.simd === false) return 'scalar';
  if (options.relaxedSimd !== false && buildSupported('relaxed')) return 'relaxed';
  return buildSupported('simd') || options.simd === true ? 'simd' : 'scalar';
}

const abort = (_msg: number, _file: number, line: number, column: number) => {
  throw new Error(`scratchnet kernel aborted at ${line}:${column}`);
};

/**
 * Options of {@link loadBackend}.
 *
 * @internal
 */
export interface LoadOptions {
  /** Threads to use (default 1: the single-threaded build, no workers). */
  threads?: number;
  /** Largest WebAssembly memory, in MiB (threads build: shared memory needs a maximum; default 4096 in Node, 1024 in browsers). */
  maxMemoryMB?: number;
  /** How long the main thread waits for a worker before reporting it dead (default 10,000 ms). */
  threadTimeoutMs?: number;
}

/**
 * Instantiate a fresh kernel module with its own memory. `'auto'` picks the best build that
 * `WebAssembly.validate` accepts (relaxed SIMD, SIMD, scalar). With `threads > 1` and a SIMD
 * flavor, the threads build runs on a shared memory with `threads − 1` workers; without
 * SharedArrayBuffer (or cross-origin isolation in a browser) it falls back to one thread and
 * says why in `threadsNote`.
 *
 * @internal
 */
export async function loadBackend(flavor: Flavor | 'auto' = 'auto', options: LoadOptions = {}): Promise<Backend> {
  const chosen: Flavor = flavor === 'auto' ? bestFlavor() : flavor;
  if (!buildSupported(chosen)) {
    const what = chosen === 'relaxed' ? 'relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)' : 'WebAssembly SIMD';
    throw new Error(`init: the ${chosen} build was requested but this engine does not support ${what}`);
  }
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new Error(`init: threads must be an integer in [1, 256], got ${String(threads)}`);
  const support = threadsSupported();
  const threadBuild = chosen === 'relaxed' ? 'threads-relaxed' : 'threads';
  let note: string | null = null;
  if (threads > 1 && chosen === 'scalar') note = 'the scalar build has no threads variant';
  else if (threads > 1 && !support.ok) note = `${support.why ?? 'threads unavailable'}, so 1 thread is used`;
  else if (threads > 1 && !buildSupported(threadBuild)) note = 'this engine does not validate the threads build';
  if (threads > 1 && note === null) return loadThreaded(chosen, threadBuild, threads, options);
  const module = await compiled(chosen);
  const { exports } = await instantiate<Kernels & Record<string, unknown>>(module, { env: { abort } });
  const be = new Backend(exports as unknown as Kernels, chosen);
  be.threadsNote = note;
  return be;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function loadThreaded(flavor: Flavor, build: string, threads: number, options: LoadOptions): Promise<Backend> {
  const maxMB = options.maxMemoryMB ?? (isNode ? 4096 : 1024);
  if (!Number.isInteger(maxMB) || maxMB < 1 || maxMB > 4096) throw new Error(`init: maxMemoryMB must be an integer in [1, 4096], got ${String(maxMB)}`);
  const timeoutMs = options.threadTimeoutMs ?? 10_000;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new Error(`init: threadTimeoutMs must be a number > 0, got ${String(timeoutMs)}`);
  const maximum = (maxMB * 2 ** 20) / PAGE;
  const memory = new WebAssembly.Memory({ initial: 1, maximum, shared: true } as WebAssembly.MemoryDescriptor);
  const module = await compiled(build);
  const now = () => performance.now();
  const env = { memory, abort, now } as Record<string, unknown>;
  const { exports } = await instantiate<Kernels & Record<string, unknown>>(module, { env } as never);
  (exports as unknown as { memory: WebAssembly.Memory }).memory = memory;
  const be = new Backend(exports as unknown as Kernels, flavor, maximum * PAGE);
  const ctrl = be.alloc(CTRL_BYTES, 'init: thread control block');
  new Int32Array(memory.buffer, ctrl.ptr, CTRL_BYTES / 4).fill(0);
  const words = new Int32Array(memory.buffer, ctrl.ptr, ControlField.Words);
  Atomics.store(words, ControlField.Threads, 1);
  Atomics.store(words, ControlField.Timeout, Math.min(2 ** 31 - 1, Math.round(timeoutMs)));
  be.kernels.setControl(ctrl.ptr, 0);
  const pool = new WorkerPool(() => {
    // a worker died: stop handing out shares at once; checkThreads() reports it
    Atomics.store(new Int32Array(memory.buffer, ctrl.ptr, ControlField.Words), ControlField.Threads, 1);
  });
  be._attachThreads({ ctrl: ctrl.ptr, module, pool, scratch: new Map(), timeoutMs, reported: false });
  await be.setThreads(threads, 'init');
  return be;
}

let current: Backend | null = null;
let pending: Promise<Backend> | null = null;
let requested: Flavor = 'simd';

/**
 * Options for `init()`.
 *
 * @example
 * ```ts
 * await init({ threads: 4, relaxedSimd: false, maxMemoryMB: 2048 });
 * ```
 */
export interface InitOptions {
  /** `false`: use the scalar build; `true`: require SIMD; default: the best the engine runs. */
  simd?: boolean;
  /** `false`: never use the relaxed-SIMD build even where the engine supports it. */
  relaxedSimd?: boolean;
  /**
   * Threads for large products (default: every core in Node; in browsers, every core when the
   * page is cross-origin isolated, else 1). 1 means the single-threaded build and no workers.
   */
  threads?: number;
  /** Largest WebAssembly memory in MiB for the threads build (default 4096 in Node, 1024 in browsers). */
  maxMemoryMB?: number;
  /** How long to wait for a worker before reporting it dead (default 10,000 ms). */
  threadTimeoutMs?: number;
}

/**
 * Instantiate the process-wide backend once; later calls with compatible options return it.
 *
 * @internal
 */
export function initBackend(options: InitOptions = {}): Promise<Backend> {
  const want = bestFlavor(options);
  if (pending) {
    if (want !== requested) {
      return Promise.reject(
        new Error(`init: already initialised with the ${requested} build; cannot switch to ${want} after init()`),
      );
    }
    return pending;
  }
  requested = want;
  pending = (async () => {
    const threads = options.threads ?? (threadsSupported().ok ? await availableCores() : 1);
    return loadBackend(want, { ...options, threads });
  })().then(
    (b) => (current = b),
    (err) => {
      pending = null;
      throw err;
    },
  );
  return pending;
}

/**
 * The process-wide backend; throws a clear error when `init()` has not completed.
 *
 * @internal
 */
export function backend(): Backend {
  if (!current) throw new Error('scratchnet: call `await init()` once before using it');
  return current;
}

/**
 * The three kernels of one activation, looked up once per backend.
 *
 * @internal
 */
export interface ActivationKernels {
  forward: ActivationKernel;
  derivative: ActivationKernel;
  backward: ActivationBackwardKernel;
}


/**
 * The kernels named `${name}Forward`, `${name}Derivative`, `${name}Backward` in `be`.
 *
 * @internal
 */
export function activationKernels(be: Backend, name: string): ActivationKernels {
  const K = be.kernels as Record<string, unknown>;
  const forward = K[`${name}Forward`], derivative = K[`${name}Derivative`], backward = K[`${name}Backward`];
  if (typeof forward !== 'function' || typeof derivative !== 'function' || typeof backward !== 'function') {
    throw new Error(`scratchnet: no kernels for activation "${name}"`);
  }
  return { forward, derivative, backward } as ActivationKernels;
}

/**
 * The process-wide backend if `init()` has completed, else null.
 *
 * @internal
 */
export function currentBackend(): Backend | null {
  return current;
}
