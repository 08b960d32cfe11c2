// Threads build: a worker instance's life. It waits on the control block (threads.ts) for a job,
// does its share (a product's column panels, a range of an optimizer update, or rows of a
// mini-batch to gather), counts
// itself done, until shutdown.

import { Command, ControlField } from '../src/backend/contract';
import { gatherJobShare } from './batch';
import { productShare } from './gemm';
import { updateShare } from './update';
import { awaitJob, controlWord, threadId } from './threads';

/** A worker's loop: wait for jobs, do its share, until shutdown. */
export function workerLoop(): void {
  if (!ASC_FEATURE_THREADS) return;
  const self = threadId();
  let seen = atomic.load<i32>(controlWord(ControlField.Generation));
  atomic.add<i32>(controlWord(ControlField.Ready), 1);
  let inUse = true;
  while (true) {
    seen = awaitJob(seen, inUse);
    const cmd = atomic.load<i32>(controlWord(ControlField.Command));
    if (cmd == Command.Shutdown) return;
    const threads = atomic.load<i32>(controlWord(ControlField.Threads));
    inUse = self < threads;
    if (inUse) {
      if (cmd == Command.Product) productShare(self, threads);
      else if (cmd == Command.Gather) gatherJobShare(self, threads);
      else updateShare(self, threads);
      atomic.add<i32>(controlWord(ControlField.Done), 1);
    }
  }
}
