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
 * throw new CliError('train: data.csv: no data'); // throws: main() prints it and exits with 1
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
 * usageError('train: --epochs must be an integer ≥ 1, got "0"').exitCode; // 2
 * ```
 */
export const usageError = (message: string): CliError => new CliError(message, 2);

/** The most characters of a cell, a name or a token from a file that a message shows. */
const MAX_SHOWN = 60;
/** The most names a message lists. */
const MAX_LISTED = 20;
/** The longest message: a last bound (paths and the user's own words are otherwise left whole). */
const MAX_MESSAGE = 2000;

const SHORT_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/**
 * Text with every character a terminal may act on written as an escape, as JSON.stringify writes
 * control characters: C0 controls and DEL, C1 controls (0x80 to 0x9f: some terminals take 0x9b
 * for ESC [), line and paragraph separators and the bidirectional overrides.
 *
 * @internal
 * @example
 * ```ts
 * escapeControl('a\x1b[2Jb\n'); // 'a\\u001b[2Jb\\n'
 * ```
 */
export const escapeControl = (s: string): string =>
  s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The first `max` characters and "…" (a surrogate pair is not split). */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1]!) ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}

/**
 * A value from a file or the command line as a message shows it: a string in double quotes,
 * escaped as JSON.stringify does (and {@link escapeControl}), cut after 60 characters with "…";
 * a number, boolean, null or undefined as it is; an array or object by kind (never serialized).
 *
 * @internal
 * @example
 * ```ts
 * quote('abc'); // '"abc"'
 * quote('x'.repeat(1e6)).length; // 63: the quotes, 60 x and "…"
 * quote(2); // '2'
 * ```
 */
export function quote(v: unknown): string {
  if (typeof v === 'string') return escapeControl(JSON.stringify(cut(v, MAX_SHOWN)));
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Names (columns, classes, arguments) as a message lists them: at most 20, each escaped and cut
 * after 60 characters ({@link shown}, or `format`: {@link quote} for quoted names), then "… and N more".
 *
 * @internal
 * @example
 * ```ts
 * nameList(['a', 'b', 'c']); // 'a, b, c'
 * nameList(Array.from({ length: 25 }, (_, i) => `c${i}`)).endsWith(', c19, … and 5 more'); // true
 * ```
 */
export function nameList(names: readonly string[], max = MAX_LISTED, separator = ', ', format: (name: string) => string = shown): string {
  const list = names.slice(0, max).map(format).join(separator);
  return names.length > max ? `${list}${separator}… and ${names.length - max} more` : list;
}

/**
 * A name from a file (a class, a column) as a message shows it unquoted: escaped
 * ({@link escapeControl}) and cut after 60 characters with "…".
 *
 * @internal
 * @example
 * ```ts
 * shown('setosa'); // 'setosa'
 * shown('\x1b[2J'); // '\\u001b[2J'
 * ```
 */
export const shown = (name: string): string => escapeControl(cut(name, MAX_SHOWN));

/** A long quoted string or unbroken token of a library message, cut (never inside an escape). */
function shorten(token: string, quoted: boolean): string {
  const limit = MAX_SHOWN + (quoted ? 2 : 20);
  if (token.length <= limit) return token;
  let head = token.slice(0, limit - 1);
  // an escape (\n, \u001b) that the cut splits is dropped whole
  const at = head.lastIndexOf('\\', head.length - 1);
  if (at >= head.length - 6) {
    let run = 1;
    while (head[at - run] === '\\') run++;
    if (run % 2 === 1 && at + (head[at + 1] === 'u' ? 6 : 2) > head.length) head = head.slice(0, at);
  }
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  return `${head}…${quoted ? '"' : ''}`;
}

/**
 * A message made safe to print as one line: newlines joined, control characters escaped
 * ({@link escapeControl}), quoted strings and unbroken tokens longer than about 60 characters
 * cut with "…", and at most 2,000 characters in all.
 *
 * @internal
 * @example
 * ```ts
 * oneLine('line 3, column 2: "' + 'x'.repeat(1e6) + '" is not a number'); // the cell cut to 60 characters
 * ```
 */
export function oneLine(message: string, shortenTokens = true): string {
  // not a regex: a cell of megabytes of spaces would make /\s*\n\s*/ quadratic
  const lines = message.split('\n').map((l, i, all) => {
    const start = i > 0 ? l.trimStart() : l;
    return i < all.length - 1 ? start.trimEnd() : start;
  });
  let m = lines.filter((l, i) => l !== '' || i === 0 || i === lines.length - 1).join(' ');
  if (shortenTokens) m = shortenTokensOf(m);
  m = escapeControl(m);
  return m.length <= MAX_MESSAGE ? m : `${cut(m, MAX_MESSAGE - 200)} ${m.slice(-199)}`;
}

/** Every long quoted string and unbroken token of a message cut (a scan, not a regex: cells may be megabytes). */
function shortenTokensOf(m: string): string {
  const plain = (text: string): string => text.split(' ').map((t) => shorten(t, false)).join(' ');
  let out = '', at = 0;
  for (;;) {
    const open = m.indexOf('"', at);
    if (open < 0) return out + plain(m.slice(at));
    let close = m.indexOf('"', open + 1);
    for (;;) {
      if (close < 0) break;
      let run = 0; // a quote after an odd run of backslashes is escaped
      while (m[close - 1 - run] === '\\') run++;
      if (run % 2 === 0) break;
      close = m.indexOf('"', close + 1);
    }
    const end = close < 0 ? m.length : close + 1;
    out += plain(m.slice(at, open)) + shorten(m.slice(open, end), true);
    at = end;
  }
}

/**
 * The message of a library Error without its `Operation: ` prefix, on one line, with the file
 * content it quotes escaped and cut short ({@link oneLine}).
 *
 * @internal
 * @example
 * ```ts
 * bare(new Error('parseCsv: line 3: bad')); // 'line 3: bad'
 * ```
 */
export const bare = (e: unknown): string => {
  const m = e instanceof Error ? e.message : String(e);
  return oneLine(m.replace(/^[A-Za-z.]+(?:\([^)]*\))?: /, ''));
};
