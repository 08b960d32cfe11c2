/**
 * Loading the kernels: pick the best build the engine validates (relaxed SIMD, SIMD, scalar),
 * compile it, instantiate it with its own memory (or a shared one and workers for the threads
 * build), and keep the process-wide instance that `init()` sets up. Each build is its own base64
 * module (builds/*.generated.ts), imported only once a tiny probe module has told, through
 * `WebAssembly.validate`, that the engine runs it: a page downloads one build, not five, and
 * still configures no wasm path (bundlers and import maps follow the `import()`s).
 *
 * @module
 * @internal
 */
import { availableCores, threadsSupported, withoutDataSegments, WorkerPool } from './threads.js';
import { isNode } from './platform.js';
import { ControlField, MAX_THREADS } from './contract.js';
import { Backend } from './heap.js';
import type { Kernels } from './kernels.js';

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

const PAGE = 65536;
const CTRL_BYTES = ControlField.Words * 4;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** @internal */
export type Build = Flavor | 'threads' | 'threads-relaxed';

/** Each build's module, imported on first use (literal paths, so bundlers see every one). */
const BUILDS: Record<Build, () => Promise<{ base64: string }>> = {
  relaxed: () => import('./builds/relaxed.generated.js'),
  simd: () => import('./builds/simd.generated.js'),
  scalar: () => import('./builds/scalar.generated.js'),
  threads: () => import('./builds/threads.generated.js'),
  'threads-relaxed': () => import('./builds/threads-relaxed.generated.js'),
};

const HEADER = [0, 97, 115, 109, 1, 0, 0, 0];
/** Probe modules of a few bytes, one per feature the builds use beyond WebAssembly 1.0. */
const PROBES = {
  // (func (result v128) (v128.const i32x4 0 0 0 0))
  simd: [...HEADER, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array<number>(16).fill(0), 11],
  // (func (result v128) (f32x4.relaxed_madd (i8x16.splat (i32.const 1)) ×3)): the kernels' one relaxed instruction
  relaxed: [...HEADER, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 1, 253, 15, 65, 1, 253, 15, 65, 1, 253, 15, 253, 133, 2, 11],
  // (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0))))
  threads: [...HEADER, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11],
};
const FEATURES: Record<Build, (keyof typeof PROBES)[]> = {
  scalar: [], simd: ['simd'], relaxed: ['simd', 'relaxed'], threads: ['simd', 'threads'], 'threads-relaxed': ['simd', 'relaxed', 'threads'],
};
const probeCache = new Map<keyof typeof PROBES, boolean>();
/** Compiled modules by build (`<build>:workers`: the threads builds' copy for workers, without data segments). */
const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Whether this engine accepts a build: `WebAssembly.validate` on a probe module for each
 * feature the build uses (so no build is downloaded to find out).
 *
 * @internal
 */
export function buildSupported(flavor: Build): boolean {
  return FEATURES[flavor].every((f) => {
    let ok = probeCache.get(f);
    if (ok === undefined) {
      ok = WebAssembly.validate(new Uint8Array(PROBES[f]));
      probeCache.set(f, ok);
    }
    return ok;
  });
}

/** Inflate a gzip-compressed build with the engine's DecompressionStream (Node ≥ 18, Deno, Bun, browsers since 2023). */
async function gunzipBytes(bytes: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  if (typeof DecompressionStream !== 'function') {
    throw new Error('this engine has no DecompressionStream, which scratchnet needs to unpack its kernels');
  }
  // a ReadableStream of the bytes, not Blob.stream(): jsdom's Blob (Vitest's and Jest's jsdom environments) has none
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return new Response(source.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)).arrayBuffer();
}

/** Builds replaced by {@link _replaceBuild} (the bench's profile builds), as module bytes. */
const replaced = new Map<Build, Uint8Array<ArrayBuffer>>();

/**
 * Use `bytes` instead of the shipped build `name` from now on in this process (later
 * `loadBackend`/`init` calls compile them). The bench's `--profile` runs the training loop on
 * the profile builds this way (asconfig.json: the same kernels, timing their phases); not for users.
 *
 * @internal
 */
export function _replaceBuild(name: Build, bytes: Uint8Array<ArrayBuffer>): void {
  replaced.set(name, bytes);
  moduleCache.delete(name);
  moduleCache.delete(`${name}:workers`);
}

/**
 * Import, decode and compile a build once; a failure is a clear Error and is not cached. With
 * `forWorkers`, the module lacks its data segments (see withoutDataSegments).
 */
function compiled(name: Build, forWorkers = false): Promise<WebAssembly.Module> {
  const key = forWorkers ? `${name}:workers` : name;
  let m = moduleCache.get(key);
  if (!m) {
    const own = replaced.get(name);
    m = (own ? Promise.resolve({ base64: '' }) : BUILDS[name]()).then(
      async ({ base64 }) => {
        let bytes: Uint8Array<ArrayBuffer>;
        try {
          bytes = own ?? new Uint8Array(await gunzipBytes(decodeBase64(base64)));
        } catch (e) {
          throw new Error(`init: this engine could not unpack the ${name} build of the kernels (a gzip stream, with DecompressionStream): ${(e as Error).message}`);
        }
        try {
          return await WebAssembly.compile(forWorkers ? withoutDataSegments(bytes) : bytes);
        } catch (e) {
          throw new Error(`init: this engine could not compile the ${name} build of the kernels: ${(e as Error).message}`);
        }
      },
      (e: unknown) => {
        throw new Error(`init: could not load the ${name} build of the kernels (builds/${name}.generated.js): ${(e as Error)?.message ?? String(e)}`);
      },
    );
    m.catch(() => moduleCache.delete(key));
    moduleCache.set(key, m);
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
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new Error(`init: threads must be an integer in [1, ${MAX_THREADS}], got ${typeof threads === 'string' ? `"${threads}" (a string)` : String(threads)}`);
  const support = threadsSupported();
  const threadBuild = chosen === 'relaxed' ? 'threads-relaxed' : 'threads';
  let note: string | null = null;
  if (threads > 1 && chosen === 'scalar') note = 'the scalar build has no threads variant';
  else if (threads > 1 && !support.ok) note = `${support.why ?? 'threads unavailable'}, so 1 thread is used`;
  else if (threads > 1 && !buildSupported(threadBuild)) note = 'this engine does not validate the threads build';
  if (threads > 1 && note === null) return loadThreaded(chosen, threadBuild, threads, options);
  const module = await compiled(chosen);
  const be = new Backend(await instantiate(module, { abort, now: () => performance.now() }), chosen);
  be.threadsNote = note;
  return be;
}

/**
 * Instantiate the kernel module with the imports `env`. The kernels import nothing but a clock and
 * (the threads builds) their shared memory and a sleep, and export plain functions on pointers, so the engine's
 * own WebAssembly.instantiate is all it takes (no loader); an imported memory is added to the
 * exports, which the engine freezes.
 */
async function instantiate(module: WebAssembly.Module, env: Record<string, unknown>, memory?: WebAssembly.Memory): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(module, { env: env as WebAssembly.ModuleImports });
  return { ...instance.exports, ...(memory ? { memory } : {}) } as unknown as Kernels;
}

async function loadThreaded(flavor: Flavor, build: 'threads' | 'threads-relaxed', threads: number, options: LoadOptions): Promise<Backend> {
  const maxMB = options.maxMemoryMB ?? (isNode ? 4096 : 1024);
  if (!Number.isInteger(maxMB) || maxMB < 1 || maxMB > 4096) throw new Error(`init: maxMemoryMB must be an integer in [1, 4096], got ${String(maxMB)}`);
  const timeoutMs = options.threadTimeoutMs ?? 10_000;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new Error(`init: threadTimeoutMs must be a number > 0, got ${String(timeoutMs)}`);
  const maximum = (maxMB * 2 ** 20) / PAGE;
  const memory = new WebAssembly.Memory({ initial: 1, maximum, shared: true } as WebAssembly.MemoryDescriptor);
  const module = await compiled(build);
  const now = () => performance.now();
  // only workers sleep (src/backend/threads.ts gives them Atomics.wait); the main thread never waits
  const wait = () => {
    throw new Error('scratchnet: the main thread cannot wait for a job');
  };
  const env = { memory, abort, now, wait } as Record<string, unknown>;
  const be = new Backend(await instantiate(module, env, memory), flavor, maximum * PAGE);
  // the main instance has initialised the shared memory; workers instantiate a copy that writes nothing
  const workerModule = await compiled(build, true);
  // on a 64-byte boundary, so that its fields' cache lines are the ones the contract lays out
  const block = be.alloc(CTRL_BYTES + 64, 'init: thread control block');
  const ctrl = (block.ptr + 63) & ~63;
  const words = new Int32Array(memory.buffer, ctrl, ControlField.Words).fill(0);
  Atomics.store(words, ControlField.Threads, 1);
  Atomics.store(words, ControlField.Timeout, Math.min(2 ** 31 - 1, Math.max(1, Math.ceil(timeoutMs))));
  be.kernels.setControl(ctrl, 0);
  const pool = new WorkerPool(() => {
    // a worker died: stop handing out shares at once; checkThreads() reports it
    Atomics.store(new Int32Array(memory.buffer, ctrl, ControlField.Words), ControlField.Threads, 1);
  });
  be._attachThreads({ ctrl, module: workerModule, pool, scratch: new Map(), timeoutMs, reported: false });
  try {
    await be.setThreads(threads, 'init');
  } catch (e) {
    await be.shutdown(); // the workers it started would otherwise outlive the backend nobody can reach
    throw e;
  }
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
 * await init({ threads: 4, maxMemoryMB: 2048 }); // the first init() decides; later calls return the same backend
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
  // (its options were checked by init(), the public entry point)
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
    const support = threadsSupported();
    const cores = await availableCores();
    const threads = options.threads ?? (support.ok ? cores : 1);
    let b: Backend;
    try {
      b = await loadBackend(want, { ...options, threads });
    } catch (e) {
      // By default, workers the platform will not start (a page's Content-Security-Policy, Node's
      // permission model) mean one thread, as a page that is not cross-origin isolated does: a
      // note, not an exception. Threads asked for are an error.
      if (options.threads !== undefined || threads < 2) throw e;
      b = await loadBackend(want, { ...options, threads: 1 });
      b.threadsNote = `${(e as Error).message.replace(/^init: /, '')}; so 1 thread is used`;
    }
    // by default every core: where the platform cannot give them, say why it runs on one
    if (options.threads === undefined && !support.ok && b.threadsNote === null) {
      b.threadsNote = `${support.why ?? 'threads unavailable'}, so 1 thread is used`;
    }
    return b;
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
 * The process-wide backend if `init()` has completed, else null.
 *
 * @internal
 */
export function currentBackend(): Backend | null {
  return current;
}

