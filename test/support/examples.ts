// Runs JSDoc `@example` blocks (and the README's first example) as tests: extraction, the
// `expr; // value` and `// throws` checks, TypeScript stripping (esbuild) and evaluation.
// test/examples.test.ts says what an example sees (its scope and prelude).
import { readFileSync } from 'node:fs';
import { transform } from 'esbuild';
import { expect } from 'vitest';

/** One ```ts block of an `@example` tag. */
export interface Example {
  /** The source file, relative to the repository root. */
  file: string;
  /** The 1-based line of the `@example` tag (README: of the opening fence). */
  line: number;
  /** The TypeScript lines of the block, the comment's ` * ` stripped. */
  lines: string[];
}

/** Every ```ts block that follows an `@example` tag in `text` (a .ts file's JSDoc comments). */
export function extractExamples(file: string, text: string): Example[] {
  const src = text.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < src.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(src[i]!)) continue;
    const tag = i;
    // the block opens on one of the next lines of the same comment
    let j = i + 1;
    while (j < src.length && !/^\s*\*\s*```/.test(src[j]!) && !/\*\//.test(src[j]!) && !/^\s*\*\s*@\w/.test(src[j]!)) j++;
    if (j >= src.length || !/^\s*\*\s*```(ts|typescript)\s*$/.test(src[j]!)) {
      throw new Error(`${file}:${tag + 1}: @example without a \`\`\`ts block`);
    }
    const lines: string[] = [];
    for (j++; j < src.length && !/^\s*\*\s*```\s*$/.test(src[j]!); j++) {
      if (/\*\//.test(src[j]!)) throw new Error(`${file}:${tag + 1}: unclosed \`\`\`ts block`);
      lines.push(src[j]!.replace(/^\s*\* ?/, ''));
    }
    out.push({ file, line: tag + 1, lines });
    i = j;
  }
  return out;
}

/** The first ```ts block of a Markdown text, with the fenced block that follows it (its output). */
export function firstMarkdownExample(file: string, text: string): { example: Example; output: string[] } {
  const src = text.split('\n');
  const start = src.findIndex((l) => /^```(ts|typescript)\s*$/.test(l));
  if (start < 0) throw new Error(`${file}: no \`\`\`ts block`);
  const end = src.findIndex((l, i) => i > start && l.startsWith('```'));
  const open = src.findIndex((l, i) => i > end && l.startsWith('```'));
  const close = src.findIndex((l, i) => i > open && l.startsWith('```'));
  if (end < 0 || open < 0 || close < 0) throw new Error(`${file}: the first example is not followed by its output block`);
  return { example: { file, line: start + 1, lines: src.slice(start + 1, end) }, output: src.slice(open + 1, close) };
}

/** What a result comment states: a value, or that the statement throws (with a message part). */
export type Expectation =
  | { kind: 'value'; value: unknown; typed?: string; approx: boolean; text: string }
  | { kind: 'throws'; message?: string; text: string };

const TYPED = /^(Float32Array|Float64Array|Int8Array|Int16Array|Int32Array|Uint8Array|Uint16Array|Uint32Array) (\[.*\])$/s;

/** True for data a result comment can state: numbers, strings, booleans, null, arrays and plain objects of them. */
function plainData(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return true;
  if (Array.isArray(v)) return v.every(plainData);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).every(plainData);
  return false;
}

function literal(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const value: unknown = new Function(`"use strict"; return (${text});`)();
    return plainData(value) ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}

/**
 * Reads a result comment. `throws ...` / `Error: ...` → throws (a quoted message, or the text
 * after `Error: ` up to a trailing `...`, must be part of the error's message). Otherwise the
 * longest prefix, cut before `, `, ` (`, `: ` or ` — `, that is a literal ( `Float32Array [..]`
 * for typed arrays; a leading `≈` compares within 0.05): `// 17`, `// [[1, 2]] (float32)`,
 * `// 0.49..., as NumPy`. Text that is no literal (`// e.g. 'simd'`, `// ok`) checks nothing.
 */
export function parseExpectation(comment: string): Expectation | null {
  const text = comment.trim();
  const thrown = /^(?:throws\b[:,]?\s*|Error:\s*)(.*)$/s.exec(text);
  if (thrown) {
    const rest = thrown[1]!.trim();
    const quoted = /^(["'])(.*?)\1(?=$|[\s:,.;)])/.exec(rest);
    const message = quoted ? quoted[2] : text.startsWith('Error') ? rest.replace(/\s*(\.\.\.|…)$/, '') : undefined;
    return { kind: 'throws', message: message || undefined, text };
  }
  const cuts = [text.length];
  for (const sep of [', ', ' (', ': ', ' — ']) {
    for (let k = text.indexOf(sep); k > 0; k = text.indexOf(sep, k + 1)) cuts.push(k);
  }
  cuts.sort((a, b) => b - a);
  for (const cut of cuts) {
    let candidate = text.slice(0, cut).trim();
    const approx = candidate.startsWith('≈');
    if (approx) candidate = candidate.slice(1).trim();
    const typed = TYPED.exec(candidate);
    const parsed = literal(typed ? typed[2]! : candidate);
    if (parsed.ok) return { kind: 'value', value: parsed.value, typed: typed?.[1], approx, text };
  }
  return null;
}

/** Splits a line into its code and its `//` comment (not inside a string). */
function splitComment(line: string): [string, string | null] {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return [line.slice(0, i), line.slice(i + 2)];
    else if (c === '/' && line[i + 1] === '*') return [line, null];
  }
  return [line, null];
}

/** The start of the last top-level statement of `code` (which ends with `;`). */
function lastStatementStart(code: string): number {
  let depth = 0, quote: string | null = null, start = 0;
  for (let i = 0; i < code.length - 1; i++) {
    const c = code[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ';' && depth === 0) start = i + 1;
  }
  return start;
}

const DECLARATION = /^(?:(?:const|let|var|class|function|async\s+function|import|export|if|for|while|return|try)\b|(?:type|interface)\s+[A-Za-z_$])/;

/** An example's code with its result comments turned into checks, and the checks. */
export function instrument(lines: readonly string[]): { code: string; checks: Expectation[] } {
  const checks: Expectation[] = [];
  let previous = '';
  const out = lines.map((line) => {
    const [code, comment] = splitComment(line);
    const trimmed = code.trimEnd();
    // a statement that starts on this line: the previous code line ended one
    const startsHere = previous === '' || /[;{}]$/.test(previous);
    if (code.trim() !== '') previous = trimmed;
    if (comment === null || !startsHere || !trimmed.endsWith(';')) return line;
    const expectation = parseExpectation(comment);
    if (!expectation) return line;
    const body = trimmed.slice(0, -1);
    const at = lastStatementStart(trimmed);
    const statement = body.slice(at).trim();
    const head = body.slice(0, at);
    if (expectation.kind === 'value') {
      // `const name = expr; // value` checks `name`; other declarations check nothing
      const declared = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=[^=>]/.exec(statement);
      if (declared) return `${trimmed} __check(${checks.push(expectation) - 1}, ${declared[1]});`;
      if (DECLARATION.test(statement) || statement.startsWith('throw ')) return line;
    }
    const index = checks.push(expectation) - 1;
    return expectation.kind === 'value'
      ? `${head} __check(${index}, (${statement}));`
      : `${head} await __throws(${index}, async () => { ${statement}; });`;
  });
  return { code: out.join('\n'), checks };
}

/** Equal as a result comment means it: numbers to float32 precision (or within 0.05 with `≈`), NaN = NaN. */
function same(actual: unknown, expected: unknown, approx: boolean): boolean {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (Number.isNaN(expected)) return Number.isNaN(actual);
    if (approx) return Math.abs(actual - expected) <= 0.05;
    return actual === expected || Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    const list = ArrayBuffer.isView(actual) ? Array.from(actual as unknown as ArrayLike<number>) : actual;
    return Array.isArray(list) && list.length === expected.length && expected.every((e, i) => same(list[i], e, approx));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    const keys = Object.keys(expected);
    const actualKeys = Object.keys(actual).filter((k) => (actual as Record<string, unknown>)[k] !== undefined);
    return (
      actualKeys.length === keys.length &&
      keys.every((k) => same((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], approx))
    );
  }
  return Object.is(actual, expected);
}

const show = (v: unknown): string => {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} [${Array.from(v as unknown as ArrayLike<number>).join(', ')}]`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

/** The check a result comment stands for. */
export function check(where: string, expectation: Expectation, actual: unknown): void {
  if (expectation.kind !== 'value') throw new Error('not a value expectation');
  if (expectation.typed) {
    expect((actual as object | null)?.constructor?.name, `${where}: // ${expectation.text}`).toBe(expectation.typed);
  }
  if (!same(actual, expectation.value, expectation.approx)) {
    expect.fail(`${where}: got ${show(actual)}, the comment says // ${expectation.text}`);
  }
}

/** The check a `// throws` comment stands for. */
export async function checkThrows(where: string, expectation: Expectation, run: () => Promise<void>): Promise<void> {
  let error: unknown = null;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  if (error === null) expect.fail(`${where}: did not throw, the comment says // ${expectation.text}`);
  expect(error, `${where}: throws an Error`).toBeInstanceOf(Error);
  if (expectation.kind === 'throws' && expectation.message !== undefined) {
    expect((error as Error).message, `${where}: // ${expectation.text}`).toContain(expectation.message);
  }
}

/** TypeScript → JavaScript, with `import { a, b as c } from 'x'` turned into `const { a, b: c } = await __import('x')`. */
export async function compile(ts: string, where: string): Promise<string> {
  let js: string;
  try {
    js = (await transform(ts, { loader: 'ts', format: undefined, target: 'es2022', sourcefile: where })).code;
  } catch (e) {
    throw new Error(`${where}: does not compile: ${(e as Error).message}`);
  }
  return js.replace(/^import\s+(.*?)\s+from\s+("[^"]*");$/gm, (_m, what: string, from: string) => {
    const named = /^\{(.*)\}$/s.exec(what.trim());
    if (named) return `const {${named[1]!.replace(/\s+as\s+/g, ': ')}} = await __import(${from});`;
    const star = /^\*\s+as\s+(\w+)$/.exec(what.trim());
    if (star) return `const ${star[1]} = await __import(${from});`;
    return `const { default: ${what.trim()} } = await __import(${from});`;
  });
}

/** Runs `js` as an async function body that sees `scope`'s names (its own declarations shadow them). */
export async function evaluate(js: string, scope: Record<string, unknown>): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  const names = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  const fn = new AsyncFunction(...names, `"use strict";\n{\n${js}\n}`);
  await fn(...names.map((n) => scope[n]));
}

/** Console and stdout output while `run` runs, collected instead of printed. */
export async function capture(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  let partial = '';
  const write = (s: string): void => {
    const parts = (partial + s).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  };
  const { log, info, warn } = console;
  const stdoutWrite = process.stdout.write, stderrWrite = process.stderr.write;
  const { format } = await import('node:util');
  console.log = console.info = console.warn = (...args: unknown[]) => write(format(...args) + '\n');
  process.stdout.write = process.stderr.write = ((chunk: string | Uint8Array) => {
    write(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    Object.assign(console, { log, info, warn });
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  if (partial) lines.push(partial);
  return lines;
}

export const readUtf8 = (path: string): string => readFileSync(path, 'utf8');
