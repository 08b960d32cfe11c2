// Shared by the CLI tests (test/cli/*.test.ts): `scratchnet ...args` in-process with fake
// stdout/stderr, the one-line-error check, and the CSV files the tests read (in a temp dir).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { init } from '../../src/index.js';
import { main, type CliIO, type ModelFile } from '../../src/cli/main.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => join(root, 'test', 'fixtures', name);
export const IRIS = fixture('iris.csv');
export const CANCER = fixture('breast_cancer.csv');
export const pkgVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `scratchnet ...args`, in-process; `io` replaces parts of the real files (a failing writeFile, a smaller limit). */
export async function run(args: string[], options: { tty?: boolean; io?: Partial<CliIO> } = {}): Promise<Run> {
  let stdout = '', stderr = '';
  const code = await main(args, {
    ...options.io,
    stdout: { write: (s: string) => void (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => void (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** An error run: the exit code, and exactly one line on stderr with no stack trace (nor any control character). */
export async function fails(args: string[], code: 1 | 2, io?: Partial<CliIO>): Promise<string> {
  const r = await run(args, { io });
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^scratchnet[ :]/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('unexpected');
  expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  return lines[0]!;
}

export const csvRows = (text: string): string[][] => text.trimEnd().split('\n').map((l) => l.split(','));
export const metric = (text: string, line: string, name: string): number => {
  const m = new RegExp(`^${line}.*\\b${name} ([0-9.e+-]+)`, 'm').exec(text);
  if (!m) throw new Error(`no ${name} on a "${line}" line in:\n${text}`);
  return Number(m[1]);
};
export const readModel = async (path: string): Promise<ModelFile> => JSON.parse(await readFile(path, 'utf8')) as ModelFile;

/** A temp dir holding the tests' CSV files; returns it and `tmp(name)`. */
async function makeFixtures(): Promise<{ dir: string; tmp: (name: string) => string }> {
  const dir = await mkdtemp(join(tmpdir(), 'scratchnet-cli-'));
  const tmp = (name: string): string => join(dir, name);
  // regression: y = 3·x1 − 2·x2 + x1·x2 + 10 (+ small noise), 300 rows, a header of names
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
  const lines = ['x1,x2,y'];
  for (let i = 0; i < 300; i++) {
    const x1 = rand(), x2 = rand();
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${(3 * x1 - 2 * x2 + x1 * x2 + 10 + rand() * 0.05).toFixed(4)}`);
  }
  await writeFile(tmp('reg.csv'), lines.join('\n') + '\n');
  await writeFile(tmp('reg-features.csv'), lines.map((l) => l.split(',').slice(0, 2).join(',')).join('\n') + '\n');
  // iris with column names and text labels (quoted, with a space), and its columns reordered
  const iris = csvRows(readFileSync(IRIS, 'utf8')).slice(1);
  const names = ['Iris setosa', 'Iris versicolor', 'Iris virginica'];
  await writeFile(
    tmp('named.csv'),
    ['sepal length,sepal width,petal length,petal width,species', ...iris.map((r) => `${r.slice(0, 4).join(',')},"${names[Number(r[4])]}"`)].join('\n'),
  );
  await writeFile(
    tmp('reordered.csv'),
    ['species,petal width,petal length,sepal width,sepal length', ...iris.map((r) => `${names[Number(r[4])]},${r.slice(0, 4).reverse().join(',')}`)].join('\n'),
  );
  await writeFile(tmp('iris-features.csv'), iris.map((r) => r.slice(0, 4).join(',')).join('\n'));
  await writeFile(tmp('iris-noheader.csv'), iris.map((r) => r.join(',')).join('\n'));
  await writeFile(tmp('same.csv'), '1,2,0\n3,4,0\n5,6,0\n');
  await writeFile(tmp('three.csv'), iris.slice(0, 5).map((r) => r.slice(0, 3).join(',')).join('\n'));
  await writeFile(tmp('bad.csv'), 'a,b,label\n1,2,0\n3,oops,1\n4,5,0\n');
  await writeFile(tmp('ragged.csv'), '1,2,0\n3,4,1\n5,1\n');
  await writeFile(tmp('semicolons.csv'), '1;2;0\n3;4;1\n');
  await writeFile(tmp('empty.csv'), '\n\n');
  await writeFile(tmp('floats.csv'), 'a,b\n1,0.5\n2,1.5\n3,2.25\n4,3.125\n');
  return { dir, tmp };
}

/**
 * A test file's temp dir of CSV files: made (after `init()`) before its tests, removed after.
 * `fx.dir` is set once the tests run; `fx.tmp(name)` is a path in it.
 */
export function useFixtures(): { dir: string; tmp: (name: string) => string } {
  const fx = { dir: '', tmp: (name: string): string => join(fx.dir, name) };
  beforeAll(async () => {
    await init();
    fx.dir = (await makeFixtures()).dir;
  });
  afterAll(async () => {
    if (fx.dir) await rm(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
