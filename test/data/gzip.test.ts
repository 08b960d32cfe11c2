// gunzip (src/data/gzip.ts): through DecompressionStream and through node:zlib, corrupt data,
// decompression bombs stopped at maxBytes.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gunzip, GUNZIP_MAX_BYTES, isGzip } from '../../src/data/gzip.js';
import { countingDecompression } from '../support/data-fixtures.js';
import { namedError } from '../support/named-error.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('gunzip', () => {
  const payload = new TextEncoder().encode('scratchnet,'.repeat(5000) + 'ü\n');

  it('round-trips node:zlib gzip through DecompressionStream', async () => {
    expect(typeof globalThis.DecompressionStream).toBe('function');
    const gz = gzipSync(payload);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(payload)).toBe(false);
    const out = await gunzip(gz);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out).equals(Buffer.from(payload))).toBe(true);
    // an ArrayBuffer, and an offset view into a larger buffer
    const big = new Uint8Array(gz.length + 7);
    big.set(gz, 7);
    expect((await gunzip(big.subarray(7))).length).toBe(payload.length);
    expect((await gunzip(big.slice(7).buffer)).length).toBe(payload.length);
  });

  it('falls back to node:zlib without DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    expect(globalThis.DecompressionStream).toBeUndefined();
    const out = await gunzip(gzipSync(payload));
    expect(Buffer.from(out).equals(Buffer.from(payload))).toBe(true);
    await expect(gunzip(gzipSync(payload).subarray(0, 40))).rejects.toThrow('gunzip: the 40 bytes are not valid gzip data');
  });

  it('rejects data that is not gzip, or is corrupt', async () => {
    await expect(gunzip(payload)).rejects.toThrow('gunzip: not gzip data: it starts with bytes 73 63, gzip starts with 1f 8b');
    await expect(gunzip(new Uint8Array(0))).rejects.toThrow('gunzip: not gzip data: it starts with nothing (0 bytes)');
    const gz = gzipSync(payload);
    await expect(gunzip(gz.subarray(0, gz.length - 20))).rejects.toThrow(/^gunzip: the \d+ bytes are not valid gzip data/);
    await expect(gunzip('abc' as never)).rejects.toThrow('gunzip: bytes must be a Uint8Array or an ArrayBuffer');
  });
});

describe('gunzip: decompression bombs (maxBytes)', () => {
  // 8 MiB of zeros: 8 KiB of gzip
  const bomb = gzipSync(new Uint8Array(8 * 2 ** 20));

  it('stops as soon as the output passes maxBytes, through DecompressionStream', async () => {
    expect(bomb.length).toBeLessThan(16 * 1024);
    const counter = countingDecompression(vi.stubGlobal);
    await namedError(() => gunzip(bomb, { maxBytes: 100_000 }), `gunzip: the ${bomb.length} bytes inflate to more than maxBytes = 100000`);
    // it read a little past the cap, not the 8 MiB
    expect(counter.produced()).toBeGreaterThan(100_000);
    expect(counter.produced()).toBeLessThan(2 * 2 ** 20);
  });

  it('stops as soon as the output passes maxBytes, through node:zlib', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    await namedError(() => gunzip(bomb, { maxBytes: 100_000 }), 'inflate to more than maxBytes = 100000');
  });

  it('accepts output of exactly maxBytes, and the default cap is 512 MiB', async () => {
    const data = new TextEncoder().encode('abc'.repeat(1000));
    expect((await gunzip(gzipSync(data), { maxBytes: 3000 })).length).toBe(3000);
    await namedError(() => gunzip(gzipSync(data), { maxBytes: 2999 }), 'maxBytes = 2999');
    expect(GUNZIP_MAX_BYTES).toBe(512 * 2 ** 20);
    expect((await gunzip(bomb)).length).toBe(8 * 2 ** 20);
  });

  it('rejects a maxBytes that is not an integer from 1 to 2 GiB', async () => {
    const gz = gzipSync(new Uint8Array(10));
    for (const maxBytes of [0, -1, 1.5, NaN, Infinity, 2 ** 31 + 1, '100', null]) {
      await namedError(() => gunzip(gz, { maxBytes } as never), /^gunzip: options\.maxBytes must be an integer from 1 to 2147483648/);
    }
    await namedError(() => gunzip(gz, null as never), 'gunzip: options must be an object like { maxBytes }');
  });

  it('a caller changing its bytes while gunzip awaits does not change the result', async () => {
    const data = new TextEncoder().encode('scratchnet'.repeat(10_000));
    const gz = gzipSync(data);
    const pending = gunzip(gz);
    gz.fill(0);
    expect(Buffer.from(await pending).equals(Buffer.from(data))).toBe(true);
  });
});

describe('gunzip: a typo in the options is an Error, not a silent default', () => {
  it('names the unknown key and the known ones', async () => {
    await namedError(() => gunzip(new Uint8Array([0x1f, 0x8b]), { maxbytes: 1 } as never), 'gunzip: unknown option "maxbytes"; did you mean "maxBytes"? (known: maxBytes)');
  });
});
