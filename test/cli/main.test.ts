// The scratchnet command's entry point (src/cli/main.ts): help and version, the dispatcher's usage
// errors, --debug, any error as exactly one line; then the built dist/cli/main.js as a child
// process (shebang, train, predict, exit codes, one stderr line for every failure, a device file
// refused instead of read forever).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fails, IRIS, metric, pkgVersion, root, run, useFixtures } from './support.js';

const fx = useFixtures();
const tmp = fx.tmp;

describe('help and version', () => {
  it('--help, -h and help: the commands and examples on stdout, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('scratchnet train <data.csv> [options]');
      expect(r.stdout).toContain('scratchnet predict <model.json> <data.csv> [options]');
      expect(r.stdout).toContain('scratchnet train iris.csv --layers 32,16 --epochs 50 --out model.json');
    }
  });

  it('help train / train --help list every option; help predict / predict --help', async () => {
    const a = await run(['help', 'train']), b = await run(['train', '--help']);
    expect(a.code).toBe(0);
    expect(b).toEqual(a);
    for (const opt of ['--label', '--task', '--layers', '--activation', '--epochs', '--lr', '--optimizer', '--batch-size', '--validation', '--seed', '--init', '--quiet', '--out']) {
      expect(a.stdout).toContain(opt);
    }
    const c = await run(['help', 'predict']), d = await run(['predict', '-h']);
    expect(c.code).toBe(0);
    expect(d).toEqual(c);
    expect(c.stdout).toContain('Usage: scratchnet predict <model.json> <data.csv>');
    expect(c.stdout).toContain('prob_<class>');
  });

  it('no arguments: the help on stderr, exit 2', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage:');
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await run([flag]);
      expect(r).toEqual({ code: 0, stdout: `scratchnet ${pkgVersion}\n`, stderr: '' });
    }
  });
});

describe('the dispatcher', () => {
  it('usage errors: unknown command, help of an unknown command (exit 2)', async () => {
    expect(await fails(['trian', 'x.csv'], 2)).toContain('unknown command "trian"; did you mean train?');
    expect(await fails(['data.csv'], 2)).toContain('did you mean scratchnet train data.csv?');
    expect(await fails(['help', 'fly'], 2)).toContain('help: no command "fly"');
  });

  it('--debug adds the stack trace', async () => {
    const r = await run(['train', tmp('bad.csv'), '--debug']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`scratchnet train: ${tmp('bad.csv')}: line 3, column 2: "oops" is not a number`);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('an error nobody named (a readFile returning garbage) is still one line, exit 1', async () => {
    let stdout = '', stderr = '';
    const code = await main(['train', 'x.csv'], {
      stdout: { write: (s: string) => void (stdout += s) },
      stderr: { write: (s: string) => void (stderr += s) },
      readFile: async () => 42 as unknown as string,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^scratchnet: .+ \(an unexpected error: run again with --debug for the stack trace\)\n$/);
  });
});

describe('the built dist/cli/main.js, as a child process', () => {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const exec = promisify(execFile);
  it.skipIf(!existsSync(cli))('starts with a shebang, prints its version, trains and predicts, exits 1/2 on errors', async () => {
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const v = await exec(process.execPath, [cli, '--version']);
    expect(v.stdout).toBe(`scratchnet ${pkgVersion}\n`);
    const model = tmp('child.json');
    const t = await exec(process.execPath, [cli, 'train', IRIS, '--layers', '16', '--epochs', '100', '--out', model]);
    expect(metric(t.stdout, 'validation:', 'accuracy')).toBeGreaterThanOrEqual(0.9);
    const p = await exec(process.execPath, [cli, 'predict', model, IRIS]);
    expect(p.stdout.split('\n')[0]).toBe('prediction,prob_setosa,prob_versicolor,prob_virginica');
    expect(p.stderr).toMatch(/accuracy 0\.9\d+|accuracy 1\.000/);
    const codeOf = (args: string[]) =>
      exec(process.execPath, [cli, ...args]).then(() => 0, (e: { code: number; stderr: string }) => [e.code, e.stderr] as const);
    const [c1, e1] = (await codeOf(['predict', model, tmp('three.csv')])) as [number, string];
    expect(c1).toBe(1);
    expect(e1).toBe(`scratchnet predict: model expects 4 features, ${tmp('three.csv')} has 3\n`);
    const [c2, e2] = (await codeOf(['train', IRIS, '--bogus'])) as [number, string];
    expect(c2).toBe(2);
    expect(e2).toContain('unknown option --bogus');
  });
});

describe('the child process: every failure is one stderr line and the documented exit code', () => {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const exec = promisify(execFile);
  const failure = (args: string[]) =>
    exec(process.execPath, [cli, ...args], { timeout: 20_000 }).then(
      (r) => ({ code: 0, stderr: r.stderr, killed: false }),
      (e: { code: number; stderr: string; killed: boolean }) => ({ code: e.code, stderr: e.stderr, killed: e.killed }),
    );
  it.skipIf(!existsSync(cli))('/dev/zero, --layers 65536,65536, --epochs 2^53−1, --lr 1e39, huge labels, a missing file', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(tmp('huge.csv'), ['a,y', ...Array.from({ length: 10 }, (_, i) => `${i},${i === 3 ? '-1e300' : i}`)].join('\n'));
    const cases: [string[], number, RegExp][] = [
      [['train', '/dev/zero'], 1, /^scratchnet train: cannot read \/dev\/zero: it is not a regular file/],
      [['train', IRIS, '--layers', '65536,65536'], 2, /makes a network of \d+ parameters/],
      // (dist/ may predate the message that states the range: train.test.ts checks its exact text)
      [['train', IRIS, '--epochs', String(2 ** 53 - 1)], 2, /--epochs must be .*\b1000000, got "9007199254740991"/],
      [['train', IRIS, '--lr', '1e39'], 2, /--lr 1e39 is outside float32's range/],
      [['train', tmp('huge.csv'), '--task', 'regression'], 1, /the label of data row 4 is -1e\+300, beyond float32's range/],
      [['predict', tmp('nope.json'), IRIS], 1, /cannot read .*nope\.json: no such file/],
    ];
    for (const [args, code, message] of cases) {
      const r = await failure(args);
      expect(r.killed, args.join(' ')).toBe(false);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr.split('\n'), r.stderr).toEqual([expect.stringMatching(message), '']);
    }
  });
});
