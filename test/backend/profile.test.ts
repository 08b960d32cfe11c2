// The profile builds (asconfig.json's `profile` and `threads-profile` targets, which `npm run
// bench -- --profile` compiles and loads with _replaceBuild): the shipped kernels with the
// training loop's phases timed (assembly/profile.ts). They must compute exactly what the shipped
// builds compute, and account the loop's time to its phases.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, setThreads, shutdown } from '../../src/index.js';
import { trainRun } from '../support/profile-run.js';
import { backend } from '../../src/backend/load.js';
import { useProfileBuilds } from '../../scripts/lib/profile-builds.js';
import { ProfilePhase } from '../../src/backend/contract.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(`${tmpdir()}/scratchnet-profile-`);

beforeAll(async () => {
  useProfileBuilds(dir);
  await init({ relaxedSimd: false, threads: 2 });
}, 240_000);
afterAll(async () => {
  await shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const phases = () => {
  const k = backend().kernels;
  const t = new Map<ProfilePhase, number>();
  for (let p = 0; p < ProfilePhase.Count; p++) t.set(p, k.profileTime(p));
  return t;
};

describe('profile builds', () => {
  it('compute exactly what the shipped build computes, on 1 and 2 threads', async () => {
    const script = `import { init, setThreads, trainRun } from ${JSON.stringify(`${root}test/support/profile-run.ts`)};
await init({ relaxedSimd: false, threads: 2 });
await setThreads(1);
const one = trainRun();
await setThreads(2);
console.log(JSON.stringify({ one, two: trainRun() }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    const shipped = JSON.parse(stdout.trim().split('\n').at(-1)!) as { one: unknown; two: unknown };
    await setThreads(1);
    expect(trainRun()).toEqual(shipped.one);
    await setThreads(2);
    expect(trainRun()).toEqual(shipped.two);
  });

  it('account the training loop\'s time to its phases; on 2 threads, the waits at barriers', async () => {
    for (const threads of [1, 2]) {
      await setThreads(threads);
      backend().kernels.profileReset();
      const t0 = performance.now();
      trainRun();
      const wall = performance.now() - t0;
      const t = phases();
      for (const p of [ProfilePhase.Gather, ProfilePhase.Forward, ProfilePhase.Loss, ProfilePhase.ActivationBackward,
        ProfilePhase.WeightGradient, ProfilePhase.InputGradient, ProfilePhase.Update]) {
        expect(t.get(p), `${ProfilePhase[p]} on ${threads} threads`).toBeGreaterThan(0);
      }
      const steps = [...t].filter(([p]) => p !== ProfilePhase.Waiting).reduce((s, [, v]) => s + v, 0);
      expect(steps).toBeLessThan(wall);
      // the products dominate: forward and dW together take more time than any other phase. (Not
      // a share of the total: with other test files on the cores, one preempted phase can swell,
      // and "more than half" failed once that way, 6.6 of 14 ms.)
      const products = t.get(ProfilePhase.Forward)! + t.get(ProfilePhase.WeightGradient)!;
      for (const [p, v] of t) {
        if (p !== ProfilePhase.Forward && p !== ProfilePhase.WeightGradient && p !== ProfilePhase.Waiting) expect(products, `${ProfilePhase[p]} on ${threads} threads`).toBeGreaterThan(v);
      }
      if (threads === 1) expect(t.get(ProfilePhase.Waiting)).toBe(0);
      else {
        expect(t.get(ProfilePhase.Waiting)).toBeGreaterThan(0);
        expect(t.get(ProfilePhase.Waiting)).toBeLessThan(steps);
      }
    }
  });

  it('the shipped builds read 0 for every phase (their marks compile to nothing)', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
import { init, NeuralNetwork, ReLU, Softmax } from ${JSON.stringify(`${root}src/index.ts`)};
import { backend } from ${JSON.stringify(`${root}src/backend/load.ts`)};
await init({ threads: 1 });
const net = new NeuralNetwork([8, 8, 2], [new ReLU(), new Softmax()], { seed: 1 });
net.train([[1, 2, 3, 4, 5, 6, 7, 8]], [[1, 0]], { epochs: 5 });
console.log(Array.from({ length: ${ProfilePhase.Count} }, (_, p) => backend().kernels.profileTime(p)).join(','));`], { cwd: root, timeout: 60_000 });
    expect(stdout.trim().split(',').map(Number)).toEqual(new Array(ProfilePhase.Count).fill(0));
  });
});
