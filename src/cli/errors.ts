/**
 * The CLI's errors: one line on stderr, exit code 1 (a file, the data, a model) or 2 (usage:
 * a command, an option or its value).
 *
 * @module
 */

/**
 * An error the CLI reports as one line; `exitCode` 2 for usage errors, 1 otherwise.
 *
 * @internal
 * @example
 * ```ts
 * throw new CliError('train: data.csv: no data');
 * ```
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

/**
 * A usage error (exit code 2).
 *
 * @internal
 * @example
 * ```ts
 * throw usageError('train: --epochs must be an integer ≥ 1, got "0"');
 * ```
 */
export const usageError = (message: string): CliError => new CliError(message, 2);

/**
 * The message of a library Error without its `Operation: ` prefix, on one line.
 *
 * @internal
 * @example
 * ```ts
 * bare(new Error('parseCsv: line 3: bad')); // 'line 3: bad'
 * ```
 */
export const bare = (e: unknown): string => {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^[A-Za-z.]+(?:\([^)]*\))?: /, '').replace(/\s*\n\s*/g, ' ');
};
