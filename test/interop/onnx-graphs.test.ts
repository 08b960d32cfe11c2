// fromONNX on hand-built graphs: the import paths the fixtures do not reach (Gemm alpha/beta and
// transB = 0, unpacked float_data, Constant biases, broadcast biases), checked against
// onnxruntime-web running the same bytes; and every refusal (unsupported ops, branches, external
// data, non-float32 tensors, huge shapes) with its named Error and memory unchanged.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Matrix, NeuralNetwork } from '../../src/index.js';
import { expectRejects } from '../support/rejects.js';
import { ProtoWriter } from '../../src/interop/protobuf.js';
import { readOnnxModel, tensorFloats } from '../../src/interop/onnx-read.js';
import { decodeONNX } from '../../src/interop/onnx.js';
import { maxRelDiff, runOnnx, uniform } from './runtimes.js';

beforeAll(async () => {
  await init();
});

type Attr = { name: string; f?: number; i?: number; ints?: number[]; t?: Tensor };
type Node = { op: string; inputs: string[]; outputs: string[]; attrs?: Attr[]; domain?: string };
type Tensor = { name: string; dims: number[]; values?: number[]; dataType?: number; packed?: boolean; raw?: Uint8Array; external?: boolean };

function tensor(w: ProtoWriter, t: Tensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType ?? 1).string(8, t.name);
  if (t.raw) w.bytes(9, t.raw);
  else if (t.packed === false) for (const v of t.values ?? []) w.float(4, v);
  else if (t.values) {
    const b = new Uint8Array(t.values.length * 4);
    t.values.forEach((v, i) => new DataView(b.buffer).setFloat32(i * 4, v, true));
    w.bytes(4, b);
  }
  if (t.external) w.message(13, (kv) => kv.string(1, 'location').string(2, 'weights.bin')).int(14, 1);
}

function valueInfo(w: ProtoWriter, name: string, dims: (number | string)[]): void {
  w.string(1, name).message(2, (ty) => ty.message(1, (tt) => tt.int(1, 1).message(2, (sh) => {
    for (const d of dims) sh.message(1, (dd) => (typeof d === 'number' ? dd.int(1, d) : dd.string(2, d)));
  })));
}

/** An ONNX model from parts, written with scratchnet's own protobuf writer. */
function model(nodes: Node[], inits: Tensor[], inDims: (number | string)[], outDims: (number | string)[], opset = 13): Uint8Array {
  return new ProtoWriter().int(1, 7).message(7, (g) => {
    nodes.forEach((n, k) => g.message(1, (w) => {
      n.inputs.forEach((s) => w.string(1, s));
      n.outputs.forEach((s) => w.string(2, s));
      w.string(3, `n${k}`).string(4, n.op);
      if (n.domain) w.string(7, n.domain);
      for (const a of n.attrs ?? []) {
        w.message(5, (at) => {
          at.string(1, a.name);
          if (a.f !== undefined) at.float(2, a.f).int(20, 1);
          if (a.i !== undefined) at.int(3, a.i).int(20, 2);
          if (a.ints) a.ints.forEach((v) => at.int(8, v)), at.int(20, 7);
          if (a.t) at.message(5, (t) => tensor(t, a.t!)).int(20, 4);
        });
      }
    }));
    g.string(2, 'g');
    inits.forEach((t) => g.message(5, (w) => tensor(w, t)));
    g.message(11, (v) => valueInfo(v, 'x', inDims)).message(12, (v) => valueInfo(v, 'y', outDims));
  }).message(8, (o) => o.int(2, opset)).finish();
}

/** A non-negative integer as protobuf varint bytes. */
const varint = (v: number): number[] => {
  const out: number[] = [];
  for (; v > 127; v = Math.floor(v / 128)) out.push((v % 128) | 128);
  return [...out, v];
};

const vals = (n: number, seed: number): number[] => Array.from(uniform(n, seed, -1, 1));

async function sameAsOrt(bytes: Uint8Array, rows: number, features: number): Promise<NeuralNetwork> {
  const x = uniform(rows * features, 42);
  const net = NeuralNetwork.fromONNX(bytes);
  const theirs = await runOnnx(bytes, x, [rows, features]);
  expect(maxRelDiff(net.predict(new Matrix(rows, features, x)).data, theirs)).toBeLessThan(1e-5);
  return net;
}

describe('fromONNX matches onnxruntime-web on graphs the fixtures do not cover', () => {
  it('Gemm with alpha, beta, transB = 0 and unpacked float_data; a scalar-bias Add (operand first)', async () => {
    const bytes = model([
      { op: 'Gemm', inputs: ['x', 'W', 'C'], outputs: ['g'], attrs: [{ name: 'alpha', f: 0.5 }, { name: 'beta', f: 2 }] },
      { op: 'Add', inputs: ['s', 'g'], outputs: ['a'] },
      { op: 'Tanh', inputs: ['a'], outputs: ['y'] },
    ], [
      { name: 'W', dims: [3, 4], values: vals(12, 1), packed: false },
      { name: 'C', dims: [1, 4], values: vals(4, 2), packed: false },
      { name: 's', dims: [], values: [0.25] },
    ], ['N', 3], ['N', 4]);
    const net = await sameAsOrt(bytes, 5, 3);
    expect(net.layerSizes).toEqual([3, 4]);
    net.dispose();
  });

  it('transB = 1 with a Constant-node bias, MatMul without Add, Softmax axis 1 at opset 11, Identity after the output layer', async () => {
    const bytes = model([
      { op: 'Constant', inputs: [], outputs: ['b'], attrs: [{ name: 'value', t: { name: 'b', dims: [5], values: vals(5, 3) } }] },
      { op: 'Gemm', inputs: ['x', 'Wt', 'b'], outputs: ['g'], attrs: [{ name: 'transB', i: 1 }] },
      { op: 'Relu', inputs: ['g'], outputs: ['r'] },
      { op: 'MatMul', inputs: ['r', 'W2'], outputs: ['m'] },
      { op: 'Softmax', inputs: ['m'], outputs: ['s'], attrs: [{ name: 'axis', i: 1 }] },
      { op: 'Identity', inputs: ['s'], outputs: ['y'] },
    ], [
      { name: 'Wt', dims: [5, 2], values: vals(10, 4) },
      { name: 'W2', dims: [5, 3], values: vals(15, 5) },
    ], ['N', 2], ['N', 3], 11);
    const net = await sameAsOrt(bytes, 4, 2);
    expect(net.toJSON().activations).toEqual([{ name: 'relu' }, { name: 'softmax' }]);
    expect(Array.from(net.layers[1]!.bias.data)).toEqual([0, 0, 0]);
    net.dispose();
  });

  it('two Gemms in a row (the first linear), a LeakyRelu with the ONNX default alpha', async () => {
    const bytes = model([
      { op: 'Gemm', inputs: ['x', 'W1', 'b1'], outputs: ['g1'] },
      { op: 'Gemm', inputs: ['g1', 'W2', 'b2'], outputs: ['g2'] },
      { op: 'LeakyRelu', inputs: ['g2'], outputs: ['y'] },
    ], [
      { name: 'W1', dims: [3, 3], values: vals(9, 6) }, { name: 'b1', dims: [3], values: vals(3, 7) },
      { name: 'W2', dims: [3, 2], values: vals(6, 8) }, { name: 'b2', dims: [2], values: vals(2, 9) },
    ], ['N', 3], ['N', 2]);
    const net = await sameAsOrt(bytes, 6, 3);
    expect(net.toJSON().activations).toEqual([{ name: 'linear' }, { name: 'leakyRelu', slope: 0.01 }]);
    net.dispose();
  });
});

describe('fromONNX folds a Transpose or Identity of a constant (PyTorch\'s unfolded exports)', () => {
  it('Transpose(W) → MatMul (a Linear without bias, exported without constant folding), default perm and perm [1, 0]; Identity of a bias', async () => {
    const bytes = model([
      { op: 'Transpose', inputs: ['W1'], outputs: ['W1t'] },
      { op: 'MatMul', inputs: ['x', 'W1t'], outputs: ['h'] },
      { op: 'Identity', inputs: ['b1'], outputs: ['b1i'] },
      { op: 'Add', inputs: ['h', 'b1i'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['r'] },
      { op: 'Transpose', inputs: ['W2'], outputs: ['W2t'], attrs: [{ name: 'perm', ints: [1, 0] }] },
      { op: 'MatMul', inputs: ['r', 'W2t'], outputs: ['y'] },
    ], [
      { name: 'W1', dims: [5, 3], values: vals(15, 11) }, { name: 'b1', dims: [5], values: vals(5, 12) },
      { name: 'W2', dims: [2, 5], values: vals(10, 13), packed: false },
    ], ['N', 3], ['N', 2]);
    const net = await sameAsOrt(bytes, 6, 3);
    expect(net.layerSizes).toEqual([3, 5, 2]);
    expect(Array.from(net.layers[0]!.weights.data)).toEqual(Array.from({ length: 15 }, (_, k) => Math.fround(vals(15, 11)[(k % 5) * 3 + Math.floor(k / 5)]!)));
    net.dispose();
  });

  const W = { name: 'W', dims: [2, 2], values: [1, 2, 3, 4] };
  it('refuses other permutations and ranks, and many transposed copies of one constant past the parameter limit', () => {
    const W3 = { name: 'W3', dims: [2, 1, 2], values: [1, 2, 3, 4] };
    expectRejects(() => NeuralNetwork.fromONNX(model([
      { op: 'Transpose', inputs: ['W3'], outputs: ['t'], attrs: [{ name: 'perm', ints: [2, 0, 1] }] },
      { op: 'MatMul', inputs: ['x', 't'], outputs: ['y'] },
    ], [W3], ['N', 2], ['N', 2])), /Transpose "n0" \(Transpose\) of "W3" \(shape \[2,1,2\]\) has perm \[2,0,1\]; supported: a 2-dimensional constant, perm \[1, 0\]/);
    // three 50x50 copies against a limit of 5,000 values: the third is refused before it is made
    const limits = { maxLayerSize: 1 << 20, maxParameters: 5000, maxLayers: 1000 };
    const B = { name: 'B', dims: [50, 50], values: vals(2500, 3) };
    const copies = (n: number): Node[] => Array.from({ length: n }, (_, k) => ({ op: 'Transpose', inputs: ['B'], outputs: [`t${k}`] }));
    expect(() => decodeONNX(model([...copies(3), { op: 'MatMul', inputs: ['x', 't0'], outputs: ['y'] }], [B], ['N', 50], ['N', 50]), limits))
      .toThrow(/^NeuralNetwork\.fromONNX: node "n2" \(Transpose\) brings the values of transposed constants to 7500, more than the limit of 5000 parameters$/);
    expect(decodeONNX(model([...copies(1), { op: 'MatMul', inputs: ['x', 't0'], outputs: ['y'] }], [B], ['N', 50], ['N', 50]), limits).layerSizes).toEqual([50, 50]);
    // the identity perm leaves the constant as it is; a node may not redefine a name (ONNX values are named once)
    const I = { name: 'I', dims: [2, 2], values: [1, 2, 3, 4] };
    const same = decodeONNX(model([
      { op: 'Transpose', inputs: ['I'], outputs: ['t'], attrs: [{ name: 'perm', ints: [0, 1] }] },
      { op: 'MatMul', inputs: ['x', 't'], outputs: ['y'] },
    ], [I], ['N', 2], ['N', 2]), limits);
    expect(Array.from(same.layers[0]!.weights)).toEqual([1, 2, 3, 4]);
    expectRejects(() => NeuralNetwork.fromONNX(model([
      { op: 'Transpose', inputs: ['W'], outputs: ['x'] },
      { op: 'MatMul', inputs: ['x', 'x'], outputs: ['y'] },
    ], [W], ['N', 2], ['N', 2])), /node "n0" \(Transpose\) writes "x", a name already defined \(a graph input, an initializer or an earlier node's output\)/);
    // a Transpose of the data itself is no constant: the chain's usual refusal
    expectRejects(() => NeuralNetwork.fromONNX(model([
      { op: 'Transpose', inputs: ['x'], outputs: ['t'] },
      { op: 'MatMul', inputs: ['t', 'W'], outputs: ['y'] },
    ], [W], ['N', 2], ['N', 2])), /unsupported op "Transpose" \(node "n0" \(Transpose\)\)/);
  });
});

describe('fromONNX refusals name the problem and leave memory as it was', () => {
  const W = { name: 'W', dims: [2, 2], values: [1, 2, 3, 4] };
  const cases: [string, Uint8Array, RegExp][] = [
    ['an unsupported op, listing the supported ones', model([{ op: 'Conv', inputs: ['x', 'W'], outputs: ['y'] }], [W], ['N', 2], ['N', 2]),
      /unsupported op "Conv" \(node "n0" \(Conv\)\); supported: Gemm, MatMul, Add, Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Identity, Dropout, a leading Flatten, Constant/],
    ['a branching graph (a residual Add)', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'Add', inputs: ['r', 'x'], outputs: ['y'] },
    ], [W], ['N', 2], ['N', 2]), /node "n2" \(Add\) reads "x" as operand 1, which is not an initializer or Constant \(branching graphs are not supported\)/],
    ['a node off the chain', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
      { op: 'Relu', inputs: ['x'], outputs: ['y'] },
    ], [W], ['N', 2], ['N', 2]), /node "n1" \(Relu\) reads "x", but the chain of layers is at "h"/],
    ['external data', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }], [{ name: 'W', dims: [2, 2], external: true }], ['N', 2], ['N', 2]),
      /tensor "W" keeps its values in external data/],
    ['non-float32 weights', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      [{ name: 'W', dims: [2, 2], dataType: 7, raw: new Uint8Array(32) }], ['N', 2], ['N', 2]), /tensor "W" has data type INT64; supported: FLOAT/],
    ['huge dims with few bytes', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      [{ name: 'W', dims: [2, 1e9], raw: new Uint8Array(16) }], ['N', 2], ['N', 2]), /layer width 1000000000 at position 1 is outside \[1, 1048576\]/],
    ['dims that do not match the bytes', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      [{ name: 'W', dims: [2, 3], raw: new Uint8Array(16) }], ['N', 2], ['N', 3]), /tensor "W" \(raw_data\) has 16 bytes, expected 24/],
    ['a NaN weight', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }], [{ name: 'W', dims: [2, 2], values: [1, NaN, 3, 4] }], ['N', 2], ['N', 2]),
      /tensor "W" \(float_data\)\[1\] is NaN, not a finite float32 number/],
    ['an activation before any layer', model([{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], [], ['N', 2], ['N', 2]), /node "n0" \(Relu\) has no dense layer/],
    ['two activations in a row', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] }, { op: 'Relu', inputs: ['h'], outputs: ['r'] }, { op: 'Sigmoid', inputs: ['r'], outputs: ['y'] },
    ], [W], ['N', 2], ['N', 2]), /node "n2" \(Sigmoid\) has no dense layer \(Gemm or MatMul\) before it/],
    ['Softmax on the batch axis', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] }, { op: 'Softmax', inputs: ['h'], outputs: ['y'], attrs: [{ name: 'axis', i: 0 }] },
    ], [W], ['N', 2], ['N', 2]), /Softmax "n1" \(Softmax\) has axis 0; supported: -1 or 1/],
    ['a custom domain', model([{ op: 'FusedGemm', inputs: ['x', 'W'], outputs: ['y'], domain: 'com.microsoft' }], [W], ['N', 2], ['N', 2]),
      /is in the domain "com.microsoft"/],
    ['an input width that does not match', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }], [W], ['N', 3], ['N', 2]),
      /the input has 3 features per sample, the first layer takes 2/],
    ['a graph with no layer', model([{ op: 'Identity', inputs: ['x'], outputs: ['y'] }], [], ['N', 2], ['N', 2]), /the graph has no dense layer/],
    ['an output that is not the end of the chain', model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] }], [W], ['N', 2], ['N', 2]),
      /the chain of layers ends at "h", but the graph output is "y"/],
    // attributes are checked by the importer (not left for fromJSON to report as a bad slope or bias)
    ['a LeakyRelu alpha of NaN', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] }, { op: 'LeakyRelu', inputs: ['h'], outputs: ['y'], attrs: [{ name: 'alpha', f: NaN }] },
    ], [W], ['N', 2], ['N', 2]), /^NeuralNetwork\.fromONNX: node "n1" \(LeakyRelu\) has the attribute alpha = NaN; it must be a finite number$/],
    ['a LeakyRelu alpha of Infinity', model([
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] }, { op: 'LeakyRelu', inputs: ['h'], outputs: ['y'], attrs: [{ name: 'alpha', f: Infinity }] },
    ], [W], ['N', 2], ['N', 2]), /node "n1" \(LeakyRelu\) has the attribute alpha = Infinity; it must be a finite number/],
    ['a Gemm beta of NaN', model([{ op: 'Gemm', inputs: ['x', 'W', 'C'], outputs: ['y'], attrs: [{ name: 'beta', f: NaN }] }],
      [W, { name: 'C', dims: [2], values: [1, 2] }], ['N', 2], ['N', 2]), /node "n0" \(Gemm\) has the attribute beta = NaN; it must be a finite number/],
    ['a Gemm alpha that overflows a weight', model([{ op: 'Gemm', inputs: ['x', 'W'], outputs: ['y'], attrs: [{ name: 'alpha', f: 1e38 }] }],
      [{ name: 'W', dims: [2, 2], values: [1, 10, 1, 1] }], ['N', 2], ['N', 2]), /node "n0" \(Gemm\): alpha 1e\+38 times the weight 10 overflows float32/],
    ['a Gemm beta that overflows the bias', model([{ op: 'Gemm', inputs: ['x', 'W', 'C'], outputs: ['y'], attrs: [{ name: 'beta', f: 1e38 }] }],
      [W, { name: 'C', dims: [2], values: [1, 10] }], ['N', 2], ['N', 2]), /node "n0" \(Gemm\): beta 1e\+38 times 10 overflows float32 in bias\[1\]/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(expectRejects(() => NeuralNetwork.fromONNX(bytes), message).message).toMatch(/^NeuralNetwork\.fromONNX: /);
    });
  }

  it('a 16 MB packed dims field is refused at its 9th value, without reading the rest', () => {
    // ModelProto { ir_version 7, graph { initializer { dims: 2^24 packed one-byte varints } }, opset 13 }
    const N = 2 ** 24;
    const tensorHead = [0x0a, ...varint(N)]; // field 1, length-delimited
    const graphHead = [0x2a, ...varint(tensorHead.length + N)];
    const head = [0x08, 7, 0x3a, ...varint(graphHead.length + tensorHead.length + N), ...graphHead, ...tensorHead];
    const bytes = new Uint8Array(head.length + N + 4).fill(1);
    bytes.set(head);
    bytes.set([0x42, 2, 0x10, 13], head.length + N);
    expectRejects(() => NeuralNetwork.fromONNX(bytes), /^NeuralNetwork\.fromONNX: more than 8 values in field 1 \(in TensorProto, byte 25\)$/);
  });

  it('a detached ArrayBuffer is a named Error, not a raw TypeError', () => {
    const bytes = model([{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }], [W], ['N', 2], ['N', 2]);
    const buffer = bytes.slice().buffer;
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] }); // detaches the buffer (and the view)
    expectRejects(() => NeuralNetwork.fromONNX(buffer), /^NeuralNetwork\.fromONNX: bytes cannot be read \(.*detached/);
    expectRejects(() => NeuralNetwork.fromONNX(view), /^NeuralNetwork\.fromONNX: /);
  });

  it('float_data split into 100,000 empty runs is refused at the model-wide cap, none stored', () => {
    // a TensorProto of empty packed float_data runs (2 bytes of file each): at 120 MB they aborted Node
    const N = 100_000;
    const tensorHead = [0x42, 1, 0x77, 0x10, 1]; // name "w", data_type FLOAT
    const tensorLen = tensorHead.length + 2 * N;
    const head = [0x08, 7, 0x3a, ...varint(1 + varint(tensorLen).length + tensorLen), 0x2a, ...varint(tensorLen), ...tensorHead];
    const bytes = new Uint8Array(head.length + 2 * N).fill(0).map((_, i) => (i < head.length ? head[i]! : (i - head.length) % 2 ? 0 : 0x22));
    expectRejects(() => NeuralNetwork.fromONNX(bytes), /^NeuralNetwork\.fromONNX: more than 64256 packed float_data runs in the model \(in TensorProto, byte \d+\)$/);
  });

  it('node inputs and attributes are capped over the whole graph, not only per node', () => {
    // 20 nodes of 4,000 one-letter inputs (each node under its own cap), then 5 of 14,000 empty attributes
    const nodes = (count: number, fill: (n: ProtoWriter) => void): Uint8Array =>
      new ProtoWriter().int(1, 7).message(7, (g) => {
        for (let k = 0; k < count; k++) g.message(1, fill);
      }).message(8, (o) => o.int(2, 13)).finish();
    expectRejects(() => NeuralNetwork.fromONNX(nodes(20, (n) => {
      for (let i = 0; i < 4000; i++) n.string(1, 'a');
    })), /^NeuralNetwork\.fromONNX: more than 64256 node inputs and outputs in the model \(in NodeProto, byte \d+\)$/);
    expectRejects(() => NeuralNetwork.fromONNX(nodes(5, (n) => {
      for (let i = 0; i < 14000; i++) n.bytes(5, new Uint8Array());
    })), /^NeuralNetwork\.fromONNX: more than 64256 node attributes in the model \(in NodeProto, byte \d+\)$/);
  });

  it('float_data values are counted over the model against maxParameters; packed and unpacked runs decode in order', () => {
    const limits = { maxLayerSize: 16, maxParameters: 6, maxLayers: 2 };
    const floats = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);
    const file = (fill: (g: ProtoWriter) => void): Uint8Array => new ProtoWriter().int(1, 7).message(7, fill).message(8, (o) => o.int(2, 13)).finish();
    const mixed = (g: ProtoWriter, name: string): ProtoWriter =>
      g.message(5, (t) => t.int(1, 2).int(1, 3).int(2, 1).string(8, name).bytes(4, floats(1, 2)).float(4, 3).bytes(4, floats(4, 5)).float(4, 6));
    const ok = readOnnxModel(file((g) => mixed(g, 'W')), limits, 'op');
    expect(Array.from(tensorFloats(ok.graph.initializers[0]!, 'op'))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => readOnnxModel(file((g) => mixed(g, 'W').message(5, (t) => t.int(1, 1).int(2, 1).string(8, 'b').float(4, 7))), limits, 'op'))
      .toThrow(/^op: more than 6 float_data values in the model \(in TensorProto, byte \d+\)$/);
    expect(() => readOnnxModel(file((g) => g.message(5, (t) => t.int(1, 7).int(2, 1).string(8, 'W').bytes(4, floats(1, 2, 3, 4, 5, 6, 7)))), limits, 'op'))
      .toThrow(/^op: more than 6 float_data values in the model/);
  });

  it('one initializer read by many layers: the running parameter total refuses the layer that passes the limit before copying its weights', () => {
    // six 4x4 MatMuls of 20 parameters each against a limit of 100: the sixth reads a tensor with a NaN,
    // which is never decoded (the old code copied every layer's weights before checking the total)
    const limits = { maxLayerSize: 1 << 20, maxParameters: 100, maxLayers: 1000 };
    const W = { name: 'W', dims: [4, 4], values: vals(16, 1) };
    const chain = (n: number, last: Node): Node[] => [
      ...Array.from({ length: n }, (_, i): Node => ({ op: 'MatMul', inputs: [i ? `h${i}` : 'x', 'W'], outputs: [`h${i + 1}`] })), last,
    ];
    const bytes = model(chain(5, { op: 'MatMul', inputs: ['h5', 'Bad'], outputs: ['y'] }), [W, { name: 'Bad', dims: [4, 4], values: [NaN, ...vals(15, 2)] }], ['N', 4], ['N', 4]);
    expect(() => decodeONNX(bytes, limits)).toThrow(/^NeuralNetwork\.fromONNX: the layers up to node "n5" \(MatMul\) have 120 parameters, more than the limit of 100$/);
    expect(decodeONNX(model(chain(4, { op: 'MatMul', inputs: ['h4', 'W'], outputs: ['y'] }), [W], ['N', 4], ['N', 4]), limits).layerSizes).toEqual([4, 4, 4, 4, 4, 4]);
    // bias values added (Gemm's C, Add) have their own running total: 11 Adds of 10 values to a 1x10 layer
    const adds = Array.from({ length: 11 }, (_, i): Node => ({ op: 'Add', inputs: [`a${i}`, 'b'], outputs: [i === 10 ? 'y' : `a${i + 1}`] }));
    const wide = model([{ op: 'MatMul', inputs: ['x', 'V'], outputs: ['a0'] }, ...adds],
      [{ name: 'V', dims: [1, 10], values: vals(10, 3) }, { name: 'b', dims: [10], values: vals(10, 4) }], ['N', 1], ['N', 10]);
    expect(() => decodeONNX(wide, limits)).toThrow(/^NeuralNetwork\.fromONNX: node "n11" \(Add\) brings the bias values added to 110, more than the limit of 100 parameters$/);
  });

  it('too many layers for the limits, refused before allocating', () => {
    const nodes: Node[] = [];
    let cur = 'x';
    for (let i = 0; i < 1001; i++) {
      nodes.push({ op: 'MatMul', inputs: [cur, 'W'], outputs: [`h${i}`] });
      cur = `h${i}`;
    }
    nodes[nodes.length - 1]!.outputs = ['y'];
    expectRejects(() => NeuralNetwork.fromONNX(model(nodes, [W], ['N', 2], ['N', 2])), /^NeuralNetwork\.fromONNX: more than 1000 layers$/);
  });
});
