// ONNX export and import (src/interop/onnx.ts, NeuralNetwork.toONNX / fromONNX), checked by
// onnxruntime-web, by files PyTorch and the onnx helpers wrote, and by the python3-onnx checker
// where it is installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Activation, backendInfo, init, LeakyReLU, Linear, Matrix, NeuralNetwork, ReLU, Sigmoid, Softmax, Tanh,
} from '../../src/index.js';
import { maxRelDiff, runOnnx, uniform } from './runtimes.js';

const FIX = new URL('../fixtures/interop/', import.meta.url);
const measured: Record<string, number> = {};
const record = (key: string, d: number): number => ((measured[key] = Math.max(measured[key] ?? 0, d)), d);

beforeAll(async () => {
  await init();
});
afterAll(() => {
  console.log('interop ONNX: max relative differences', JSON.stringify(measured));
});

const ACTS: [string, () => Activation][] = [
  ['relu', () => new ReLU()], ['sigmoid', () => new Sigmoid()], ['tanh', () => new Tanh()],
  ['leakyRelu', () => new LeakyReLU(0.07)], ['linear', () => new Linear()], ['softmax', () => new Softmax()],
];

async function checkAgainstOrt(net: NeuralNetwork, rows: number, seed: number, key: string): Promise<void> {
  const x = uniform(rows * net.inputSize, seed);
  const ours = net.predict(new Matrix(rows, net.inputSize, x)).data;
  const bytes = net.toONNX();
  const theirs = await runOnnx(bytes, x, [rows, net.inputSize]);
  expect(record(key, maxRelDiff(ours, theirs))).toBeLessThan(1e-5);
  const back = NeuralNetwork.fromONNX(bytes);
  try {
    expect(back.layerSizes).toEqual(net.layerSizes);
    const { training: _, ...doc } = net.toJSON();
    expect(back.toJSON()).toEqual(doc);
    expect(back.predict(new Matrix(rows, net.inputSize, x)).data).toEqual(ours);
  } finally {
    back.dispose();
  }
}

describe('toONNX runs in onnxruntime-web, fromONNX(toONNX(net)) is exact', () => {
  for (const [name, make] of ACTS) {
    it(`${name} as the hidden and the output activation, sizes 5-7-3`, async () => {
      const net = new NeuralNetwork([5, 7, 3], [make(), make()], { seed: 3, init: 'he' });
      await checkAgainstOrt(net, 9, 1, name);
      net.dispose();
    });
  }

  it('odd sizes: 1-1, 1-3-1 and 13-17-11-7 with mixed activations', async () => {
    for (const [sizes, acts] of [
      [[1, 1], [new Sigmoid()]],
      [[1, 3, 1], [new Tanh(), new Linear()]],
      [[13, 17, 11, 7], [new LeakyReLU(0.2), new ReLU(), new Softmax()]],
    ] as [number[], Activation[]][]) {
      const net = new NeuralNetwork(sizes, acts, { seed: 5, init: 'xavier' });
      await checkAgainstOrt(net, 3, 2, 'odd sizes');
      net.dispose();
    }
  });

  it('784-256-128-10 (relu, relu, softmax), a batch of 32', async () => {
    const net = new NeuralNetwork([784, 256, 128, 10], [new ReLU(), new ReLU(), new Softmax()], { seed: 9, init: 'he' });
    await checkAgainstOrt(net, 32, 3, '784-256-128-10');
    net.dispose();
  });

  it('a trained network, and opsets 11, 13 and 17', async () => {
    const net = new NeuralNetwork([2, 6, 1], [new Tanh(), new Sigmoid()], { seed: 1, init: 'xavier' });
    net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 300, learningRate: 0.5 });
    const x = uniform(8, 4, 0, 1);
    const ours = net.predict(new Matrix(4, 2, x)).data;
    for (const opset of [11, 13, 17]) {
      const theirs = await runOnnx(net.toONNX({ opset }), x, [4, 2]);
      expect(record('opsets 11-17', maxRelDiff(ours, theirs))).toBeLessThan(1e-5);
    }
    net.dispose();
  });

  it('writes the documented graph: IR 7, opset 13, Gemm + activation per layer, raw_data weights', () => {
    const net = new NeuralNetwork([3, 4, 2], [new LeakyReLU(0.01), new Softmax()], { seed: 2 });
    const bytes = net.toONNX();
    const text = new TextDecoder('latin1').decode(bytes);
    expect(bytes[0]).toBe(0x08); // field 1 (ir_version), varint
    expect(bytes[1]).toBe(7);
    for (const s of ['Gemm', 'LeakyRelu', 'Softmax', 'alpha', 'axis', 'input', 'output', 'layer0.weight', 'layer1.bias']) expect(text).toContain(s);
    net.dispose();
  });

  it('refuses what ONNX cannot carry, with named errors', () => {
    class Square extends Activation {
      readonly name = 'square';
      forward(x: Matrix) { return new Matrix(x.rows, x.cols, x.data.map((v) => v * v)); }
      backward(x: Matrix) { return new Matrix(x.rows, x.cols, x.data.map((v) => 2 * v)); }
    }
    const net = new NeuralNetwork([2, 2], [new Square()], { seed: 1 });
    expect(() => net.toONNX()).toThrow(/NeuralNetwork\.toONNX: layer 0 has the custom activation "square".*supported: relu, sigmoid/);
    net.dispose();
    const ok = new NeuralNetwork([2, 2], [new ReLU()], { seed: 1 });
    expect(() => ok.toONNX({ opset: 9 })).toThrow('NeuralNetwork.toONNX: opset must be an integer from 11 to 17, got 9');
    ok.dispose();
    expect(() => ok.toONNX()).toThrow('NeuralNetwork.toONNX: this network was disposed');
  });
});

const hasPythonOnnx = spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
if (hasPythonOnnx) {
  // Registered only where python3-onnx is installed; elsewhere the onnxruntime-web round trips above prove the files.
  it('exported files pass onnx.checker.check_model (full_check) of python3-onnx, opsets 11, 13, 17', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-onnx-'));
    try {
      const net = new NeuralNetwork([4, 6, 5, 3], [new LeakyReLU(0.1), new Tanh(), new Softmax()], { seed: 4 });
      const files = [11, 13, 17].map((opset) => {
        const f = join(dir, `m${opset}.onnx`);
        writeFileSync(f, net.toONNX({ opset }));
        return f;
      });
      net.dispose();
      const script = 'import sys, onnx\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\nprint("ok", len(sys.argv) - 1)';
      expect(execFileSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' }).trim()).toBe('ok 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

describe('fromONNX reads files made by PyTorch and the onnx helpers (outputs stored beside them)', () => {
  for (const name of ['torch-opset11', 'torch-opset13', 'torch-opset17', 'onnx-helper']) {
    it(name, () => {
      const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIX), 'utf8')) as { input: number[][]; output: number[][] };
      const net = NeuralNetwork.fromONNX(readFileSync(new URL(`${name}.onnx`, FIX)));
      expect(record(`fixture ${name}`, maxRelDiff(net.predict(expected.input).data, expected.output.flat()))).toBeLessThan(1e-5);
      net.dispose();
    });
  }

  it('the PyTorch opset 13 file: Linear weights transposed from [out, in], LeakyRelu slope 0.2 kept', () => {
    const net = NeuralNetwork.fromONNX(new Uint8Array(readFileSync(new URL('torch-opset13.onnx', FIX))).buffer);
    expect(net.layerSizes).toEqual([5, 7, 6, 2]);
    expect(net.toJSON().activations).toEqual([{ name: 'tanh' }, { name: 'leakyRelu', slope: 0.2 }, { name: 'sigmoid' }]);
    net.dispose();
  });
});

describe('fromONNX refuses hostile and unsupported files with named errors, memory unchanged', () => {
  const good = (): Uint8Array => {
    const net = new NeuralNetwork([3, 4, 2], [new ReLU(), new Sigmoid()], { seed: 6 });
    const b = net.toONNX();
    net.dispose();
    return b;
  };

  it('every truncation of a valid file', () => {
    const bytes = good();
    const before = backendInfo().usedBytes;
    for (let n = 0; n < bytes.length; n++) {
      expect(() => NeuralNetwork.fromONNX(bytes.subarray(0, n))).toThrow(/^NeuralNetwork\.fromONNX: /);
    }
    expect(backendInfo().usedBytes).toBe(before);
  });

  it('single-byte corruptions: a named Error or a valid network, never a raw trap', () => {
    const bytes = good();
    const before = backendInfo().usedBytes;
    for (let i = 0; i < bytes.length; i++) {
      for (const v of [0x00, 0x7f, 0x80, 0xff]) {
        const bad = bytes.slice();
        bad[i] = v;
        try {
          NeuralNetwork.fromONNX(bad).dispose();
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
          expect((e as Error).constructor).toBe(Error);
          expect((e as Error).message).toMatch(/^NeuralNetwork\.fromONNX: /);
        }
      }
    }
    expect(backendInfo().usedBytes).toBe(before);
  });

  it('not bytes, empty bytes, an overflowing varint', () => {
    expect(() => NeuralNetwork.fromONNX('model.onnx' as never)).toThrow('NeuralNetwork.fromONNX: expected the bytes of an .onnx file (Uint8Array or ArrayBuffer), got "model.onnx"');
    expect(() => NeuralNetwork.fromONNX(new Uint8Array())).toThrow('NeuralNetwork.fromONNX: not an ONNX model (no ir_version in ModelProto; 0 bytes)');
    expect(() => NeuralNetwork.fromONNX(new Uint8Array([0x08, ...Array(11).fill(0xff), 0x01]))).toThrow(/varint longer than 10 bytes/);
    expect(() => NeuralNetwork.fromONNX(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toThrow(/varint > 2\^53/);
    expect(() => NeuralNetwork.fromONNX(new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07]))).toThrow(/truncated protobuf: field 7 needs 2147483647 bytes, 0 left/);
  });
});

describe('fromONNX on random damage (fast-check)', () => {
  it('random bytes, and valid files with several bytes replaced or inserted: a network or a named Error', async () => {
    const fc = (await import('fast-check')).default;
    const net = new NeuralNetwork([3, 5, 2], [new LeakyReLU(0.3), new Softmax()], { seed: 8 });
    const good = net.toONNX();
    net.dispose();
    const before = backendInfo().usedBytes;
    const check = (bytes: Uint8Array): void => {
      try {
        NeuralNetwork.fromONNX(bytes).dispose();
      } catch (e) {
        expect((e as Error).constructor).toBe(Error);
        expect((e as Error).message).toMatch(/^NeuralNetwork\.fromONNX: /);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => check(b)), { numRuns: 300, seed: 1 });
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
      (edits) => {
        let b = Array.from(good);
        for (const [at, v, insert] of edits) {
          if (insert) b.splice(at, 0, v);
          else b[at] = v;
        }
        check(Uint8Array.from(b));
      },
    ), { numRuns: 1000, seed: 2 });
    expect(backendInfo().usedBytes).toBe(before);
  });
});
