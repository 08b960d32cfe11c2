/**
 * The runs spread over worker threads (one per core; inline with one), cheap runs batched so a
 * worker never waits, results reported as they arrive.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { cost, runJob, type Job, type Outcome } from './runs.js';

/** Start a worker running worker.ts (through tsx's loader, which workers do not inherit). */
function startWorker(): Worker {
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(code, { eval: true, workerData: { scratchnetExplore: true } });
}

/** Run every job, on `workers` threads (inline when 1); `onResult` sees each outcome as it arrives. */
export async function runPool(jobs: Job[], workers: number, onResult: (o: Outcome, job: Job) => void): Promise<void> {
  // A seeded shuffle: the progress bar's eta (runs per second so far) is then fair from the start.
  const queue = [...jobs];
  let r = 12345;
  for (let i = queue.length - 1; i > 0; i--) {
    r = (Math.imul(r, 1103515245) + 12345) >>> 0;
    const j = r % (i + 1);
    [queue[i], queue[j]] = [queue[j]!, queue[i]!];
  }
  const byId = new Map(jobs.map((j) => [j.id, j]));
  if (workers <= 1) {
    for (const job of queue) onResult(runJob(job), job);
    return;
  }
  const chunkCost = 12 * cost({ data: 'xor', sizes: [2, 4, 1], act: 'relu', init: 'chapter', epochs: 10000, lr: 0.1, optimizer: 'sgd' });
  const nextChunk = (): Job[] => {
    const chunk: Job[] = [];
    let c = 0;
    while (queue.length && (chunk.length === 0 || c + cost(queue[0]!) <= chunkCost)) {
      const j = queue.shift()!;
      c += cost(j);
      chunk.push(j);
    }
    return chunk;
  };
  await new Promise<void>((resolve, reject) => {
    let remaining = jobs.length;
    if (remaining === 0) return resolve();
    const pool = Array.from({ length: workers }, () => ({ w: startWorker(), pending: 0 }));
    const feed = (slot: (typeof pool)[number]) => {
      // Two chunks in flight per worker, so it never waits for the main thread.
      while (slot.pending < 2 && queue.length) {
        const chunk = nextChunk();
        slot.pending += chunk.length;
        slot.w.postMessage(chunk);
      }
    };
    for (const slot of pool) {
      slot.w.on('message', (o: Outcome) => {
        slot.pending--;
        onResult(o, byId.get(o.id)!);
        feed(slot);
        if (--remaining === 0) {
          for (const s of pool) void s.w.terminate();
          resolve();
        }
      });
      slot.w.on('error', (e) => {
        for (const s of pool) void s.w.terminate();
        reject(e);
      });
      feed(slot);
    }
  });
}
