// The one-thread SIMD build and its threads build come from one source with the same
// optimisation settings (asconfig.json), so they compute the same bits, and init({ threads: 1 })
// trains what init({ threads: n }) trains. (AssemblyScript's library picks its exp and log by
// shrinkLevel: a table-driven pair, or a compact pair that differs in the last bit now and then.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../src/backend/load.js';
import type { Backend } from '../../src/backend/heap.js';
import { RandomState } from '../../src/index.js';

let one: Backend, two: Backend;
beforeAll(async () => {
  one = await loadBackend('simd', { threads: 1 });
  two = await loadBackend('simd', { threads: 2 });
});
afterAll(async () => {
  await two?.shutdown();
});

const rows = 2000, cols = 10, n = rows * cols;
const rng = new RandomState(7);
const logits = Float32Array.from({ length: n }, () => (rng.random() - 0.5) * 40);
const probabilities = Float32Array.from({ length: n }, () => rng.random());
const targets = Float32Array.from({ length: n }, (_, i) => (i % cols === i % 7 ? 1 : 0));

/** Run `kernel` on `be` with the inputs written to fresh blocks; the output's bits. */
function run(be: Backend, kernel: string, inputs: Float32Array[], out: 'f32' | 'f64', args: number[]): number[] {
  const blocks = inputs.map((x) => {
    const b = be.alloc(x.length * 4, 'test');
    be.write(b.ptr, x);
    return b;
  });
  const o = be.alloc(out === 'f32' ? n * 4 : 8, 'test');
  (be.kernels[kernel] as (...a: number[]) => void)(o.ptr, ...blocks.map((b) => b.ptr), ...args);
  const bits = out === 'f32' ? Array.from(new Uint32Array(be.read(o.ptr, n).buffer)) : [be.readF64(o.ptr)];
  for (const b of [...blocks, o]) be.release(b);
  return bits;
}

describe('builds', () => {
  it('loads the one-thread simd build and its threads build', () => {
    expect([one.threaded, two.threaded]).toEqual([false, true]);
  });

  it.each([
    ['sigmoidForward', [logits], 'f32', [rows, cols, 0]],
    ['tanhForward', [logits], 'f32', [rows, cols, 0]],
    ['softmaxForward', [logits], 'f32', [rows, cols, 0]],
    ['softmaxCrossEntropyLoss', [logits, targets], 'f64', [rows, cols]],
    ['binaryCrossEntropyLoss', [probabilities, targets], 'f64', [n]],
    ['binaryCrossEntropyLogitsLoss', [logits, targets], 'f64', [n]],
  ] as const)('%s: the same bits in both builds', (kernel, inputs, out, args) => {
    expect(run(two, kernel, [...inputs], out, [...args])).toEqual(run(one, kernel, [...inputs], out, [...args]));
  });
});

describe('unpacking the kernels', () => {
  it('needs no Blob.stream(): jsdom\'s Blob (Vitest\'s and Jest\'s jsdom environments) has none', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const root = new URL('../..', import.meta.url).pathname;
    const script = `globalThis.Blob = class Blob { constructor() {} }; // as jsdom's: no stream()
const { init, backendInfo } = await import(${JSON.stringify(`${root}src/index.ts`)});
await init({ threads: 2 });
console.log(JSON.stringify(backendInfo()));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, timeout: 60_000 });
    const info = JSON.parse(stdout.trim().split('\n').pop()!) as { build: string; threads: number };
    expect(info.build).not.toBe('scalar');
    expect(info.threads).toBe(2);
  });
});
