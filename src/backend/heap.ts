/**
 * The heap: one instantiated kernel module's linear memory and the allocator over it, typed-array
 * access for the binding, and the threads build's control block. Only src/backend knows pointers.
 *
 * @module
 * @internal
 */
import type { WorkerPool } from './threads.js';
import { ControlField, MAX_THREADS } from './contract.js';
import type { Flavor } from './load.js';
import type { Kernels } from './kernels.js';

type Ptr = number;

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
export interface Threading {
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
/** Every buffer that has been a backend's WebAssembly memory (a shared one stays usable after growth). */
const kernelBuffers = new WeakSet<ArrayBufferLike>();

/**
 * Whether `buffer` is (or was) the kernels' WebAssembly memory: an array on it is a view into
 * memory that networks own, never storage a caller's Matrix may keep.
 *
 * @internal
 */
export function isKernelMemory(buffer: ArrayBufferLike): boolean {
  return kernelBuffers.has(buffer);
}

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
    kernelBuffers.add(this.memory.buffer);
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
    // A size that is not a finite non-negative integer (NaN from a hole in a shape, a float, a
    // negative) would poison the allocator's arithmetic and hand out overlapping blocks.
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new Error(`${what}: cannot allocate ${String(bytes)} bytes of WebAssembly memory (not a finite non-negative integer)`);
    }
    const size = alignUp(Math.max(bytes, ALIGN));
    this.#freeHeld();
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

  /**
   * Blocks released while a worker that timed out may still write into memory (a chunk it
   * claimed is not done): kept out of the free list, so no other call is handed memory a late
   * write can reach, until those chunks are done or the workers are stopped.
   */
  #held: Block[] = [];

  /** Whether chunks of a job the main thread gave up on may still be written. */
  #abandoned(): boolean {
    return this.threading !== null && this.ctrlLoad(ControlField.Error) !== 0 && this.ctrlLoad(ControlField.Pending) > 0;
  }

  /** Free the held blocks once nothing can write into them any more. */
  #freeHeld(): void {
    if (this.#held.length === 0 || this.#abandoned()) return;
    const held = this.#held;
    this.#held = [];
    for (const b of held) this.#free(b);
  }

  /** Return a block to the allocator. Releasing twice is a no-op. */
  release(block: Block): void {
    if (block.released) return;
    block.released = true;
    if (this.#abandoned()) {
      this.#held.push(block);
      return;
    }
    this.#free(block);
    this.#freeHeld();
  }

  #free(block: Block): void {
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
    kernelBuffers.add(this.memory.buffer);
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

  /**
   * Chunks of jobs (products, optimizer updates, gathers) that a thread took over from another
   * thread's share since the backend started (work stealing: a slow, busy or late thread's work
   * done by the others; 0 on one thread).
   */
  get stolenChunks(): number {
    return this.threading ? this.ctrlLoad(ControlField.Stolen) : 0;
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
  setThreads(n: number, op = 'setThreads'): Promise<void> {
    return this.#serially(() => this.#setThreads(n, op));
  }

  /** setThreads and shutdown run one at a time, in call order (two at once would start a worker twice). */
  #threadCalls: Promise<unknown> = Promise.resolve();

  #serially(fn: () => Promise<void>): Promise<void> {
    const run = this.#threadCalls.then(fn, fn);
    this.#threadCalls = run.catch(() => {});
    return run;
  }

  async #setThreads(n: number, op: string): Promise<void> {
    // (the public setThreads and init check and describe the value; this guards internal callers)
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new Error(`${op}: threads must be an integer in [1, ${MAX_THREADS}]`);
    const t = this.threading;
    if (!t) {
      if (n === 1) return;
      // where the platform gave one thread, say why; else how to get the threads build
      throw new Error(this.threadsNote
        ? `${op}: this backend runs the single-threaded build: ${this.threadsNote}`
        : `${op}: this backend runs the single-threaded build (init() was given threads: 1, or found 1 core); call init({ threads: ${n} }) before anything else to use threads`);
    }
    const before = this.ctrlLoad(ControlField.Threads), healthy = !this.ctrlLoad(ControlField.Error) && !t.pool.failure;
    this.ctrlStore(ControlField.Threads, 1);
    await this.#settle(t);
    // a fresh start: forget an earlier failure (its worker is gone and gets replaced below)
    t.pool.failure = null;
    this.ctrlStore(ControlField.Error, 0);
    t.reported = false;
    try {
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
          await t.pool.spawn({ module: t.module, memory: this.memory, ctrl: t.ctrl, id, scratch: scratch.ptr, scratchBytes: scratch.bytes })
            .catch((e: unknown) => { throw new Error(`${op}: ${e instanceof Error ? e.message : String(e)}`); });
        }
        const waitMs = Math.max(5000, t.timeoutMs);
        const deadline = Date.now() + waitMs;
        while (this.ctrlLoad(ControlField.Ready) < readyBefore + missing.length) {
          if (t.pool.failure) throw new Error(`${op}: ${t.pool.failure}`);
          if (Date.now() > deadline) throw new Error(`${op}: worker threads did not start within ${waitMs} ms`);
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    } catch (e) {
      // the workers that ran before still do (a new one failed): keep using them
      if (healthy && !t.pool.failure) this.ctrlStore(ControlField.Threads, before);
      else this.threadsNote = `${(e as Error).message}; running on 1 thread (setThreads(n) tries again)`;
      throw e;
    }
    this.threadsNote = null;
    this.ctrlStore(ControlField.Threads, n);
  }

  /**
   * Before the workers are reused or stopped for good: wait for the chunks a worker that timed
   * out may still be running (a slow thread finishes them), else stop every worker (Node
   * resolves once their threads are gone), so that nothing writes into memory after this.
   */
  async #settle(t: Threading): Promise<void> {
    if (this.ctrlLoad(ControlField.Pending) > 0) {
      const deadline = Date.now() + t.timeoutMs;
      while (this.ctrlLoad(ControlField.Pending) > 0 && !t.pool.failure && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1));
      }
      if (this.ctrlLoad(ControlField.Pending) > 0) {
        await t.pool.close();
        this.ctrlStore(ControlField.Pending, 0);
      }
    }
    this.#freeHeld();
  }

  /** Stop every worker (the backend goes on with one thread; setThreads starts them again). */
  shutdown(): Promise<void> {
    return this.#serially(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    const t = this.threading;
    if (!t) return;
    this.ctrlStore(ControlField.Threads, 1);
    this.kernels.shutdownWorkers();
    await t.pool.close();
    // nothing runs any more: chunks a timed-out worker had claimed will never be written
    this.ctrlStore(ControlField.Pending, 0);
    this.#freeHeld();
  }

  /** @internal Test hook: the threads build's control block (words indexed by ControlField), else null. */
  _controlWords(): Int32Array | null {
    return this.threading ? new Int32Array(this.memory.buffer, this.threading.ctrl, ControlField.Words) : null;
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

