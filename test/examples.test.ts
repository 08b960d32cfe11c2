// Every JSDoc `@example` in src/**/*.ts (but *.generated.ts) runs here, and so does the README's
// first example, whose printed lines must be the ones the README shows.
//
// An example is the ```ts block after an `@example` tag. esbuild strips its TypeScript and it runs
// as the body of an async function (top-level `await` works), in this process, in file order.
// Imports: 'scratchnet' (and 'scratchnet/browser') is src/index.ts; a relative one ('./io.js', in
// an internal module's example) is the source file next to the documented one; the rest
// ('node:fs', ...) are real, so an import the package's `exports` blocks fails. Besides what it
// imports or declares itself, an example sees:
//   - the public API (every export of src/index.ts): an example without an import line reads as
//     if it began with `import { ... } from 'scratchnet'`;
//   - the exports of the file it documents, so an internal helper's example can call the helper;
//   - this prelude, fresh for each example (its own declarations shadow these names):
//       X, y    the chapter's XOR data, number[][] (4x2 and 4x1)
//       net     the chapter's network, new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 })
//       layer   new Layer(2, 1, new Sigmoid())
//       io      a CliIO on the real file system whose stdout and stderr are collected
//   - a backend initialised by `await init()`;
//   - a temporary working folder holding the files examples name: iris.csv and digits.csv.gz
//     (test/fixtures), iris.csv.gz, new.csv (iris' four feature columns), model.json
//     (`scratchnet train iris.csv --epochs 5`), and an iris-shaped [4, 8, 3] network saved as
//     mlp.onnx and as a TF.js web model (web_model/model.json, web_model/group1-shard1of1.bin).
// Console and stdout output is collected, not printed.
//
// Result comments are checked (test/support/examples.ts, `instrument`), on a line that starts a
// statement:
//   expr; // value               expr equals the literal: numbers to float32 precision (1e-6
//                                relative), `≈ value` within 0.05, `Float32Array [...]` checks the
//                                type too; text after the literal (`, ...`, ` (...)`, `: ...`) is prose
//   const name = expr; // value  the same for `name`
//   stmt; // throws '...'        stmt throws an Error whose message contains the quoted text
//   stmt; // Error: message      the same, the message up to a trailing `...`
// A comment that is no literal (`// e.g. 'simd'`, `// 4x1`) checks nothing: the example still has
// to run without throwing.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as api from '../src/index.js';
import { main, type CliIO } from '../src/cli/main.js';
import { defaultIO } from '../src/cli/io.js';
import {
  capture, check, checkThrows, compile, evaluate, extractExamples, firstMarkdownExample, instrument, readUtf8,
  type Example,
} from './support/examples.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return name.endsWith('.ts') && !name.endsWith('.generated.ts') ? [path] : [];
    });
}

const files = sources(join(root, 'src')).map((path) => relative(root, path).split('\\').join('/'));
const examples = new Map(files.map((file) => [file, extractExamples(file, readUtf8(join(root, file)))] as const));
const all = [...examples.values()].flat();

/** The prelude's names, fresh for each example (see the header). */
function prelude(): Record<string, unknown> {
  const out: string[] = [];
  const io: CliIO = {
    ...defaultIO(),
    stdout: { write: (s: string) => void out.push(s), isTTY: false },
    stderr: { write: (s: string) => void out.push(s) },
  };
  return {
    X: [[0, 0], [0, 1], [1, 0], [1, 1]],
    y: [[0], [1], [1], [0]],
    net: new api.NeuralNetwork([2, 4, 1], [new api.ReLU(), new api.Sigmoid()], { seed: 42 }),
    layer: new api.Layer(2, 1, new api.Sigmoid()),
    io,
  };
}

const imports: Record<string, () => Promise<unknown>> = {
  scratchnet: async () => api,
  'scratchnet/browser': async () => api,
};

/** Runs one example; returns how many result comments it checked. */
async function run(example: Example, own: Record<string, unknown>): Promise<{ checks: number; output: string[] }> {
  const where = `${example.file}:${example.line}`;
  const { code, checks } = instrument(example.lines);
  const js = await compile(code, where);
  const names = prelude();
  const scope: Record<string, unknown> = {
    ...api,
    ...own,
    ...names,
    __import: (from: string) =>
      from.startsWith('.')
        ? import(/* @vite-ignore */ resolve(dirname(join(root, example.file)), from.replace(/\.js$/, '.ts')))
        : (imports[from] ?? (() => import(/* @vite-ignore */ from)))(),
    __check: (i: number, actual: unknown) => {
      check(where, checks[i]!, actual);
      return actual;
    },
    __throws: (i: number, f: () => Promise<void>) => checkThrows(where, checks[i]!, f),
  };
  try {
    const output = await capture(() => evaluate(js, scope));
    return { checks: checks.length, output };
  } catch (e) {
    if (e instanceof Error) e.message = `${e.message.startsWith(where) ? '' : `${where}: `}${e.message}\n--- the example (as run) ---\n${js}`;
    throw e;
  } finally {
    (names.net as api.NeuralNetwork).dispose();
    (names.layer as api.Layer).dispose();
  }
}

let cwd = '';
let work = '';
beforeAll(async () => {
  await api.init();
  work = mkdtempSync(join(tmpdir(), 'scratchnet-examples-'));
  const fixture = (name: string): string => join(root, 'test', 'fixtures', name);
  copyFileSync(fixture('iris.csv'), join(work, 'iris.csv'));
  copyFileSync(fixture('digits.csv.gz'), join(work, 'digits.csv.gz'));
  const iris = readUtf8(fixture('iris.csv'));
  writeFileSync(join(work, 'iris.csv.gz'), gzipSync(iris));
  const rows = iris.trimEnd().split('\n').slice(1);
  writeFileSync(join(work, 'new.csv'), rows.map((r) => r.split(',').slice(0, 4).join(',')).join('\n') + '\n');
  cwd = process.cwd();
  process.chdir(work);
  // an iris-shaped network (4 inputs, 3 classes) saved as ONNX and as a TF.js web model
  const iris4 = new api.NeuralNetwork([4, 8, 3], [new api.ReLU(), new api.Softmax()], { seed: 1 });
  writeFileSync('mlp.onnx', iris4.toONNX());
  const { modelJson, weights } = iris4.toTfjs();
  iris4.dispose();
  mkdirSync('web_model');
  modelJson.weightsManifest[0]!.paths = ['group1-shard1of1.bin'];
  writeFileSync('web_model/model.json', JSON.stringify(modelJson));
  writeFileSync('web_model/group1-shard1of1.bin', weights);
  const quiet = { write: () => true };
  const code = await main(['train', 'iris.csv', '--epochs', '5', '--out', 'model.json'], { stdout: quiet, stderr: quiet });
  expect(code).toBe(0);
});
afterAll(() => {
  if (cwd) process.chdir(cwd);
  if (work) rmSync(work, { recursive: true, force: true });
});

const tally = { examples: 0, ran: 0, checked: 0, checks: 0 };

test('the examples are found', () => {
  // a floor, not a count: adding examples must not break this
  expect(all.length).toBeGreaterThan(200);
  tally.examples = all.length;
});

for (const [file, list] of examples) {
  if (list.length === 0) continue;
  describe(file, () => {
    let own: Record<string, unknown> = {};
    beforeAll(async () => {
      own = { ...((await import(/* @vite-ignore */ join(root, file))) as Record<string, unknown>) };
    });
    for (const example of list) {
      test(`@example at line ${example.line}`, async () => {
        const { checks } = await run(example, own);
        tally.ran++;
        if (checks > 0) tally.checked++;
        tally.checks += checks;
      });
    }
  });
}

describe('README.md', () => {
  test('the first example prints what the README shows', async () => {
    const { example, output } = firstMarkdownExample('README.md', readUtf8(join(root, 'README.md')));
    const result = await run(example, {});
    expect(result.output).toEqual(output);
  });
});

afterAll(() => {
  if (process.env.EXAMPLES_TALLY) {
    process.stderr.write(`examples: ${tally.examples} found, ${tally.ran} ran, ${tally.checked} with checked results (${tally.checks} checks)\n`);
  }
});

describe('the checker itself', () => {
  const runLines = (lines: string[]) => run({ file: 'src/index.ts', line: 0, lines }, {});
  test('a result comment that is wrong fails the example', async () => {
    await expect(runLines(['matmul([[1, 2]], [[3], [4]]).toArray(); // [[11]]'])).resolves.toMatchObject({ checks: 1 });
    await expect(runLines(['matmul([[1, 2]], [[3], [4]]).toArray(); // [[12]]'])).rejects.toThrow('the comment says // [[12]]');
    await expect(runLines(['new Float64Array([1]); // Float32Array [1]'])).rejects.toThrow('Float32Array');
  });
  test('a `// throws` comment fails when nothing throws, or the message differs', async () => {
    await expect(runLines(["Matrix.from([[1]]).get(5, 0); // throws 'Matrix.get'"])).resolves.toMatchObject({ checks: 1 });
    await expect(runLines(['Matrix.from([[1]]).get(0, 0); // throws'])).rejects.toThrow('did not throw');
    await expect(runLines(["Matrix.from([[1]]).get(5, 0); // throws 'no such words'"])).rejects.toThrow('no such words');
  });
  test('`const name = expr; // value` checks name; comments that state no literal check nothing', async () => {
    await expect(runLines(['const m = Matrix.zeros(1, 2).toArray(); // [[0, 0]]'])).resolves.toMatchObject({ checks: 1 });
    await expect(runLines(['const m = Matrix.zeros(1, 2).toArray(); // [[0, 5]]'])).rejects.toThrow('the comment says');
    await expect(
      runLines(["backendInfo().build; // e.g. 'simd'", 'const [row] = Matrix.zeros(1, 1).toArray(); // [[5]]', 'Matrix.zeros(4, 1); // 4x1']),
    ).resolves.toMatchObject({ checks: 0 });
  });
});
