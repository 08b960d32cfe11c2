// What the CLI reads (src/cli/io.ts), through main(): gzip'd files; and the bounds: devices and
// pipes refused (never read forever), files over 256 MiB refused before reading, gzip files that
// inflate past 256 MiB refused (whether their trailer says so or lies), each one stderr line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fails, IRIS, metric, run, useFixtures } from './support.js';

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

  it('a gzip file that inflates past 256 MiB: refused by its trailer, or when inflated if the trailer lies', async () => {
    const bomb = gzipSync(Buffer.alloc(257 * 2 ** 20, 0x31), { level: 1 }); // about 1 MB of "1111..."
    await writeFile(tmp('bomb.csv.gz'), bomb);
    const message = `scratchnet train: cannot read ${tmp('bomb.csv.gz')}: it inflates to more than 256 MiB, the most scratchnet reads`;
    expect(await fails(['train', tmp('bomb.csv.gz')], 1)).toBe(message);
    const liar = Buffer.from(bomb);
    liar.writeUInt32LE(100, liar.length - 4); // the trailer claims 100 bytes
    await writeFile(tmp('liar.csv.gz'), liar);
    expect(await fails(['train', tmp('liar.csv.gz')], 1)).toMatch(/^scratchnet train: cannot read .*liar\.csv\.gz: /);
  });
});
