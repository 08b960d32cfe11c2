/**
 * Reading the messages of an ONNX file (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto) into plain objects. Tensors keep views of their bytes: values are
 * decoded (and checked finite) only when a layer uses them, after their shape has been checked,
 * so nothing is allocated beyond what the file holds. Everything stored is counted for the whole
 * model as it is read (nodes, initializers, graph inputs and outputs, node inputs, outputs and
 * attributes, float_data values and runs, dims) and refused past its cap before it is stored, so a
 * file of many tiny fields cannot exhaust memory; external data, sparse initializers and
 * non-float32 tensors are refused by name.
 *
 * @module
 */
import { I32, LEN, ProtoReader } from './protobuf.js';
import { readFloats, checkFinite, quote, type SpecLimits } from './spec.js';
import { describe } from '../core/validate.js';
import { toBytes } from '../data/gzip.js';

/**
 * @internal A tensor: its shape, type and where its values are.
 *
 * @example
 * ```ts
 * const model = readOnnxModel(new NeuralNetwork([4, 8, 3], [new ReLU(), new Softmax()]).toONNX(), SAVED_NETWORK_LIMITS, 'example');
 * const t: OnnxTensor = model.graph.initializers[0]!; t.dims; // [4, 8]
 * ```
 */
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array | null;
  /**
   * The TensorProto, when it has float_data: read a second time by `tensorFloats` once the shape
   * is checked, so however the values are split into fields, reading them stores nothing.
   */
  floatData: ProtoReader | null;
  floatCount: number;
}

/**
 * @internal One attribute (only the kinds the supported ops use).
 *
 * @example
 * ```ts
 * const leaky = new NeuralNetwork([2, 3, 1], [new LeakyReLU(0.2), new Sigmoid()]);
 * const node = readOnnxModel(leaky.toONNX(), SAVED_NETWORK_LIMITS, 'example').graph.nodes.find((n) => n.op === 'LeakyRelu')!;
 * node.attrs.get('alpha')?.f; // 0.2 (float32)
 * ```
 */
export interface OnnxAttr {
  f?: number;
  i?: number;
  /** A list of integers (Transpose's perm). */
  ints?: number[];
  t?: OnnxTensor;
}

/**
 * @internal One node.
 *
 * @example
 * ```ts
 * const model = readOnnxModel(net.toONNX(), SAVED_NETWORK_LIMITS, 'example');
 * const n: OnnxNode = model.graph.nodes[0]!; n.op; // 'Gemm'
 * ```
 */
export interface OnnxNode {
  index: number;
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, OnnxAttr>;
}

/**
 * @internal A graph input or output: its name and shape (null: unknown; a null dim: symbolic).
 *
 * @example
 * ```ts
 * const model = readOnnxModel(net.toONNX(), SAVED_NETWORK_LIMITS, 'example'); // net: 2 inputs
 * model.graph.inputs[0]; // { name: 'input', dims: [null, 2] }
 * ```
 */
export interface OnnxValue {
  name: string;
  dims: (number | null)[] | null;
}

/**
 * @internal What decodeONNX needs of a model.
 *
 * @example
 * ```ts
 * const { opset, graph } = readOnnxModel(net.toONNX(), SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX');
 * graph.nodes.length; // 4: Gemm, Relu, Gemm, Sigmoid
 * ```
 */
export interface OnnxModel {
  opset: number;
  graph: { nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValue[]; outputs: OnnxValue[] };
}

const TYPE_NAMES: Record<number, string> = {
  2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING', 9: 'BOOL', 10: 'FLOAT16',
  11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 16: 'BFLOAT16',
};
const MAX_RANK = 8;
/** The most integers an attribute's list may hold (a perm; no supported op has longer lists). */
const MAX_ATTR_INTS = 64;

/** What the caps count, as the errors name it. */
const COUNTED = {
  nodes: 'nodes', initializers: 'initializers', inputs: 'graph inputs', outputs: 'graph outputs',
  names: 'node inputs and outputs', attributes: 'node attributes', floatRuns: 'packed float_data runs', floats: 'float_data values',
} as const;
type Counted = keyof typeof COUNTED;

/**
 * Running totals of what the reader stores for the whole model (every graph, node and tensor in
 * it), each refused as soon as it passes its cap, before the item is stored.
 */
class Tally {
  private readonly used: Record<Counted, number> = { nodes: 0, initializers: 0, inputs: 0, outputs: 0, names: 0, attributes: 0, floatRuns: 0, floats: 0 };
  constructor(private readonly caps: Record<Counted, number>) {}

  /** Count `n` more of `kind`; past the cap, a named Error at `r`'s position. */
  take(r: ProtoReader, kind: Counted, n = 1): void {
    const total = this.used[kind] + n;
    if (total > this.caps[kind]) r.fail(`more than ${this.caps[kind]} ${COUNTED[kind]} in the model`);
    this.used[kind] = total;
  }
}

/**
 * Parse ONNX bytes (a Uint8Array or ArrayBuffer) into the parts of the model decodeONNX uses.
 *
 * @internal
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const model = readOnnxModel(readFileSync('mlp.onnx'), SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX');
 * readOnnxModel(new Uint8Array([1, 2, 3]), SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX'); // throws 'NeuralNetwork.fromONNX'
 * ```
 */
export function readOnnxModel(bytes: unknown, limits: SpecLimits, op: string): OnnxModel {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new Error(`${op}: expected the bytes of an .onnx file (Uint8Array or ArrayBuffer), got ${describe(bytes)}`);
  }
  const buf = toBytes(bytes, op); // a named Error for a detached buffer
  if (buf.length > limits.maxParameters * 4 + (1 << 26)) throw new Error(`${op}: ${buf.length} bytes is more than a network within the limits can need`);
  // caps generous for any chain of maxLayers dense layers (a few nodes per layer, each with a few
  // inputs and attributes); float_data can hold no more values than a network within the limits
  const maxItems = limits.maxLayers * 16 + 64;
  const tally = new Tally({
    nodes: maxItems, initializers: maxItems, inputs: maxItems, outputs: maxItems, names: maxItems * 4, attributes: maxItems * 4,
    floatRuns: maxItems * 4, floats: limits.maxParameters,
  });
  const r = new ProtoReader(buf, op, 'ModelProto');
  let graph: OnnxModel['graph'] | null = null;
  let opset: number | null = null;
  let ir: number | null = null;
  while (r.next()) {
    if (r.field === 1) ir = r.int();
    else if (r.field === 7) graph = readGraph(r.message('GraphProto'), op, maxItems, tally);
    else if (r.field === 8) {
      const o = r.message('OperatorSetIdProto');
      let domain = '', version = 0;
      while (o.next()) {
        if (o.field === 1) domain = o.string();
        else if (o.field === 2) version = o.int();
        else o.skipField();
      }
      if (domain === '' || domain === 'ai.onnx') opset = version;
    } else r.skipField();
  }
  if (ir === null || !graph) throw new Error(`${op}: not an ONNX model (no ${ir === null ? 'ir_version' : 'graph'} in ModelProto; ${buf.length} bytes)`);
  if (opset === null) throw new Error(`${op}: the model declares no opset for the default ONNX domain`);
  if (opset < 1) throw new Error(`${op}: opset ${opset} is not a valid ONNX opset`);
  return { opset, graph };
}

function readGraph(r: ProtoReader, op: string, maxItems: number, tally: Tally): OnnxModel['graph'] {
  const g: OnnxModel['graph'] = { nodes: [], initializers: [], inputs: [], outputs: [] };
  while (r.next()) {
    switch (r.field) {
      case 1: tally.take(r, 'nodes'); g.nodes.push(readNode(r.message('NodeProto'), g.nodes.length, op, maxItems, tally)); break;
      case 5: tally.take(r, 'initializers'); g.initializers.push(readTensor(r.message('TensorProto'), op, tally)); break;
      case 11: tally.take(r, 'inputs'); g.inputs.push(readValue(r.message('ValueInfoProto'))); break;
      case 12: tally.take(r, 'outputs'); g.outputs.push(readValue(r.message('ValueInfoProto'))); break;
      case 15: r.fail('sparse initializers are not supported (store the weights as dense initializers)');
      default: r.skipField();
    }
  }
  return g;
}

function readNode(r: ProtoReader, index: number, op: string, maxItems: number, tally: Tally): OnnxNode {
  const n: OnnxNode = { index, name: '', op: '', domain: '', inputs: [], outputs: [], attrs: new Map() };
  while (r.next()) {
    switch (r.field) {
      case 1: tally.take(r, 'names'); n.inputs.push(r.string()); break;
      case 2: tally.take(r, 'names'); n.outputs.push(r.string()); break;
      case 3: n.name = r.string(); break;
      case 4: n.op = r.string(); break;
      case 7: n.domain = r.string(); break;
      case 5: {
        tally.take(r, 'attributes');
        const [name, attr] = readAttr(r.message('AttributeProto'), op, tally);
        n.attrs.set(name, attr);
        break;
      }
      default: r.skipField();
    }
    if (n.inputs.length + n.outputs.length + n.attrs.size > maxItems) r.fail(`more than ${maxItems} inputs, outputs and attributes in one node`);
  }
  return n;
}

function readAttr(r: ProtoReader, op: string, tally: Tally): [string, OnnxAttr] {
  let name = '';
  const a: OnnxAttr = {};
  while (r.next()) {
    switch (r.field) {
      case 1: name = r.string(); break;
      case 2: a.f = r.float(); break;
      case 3: a.i = r.int(); break;
      case 5: a.t = readTensor(r.message('TensorProto'), op, tally); break;
      case 8: r.ints((a.ints ??= []), MAX_ATTR_INTS); break;
      default: r.skipField(); // graphs, strings, other lists: no supported op reads them
    }
  }
  return [name, a];
}

function readTensor(r: ProtoReader, op: string, tally: Tally): OnnxTensor {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, raw: null, floatData: null, floatCount: 0 };
  let external = false;
  while (r.next()) {
    switch (r.field) {
      case 1: r.ints(t.dims, MAX_RANK); break;
      case 2: t.dataType = r.int(); break;
      case 8: t.name = r.string(); break;
      case 9: t.raw = r.view(); break;
      case 4:
        // only counted here (each run, each value): tensorFloats reads them once the shape is checked
        if (r.wire === LEN) {
          tally.take(r, 'floatRuns');
          const n = r.view().length;
          if (n % 4) r.fail(`float_data of ${n} bytes, not a multiple of 4`);
          tally.take(r, 'floats', n / 4);
          t.floatCount += n / 4;
        } else if (r.wire === I32) {
          tally.take(r, 'floats');
          r.skipField();
          t.floatCount++;
        } else r.fail(`float_data has wire type ${r.wire}`);
        t.floatData ??= r.again();
        break;
      case 13: external = true; r.skipField(); break;
      case 14: if (r.int() === 1) external = true; break;
      default: r.skipField();
    }
  }
  if (external) throw new Error(`${op}: tensor ${quote(t.name)} keeps its values in external data (a separate file); supported: values inside the .onnx file`);
  return t;
}

function readValue(r: ProtoReader): OnnxValue {
  const v: OnnxValue = { name: '', dims: null };
  while (r.next()) {
    if (r.field === 1) v.name = r.string();
    else if (r.field === 2) {
      const type = r.message('TypeProto');
      while (type.next()) {
        if (type.field !== 1) {
          type.skipField();
          continue;
        }
        const tensor = type.message('TypeProto.Tensor');
        while (tensor.next()) {
          if (tensor.field === 1) {
            const e = tensor.int();
            if (e !== 1) tensor.fail(`graph input/output ${quote(v.name)} has element type ${TYPE_NAMES[e] ?? e}; supported: FLOAT (float32)`);
          } else if (tensor.field === 2) {
            v.dims = [];
            const shape = tensor.message('TensorShapeProto');
            while (shape.next()) {
              if (shape.field !== 1) {
                shape.skipField();
                continue;
              }
              if (v.dims.length >= MAX_RANK) shape.fail(`more than ${MAX_RANK} dimensions`);
              const d = shape.message('TensorShapeProto.Dimension');
              let value: number | null = null;
              while (d.next()) {
                if (d.field === 1) value = d.int();
                else d.skipField();
              }
              v.dims.push(value !== null && value > 0 ? value : null);
            }
          } else tensor.skipField();
        }
      }
    } else r.skipField();
  }
  return v;
}

/**
 * A float32 tensor's values, after checking its type, shape and the bytes it holds.
 *
 * @internal
 * @example
 * ```ts
 * const model = readOnnxModel(net.toONNX(), SAVED_NETWORK_LIMITS, 'NeuralNetwork.fromONNX');
 * const w = tensorFloats(model.graph.initializers[0]!, 'NeuralNetwork.fromONNX'); // Float32Array
 * w.length; // 8: the first layer's 2x4 weights
 * ```
 */
export function tensorFloats(t: OnnxTensor, op: string): Float32Array {
  const what = `tensor ${quote(t.name)}`;
  if (t.dataType !== 1) throw new Error(`${op}: ${what} has data type ${TYPE_NAMES[t.dataType] ?? t.dataType}; supported: FLOAT (float32)`);
  let count = 1;
  for (const d of t.dims) {
    if (d < 0 || d > 1 << 28) throw new Error(`${op}: ${what} has a dimension of ${d}`);
    count *= d;
  }
  if (count > 1 << 28) throw new Error(`${op}: ${what} has shape [${t.dims}], ${count} values, more than any layer within the limits`);
  if (t.raw) return readFloats(t.raw, count, op, `${what} (raw_data)`);
  if (t.floatCount !== count) throw new Error(`${op}: ${what} has shape [${t.dims}] (${count} values) but holds ${t.floatCount} float_data values`);
  const out = new Float32Array(count);
  const r = t.floatData?.again(); // the TensorProto, read before: its float_data fields are well formed
  let k = 0;
  while (r?.next()) {
    if (r.field !== 4) r.skipField();
    else if (r.wire === I32) out[k++] = r.float();
    else {
      const v = r.view();
      const data = new DataView(v.buffer, v.byteOffset, v.byteLength);
      for (let i = 0; i < v.length; i += 4) out[k++] = data.getFloat32(i, true);
    }
  }
  return checkFinite(out, op, `${what} (float_data)`);
}
