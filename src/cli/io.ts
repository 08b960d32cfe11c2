/// <reference types="node" />
/**
 * What the CLI touches outside itself: its output streams and files. Reading is bounded: only
 * regular files, at most {@link MAX_FILE_BYTES} read and, for `.gz` files, inflated.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { open, stat, writeFile as fsWriteFile } from 'node:fs/promises';
import { gunzip, isGzip } from '../index.js';
import { bare, CliError } from './errors.js';

/**
 * The largest file the CLI reads, and the largest text a `.gz` file may inflate to: 256 MiB.
 *
 * @internal
 * @example
 * ```ts
 * MAX_FILE_BYTES; // 268435456
 * ```
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Where the CLI writes text (a `process.stdout`-like stream).
 *
 * @internal
 * @example
 * ```ts
 * const out: CliWriter = { write: (s) => void chunks.push(s), isTTY: false };
 * ```
 */
export interface CliWriter {
  write(text: string): unknown;
  /** A terminal: progress is one line redrawn with `\r`. */
  isTTY?: boolean;
}

/**
 * Everything the CLI touches outside itself; tests pass fakes.
 *
 * @internal
 * @example
 * ```ts
 * await main(['--version'], { stdout: { write: (s) => void (out += s) } });
 * ```
 */
export interface CliIO {
  stdout: CliWriter;
  stderr: CliWriter;
  /**
   * The bytes (or text) of a file of at most `maxBytes`; rejects with a Node-style error
   * (`code: 'ENOENT'`, `'EISDIR'`, `'ENOTREG'` for a device or pipe, `'EFBIG'` when larger).
   */
  readFile(path: string, maxBytes: number): Promise<Uint8Array | string>;
  writeFile(path: string, text: string): Promise<void>;
}

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

/** A regular file's bytes, refusing devices, pipes and anything over `maxBytes` (read or not). */
async function readRegularFile(path: string, maxBytes: number): Promise<Uint8Array> {
  const st = await stat(path);
  if (st.isDirectory()) throw coded('EISDIR', `${path} is a directory`);
  if (!st.isFile()) throw coded('ENOTREG', `${path} is not a regular file`);
  if (st.size > maxBytes) throw coded('EFBIG', `${path} is larger than ${maxBytes} bytes`);
  const fh = await open(path, 'r');
  try {
    // read to the end, not to st.size: the file may have grown (or be a /proc file of size 0)
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw coded('EFBIG', `${path} is larger than ${maxBytes} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/**
 * The process's streams and `node:fs`.
 *
 * @internal
 * @example
 * ```ts
 * const io = defaultIO(); await io.readFile('iris.csv', MAX_FILE_BYTES);
 * ```
 */
export const defaultIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  readFile: readRegularFile,
  writeFile: (path, text) => fsWriteFile(path, text),
});

const MiB = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MiB`;

function fileError(e: unknown, verb: 'read' | 'write', path: string, cmd: string): CliError {
  const code = (e as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT' ? (verb === 'read' ? 'no such file' : 'no such directory')
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' ? 'a part of the path is not a directory'
    : code === 'ENOTREG' ? 'it is not a regular file (a device, a pipe or a socket)'
    : code === 'EFBIG' ? `it is larger than ${MiB(MAX_FILE_BYTES)}, the most scratchnet reads`
    : bare(e);
  return new CliError(`${cmd}: cannot ${verb} ${path}: ${why}`);
}

/** The inflated size a gzip file announces in its trailer (mod 2^32: a first check, not a promise). */
const gzipAnnouncedSize = (b: Uint8Array): number =>
  b.length >= 18 ? new DataView(b.buffer, b.byteOffset + b.length - 4, 4).getUint32(0, true) : 0;

/** `gunzip` with an output cap (`maxBytes`: the data module's option). */
const gunzipCapped = gunzip as (bytes: Uint8Array, options?: { maxBytes?: number }) => Promise<Uint8Array>;

async function inflate(data: Uint8Array, path: string, cmd: string): Promise<Uint8Array> {
  const tooBig = (): CliError =>
    new CliError(`${cmd}: cannot read ${path}: it inflates to more than ${MiB(MAX_FILE_BYTES)}, the most scratchnet reads`);
  if (gzipAnnouncedSize(data) > MAX_FILE_BYTES) throw tooBig();
  let out: Uint8Array;
  try {
    out = await gunzipCapped(data, { maxBytes: MAX_FILE_BYTES });
  } catch (e) {
    throw new CliError(`${cmd}: cannot read ${path}: ${bare(e)}`);
  }
  if (out.length > MAX_FILE_BYTES) throw tooBig();
  return out;
}

/**
 * A file's text (gzip'd files are decompressed), or a one-line CliError.
 *
 * @internal
 * @example
 * ```ts
 * const text = await readText(io, 'iris.csv.gz', 'train');
 * ```
 */
export async function readText(io: CliIO, path: string, cmd: string): Promise<string> {
  let data: Uint8Array | string;
  try {
    data = await io.readFile(path, MAX_FILE_BYTES);
  } catch (e) {
    throw fileError(e, 'read', path, cmd);
  }
  if (typeof data === 'string') return data;
  if (isGzip(data)) data = await inflate(data, path, cmd);
  return new TextDecoder('utf-8').decode(data);
}

/**
 * Write a file, or throw a one-line CliError.
 *
 * @internal
 * @example
 * ```ts
 * await writeText(io, 'model.json', json, 'train');
 * ```
 */
export async function writeText(io: CliIO, path: string, text: string, cmd: string): Promise<void> {
  try {
    await io.writeFile(path, text);
  } catch (e) {
    throw fileError(e, 'write', path, cmd);
  }
}

/**
 * The package's version (from package.json, two folders up from src/cli and dist/cli).
 *
 * @internal
 * @example
 * ```ts
 * version(); // '0.1.0'
 * ```
 */
export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
