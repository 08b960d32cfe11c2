/**
 * Worker threads for the threads build: one instance of the kernel module per worker, all on
 * the main instance's shared WebAssembly.Memory, each sitting in the kernels' `workerLoop`
 * (assembly/threads.ts) until the main instance hands it a share of a product through the
 * control block. Node `worker_threads` and browser Web Workers run the same code. Part of the
 * binding layer: only src/backend knows the instance, the memory and pointers.
 *
 * @module
 */
import { isNode } from './platform.js';

/**
 * What a worker needs to join: the compiled module, the shared memory, its pointers.
 *
 * @internal
 */
export interface WorkerSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
  id: number;
  scratch: number;
  scratchBytes: number;
}

// The worker's whole program, for both platforms: instantiate on the shared memory, point the
// instance at its scratch and the control block, then live in workerLoop until shutdown. Between
// jobs it sleeps through `wait` (Atomics.wait; assembly/threads.ts says why not the wasm instruction).
const BODY = `
function start(s, done) {
  const wait = (addr, expected) => { Atomics.wait(new Int32Array(s.memory.buffer), addr >>> 2, expected); };
  const instance = new WebAssembly.Instance(s.module, {
    env: { memory: s.memory, now: () => performance.now(), wait, abort: () => { throw new Error('scratchnet kernel aborted'); } },
  });
  instance.exports.setScratch(s.scratch, s.scratchBytes);
  instance.exports.setControl(s.ctrl, s.id);
  instance.exports.workerLoop();
  done();
}`;
// (a dynamic import works whether Node evaluates this as CommonJS or as an ES module; a function,
// so that the browser bundles, which drop the Node path, carry none of it)
const nodeWorker = (): string => `${BODY}
import('node:worker_threads').then(({ workerData }) => start(workerData, () => process.exit(0)));`;
const WEB_WORKER = `${BODY}
self.onmessage = (e) => start(e.data, () => self.close());`;

/**
 * A module's bytes without its data segments (sections Data and DataCount), for the workers.
 * Instantiating a module writes its active data segments into its memory; on the shared memory
 * each worker's instantiation would write them again, over what the main thread has stored there
 * since (the gradient step's block, assembly/gradient-step.ts, is static data), while the main
 * thread may be running kernels. The main instance initialised them once; the kernels use no
 * memory.init or data.drop, so nothing else refers to the segments.
 *
 * @internal
 */
export function withoutDataSegments(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const DATA = 11, DATA_COUNT = 12;
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let p = 8;
  while (p < bytes.length) {
    const start = p;
    const id = bytes[p++]!;
    let size = 0, shift = 0, b: number;
    do {
      b = bytes[p++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    p += size;
    if (p > bytes.length) throw new Error(`withoutDataSegments: section ${id} at byte ${start} runs past the module's ${bytes.length} bytes`);
    if (id !== DATA && id !== DATA_COUNT) parts.push(bytes.subarray(start, p));
  }
  const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of parts) {
    out.set(x, o);
    o += x.length;
  }
  return out;
}

/** One running worker, whatever the platform. */
interface Handle {
  terminate(): Promise<unknown> | void;
}

/**
 * Whether this platform can run the threads build: shared memory and workers.
 *
 * @internal
 */
export function threadsSupported(): { ok: boolean; why?: string } {
  // the browser bundle has no Node worker path (it is compiled out): in Node, the package's own entry has it
  if (typeof SCRATCHNET_BROWSER !== 'undefined' && isNode) {
    return { ok: false, why: 'the browser bundle has no workers in Node (the package itself has)' };
  }
  if (!isNode && !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
    return { ok: false, why: 'the page is not cross-origin isolated (serve it with COOP/COEP headers), so SharedArrayBuffer is unavailable' };
  }
  if (typeof SharedArrayBuffer === 'undefined') return { ok: false, why: 'SharedArrayBuffer is not available' };
  if (!isNode && typeof Worker === 'undefined') return { ok: false, why: 'Web Workers are not available' };
  return { ok: true };
}

/**
 * Cores the platform reports (Node: os.availableParallelism; browsers: hardwareConcurrency).
 *
 * @internal
 */
export async function availableCores(): Promise<number> {
  if (typeof SCRATCHNET_BROWSER === 'undefined' && isNode) {
    const os = await import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/**
 * The workers of one backend.
 *
 * @internal
 */
export class WorkerPool {
  private readonly handles = new Map<number, Handle>();
  /** Why a worker stopped unexpectedly, once one has. */
  failure: string | null = null;
  /** Workers being stopped on purpose (close): their exit is not a failure. Workers started later are watched. */
  private readonly stopping = new WeakSet<Handle>();

  constructor(private readonly onFailure: (why: string) => void) {}

  /** Workers running. */
  get size(): number {
    return this.handles.size;
  }

  /** Whether worker `id` is running. */
  has(id: number): boolean {
    return this.handles.has(id);
  }

  /** Start a worker with `setup`. */
  async spawn(setup: WorkerSetup): Promise<void> {
    let handle: Handle | null = null;
    const fail = (why: string) => {
      if ((handle && this.stopping.has(handle)) || this.failure) return;
      this.failure = `worker thread ${setup.id} ${why}`;
      this.onFailure(this.failure);
    };
    if (typeof SCRATCHNET_BROWSER === 'undefined' && isNode) {
      const { Worker: NodeWorker } = await import('node:worker_threads');
      let w: InstanceType<typeof NodeWorker>;
      try {
        w = new NodeWorker(nodeWorker(), { eval: true, workerData: setup });
      } catch (e) {
        // Node's permission model without --allow-worker refuses at once (ERR_ACCESS_DENIED)
        const denied = (e as { code?: unknown }).code === 'ERR_ACCESS_DENIED' ? ' (Node\'s permission model allows workers with --allow-worker)' : '';
        throw new Error(`worker thread ${setup.id} could not start: ${(e as Error).message}${denied}`);
      }
      w.unref(); // an idle pool never keeps the process alive
      w.on('error', (e) => fail(`failed: ${String(e)}`));
      w.on('exit', (code) => {
        if (this.handles.get(setup.id) === w) this.handles.delete(setup.id);
        if (code !== 0) fail(`exited with code ${code}`);
      });
      handle = w;
      this.handles.set(setup.id, w);
    } else {
      const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
      const w = new Worker(url);
      URL.revokeObjectURL(url);
      // a worker the page's Content-Security-Policy blocks fails with no message
      w.onerror = (e) => fail(`failed: ${e.message || 'it could not start (a Content-Security-Policy must allow blob: workers: worker-src blob:)'}`);
      w.postMessage(setup);
      handle = { terminate: () => w.terminate() };
      this.handles.set(setup.id, handle);
    }
  }

  /** Stop worker `id` abruptly (tests; shutdown asks the kernels' loop to return first). */
  async kill(id: number): Promise<void> {
    await this.handles.get(id)?.terminate();
  }

  /** Terminate every worker. */
  async close(): Promise<void> {
    const all = [...this.handles.values()];
    for (const h of all) this.stopping.add(h);
    this.handles.clear();
    await Promise.all(all.map((h) => h.terminate()));
  }
}
