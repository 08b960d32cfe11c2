// gunzip and loadIdx in a real browser (Debian's Chromium, headless), through the browser bundle:
// Chromium's own DecompressionStream, fed in slices, stops at maxBytes; a gzip'd IDX whose
// header declares too much is refused from the first inflated bytes. `npm test` builds dist/ first.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectErrors, pageSite } from '../support/browser.js';
import { idx } from '../support/data-fixtures.js';

const text = 'scratchnet,'.repeat(5000) + 'ü\n';

const site = pageSite('gzip', async (dir) => {
  await writeFile(join(dir, 'text.gz'), gzipSync(text));
  await writeFile(join(dir, 'bomb.gz'), gzipSync(new Uint8Array(64 * 2 ** 20))); // 64 MiB of zeros: 64 KiB
  const header = idx(0x08, [2 ** 15, 2 ** 15], []); // declares 1 GiB
  const idxBomb = new Uint8Array(header.length + 16 * 2 ** 20);
  idxBomb.set(header);
  await writeFile(join(dir, 'idx-bomb.gz'), gzipSync(idxBomb));
  await writeFile(join(dir, 'idx.gz'), gzipSync(idx(0x0d, [2, 2], [0.5, -1, 2, 4])));
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><title>gzip</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "scratchnet": "/dist/scratchnet.browser.js" } }</script>
<script type="module">
  import { gunzip, loadIdx } from 'scratchnet';
  const bytes = async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer());
  // count what the decompressor hands out
  const Real = DecompressionStream;
  let produced = 0;
  globalThis.DecompressionStream = class {
    constructor(format) {
      const ds = new Real(format);
      this.writable = ds.writable;
      this.readable = ds.readable.pipeThrough(new TransformStream({ transform(c, ctl) { produced += c.length; ctl.enqueue(c); } }));
    }
  };
  const failure = async (f) => {
    produced = 0;
    try { await f(); return { error: null }; } catch (e) { return { name: e.constructor.name, message: e.message, produced }; }
  };
  window.result = {
    text: new TextDecoder().decode(await gunzip(await bytes('text.gz'))),
    bomb: await failure(async () => gunzip(await bytes('bomb.gz'), { maxBytes: 1000000 })),
    idxBomb: await failure(async () => loadIdx(await bytes('idx-bomb.gz'))),
    idx: Array.from((await loadIdx(await bytes('idx.gz'))).data),
    corrupt: await failure(async () => gunzip((await bytes('text.gz')).subarray(0, 40))),
  };
</script>`,
  );
});

describe('gunzip and loadIdx in Chromium', () => {
  it('inflate, and stop bombs early with a named Error', async () => {
    const page = await site.browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}/index.html`);
    await page.waitForFunction(() => 'result' in window, null, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as unknown as { result: unknown }).result)) as {
      text: string; idx: number[];
      bomb: { name: string; message: string; produced: number };
      idxBomb: { name: string; message: string; produced: number };
      corrupt: { name: string; message: string };
    };
    expect(r.text).toBe(text);
    expect(r.idx).toEqual([0.5, -1, 2, 4]);
    expect(r.bomb.name).toBe('Error');
    expect(r.bomb.message).toMatch(/^gunzip: the \d+ bytes inflate to more than maxBytes = 1000000/);
    expect(r.bomb.produced).toBeLessThan(32 * 2 ** 20); // not the 64 MiB
    expect(r.idxBomb.name).toBe('Error');
    expect(r.idxBomb.message).toMatch(/^loadIdx: the IDX header declares dimensions \[32768, 32768\] of ubyte/);
    expect(r.idxBomb.produced).toBeLessThan(8 * 2 ** 20); // not the 16 MiB
    expect(r.corrupt.name).toBe('Error');
    expect(r.corrupt.message).toMatch(/^gunzip: the 40 bytes are not valid gzip data/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
