/// <reference types="node" />
/**
 * What the CLI touches outside itself: its output streams and files. Reading is bounded: only
 * regular files, at most {@link MAX_FILE_BYTES} read and, for `.gz` files, inflated. Writing
 * replaces a file whole: the data goes to a temporary file beside it, renamed over it once
 * written, so a failed write (a full disk, a file size limit) leaves the old file as it was.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, lstat, open, realpath, rename, stat, unlink, writeFile as fsWriteFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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
 * const chunks: string[] = [];
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
 * import { main } from './main.js';
 * let out = '';
 * await main(['--version'], { stdout: { write: (s) => void (out += s) } }); // 0
 * out === `scratchnet ${version()}\n`; // true
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
  /** Create or truncate a file and write `data` to it. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** Rename a file, replacing `to` (`fs.rename`). */
  rename(from: string, to: string): Promise<void>;
  /** Delete a file (`fs.unlink`). */
  remove(path: string): Promise<void>;
  /** The most bytes read from a file, and inflated from a `.gz` file: {@link MAX_FILE_BYTES}; tests make it small. */
  maxFileBytes: number;
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
  writeFile: (path, data) => fsWriteFile(path, data),
  rename: (from, to) => rename(from, to),
  remove: (path) => unlink(path),
  maxFileBytes: MAX_FILE_BYTES,
});

/**
 * "256 MiB", or "1000 bytes" under a MiB.
 *
 * @internal
 * @example
 * ```ts
 * sizeText(2 ** 28); // '256 MiB'
 * ```
 */
export const sizeText = (bytes: number): string => (bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${bytes} bytes`);

/**
 * A failed read or write as one line: `<cmd>: cannot read|write <path>: <why>`.
 *
 * @internal
 * @example
 * ```ts
 * fileError(Object.assign(new Error(), { code: 'ENOSPC' }), 'write', 'm.json', 'train').message;
 * // 'train: cannot write m.json: no space left on the device'
 * ```
 */
export function fileError(e: unknown, verb: 'read' | 'write', path: string, cmd: string, maxBytes = MAX_FILE_BYTES): CliError {
  const code = (e as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT' ? (verb === 'read' ? 'no such file' : 'no such directory')
    : code === 'EISDIR' ? 'it is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ENOTDIR' ? 'a part of the path is not a directory'
    : code === 'ENOTREG' ? 'it is not a regular file (a device, a pipe or a socket)'
    : code === 'EFBIG' && verb === 'read' ? `it is larger than ${sizeText(maxBytes)}, the most scratchnet reads`
    : code === 'EFBIG' ? 'the file size limit of this process was reached'
    : code === 'ENOSPC' ? 'no space left on the device'
    : code === 'EDQUOT' ? 'the disk quota was exceeded'
    : code === 'EROFS' ? 'the file system is read-only'
    : bare(e);
  return new CliError(`${cmd}: cannot ${verb} ${path}: ${why}`);
}

/** A .gz file's data inflated, at most `maxBytes` of it; a truncated or corrupt stream said as such. */
async function inflate(data: Uint8Array, path: string, cmd: string, maxBytes: number): Promise<Uint8Array> {
  // the trailer's size is not checked first: a truncated file's last 4 bytes are any bytes
  try {
    return await gunzip(data, { maxBytes });
  } catch (e) {
    const m = e instanceof Error ? e.message : '';
    // gunzip stops as soon as the output passes maxBytes (its advice to raise it is for API users)
    if (/more than maxBytes/.test(m)) throw new CliError(`${cmd}: cannot read ${path}: it inflates to more than ${sizeText(maxBytes)}, the most scratchnet reads`);
    if (/not valid gzip data/.test(m)) throw new CliError(`${cmd}: cannot read ${path}: the gzip data is truncated or corrupt`);
    throw new CliError(`${cmd}: cannot read ${path}: ${bare(e)}`);
  }
}

/**
 * A file's text (gzip'd files are decompressed), or a one-line CliError.
 *
 * @internal
 * @example
 * ```ts
 * const text = await readText(defaultIO(), 'iris.csv.gz', 'train'); // decompressed
 * await readText(defaultIO(), 'no-such.csv', 'train'); // throws 'train: cannot read no-such.csv: no such file'
 * ```
 */
export async function readText(io: CliIO, path: string, cmd: string): Promise<string> {
  const data = await readBytes(io, path, cmd);
  return new TextDecoder('utf-8').decode(isGzip(data) ? await inflate(data, path, cmd, io.maxFileBytes) : data);
}

/**
 * A file's bytes (as they are: no gzip), at most `io.maxFileBytes`, or a one-line CliError.
 *
 * @internal
 * @example
 * ```ts
 * const bytes = await readBytes(io, 'model.onnx', 'import');
 * ```
 */
export async function readBytes(io: CliIO, path: string, cmd: string): Promise<Uint8Array> {
  let data: Uint8Array | string;
  try {
    data = await io.readFile(path, io.maxFileBytes);
  } catch (e) {
    throw fileError(e, 'read', path, cmd, io.maxFileBytes);
  }
  return typeof data === 'string' ? new TextEncoder().encode(data) : data;
}

/**
 * Where a file is replaced: the file a symbolic link points to, or null for an existing device,
 * pipe or socket (written in place: renaming over /dev/null would replace it); also the mode of
 * the file it replaces.
 */
async function replaced(path: string): Promise<{ target: string; mode?: number } | null> {
  let target = path;
  try {
    if ((await lstat(path)).isSymbolicLink()) target = await realpath(path);
    const st = await stat(target);
    if (st.isDirectory()) return { target }; // the rename fails: "it is a directory"
    return st.isFile() ? { target, mode: st.mode & 0o7777 } : null;
  } catch {
    return { target }; // a new file (or a dangling link: replaced by the file)
  }
}

/**
 * Write files whole, or throw a one-line CliError and leave them as they were: each is written
 * to a temporary file beside it (`.<name>.<pid>.<random>.tmp`), then, once all are written, each
 * is renamed over its target in the order given; a failure removes the temporary files left.
 *
 * @internal
 * @example
 * ```ts
 * // both written before either is renamed: a failed write leaves the old pair
 * const { modelJson, weights } = net.toTfjs();
 * await writeFiles(defaultIO(), [['weights.bin', weights], ['exported.json', JSON.stringify(modelJson)]], 'export');
 * ```
 */
export async function writeFiles(io: CliIO, files: readonly (readonly [string, string | Uint8Array])[], cmd: string): Promise<void> {
  const temps: { temp: string; target: string; path: string }[] = [];
  let path = '';
  try {
    for (const [p, data] of files) {
      path = p;
      const where = await replaced(p);
      if (!where) {
        await io.writeFile(p, data);
        continue;
      }
      const temp = join(dirname(where.target), `.${basename(where.target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push({ temp, target: where.target, path: p });
      await io.writeFile(temp, data);
      if (where.mode !== undefined) await chmod(temp, where.mode).catch(() => undefined);
    }
    while (temps.length) {
      const { temp, target, path: p } = temps[0]!;
      path = p;
      await io.rename(temp, target);
      temps.shift();
    }
  } catch (e) {
    await Promise.all(temps.map(({ temp }) => io.remove(temp).catch(() => undefined)));
    throw fileError(e, 'write', path, cmd);
  }
}

/**
 * Write a file whole ({@link writeFiles}), or throw a one-line CliError and leave it as it was.
 *
 * @internal
 * @example
 * ```ts
 * await writeText(defaultIO(), 'out.json', JSON.stringify({ ok: true }), 'train');
 * await writeText(defaultIO(), 'no/such/dir.json', '{}', 'train'); // throws 'train: cannot write no/such/dir.json: no such directory'
 * ```
 */
export const writeText = (io: CliIO, path: string, text: string | Uint8Array, cmd: string): Promise<void> =>
  writeFiles(io, [[path, text]], cmd);

/**
 * The package's version (from package.json, two folders up from src/cli and dist/cli).
 *
 * @internal
 * @example
 * ```ts
 * version(); // e.g. '0.1.0', package.json's "version"
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
