// What the CLI's messages show of files and of the command line (src/cli/errors.ts), through
// main(): a cell or a list from a file is cut short (a line stays a line, not megabytes),
// control bytes never reach the terminal raw, an option given twice is a usage error, every
// command's help lists -h/--help, and the library's option names are the CLI's.
import { writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { fails, IRIS, run, useFixtures } from './support.js';

const fx = useFixtures();
const tmp = fx.tmp;
let model: string;

beforeAll(async () => {
  model = tmp('m.json');
  expect((await run(['train', IRIS, '--epochs', '2', '--quiet', '--out', model])).code).toBe(0);
});

describe('long cells and lists are cut short', () => {
  it('a quoted cell of 5 MB: its first 60 characters, then "…"', async () => {
    await writeFile(tmp('cell.csv'), `a,b,y\n1,"${'x'.repeat(5e6)}",0\n2,3,1\n`);
    expect(await fails(['train', tmp('cell.csv')], 1)).toBe(
      `scratchnet train: ${tmp('cell.csv')}: line 2, column 2: "${'x'.repeat(60)}…" is not a number`);
  });

  it('a header of 100,000 columns and --label nosuch: 20 names, then "… and 99980 more"', async () => {
    const n = 100_000;
    await writeFile(tmp('wide.csv'), `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(n - 1)}1\n`);
    const line = await fails(['train', tmp('wide.csv'), '--label', 'nosuch'], 1);
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`).join(', ');
    expect(line).toBe(`scratchnet train: --label "nosuch": ${tmp('wide.csv')} has no such column; its columns are ${names}, … and 99980 more`);
  });

  it('a long option value and many arguments: cut too', async () => {
    const line = await fails(['train', IRIS, '--optimizer', 'q'.repeat(100_000)], 2);
    expect(line).toBe(`scratchnet train: --optimizer must be one of adam, sgd, momentum, nesterov, rmsprop; got "${'q'.repeat(60)}…"`);
    const many = await fails(['predict', ...Array.from({ length: 1000 }, (_, i) => `f${i}`)], 2);
    expect(many).toMatch(/^scratchnet predict: two files expected \(model, data\), got 1000: f0 f1 .* f19 … and 980 more$/);
  });
});

describe('bytes from files and arguments are escaped, never printed raw', () => {
  it('a "model file" of terminal escape sequences', async () => {
    await writeFile(tmp('esc.json'), '\x1b]0;pwned\x07\x1b[2J');
    const line = await fails(['predict', tmp('esc.json'), IRIS], 1);
    expect(line).toContain('\\u001b]0;pwned\\u0007\\u001b[2J');
  });

  it('a class name in the data, a C1 control in a column name, a path: escaped in messages and progress', async () => {
    await writeFile(tmp('esc.csv'), 'a,b,y\n1,2,"\x1b[31mred"\n3,4,blue\n5,6,blue\n7,8,"\x1b[31mred"\n');
    const r = await run(['train', tmp('esc.csv'), '--validation', '0', '--epochs', '1', '--out', tmp('esc-model.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 classes: \\u001b[31mred (2), blue (2)');
    expect(r.stdout).not.toContain('\x1b');
    await writeFile(tmp('c1.csv'), 'a,b\u009b2J,y\n1,2,0\n3,4,1\n');
    expect(await fails(['train', tmp('c1.csv'), '--label', 'z'], 1)).toContain('its columns are a, b\\u009b2J, y');
    expect(await fails(['train', tmp('a\x1b[2Jb.csv')], 1)).toBe(`scratchnet train: cannot read ${tmp('a\\u001b[2Jb.csv')}: no such file`);
  });
});

describe('the command line', () => {
  it('an option given twice (in any spelling) is a usage error naming it', async () => {
    expect(await fails(['train', IRIS, '--epochs', '5', '--epochs', '6'], 2)).toBe(
      'scratchnet train: --epochs is given more than once; give it once (see scratchnet help train)');
    expect(await fails(['predict', model, IRIS, '-o', tmp('a.csv'), '--out', tmp('b.csv')], 2)).toContain('predict: --out is given more than once');
    expect(await fails(['export', model, '--format', 'onnx', '--format', 'tfjs', '--out', tmp('x')], 2)).toContain('export: --format is given more than once');
    expect(await fails(['import', model, '-q', '--quiet', '--out', tmp('y.json')], 2)).toContain('import: --quiet is given more than once');
  });

  it('every command\'s help lists -h, --help', async () => {
    for (const cmd of ['train', 'predict', 'export', 'import']) {
      const r = await run([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ {2}-h, --help {12}show this help$/m);
    }
  });

  it('predict --label 2 on a file with a scikit-learn header: the CLI\'s --no-header, not the library\'s header: false', async () => {
    const line = await fails(['predict', model, IRIS, '--label', '2'], 1);
    expect(line).toContain('if it is data, pass --no-header)');
    expect(line).not.toContain('header: false');
  });
});
