/**
 * Training progress: on a terminal one line redrawn with `\r`; elsewhere a line every few epochs.
 *
 * @module
 */
import type { EpochLogs } from '../index.js';
import type { CliWriter } from './io.js';

/**
 * What the train command calls every epoch, and once after training.
 *
 * @internal
 * @example
 * ```ts
 * const p: Progress = progressReporter(io.stdout, 100, 10, (l) => `loss ${l.loss}`); p.end();
 * ```
 */
export interface Progress {
  onEpoch: (logs: EpochLogs) => void;
  /** After training (also when it stopped early): show the last epoch, end the line. */
  end: () => void;
}

/**
 * A line redrawn on a terminal (at most every 100 ms), or lines every `every` epochs elsewhere.
 *
 * @internal
 * @example
 * ```ts
 * const progress = progressReporter(io.stdout, epochs, 10, (logs) => `loss ${logs.loss.toFixed(4)}`);
 * ```
 */
export function progressReporter(out: CliWriter, epochs: number, every: number, describe: (logs: EpochLogs) => string): Progress {
  const tty = Boolean(out.isTTY);
  const width = String(epochs).length;
  let last = 0, drawn = false, unshown: EpochLogs | null = null;
  const line = (logs: EpochLogs): string => `epoch ${String(logs.epoch + 1).padStart(width)}/${epochs}  ${describe(logs)}`;
  return {
    onEpoch(logs) {
      const e = logs.epoch + 1;
      unshown = logs;
      if (tty) {
        const now = Date.now();
        if (now - last >= 100 || e === epochs || e === 1) {
          out.write(`\r${line(logs)}\x1b[K`);
          [last, drawn, unshown] = [now, true, null];
        }
      } else if (e === 1 || e % every === 0 || e === epochs) {
        out.write(`${line(logs)}\n`);
        unshown = null;
      }
    },
    end() {
      if (unshown) out.write(tty ? `\r${line(unshown)}\x1b[K` : `${line(unshown)}\n`);
      if (tty && (drawn || unshown)) out.write('\n');
      unshown = null;
    },
  };
}
