// A worker's life on the shared memory (src/backend/threads.ts, assembly/threads.ts): it sleeps
// between jobs and wakes for the next one; starting it writes nothing into the shared memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, init, matmul, Matrix, RandomState, setThreads, shutdown } from '../../src/index.js';
import { backend } from '../../src/backend/load.js';
import { ControlField } from '../../src/backend/contract.js';

beforeAll(async () => {
  await init({ threads: 2, threadTimeoutMs: 2000 });
});
afterAll(async () => {
  await shutdown();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function random(rows: number, cols: number, seed: number): Matrix {
  const rng = new RandomState(seed);
  return new Matrix(rows, cols, Float32Array.from({ length: rows * cols }, () => rng.random() - 0.5));
}

describe('workers', () => {
  it('a worker asleep between jobs wakes for each next one (bit-identical to 1 thread)', async () => {
    const A = random(96, 80, 1), B = random(80, 120, 2); // 96·120·80 is above the split threshold
    await setThreads(1);
    const one = Array.from(matmul(A, B).data);
    await setThreads(2);
    const words = backend()._controlWords()!;
    for (let round = 0; round < 3; round++) {
      await pause(30); // thousands of times the spins before a worker sleeps
      // a spurious wake-up finds it asleep on the generation word (it goes back to sleep)
      expect(Atomics.notify(words, ControlField.Generation, 1)).toBe(1);
      await pause(10);
      expect(Array.from(matmul(A, B).data)).toEqual(one);
    }
    expect(backendInfo().threads).toBe(2);
    expect(Atomics.load(words, ControlField.Error)).toBe(0);
  });

  it('starting a worker writes nothing into the shared memory (the static data stays the main thread\'s)', async () => {
    const be = backend();
    const statics = new Uint8Array(be.kernels.memory.buffer, 0, be.kernels.heapBase());
    const saved = statics.slice();
    // what the main thread stored there since instantiation (the gradient step's block is static data)
    statics.fill(0xa5);
    try {
      await setThreads(3); // spawns worker 2: it instantiates the module on this memory
      expect(backendInfo().threads).toBe(3);
      const changed = statics.findIndex((b) => b !== 0xa5);
      expect(changed, `byte ${changed} of the static data was rewritten`).toBe(-1);
    } finally {
      statics.set(saved);
      await setThreads(2);
    }
    const A = random(64, 48, 3), B = random(48, 96, 4);
    const two = Array.from(matmul(A, B).data);
    await setThreads(1);
    expect(Array.from(matmul(A, B).data)).toEqual(two);
  });
});
