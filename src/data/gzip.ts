/**
 * gzip, in Node and in browsers, streamed with a cap on the output: `DecompressionStream('gzip')`
 * where the platform has it (browsers, Deno, Node 18+), else `node:zlib` (loaded on demand, so
 * this module has no Node imports). A small file cannot inflate into gigabytes of memory: the
 * stream stops with an Error as soon as the output passes `maxBytes`.
 *
 * @module
 */
import { describe, readOptions } from '../core/validate.js';
import { isNode } from '../backend/platform.js';

/**
 * The default cap on what {@link gunzip} and `loadIdx` inflate: 512 MiB (MNIST's largest file
 * inflates to 47 MB).
 *
 * @example
 * ```ts
 * import { GUNZIP_MAX_BYTES } from 'scratchnet';
 * GUNZIP_MAX_BYTES; // 536870912
 * ```
 */
export const GUNZIP_MAX_BYTES = 512 * 2 ** 20;

/** The largest `maxBytes` accepted: 2 GiB, the most one Uint8Array holds in every engine. */
const MAX_BYTES_LIMIT = 2 ** 31;

/**
 * Options of {@link gunzip} (and of `loadIdx`).
 *
 * @example
 * ```ts
 * import { gunzip, type GunzipOptions } from 'scratchnet';
 * const options: GunzipOptions = { maxBytes: 64 * 2 ** 20 }; // refuse more than 64 MiB
 * ```
 */
export interface GunzipOptions {
  /**
   * The most bytes the inflated data may have (default {@link GUNZIP_MAX_BYTES}, 512 MiB; at most
   * 2 GiB). Decompression stops with an Error as soon as the output passes it.
   */
  maxBytes?: number;
}

/**
 * Bytes as a Uint8Array (an ArrayBuffer or any typed-array view is accepted; no copy).
 *
 * @example
 * ```ts
 * toBytes(new Uint16Array([1]), 'parseIdx'); // Uint8Array [1, 0] (little-endian hosts)
 * ```
 */
export function toBytes(bytes: unknown, op: string): Uint8Array {
  try {
    if (bytes instanceof Uint8Array) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
    if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    // a view of a detached buffer, a Proxy, or a subclass whose getters throw
    throw new Error(`${op}: bytes cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  throw new Error(`${op}: bytes must be a Uint8Array or an ArrayBuffer, got ${describe(bytes)}`);
}

/**
 * `options.maxBytes`, checked.
 *
 * @example
 * ```ts
 * maxBytesOption('gunzip', {}); // 536870912
 * ```
 */
export function maxBytesOption(op: string, options: unknown): number {
  const v: unknown = readOptions(op, options, ['maxBytes']).maxBytes;
  if (v === undefined) return GUNZIP_MAX_BYTES;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_BYTES_LIMIT) {
    throw new Error(`${op}: options.maxBytes must be an integer from 1 to ${MAX_BYTES_LIMIT} (2 GiB), got ${describe(v)}`);
  }
  return v;
}

/**
 * Whether bytes start with the gzip magic number `1f 8b`.
 *
 * @example
 * ```ts
 * import { isGzip } from 'scratchnet';
 * isGzip(new Uint8Array([0x1f, 0x8b, 8, 0])); // true
 * isGzip(new TextEncoder().encode('1,2,3'));  // false
 * ```
 */
export function isGzip(bytes: Uint8Array | ArrayBuffer): boolean {
  const b = toBytes(bytes, 'isGzip');
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

interface NodeGunzip extends AsyncIterable<Uint8Array> {
  end(chunk: Uint8Array): void;
  destroy(): void;
}
interface NodeZlib {
  createGunzip(): NodeGunzip;
}

/** Compressed bytes fed to a DecompressionStream per pull: at most ~16 MiB of output each. */
const SLICE = 16 * 1024;

/**
 * Inflate gzip `input`, handing each piece of output to `sink` as it comes (a sink that throws
 * stops the decompression: the stream is cancelled and its error passes through). Corrupt data
 * is an Error `<op>: the N bytes are not valid gzip data (...)`.
 *
 * @example
 * ```ts
 * import { gzipSync } from 'node:zlib';
 * let n = 0;
 * await inflate('gunzip', gzipSync(new Uint8Array(100_000)), (chunk) => { n += chunk.length; });
 * n; // 100000
 * ```
 */
export async function inflate(op: string, input: Uint8Array, sink: (chunk: Uint8Array) => void): Promise<void> {
  if (!isGzip(input)) {
    const head = Array.from(input.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${op}: not gzip data: it starts with ${head ? `bytes ${head}` : 'nothing (0 bytes)'}, gzip starts with 1f 8b`);
  }
  const invalid = (e: unknown): Error =>
    new Error(`${op}: the ${input.length} bytes are not valid gzip data (${e instanceof Error ? e.message : String(e)})`);
  const data = input.slice(); // the caller may change its bytes while we await
  let next: () => Promise<IteratorResult<Uint8Array>>;
  let stop: () => Promise<void>;
  const DS = (globalThis as { DecompressionStream?: typeof DecompressionStream }).DecompressionStream;
  try {
    if (typeof DS === 'function') {
      let at = 0;
      // pulled in slices, so the decompressor never holds much more output than we read
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= data.length) controller.close();
          else {
            controller.enqueue(data.subarray(at, at + SLICE));
            at += SLICE;
          }
        },
      });
      const reader = source.pipeThrough(new DS('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
      next = () => reader.read() as Promise<IteratorResult<Uint8Array>>;
      stop = () => reader.cancel().catch(() => undefined);
    } else if (typeof SCRATCHNET_BROWSER === 'undefined' && isNode) {
      const zlib = (await import('node:zlib')) as NodeZlib;
      const gz = zlib.createGunzip();
      const it = gz[Symbol.asyncIterator]();
      gz.end(data);
      next = () => it.next();
      stop = async () => gz.destroy();
    } else {
      throw new Error('no DecompressionStream');
    }
  } catch (e) {
    throw new Error(`${op}: this platform has neither DecompressionStream nor node:zlib (${e instanceof Error ? e.message : String(e)})`);
  }
  for (;;) {
    let r: IteratorResult<Uint8Array>;
    try {
      r = await next();
    } catch (e) {
      await stop();
      throw invalid(e);
    }
    if (r.done) return;
    try {
      sink(r.value);
    } catch (e) {
      await stop();
      throw e;
    }
  }
}

/**
 * Decompress gzip bytes (see the module notes for where and how), refusing to inflate more than
 * `maxBytes` (default 512 MiB): a decompression bomb stops with an Error after at most
 * `maxBytes` of output, not when memory runs out.
 *
 * @example
 * ```ts
 * import { gunzip, parseCsv } from 'scratchnet';
 * import { readFileSync } from 'node:fs';
 * // digits.csv.gz: scikit-learn's digits (the repository's test/fixtures/digits.csv.gz)
 * const text = new TextDecoder().decode(await gunzip(readFileSync('digits.csv.gz')));
 * const digits = parseCsv(text, { header: false });
 * digits.x.shape; // [1797, 64]
 * await gunzip(readFileSync('digits.csv.gz'), { maxBytes: 1000 }); // throws 'inflate to more than maxBytes = 1000'
 * ```
 */
export async function gunzip(bytes: Uint8Array | ArrayBuffer, options?: GunzipOptions): Promise<Uint8Array> {
  const op = 'gunzip';
  const input = toBytes(bytes, op);
  const maxBytes = maxBytesOption(op, options);
  const chunks: Uint8Array[] = [];
  let total = 0;
  await inflate(op, input, (chunk) => {
    total += chunk.length;
    if (total > maxBytes) {
      throw new Error(
        `${op}: the ${input.length} bytes inflate to more than maxBytes = ${maxBytes}; pass a larger { maxBytes } if the data is trusted`,
      );
    }
    chunks.push(chunk);
  });
  return concat(op, chunks, total);
}

/**
 * The chunks as one Uint8Array (the chunk itself when there is one).
 *
 * @example
 * ```ts
 * concat('gunzip', [new Uint8Array([1]), new Uint8Array([2, 3])], 3); // Uint8Array [1, 2, 3]
 * ```
 */
export function concat(op: string, chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch {
    throw new Error(`${op}: cannot allocate ${total} bytes for the inflated data`);
  }
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
