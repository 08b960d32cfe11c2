/**
 * A worker thread of the sweep: runs the jobs it is sent, one kernel thread each, and posts
 * every outcome back (the loss curve's buffer transferred, not copied).
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { init } from '../../src/index.js';
import { runJob, type Job } from './runs.js';

if (parentPort && (workerData as { scratchnetExplore?: boolean } | null)?.scratchnetExplore === true) {
  await init({ threads: 1 }); // runs are spread over our own workers; one kernel thread each
  parentPort.on('message', (jobs: Job[]) => {
    for (const job of jobs) {
      const out = runJob(job);
      parentPort!.postMessage(out, out.curve ? [out.curve.buffer as ArrayBuffer] : []);
    }
  });
}
