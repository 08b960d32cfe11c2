/**
 * Worker threads for the threads build: one instance of the kernel module per worker, all on
 * the main instance's shared WebAssembly.Memory, each sitting in the kernels' `workerLoop`
 * (assembly/threads.ts) until the main instance hands it a share of a product through the
 * control block. Node `worker_threads` and browser Web Workers run the same code. Part of the
 * binding layer: only src/backend knows the instance, the memory and pointers.
 *
 * @module
 */

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
// instance at its scratch and the control block, then live in workerLoop until shutdown.
const BODY = `
function start(s, done) {
  const instance = new WebAssembly.Instance(s.module, {
    env: { memory: s.memory, now: () => performance.now(), abort: () => { throw new Error('scratchnet kernel aborted'); } },
  });
  instance.exports.setScratch(s.scratch, s.scratchBytes);
  instance.exports.setControl(s.ctrl, s.id);
  instance.exports.workerLoop();
  done();
}`;
// (a dynamic import works whether Node evaluates this as CommonJS or as an ES module)
const NODE_WORKER = `${BODY}
import('node:worker_threads').then(({ workerData }) => start(workerData, () => process.exit(0)));`;
const WEB_WORKER = `${BODY}
self.onmessage = (e) => start(e.data, () => self.close());`;

/** One running worker, whatever the platform. */
interface Handle {
  terminate(): Promise<unknown> | void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Whether this platform can run the threads build: shared memory and workers.
 *
 * @internal
 */
export function threadsSupported(): { ok: boolean; why?: string } {
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
  if (isNode) {
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
  private closing = false;

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
    const fail = (why: string) => {
      if (this.closing || this.failure) return;
      this.failure = `worker thread ${setup.id} ${why}`;
      this.onFailure(this.failure);
    };
    if (isNode) {
      const { Worker: NodeWorker } = await import('node:worker_threads');
      const w = new NodeWorker(NODE_WORKER, { eval: true, workerData: setup });
      w.unref(); // an idle pool never keeps the process alive
      w.on('error', (e) => fail(`failed: ${String(e)}`));
      w.on('exit', (code) => {
        this.handles.delete(setup.id);
        if (code !== 0) fail(`exited with code ${code}`);
      });
      this.handles.set(setup.id, w);
    } else {
      const url = URL.createObjectURL(new Blob([WEB_WORKER], { type: 'text/javascript' }));
      const w = new Worker(url);
      URL.revokeObjectURL(url);
      w.onerror = (e) => fail(`failed: ${e.message}`);
      w.postMessage(setup);
      this.handles.set(setup.id, { terminate: () => w.terminate() });
    }
  }

  /** Stop worker `id` abruptly (tests; shutdown asks the kernels' loop to return first). */
  async kill(id: number): Promise<void> {
    await this.handles.get(id)?.terminate();
  }

  /** Terminate every worker. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.handles.values()].map((h) => h.terminate()));
    this.handles.clear();
  }
}
