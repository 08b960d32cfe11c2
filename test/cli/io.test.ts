// What the CLI reads and writes (src/cli/io.ts), through main(): gzip'd files; and the bounds:
// devices and pipes refused (never read forever), files over 256 MiB refused before reading, gzip
// files that inflate past the limit refused (whether their trailer says so or lies), truncated
// ones said to be truncated, each one stderr line. Writes replace a file whole: a write that
// fails (a full disk, a file size limit: injected) leaves the old file, and no temporary file.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultIO, type CliIO } from '../../src/cli/io.js';
import { fails, IRIS, metric, root, run, useFixtures } from './support.js';

const DIGITS = join(root, 'test', 'fixtures', 'digits.csv.gz');

const fx = useFixtures();
const tmp = fx.tmp;

describe('reading files', () => {
  it('a .gz data file is inflated: the same model as from the plain file', async () => {
    await writeFile(tmp('iris.csv.gz'), gzipSync(readFileSync(IRIS)));
    const a = await run(['train', tmp('iris.csv.gz'), '--epochs', '5', '--out', tmp('gz.json')]);
    const b = await run(['train', IRIS, '--epochs', '5', '--out', tmp('plain.json')]);
    expect(a.code, a.stderr).toBe(0);
    expect(metric(a.stdout, 'validation:', 'accuracy')).toBe(metric(b.stdout, 'validation:', 'accuracy'));
    expect(readFileSync(tmp('gz.json'), 'utf8')).toBe(readFileSync(tmp('plain.json'), 'utf8'));
  });

  it('devices and pipes are refused, not read forever', async () => {
    expect(await fails(['train', '/dev/zero'], 1)).toBe('scratchnet train: cannot read /dev/zero: it is not a regular file (a device, a pipe or a socket)');
    execFileSync('mkfifo', [tmp('fifo')]);
    expect(await fails(['train', tmp('fifo')], 1)).toBe(`scratchnet train: cannot read ${tmp('fifo')}: it is not a regular file (a device, a pipe or a socket)`);
    expect(await fails(['predict', '/dev/zero', IRIS], 1)).toContain('cannot read /dev/zero: it is not a regular file');
  });

  it('a file over 256 MiB is refused before it is read (a sparse file: no disk used)', async () => {
    const fh = await open(tmp('huge.csv'), 'w');
    await fh.truncate(300 * 2 ** 20);
    await fh.close();
    expect(await fails(['train', tmp('huge.csv')], 1)).toBe(`scratchnet train: cannot read ${tmp('huge.csv')}: it is larger than 256 MiB, the most scratchnet reads`);
  });

  it('a gzip file that inflates past the limit is refused while inflating, whatever its trailer says (a small limit injected)', async () => {
    const bomb = gzipSync(Buffer.alloc(100_000, 0x31)); // 100 kB of "1111...": about 130 bytes
    const liar = Buffer.from(bomb);
    liar.writeUInt32LE(100, liar.length - 4); // the trailer claims 100 bytes
    await writeFile(tmp('bomb.csv.gz'), bomb);
    await writeFile(tmp('liar.csv.gz'), liar);
    for (const name of ['bomb.csv.gz', 'liar.csv.gz']) {
      expect(await fails(['train', tmp(name)], 1, { maxFileBytes: 10_000 })).toBe(
        `scratchnet train: cannot read ${tmp(name)}: it inflates to more than 10000 bytes, the most scratchnet reads`,
      );
    }
  });

  it('a truncated .gz file is said to be truncated, not too large (its last 4 bytes are no size)', async () => {
    const gz = readFileSync(DIGITS);
    for (const n of [10, 100, 5000, Math.floor(gz.length / 2), gz.length - 4, gz.length - 1]) {
      const file = tmp(`digits-${n}.csv.gz`);
      await writeFile(file, gz.subarray(0, n));
      expect(await fails(['train', file], 1)).toBe(`scratchnet train: cannot read ${file}: the gzip data is truncated or corrupt`);
    }
    // the whole file still reads
    const r = await run(['train', DIGITS, '--no-header', '--epochs', '1', '--quiet', '--out', tmp('digits.json')]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('writing files: a failed write leaves the old file as it was', () => {
  /** A writeFile that writes half of the data, then fails as a full disk or a file size limit does. */
  const failingWrite = (code: string, when: (path: string) => boolean = () => true): Partial<CliIO> => ({
    writeFile: async (path, data) => {
      if (!when(path)) return defaultIO().writeFile(path, data);
      await defaultIO().writeFile(path, data.slice(0, Math.floor(data.length / 2)));
      throw Object.assign(new Error(`${code}: write failed`), { code });
    },
  });
  const temps = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('train --out: the old model file byte for byte, no temporary file left; EFBIG and ENOSPC said as such', async () => {
    const model = tmp('kept.json');
    expect((await run(['train', IRIS, '--epochs', '2', '--quiet', '--out', model])).code).toBe(0);
    const before = readFileSync(model);
    expect(await fails(['train', IRIS, '--epochs', '3', '--quiet', '--out', model], 1, failingWrite('ENOSPC'))).toBe(
      `scratchnet train: cannot write ${model}: no space left on the device`,
    );
    expect(await fails(['train', IRIS, '--epochs', '3', '--quiet', '--out', model], 1, failingWrite('EFBIG'))).toBe(
      `scratchnet train: cannot write ${model}: the file size limit of this process was reached`,
    );
    expect(readFileSync(model).equals(before)).toBe(true);
    expect(temps(fx.dir)).toEqual([]);
    // and without a failure the file is replaced
    expect((await run(['train', IRIS, '--epochs', '3', '--quiet', '--out', model])).code).toBe(0);
    expect(readFileSync(model).equals(before)).toBe(false);
    expect(temps(fx.dir)).toEqual([]);
  });

  it('export --format tfjs: model.json and weights.bin both kept when either write fails', async () => {
    const [a, b, web] = [tmp('tfjs-a.json'), tmp('tfjs-b.json'), tmp('web')];
    expect((await run(['train', IRIS, '--layers', '4', '--epochs', '2', '--quiet', '--out', a])).code).toBe(0);
    expect((await run(['train', IRIS, '--layers', '6', '--epochs', '2', '--quiet', '--out', b])).code).toBe(0);
    expect((await run(['export', a, '--format', 'tfjs', '--quiet', '--out', web])).code).toBe(0);
    const pair = (): Buffer[] => [readFileSync(join(web, 'model.json')), readFileSync(join(web, 'weights.bin'))];
    const before = pair();
    for (const failing of ['.weights.bin.', '.model.json.']) {
      const line = await fails(['export', b, '--format', 'tfjs', '--out', web], 1, failingWrite('ENOSPC', (p) => p.includes(failing)));
      expect(line).toMatch(/^scratchnet export: cannot write .*web\/(weights\.bin|model\.json): no space left on the device$/);
      expect(pair()).toEqual(before);
      expect(temps(web)).toEqual([]);
    }
  });

  it('real failures: a missing folder, a folder as --out; a device is written in place; a link and the mode kept', async () => {
    expect(await fails(['train', IRIS, '--epochs', '1', '--quiet', '--out', tmp('no/such/m.json')], 1)).toBe(`scratchnet train: cannot write ${tmp('no/such/m.json')}: no such directory`);
    mkdirSync(tmp('adir'));
    expect(await fails(['train', IRIS, '--epochs', '1', '--quiet', '--out', tmp('adir')], 1)).toBe(`scratchnet train: cannot write ${tmp('adir')}: it is a directory`);
    expect(temps(fx.dir)).toEqual([]);
    // /dev/null is written to, not replaced by a regular file
    expect((await run(['train', IRIS, '--epochs', '1', '--quiet', '--out', '/dev/null'])).code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    // a symbolic link: the file it points to is replaced, the link stays; the file's mode is kept
    const real = tmp('real.json');
    writeFileSync(real, 'old');
    chmodSync(real, 0o640);
    symlinkSync(real, tmp('link.json'));
    expect((await run(['train', IRIS, '--epochs', '1', '--quiet', '--out', tmp('link.json')])).code).toBe(0);
    expect(lstatSync(tmp('link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toMatch(/^\{"format":"scratchnet-model"/);
    expect(statSync(real).mode & 0o777).toBe(0o640);
  });
});
