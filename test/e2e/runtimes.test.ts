// The runtimes people use, each running the packed tarball installed into a fresh project: Node
// 20, 22 and 24, Bun (JavaScriptCore) and Deno (a package.json project). Each runtime is a real
// binary the npm registry serves (`npx node@22`, `npx bun`, `npx deno`), kept in npm's npx cache
// after the first run. In each: the build init() chose, the chapter's XOR log, a 784-256-128-10
// network trained on 1 and 2 threads (bit-identical), toJSON/fromJSON exact, and the CLI's
// train/predict on a CSV. The runtimes run in parallel. `npm test` builds dist/ first.
import { copyFile, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAPTER_LOG, CHAPTER_PREDICTIONS } from '../support/chapter.js';
import { packAndInstall, root, run } from './support/pack.js';

interface Runtime {
  name: string;
  /** What npx fetches. */
  spec: string;
  /** Arguments that make the runtime print its own binary's path. */
  probe: string[];
  /** Arguments before a script's path (Deno: `run -A`). */
  runArgs: string[];
  /** The build init() must choose: relaxed SIMD needs no flag from V8 12 (Node 22) and in JavaScriptCore. */
  build: 'simd' | 'relaxed';
}

const NODE_PROBE = ['-p', 'process.execPath'];
const RUNTIMES: Runtime[] = [
  { name: 'Node 20', spec: 'node@20', probe: NODE_PROBE, runArgs: [], build: 'simd' },
  { name: 'Node 22', spec: 'node@22', probe: NODE_PROBE, runArgs: [], build: 'relaxed' },
  { name: 'Node 24', spec: 'node@24', probe: NODE_PROBE, runArgs: [], build: 'relaxed' },
  { name: 'Bun', spec: 'bun', probe: ['-e', 'console.log(process.execPath)'], runArgs: [], build: 'relaxed' },
  { name: 'Deno', spec: 'deno', probe: ['eval', 'console.log(Deno.execPath())'], runArgs: ['run', '-A'], build: 'relaxed' },
];

interface CheckResult {
  runtime: string;
  init: { build: string; simd: boolean; relaxedSimd: boolean; threads: number; threadsNote: string | null };
  chapterLog: string[];
  chapterPredictions: string[];
  mnistShaped: { asked: number; threads: number; note: string | null; loss: number[]; digest: string }[];
  roundTrip: { sameDigest: boolean; samePredictions: boolean; sameText: boolean };
  timersDuringTrainAsync: { fires: number; yields: number; ranMs: number };
}

let dir: string;
/** The CLI's script, as the installed package.json's `bin` names it. */
let installedBin: string;
/** Each runtime's binary, fetched (or found in the npx cache) while the tarball is packed. */
const binaries = new Map<string, Promise<string>>();

/** The runtime's own binary: npx resolves (and the first time downloads) the package, the binary prints its path. */
async function fetchRuntime(rt: Runtime): Promise<string> {
  const { stdout } = await run('npx', ['-y', '--prefer-offline', rt.spec, ...rt.probe], { cwd: root, timeout: 280_000 });
  return stdout.trim().split('\n').pop()!;
}

beforeAll(async () => {
  for (const rt of RUNTIMES) {
    const p = fetchRuntime(rt);
    p.catch(() => undefined); // reported by the runtime's own test
    binaries.set(rt.name, p);
  }
  ({ dir } = await packAndInstall('scratchnet-runtimes-'));
  installedBin = (JSON.parse(await readFile(join(dir, 'node_modules/scratchnet/package.json'), 'utf8')) as { bin: { scratchnet: string } }).bin.scratchnet;
  await copyFile(join(root, 'test/e2e/support/runtime-check.mjs'), join(dir, 'check.mjs'));
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent('the packed tarball in each runtime', () => {
  for (const rt of RUNTIMES) {
    it(`${rt.name}: init(), the chapter's XOR log, 784-256-128-10 on 1 and 2 threads, toJSON/fromJSON, the CLI`, async () => {
      const bin = await binaries.get(rt.name)!;
      const exec = (args: string[]) => run(bin, [...rt.runArgs, ...args], { cwd: dir, timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
      const { stdout } = await exec(['check.mjs']);
      const r = JSON.parse(stdout.trim().split('\n').pop()!) as CheckResult;
      expect(r.runtime.startsWith(rt.spec.replace(/@.*/, ''))).toBe(true);
      // the build init() chose by itself, and its threads (every core of this machine)
      expect(r.init).toMatchObject({ build: rt.build, simd: true, relaxedSimd: rt.build === 'relaxed', threadsNote: null });
      expect(r.init.threads).toBe(availableParallelism());
      // the chapter's printed log and predictions (NumPy's numbers)
      expect(r.chapterLog).toEqual(CHAPTER_LOG);
      expect(r.chapterPredictions).toEqual(CHAPTER_PREDICTIONS);
      // 1 and 2 threads: same losses, bit-identical weights
      expect(r.mnistShaped.map((m) => [m.asked, m.threads, m.note])).toEqual([[1, 1, null], [2, 2, null]]);
      expect(r.mnistShaped[1]!.loss).toEqual(r.mnistShaped[0]!.loss);
      expect(r.mnistShaped[1]!.digest).toBe(r.mnistShaped[0]!.digest);
      expect(r.mnistShaped[0]!.loss.at(-1)!).toBeLessThan(r.mnistShaped[0]!.loss[0]!);
      expect(r.roundTrip).toEqual({ sameDigest: true, samePredictions: true, sameText: true });
      // trainAsync yields to timers while its workers run: a due 10 ms timer at most yields apart
      // (Deno's MessageChannel yields starved them: a 10 ms timer waited 1.3 s)
      const timers = r.timersDuringTrainAsync;
      expect(timers.ranMs).toBeGreaterThan(1000);
      expect(timers.yields).toBeGreaterThanOrEqual(10);
      expect(timers.fires).toBeGreaterThanOrEqual(timers.yields / 3);
      // the CLI, run by this runtime
      const cli = join('node_modules/scratchnet', installedBin);
      const csv = join(root, 'test/fixtures/iris.csv');
      const model = `iris-${rt.spec.replace(/\W/g, '')}.json`;
      await exec([cli, 'train', csv, '--layers', '8', '--epochs', '60', '--out', model, '--quiet']);
      const p = await exec([cli, 'predict', model, csv, '--out', `${model}.csv`]);
      expect(`${p.stdout}${p.stderr}`).toMatch(/accuracy 0\.9\d* \(\d+\/150\)/);
      console.log(`${rt.name} (${r.runtime}): build ${r.init.build}, ${r.init.threads} threads by default, weights digest ${r.mnistShaped[0]!.digest}; ` +
        `trainAsync: ${timers.fires} timer turns at ${timers.yields} yields in ${Math.round(timers.ranMs)} ms`);
    }, 300_000);
  }
});

// This repository's own commands, on the Nodes that need no flag for relaxed SIMD and refuse
// Node 20's (`--experimental-wasm-relaxed-simd` is "bad option" there): vitest's workers and
// `npm run bench` pass it only where it is needed (scripts/lib/node-flags.ts). Before, both
// commands stopped at once on Node 22 and 24.
describe.concurrent("the repository's own commands on Node 22 and 24", () => {
  // the outer vitest's variables would make the inner one think it runs inside a test
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  for (const rt of RUNTIMES.filter((r) => r.spec === 'node@22' || r.spec === 'node@24')) {
    it(`${rt.name}: vitest runs the kernel suite on every build, relaxed SIMD included`, async () => {
      const bin = await binaries.get(rt.name)!;
      const { stdout } = await run(bin, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/kernels/gemm.test.ts', '--reporter', 'verbose'], {
        cwd: root, timeout: 120_000, env: { ...env, NO_COLOR: '1' },
      });
      expect(stdout).toMatch(/Tests\s+\d+ passed/);
      expect(stdout).not.toMatch(/failed|skipped/);
      expect(stdout).toMatch(/✓ .*gemm, relaxed build > matches the reference/); // the relaxed build's cases ran
    }, 180_000);

    it(`${rt.name}: npm run bench starts (its usage, exit code 0)`, async () => {
      const bin = await binaries.get(rt.name)!;
      // npm and the script's `node` are this Node: its folder first on PATH
      const path = `${join(bin, '..')}:${env.PATH ?? ''}`;
      const { stderr } = await run('npm', ['run', 'bench', '--', '--help'], { cwd: root, timeout: 120_000, env: { ...env, PATH: path } });
      expect(stderr).toMatch(/usage: npm run bench -- \[--only W1,W2,W3,W4,W5\]/);
      expect(stderr).not.toMatch(/bad option/);
    }, 180_000);
  }
});
