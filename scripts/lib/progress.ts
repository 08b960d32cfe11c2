/**
 * A small terminal progress bar for long script runs (sweeps, benchmarks):
 *
 * ```
 * sweep [########------------] 42% 420/1000 eta 3s XOR h=4
 * ```
 *
 * drawn on stderr with `\r` so stdout stays clean for tables and can be piped. Redraws are
 * rate-limited (at most 10 a second by default), so calling `tick()` a million times costs
 * almost nothing. When stderr is not a terminal (CI logs, `2> file`), nothing is printed until
 * `done()`, which prints one summary line (`sweep: 1000/1000 in 12.3s`).
 *
 * @module
 */

/** Options of {@link progressBar}. */
export interface ProgressOptions {
  /** Text before the bar (default `'progress'`). */
  label?: string;
  /** Where to draw (default `process.stderr`). A stream without `isTTY` gets only the summary line. */
  stream?: NodeJS.WriteStream | { isTTY?: boolean; columns?: number; write(s: string): unknown };
  /** Characters of the bar itself (default 24; shrunk to fit narrow terminals). */
  width?: number;
  /** Minimum milliseconds between redraws (default 100: at most 10 redraws a second). */
  minIntervalMs?: number;
}

/** What {@link progressBar} returns. */
export interface ProgressBar {
  /** Record `n` more units of work done (default 1); `info` (optional) is shown after the bar. */
  tick(n?: number, info?: string): void;
  /** Finish: draw the final state and end the line (TTY), or print the one summary line (non-TTY). Idempotent. */
  done(info?: string): void;
  /** Units done so far. */
  readonly count: number;
}

/** `3s`, `1m05s`, `2h03m`: a short human duration for `ms` milliseconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A progress bar over `total` units of work.
 *
 * On a terminal it redraws `label [#####-----] 45% 450/1000 eta 3s info` in place (at most
 * every `minIntervalMs`, and always on the first tick and on `done()`); the eta is the mean
 * time per unit so far times the units left. Off a terminal it stays silent until `done()`,
 * which prints `label: 1000/1000 in 12.3s info` once. Ticks after `done()` are ignored.
 *
 * @example
 * ```ts
 * import { progressBar } from './lib/progress.js';
 *
 * const jobs = Array.from({ length: 1000 }, (_, i) => i);
 * const bar = progressBar(jobs.length, { label: 'sweep' });
 * for (const j of jobs) {
 *   doSomeWork(j);
 *   bar.tick(1, `job ${j}`); // cheap: redraws at most 10 times a second
 * }
 * bar.done(); // TTY: final bar + newline; otherwise: "sweep: 1000/1000 in 4.2s"
 * ```
 */
export function progressBar(total: number, options: ProgressOptions = {}): ProgressBar {
  const label = options.label ?? 'progress';
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const barWidth = Math.max(5, Math.floor(options.width ?? 24));
  const minInterval = options.minIntervalMs ?? 100;
  const safeTotal = Number.isFinite(total) && total > 0 ? total : 0;
  const start = performance.now();
  let count = 0;
  let lastDraw = -Infinity;
  let lastInfo = '';
  let finished = false;
  let drawnWidth = 0;

  const line = (final: boolean): string => {
    const frac = safeTotal ? Math.min(1, count / safeTotal) : 1;
    const elapsed = performance.now() - start;
    const pct = `${Math.floor(frac * 100)}`.padStart(3);
    const counts = `${count}/${safeTotal}`;
    const time = final
      ? `in ${formatDuration(elapsed)}`
      : count > 0 && safeTotal
        ? `eta ${formatDuration((elapsed / count) * Math.max(0, safeTotal - count))}`
        : 'eta ?';
    // Terminal width (a pty without a window size reports 0: assume 80).
    const cols = (stream as { columns?: number }).columns;
    const columns = typeof cols === 'number' && cols >= 20 ? cols : 80;
    // Shrink the bar so the line (without info) fits; info is cut to what is left.
    const fixed = label.length + 4 + pct.length + 2 + counts.length + 1 + time.length;
    const w = Math.max(5, Math.min(barWidth, columns - fixed - 2));
    const filled = Math.round(frac * w);
    let s = `${label} [${'#'.repeat(filled)}${'-'.repeat(w - filled)}] ${pct}% ${counts} ${time}`;
    if (lastInfo) s += ` ${lastInfo}`;
    return s.length > columns - 1 ? s.slice(0, Math.max(0, columns - 1)) : s;
  };

  const draw = (final: boolean): void => {
    const s = line(final);
    // Pad with spaces over what a longer previous line left (no ANSI codes needed).
    const pad = drawnWidth > s.length ? ' '.repeat(drawnWidth - s.length) : '';
    stream.write(`\r${s}${pad}${final ? '\n' : ''}`);
    drawnWidth = s.length;
    lastDraw = performance.now();
  };

  return {
    tick(n = 1, info?: string) {
      if (finished) return;
      count += n;
      if (info !== undefined) lastInfo = info;
      if (!tty) return;
      const now = performance.now();
      if (now - lastDraw >= minInterval) draw(false); // the first tick always draws (lastDraw = -Infinity)
    },
    done(info?: string) {
      if (finished) return;
      finished = true;
      lastInfo = info ?? '';
      if (tty) {
        draw(true);
      } else {
        const extra = lastInfo ? ` ${lastInfo}` : '';
        stream.write(`${label}: ${count}/${safeTotal} in ${formatDuration(performance.now() - start)}${extra}\n`);
      }
    },
    get count() {
      return count;
    },
  };
}
