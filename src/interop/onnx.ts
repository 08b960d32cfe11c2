/**
 * ONNX export and import of dense networks. Export writes opset 13 (IR version 7, what PyTorch
 * emits): one `Gemm` per layer with its weights as `raw_data` initializers, then the activation
 * node. Import reads the messages of an ONNX file (see onnx-read.ts) and walks its graph as a
 * chain of dense layers: `Gemm` (any `transB`, `alpha`, `beta`) or `MatMul` + `Add`, the
 * activations, `Identity`, `Dropout`, a leading `Flatten` and `Constant` nodes; anything else is
 * refused with an Error naming the op.
 *
 * @module
 */
import { ProtoWriter } from './protobuf.js';
import {
  checkExportable, checkSizes, floatBytes, importedSpec, shortestFloat32, type ActivationName, type ImportedSpec, type ModelSpec,
  type SpecLimits, quote,
} from './spec.js';
import { readOnnxModel, tensorFloats, type OnnxNode, type OnnxTensor } from './onnx-read.js';
import { describe, readOptions } from '../core/validate.js';

/**
 * Options of `NeuralNetwork.toONNX`.
 *
 * @example
 * ```ts
 * const bytes = net.toONNX({ opset: 13 });
 * ```
 */
export interface ONNXExportOptions {
  /** The ONNX opset to declare, 11 to 17 (default 13, IR version 7; 14 to 17 write IR version 8). */
  opset?: number;
}

const ONNX_OPS: Record<ActivationName, string | null> = {
  relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', leakyRelu: 'LeakyRelu', softmax: 'Softmax', linear: null,
};
const FLOAT = 1, ATTR_FLOAT = 1, ATTR_INT = 2;

function valueInfo(w: ProtoWriter, name: string, features: number): void {
  w.string(1, name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, FLOAT).message(2, (shape) =>
        shape.message(1, (d) => d.string(2, 'N')).message(1, (d) => d.int(1, features)))));
}

/**
 * The ONNX bytes of a dense network.
 *
 * @internal
 * @example
 * ```ts
 * const bytes = encodeONNX(net.toJSON(), { opset: 13 });
 * ```
 */
export function encodeONNX(spec: ModelSpec, options: ONNXExportOptions = {}, op = 'NeuralNetwork.toONNX'): Uint8Array {
  if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${describe(options)}`);
  const opset = (readOptions(op, options, ['opset']) as ONNXExportOptions).opset ?? 13;
  if (!Number.isInteger(opset) || opset < 11 || opset > 17) throw new Error(`${op}: opset must be an integer from 11 to 17, got ${describe(opset)}`);
  checkExportable(spec, op);
  const sizes = spec.layerSizes;
  const last = sizes.length - 2;
  return new ProtoWriter()
    .int(1, opset <= 13 ? 7 : 8)
    .string(2, 'scratchnet')
    .message(7, (g) => {
      let x = 'input';
      spec.activations.forEach((a, i) => {
        const act = ONNX_OPS[a.name as ActivationName];
        const gemmOut = i === last && !act ? 'output' : `layer${i}.linear`;
        g.message(1, (n) => {
          n.string(1, x).string(1, `layer${i}.weight`).string(1, `layer${i}.bias`).string(2, gemmOut)
            .string(3, `layer${i}.Gemm`).string(4, 'Gemm');
        });
        x = gemmOut;
        if (act) {
          const out = i === last ? 'output' : `layer${i}.${a.name}`;
          g.message(1, (n) => {
            n.string(1, x).string(2, out).string(3, `layer${i}.${act}`).string(4, act);
            if (act === 'LeakyRelu') n.message(5, (at) => at.string(1, 'alpha').float(2, a.slope as number).int(20, ATTR_FLOAT));
            if (act === 'Softmax') n.message(5, (at) => at.string(1, 'axis').int(3, -1).int(20, ATTR_INT));
          });
          x = out;
        }
      });
      g.string(2, 'scratchnet');
      spec.layers.forEach((l, i) => {
        const [inp, out] = [sizes[i]!, sizes[i + 1]!];
        g.message(5, (t) => t.int(1, inp).int(1, out).int(2, FLOAT).string(8, `layer${i}.weight`).bytes(9, floatBytes(l.weights)));
        g.message(5, (t) => t.int(1, out).int(2, FLOAT).string(8, `layer${i}.bias`).bytes(9, floatBytes(l.bias)));
      });
      g.message(11, (v) => valueInfo(v, 'input', sizes[0]!));
      g.message(12, (v) => valueInfo(v, 'output', sizes[last + 1]!));
    })
    .message(8, (o) => o.int(2, opset))
    .finish();
}

const SUPPORTED = 'Gemm, MatMul, Add, Relu, Sigmoid, Tanh, LeakyRelu, Softmax, Identity, Dropout, a leading Flatten, Constant, a Transpose of a constant';
const ACTIVATIONS: Record<string, ActivationName> = {
  Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'leakyRelu', Softmax: 'softmax',
};

interface Building {
  weights: Float32Array;
  bias: Float32Array;
  inSize: number;
  outSize: number;
  act: { name: ActivationName; slope?: number } | null;
}

/**
 * A dense network from ONNX bytes, as a document for `NeuralNetwork.fromJSON`.
 *
 * @internal
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const net = NeuralNetwork.fromJSON(decodeONNX(readFileSync('mlp.onnx'), SAVED_NETWORK_LIMITS));
 * ```
 */
export function decodeONNX(bytes: unknown, limits: SpecLimits, op = 'NeuralNetwork.fromONNX'): ImportedSpec {
  const model = readOnnxModel(bytes, limits, op);
  const { graph } = model;
  const consts = new Map<string, OnnxTensor>();
  for (const t of graph.initializers) consts.set(t.name, t);
  const inputs = graph.inputs.filter((v) => !consts.has(v.name));
  if (inputs.length !== 1) {
    const names = inputs.slice(0, 8).map((v) => quote(v.name)).join(', ');
    throw new Error(`${op}: the graph must have exactly one data input, it has ${inputs.length} (${names}${inputs.length > 8 ? ', ...' : ''})`);
  }
  if (graph.outputs.length !== 1) throw new Error(`${op}: the graph must have exactly one output, it has ${graph.outputs.length}`);
  const input = inputs[0]!;
  let cur = input.name;
  let flattened = false;
  const layers: Building[] = [];
  const constant = (node: OnnxNode, k: number): OnnxTensor => {
    const name = node.inputs[k];
    const t = name === undefined ? undefined : consts.get(name);
    if (!t) throw new Error(`${op}: node ${nodeName(node)} reads ${quote(name)} as operand ${k}, which is not an initializer or Constant (branching graphs are not supported)`);
    return t;
  };
  const open = (node: OnnxNode): Building => {
    const l = layers[layers.length - 1];
    if (!l || l.act) throw new Error(`${op}: node ${nodeName(node)} has no dense layer (Gemm or MatMul) before it to apply to`);
    return l;
  };
  // Running totals, checked before a tensor is copied: the parameters of the layers so far (one
  // initializer read by many nodes is copied for each), and the bias values added (Gemm's C, Add).
  let params = 0, biasValues = 0, foldedValues = 0;
  /** Check a new layer's sizes, and the layers and parameters so far with it, before its weights are copied. */
  const reserve = (node: OnnxNode, inSize: number, outSize: number): void => {
    checkSizes([inSize, outSize], limits, op);
    if (layers.length >= limits.maxLayers) throw new Error(`${op}: more than ${limits.maxLayers} layers`);
    params += inSize * outSize + outSize;
    if (params > limits.maxParameters) {
      throw new Error(`${op}: the layers up to node ${nodeName(node)} have ${params} parameters, more than the limit of ${limits.maxParameters}`);
    }
  };
  const push = (node: OnnxNode, inSize: number, outSize: number, weights: Float32Array, bias: Float32Array): void => {
    const prev = layers[layers.length - 1];
    if (prev && !prev.act) prev.act = { name: 'linear' };
    const expected = prev ? prev.outSize : null;
    if (expected !== null && expected !== inSize) throw new Error(`${op}: node ${nodeName(node)} takes ${inSize} inputs, the layer before gives ${expected}`);
    layers.push({ weights, bias, inSize, outSize, act: null });
  };

  // ONNX names each value once: a node that writes a name already defined (a graph input, an
  // initializer, an earlier output) is refused, as onnxruntime refuses it, not read as a redefinition
  const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...consts.keys()]);
  for (const node of graph.nodes) {
    if (node.domain !== '' && node.domain !== 'ai.onnx') throw new Error(`${op}: node ${nodeName(node)} is in the domain ${quote(node.domain)}; supported: the default ONNX domain with ${SUPPORTED}`);
    for (const name of node.outputs) {
      if (name && defined.has(name)) throw new Error(`${op}: node ${nodeName(node)} writes ${quote(name)}, a name already defined (a graph input, an initializer or an earlier node's output)`);
      if (name) defined.add(name);
    }
    if (node.op === 'Constant') {
      const t = node.attrs.get('value')?.t;
      if (!t || node.outputs.length !== 1) throw new Error(`${op}: Constant node ${nodeName(node)} must have one output and a tensor "value" attribute`);
      consts.set(node.outputs[0]!, t);
      continue;
    }
    // A Transpose or Identity of a constant makes a constant (PyTorch exports a Linear without a
    // bias, unfolded, as Transpose(weight) → MatMul).
    const folded = (node.op === 'Transpose' || node.op === 'Identity') && node.inputs[0] !== cur ? consts.get(node.inputs[0] ?? '') : undefined;
    if (folded) {
      if (node.outputs.length !== 1 || !node.outputs[0]) throw new Error(`${op}: node ${nodeName(node)} must have one output`);
      consts.set(node.outputs[0], node.op === 'Identity' ? folded : transposed(folded, node));
      continue;
    }
    const operand = node.op === 'Add' && node.inputs[1] === cur ? 1 : 0;
    if (node.inputs[operand] !== cur) {
      throw new Error(`${op}: node ${nodeName(node)} reads ${quote(node.inputs[operand])}, but the chain of layers is at ${quote(cur)} (branching graphs are not supported)`);
    }
    if (node.outputs.length < 1 || !node.outputs[0]) throw new Error(`${op}: node ${nodeName(node)} has no output`);
    switch (node.op) {
      case 'Identity':
      case 'Dropout':
        break;
      case 'Flatten': {
        if (layers.length || flattened) throw new Error(`${op}: Flatten is supported only as the first node, found ${nodeName(node)} later`);
        const axis = node.attrs.get('axis')?.i ?? 1;
        if (axis !== 1) throw new Error(`${op}: Flatten ${nodeName(node)} has axis ${axis}; supported: 1`);
        flattened = true;
        break;
      }
      case 'Gemm': {
        if ((node.attrs.get('transA')?.i ?? 0) !== 0) throw new Error(`${op}: Gemm ${nodeName(node)} has transA = 1; supported: transA = 0`);
        const transB = (node.attrs.get('transB')?.i ?? 0) !== 0;
        const alpha = floatAttr(node, 'alpha', 1), beta = floatAttr(node, 'beta', 1);
        const B = constant(node, 1);
        if (B.dims.length !== 2) throw new Error(`${op}: Gemm ${nodeName(node)}: B has shape [${B.dims}], expected 2 dimensions`);
        const [inSize, outSize] = transB ? [B.dims[1]!, B.dims[0]!] : [B.dims[0]!, B.dims[1]!];
        reserve(node, inSize, outSize);
        const w = tensorFloats(B, op);
        const weights = transB ? transpose(w, outSize, inSize) : w;
        if (alpha !== 1) {
          for (let k = 0; k < weights.length; k++) {
            const v = weights[k]!;
            weights[k] = alpha * v;
            if (!Number.isFinite(weights[k])) {
              throw new Error(`${op}: node ${nodeName(node)}: alpha ${shortestFloat32(alpha)} times the weight ${v} overflows float32`);
            }
          }
        }
        const bias = new Float32Array(outSize);
        if (node.inputs.length > 2 && node.inputs[2]) addBias(bias, constant(node, 2), beta, node);
        push(node, inSize, outSize, weights, bias);
        break;
      }
      case 'MatMul': {
        const B = constant(node, 1);
        if (B.dims.length !== 2) throw new Error(`${op}: MatMul ${nodeName(node)}: the weights have shape [${B.dims}], expected 2 dimensions`);
        reserve(node, B.dims[0]!, B.dims[1]!);
        push(node, B.dims[0]!, B.dims[1]!, tensorFloats(B, op), new Float32Array(B.dims[1]!));
        break;
      }
      case 'Add':
        {
        const c = constant(node, 1 - operand);
        addBias(open(node).bias, c, 1, node);
      }
        break;
      default: {
        const name = ACTIVATIONS[node.op];
        if (!name) throw new Error(`${op}: unsupported op ${quote(node.op)} (node ${nodeName(node)}); supported: ${SUPPORTED}`);
        const l = open(node);
        if (name === 'softmax') {
          const axis = node.attrs.get('axis')?.i ?? (model.opset >= 13 ? -1 : 1);
          if (axis !== -1 && axis !== 1) throw new Error(`${op}: Softmax ${nodeName(node)} has axis ${axis}; supported: -1 or 1 (the features)`);
        }
        l.act = name === 'leakyRelu' ? { name, slope: shortestFloat32(floatAttr(node, 'alpha', 0.01)) } : { name };
      }
    }
    cur = node.outputs[0]!;
  }
  if (!layers.length) throw new Error(`${op}: the graph has no dense layer (Gemm or MatMul)`);
  if (cur !== graph.outputs[0]!.name) throw new Error(`${op}: the chain of layers ends at ${quote(cur)}, but the graph output is ${quote(graph.outputs[0]!.name)}`);
  checkInputShape(input.dims, layers[0]!.inSize, flattened, op);
  const sizes = [layers[0]!.inSize, ...layers.map((l) => l.outSize)];
  checkSizes(sizes, limits, op);
  return importedSpec(sizes, layers.map((l) => l.act ?? { name: 'linear' }), layers);

  /** Transpose `node` of the constant `t`: a 2-dimensional one with perm [1, 0] (the default), or one of fewer dimensions as it is. */
  function transposed(t: OnnxTensor, node: OnnxNode): OnnxTensor {
    const perm = node.attrs.get('perm')?.ints ?? t.dims.map((_, k) => t.dims.length - 1 - k);
    if (perm.length === t.dims.length && perm.every((p, k) => p === k)) return t; // the identity, at any rank
    if (t.dims.length !== 2 || perm.length !== 2 || perm[0] !== 1 || perm[1] !== 0) {
      throw new Error(`${op}: Transpose ${nodeName(node)} of ${quote(t.name)} (shape [${t.dims}]) has perm [${perm}]; supported: a 2-dimensional constant, perm [1, 0]`);
    }
    const [rows, cols] = t.dims as [number, number];
    // each transposed copy counts against the parameter limit: many nodes of one large constant copy it each time
    foldedValues += rows * cols;
    if (foldedValues > limits.maxParameters) {
      throw new Error(`${op}: node ${nodeName(node)} brings the values of transposed constants to ${foldedValues}, more than the limit of ${limits.maxParameters} parameters`);
    }
    const values = transpose(tensorFloats(t, op), rows, cols);
    return { name: node.outputs[0]!, dims: [cols, rows], dataType: 1, raw: new Uint8Array(values.buffer), floatData: null, floatCount: 0 };
  }

  function addBias(bias: Float32Array, C: OnnxTensor, scale: number, node: OnnxNode): void {
    const n = bias.length;
    const count = C.dims.reduce((a, b) => a * b, 1);
    const leading = C.dims.slice(0, -1).every((d) => d === 1);
    if (!(count === 1 || (count === n && leading && C.dims.length >= 1))) {
      throw new Error(`${op}: node ${nodeName(node)} adds a tensor of shape [${C.dims}] to ${n} outputs; supported: [${n}], [1, ${n}] or one value`);
    }
    biasValues += n;
    if (biasValues > limits.maxParameters) {
      throw new Error(`${op}: node ${nodeName(node)} brings the bias values added to ${biasValues}, more than the limit of ${limits.maxParameters} parameters`);
    }
    const c = tensorFloats(C, op);
    for (let k = 0; k < n; k++) {
      const term = scale * c[count === 1 ? 0 : k]!;
      bias[k] = bias[k]! + term;
      if (!Number.isFinite(bias[k])) {
        const what = scale !== 1 ? `beta ${shortestFloat32(scale)} times ${c[count === 1 ? 0 : k]}` : `adding ${term}`;
        throw new Error(`${op}: node ${nodeName(node)}: ${what} overflows float32 in bias[${k}]`);
      }
    }
  }

  /** A float attribute (float32 in the file), refused unless finite: NaN or Infinity is named here, not by fromJSON. */
  function floatAttr(node: OnnxNode, name: string, fallback: number): number {
    const v = node.attrs.get(name)?.f ?? fallback;
    if (!Number.isFinite(v)) throw new Error(`${op}: node ${nodeName(node)} has the attribute ${name} = ${v}; it must be a finite number`);
    return v;
  }
}

function nodeName(node: OnnxNode): string {
  return node.name ? `"${node.name}" (${node.op})` : `#${node.index} (${node.op})`;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}

function checkInputShape(dims: (number | null)[] | null, features: number, flattened: boolean, op: string): void {
  if (!dims) return;
  if (dims.length < 2 || (dims.length > 2 && !flattened)) {
    throw new Error(`${op}: the input has shape [${dims.map((d) => d ?? '?')}]; supported: [batch, features]${flattened ? '' : ' (or more dimensions behind a leading Flatten)'}`);
  }
  const rest = dims.slice(1);
  if (rest.every((d) => d !== null)) {
    const n = (rest as number[]).reduce((a, b) => a * b, 1);
    if (n !== features) throw new Error(`${op}: the input has ${n} features per sample, the first layer takes ${features}`);
  }
}
