// predict's memory (src/nn/arena.ts forwardDetached): up to one block of rows (about 32 MiB of a
// forward pass's buffers, at least 1024 rows) predict runs on the workspace as forward does; a
// larger input runs in blocks of even sizes (never under 512 rows, so each product takes the gemm
// path of the whole one) on temporary forward buffers (no gradient buffers), freed before it
// returns. The network keeps nothing for it (a 2-8-1 network kept 1.9 GB after one
// predict of 10^7 rows), the layers' caches stay those of the last forward, and the results are
// the bits of one pass over all rows (forward) and of predicts of smaller blocks, on 1 and 2
// threads, on the SIMD build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Activation, backendInfo, init, Matrix, NeuralNetwork, RandomState, ReLU, setThreads, shutdown, Sigmoid, Softmax, Tanh,
  type MatrixLike,
} from '../../src/index.js';
import { arenaOf } from '../../src/nn/arena.js';
import { firstDifference } from '../support/errors.js';

beforeAll(async () => {
  await init({ threads: 2, relaxedSimd: false, threadTimeoutMs: 5000 });
});
afterAll(async () => {
  await shutdown();
});

const X4 = [[0, 0], [0, 1], [1, 0], [1, 1]];

/** The most rows predict runs in one block on `net` (on its workspace). */
const oneBlock = (net: NeuralNetwork): number => arenaOf(net).blockRows();

function uniform(rows: number, cols: number, seed: number): Matrix {
  const rng = new RandomState(seed);
  return new Matrix(rows, cols, Float32Array.from({ length: rows * cols }, () => rng.random() * 4 - 2));
}

/** Rows [start, end) of `m`, as a Matrix of their own. */
const rowsOf = (m: Matrix, start: number, end: number) => new Matrix(end - start, m.cols, m.data.slice(start * m.cols, end * m.cols));

/** The predictions of `x`, `step` rows at a time, concatenated. */
function predictInSteps(net: NeuralNetwork, x: Matrix, step: number): Float32Array {
  const out = new Float32Array(x.rows * net.outputSize);
  for (let s = 0; s < x.rows; s += step) out.set(net.predict(rowsOf(x, s, Math.min(x.rows, s + step))).data, s * net.outputSize);
  return out;
}

const caches = (net: NeuralNetwork) =>
  net.layers.map((l) => [l.input, l.activationInput, l.output].map((m) => (m === null ? null : { rows: m.rows, data: Array.from(m.data) })));

describe('predict on more rows than one block', () => {
  it('keeps no memory, leaves the workspace and the caches of the last forward, and computes the bits of forward', () => {
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 1 });
    const most = oneBlock(net);
    expect(most).toBe(419430); // 32 MiB of 20 floats a row
    const big = uniform(2 * most + 3, 2, 1);
    net.forward(X4);
    const seen = caches(net);
    const used = backendInfo().usedBytes, memory = backendInfo().memoryBytes;
    const p = net.predict(big).data;
    expect(p.length).toBe(big.rows);
    expect(backendInfo().usedBytes).toBe(used); // was 164 MB more: a workspace (gradients included) for every row
    // the temporary buffers (one block, 32 MiB) at most: the input is checked block by block in
    // them, not in a copy of its own (which was 6.7 MB more)
    expect(backendInfo().memoryBytes - memory).toBeLessThanOrEqual(33 * 2 ** 20);
    expect(caches(net)).toEqual(seen);
    expect(() => net.backward([[0.1], [0.1], [0.1], [0.1]], 0.1)).not.toThrow(); // the forward pass's caches
    expect(firstDifference(net.forward(big).data, net.predict(big).data)).toBe(-1); // one pass over all rows
    net.dispose();
  });

  it('memory kept after predict is bounded by one block of rows, whatever the input', () => {
    const none = backendInfo().usedBytes;
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 2 });
    const most = oneBlock(net);
    const start = backendInfo().usedBytes;
    net.predict(X4);
    expect(net.layers[0]!.input!.toArray()).toEqual(X4); // up to one block: on the workspace, as forward
    net.predict(uniform(most, 2, 2));
    const kept = backendInfo().usedBytes - start; // the workspace for one block: gradients included
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(100 * 2 ** 20);
    for (const rows of [most + 1, 5 * most + 1]) {
      net.predict(uniform(rows, 2, rows));
      expect(backendInfo().usedBytes - start).toBe(kept);
    }
    net.dispose();
    expect(backendInfo().usedBytes).toBe(none);
  });

  it('bit-identical to predicts of smaller blocks and to forward, on odd row counts around the block size, 1 and 2 threads', async () => {
    const net = new NeuralNetwork([300, 200, 7], [new Tanh(), new Softmax()], { seed: 3, init: 'xavier' });
    const most = oneBlock(net);
    expect(most).toBe(11748); // 32 MiB of 300 + 2·200 + 2·7 floats a row
    const x = uniform(3 * most + 7, 300, 3);
    const byThreads: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      await setThreads(threads);
      expect(backendInfo().threads).toBe(threads);
      const results: Float32Array[] = [];
      for (const rows of [most - 1, most, most + 1, 2 * most - 1, 2 * most + 1, 3 * most + 7]) {
        const part = rows === x.rows ? x : rowsOf(x, 0, rows);
        const p = net.predict(part).data;
        expect(firstDifference(predictInSteps(net, part, 997), p), `${rows} rows, ${threads} threads`).toBe(-1);
        results.push(p);
      }
      expect(firstDifference(net.forward(x).data, results.at(-1)!)).toBe(-1); // one pass over all rows
      byThreads.push(results);
    }
    byThreads[0]!.forEach((p, i) => expect(firstDifference(p, byThreads[1]![i]!)).toBe(-1));
    await setThreads(2);
    net.dispose();
  });

  it('the fewest rows a block has: 1,025 rows of a wide network run as 512 + 513, with the bits of forward, 1 and 2 threads', async () => {
    // 32 MiB holds 1,008 rows of 100 + 2·4100 + 2·10 floats: a block has 1,024 rows; its second
    // layer's products are 4,100 deep (11 blocks of K in the packed gemm)
    const net = new NeuralNetwork([100, 4100, 10], [new ReLU(), new Softmax()], { seed: 7, init: 'he' });
    expect(oneBlock(net)).toBe(1024);
    for (const threads of [1, 2]) {
      await setThreads(threads);
      for (const rows of [1025, 2049, 3 * 1024 + 1]) {
        const x = uniform(rows, 100, rows);
        expect(firstDifference(net.forward(x).data, net.predict(x).data), `${rows} rows, ${threads} threads`).toBe(-1);
      }
    }
    await setThreads(2);
    net.dispose();
  });

  it('784-256-128-10 (the benchmark W5, 10,000 rows: two blocks) gives the bits of forward', () => {
    const net = new NeuralNetwork([784, 256, 128, 10], [new ReLU(), new ReLU(), new Softmax()], { seed: 1, init: 'he' });
    const x = uniform(10001, 784, 5);
    expect(oneBlock(net)).toBe(5336); // 32 MiB of 784 + 2·(256 + 128 + 10) floats a row
    expect(firstDifference(net.forward(x).data, net.predict(x).data)).toBe(-1);
    net.dispose();
  });
});

describe('a predict in blocks that fails changes nothing', () => {
  it('a NaN in the last block: named at its row of the whole input (each block is checked as it is copied in)', () => {
    const net = new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 4 });
    const big = uniform(2 * oneBlock(net) + 1, 2, 4);
    big.data[big.data.length - 1] = NaN;
    net.forward(X4);
    const seen = caches(net), used = backendInfo().usedBytes;
    expect(() => net.predict(big)).toThrow(new RegExp(`^NeuralNetwork\\.predict: input\\[${big.rows - 1}\\]\\[1\\] is NaN, not a finite number$`));
    expect(backendInfo().usedBytes).toBe(used);
    expect(caches(net)).toEqual(seen);
    net.dispose();
  });

  it('a custom activation that throws in the second block: its Error, the memory and caches as they were, the network idle', () => {
    let calls = 0;
    class Halve extends Activation {
      readonly name = 'halve';
      forward(x: MatrixLike): Matrix {
        if (++calls === 2) throw new Error('second block');
        const m = Matrix.from(x);
        return new Matrix(m.rows, m.cols, m.data.map((v) => v / 2));
      }
      backward(x: MatrixLike): Matrix {
        const m = Matrix.from(x);
        return new Matrix(m.rows, m.cols, m.data.fill(0.5));
      }
    }
    const net = new NeuralNetwork([2, 8, 1], [new Halve(), new Sigmoid()], { seed: 5 });
    const big = uniform(oneBlock(net) + 1, 2, 5);
    net.forward(X4);
    calls = 0;
    const seen = caches(net), used = backendInfo().usedBytes;
    expect(() => net.predict(big)).toThrow(/^second block$/);
    expect(calls).toBe(2);
    expect(backendInfo().usedBytes).toBe(used);
    expect(caches(net)).toEqual(seen);
    expect(() => net.backward([[1], [1], [1], [1]], 0.1)).not.toThrow(); // idle again
    calls = 10;
    expect(net.predict(big).rows).toBe(big.rows);
    expect(calls).toBe(12); // one call a block
    net.dispose();
  });
});

describe('a network busy training', () => {
  it('predict in blocks from onEpoch runs on temporary buffers: the bits of an idle copy (forward), training unchanged, no memory kept', () => {
    const make = () => new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 6, init: 'he' });
    const Y = [[0], [1], [1], [0]];
    const big = uniform(oneBlock(make()) + 5, 2, 6);
    const control = make();
    control.train(X4, Y, { epochs: 3, learningRate: 0.5, onEpoch: () => undefined });
    const net = make();
    net.forward(X4); // its workspace for the training batch
    const used = backendInfo().usedBytes;
    const mismatches: number[] = [];
    net.train(X4, Y, {
      epochs: 3, learningRate: 0.5,
      onEpoch: () => {
        const p = net.predict(big).data;
        const copy = NeuralNetwork.fromJSON(net.toJSON());
        mismatches.push(firstDifference(copy.forward(big).data, p));
        copy.dispose();
      },
    });
    expect(mismatches).toEqual([-1, -1, -1]);
    expect(net.toJSON().layers).toEqual(control.toJSON().layers);
    expect(backendInfo().usedBytes).toBe(used);
    net.dispose();
    control.dispose();
  });
});
