// gunzip (src/data/gzip.ts): through DecompressionStream and through node:zlib, corrupt data.
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gunzip, isGzip } from '../../src/data/gzip.js';

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
