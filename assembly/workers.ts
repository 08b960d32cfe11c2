// Threads build: a worker instance's life. It waits on the control block (threads.ts) for a job,
// runs the chunks of its share (a product's column panels, a range of an optimizer update, or rows
// of a mini-batch to gather) and then whatever chunks of the others' shares are left, until
// shutdown. Nobody waits for a worker as such: the main thread waits for the job's chunks.

import { Command, ControlField } from '../src/backend/contract';
import { gatherAheadShare, gatherJobShare } from './batch';
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
      if (cmd == Command.Product) productShare(self, threads, seen);
      else if (cmd == Command.Gather) gatherJobShare(self, threads, seen);
      else if (cmd == Command.GatherAhead) gatherAheadShare(self, threads, seen);
      else updateShare(self, threads, seen);
    }
  }
}
