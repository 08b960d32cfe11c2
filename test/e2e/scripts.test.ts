// The npm scripts the README lists beyond `start` and `test`, run to their end in a quick mode as
// a user would: they call the public API like any other user, so an API change that breaks one
// shows here (the soak passed `yieldEvery`, which only trainAsync takes, to train() after train()
// began refusing unknown options, and stopped at its third workload).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './support/pack.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.concurrent('npm scripts', () => {
  it('npm run soak: every workload runs, memory stays flat, concurrent trainAsync is bit-identical to training alone', async () => {
    const { stdout } = await run('npm', ['run', 'soak', '--', '--steps', '2000'], { cwd: root, timeout: 120_000 });
    const workloads = stdout.match(/^\S.*: [\d,]+ steps in /gm) ?? [];
    expect(workloads.length).toBe(2); // XOR full batch, the shuffled MLP; then the concurrent soak
    expect(stdout.match(/allocated change 0 B/g)?.length).toBe(workloads.length);
    expect(stdout).toMatch(/networks not bit-identical to training alone: 0; allocated change after round 1: 0 B/);
  }, 150_000);

  it('npm run explore: a sweep with few seeds answers the three questions and writes its plots', async () => {
    const out = await mkdtemp(join(tmpdir(), 'scratchnet-explore-'));
    dirs.push(out);
    const { stdout } = await run('npm', ['run', 'explore', '--', '--seeds', '2', '--seeds-2d', '1', '--workers', '1', '--out', out], { cwd: root, timeout: 120_000 });
    for (const n of [1, 2, 3]) expect(stdout).toMatch(new RegExp(`^=== \\(${n}\\) .+ ===$`, 'm')); // the three questions
    const svgs = (await readdir(out)).filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBe(20);
  }, 150_000);

  it('npm run bench starts on this Node (its usage, exit code 0)', async () => {
    const { stderr } = await run('npm', ['run', 'bench', '--', '--help'], { cwd: root, timeout: 60_000 });
    expect(stderr).toMatch(/usage: npm run bench -- \[--only W1,W2,W3,W4,W5\]/);
  }, 90_000);
});
