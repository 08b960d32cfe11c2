/**
 * NeuralNetwork: the chapter's network, a stack of Layers living in one arena of WebAssembly
 * memory (parameters and gradients in one block, batch buffers in a workspace block resized for
 * larger batches), freed by `dispose()`.
 *
 * @module
 */
import { Activation } from './activations.js';
import { backend } from '../backend/load.js';
import { type Backend, type Block } from '../backend/heap.js';
import { align4, checkSize, initScale, Layer, type LayerOwner } from './layer.js';
import { describe, Matrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { RandomState, globalRandom } from '../core/random.js';
import { readMatrix } from '../backend/scratch.js';
import { Optimizer, resolveOptimizer, SGD } from './optimizers.js';
import { activationToJSON, LIMITS, parseNetworkJSON, type FromJSONOptions, type NetworkJSON } from './serialize.js';
import { decodeONNX, encodeONNX, type ONNXExportOptions } from '../interop/onnx.js';
import { decodeTfjs, encodeTfjs, type TfjsArtifacts } from '../interop/tfjs.js';
import { resolveLoss } from './losses.js';
import { trainNetwork, trainNetworkAsync, type TrainAsyncOptions, type TrainOptions, type TrainResult } from '../training/train.js';
import { type Init } from './layer.js';
import { OptimizerId } from '../backend/contract.js';

/** The chapter's update rule, for `backward(gradOutput, learningRate)`. */
const CHAPTER_SGD = new SGD();

/**
 * Options of {@link NeuralNetwork}.
 *
 * @example
 * ```ts
 * new NeuralNetwork([2, 8, 1], [new ReLU(), new Sigmoid()], { seed: 42, init: 'he' });
 * ```
 */
export interface NetworkOptions {
  /** Seed a fresh NumPy-compatible generator for the initial weights (`np.random.seed(seed)`). */
  seed?: number;
  /** Or draw from this generator (default: the global one, see `seed()`). */
  rng?: RandomState;
  /**
   * Weight initialization: `'chapter'` (default: randn·0.01, as the chapter), `'xavier'`
   * (Glorot normal, std √(2/(in+out))), `'he'` (std √(2/in)), or a number (randn·scale).
   */
  init?: Init;
}

/** @internal Optimizer state kept in the network's arena between train() calls. */
export interface OptimizerState {
  key: string;
  block: Block | null;
  a: number;
  b: number;
  pow1: number;
  pow2: number;
}

/**
 * A feed-forward network, as in the chapter: `new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()])`.
 *
 * @example
 * ```ts
 * import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
 * await init();
 * const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
 * const out = net.forward([[0, 0], [0, 1], [1, 0], [1, 1]]); // 4x1, all ≈ 0.5
 * net.dispose();
 * ```
 */
export class NeuralNetwork implements LayerOwner {
  /** The layers, input to output. */
  readonly layers: readonly Layer[];
  /** The sizes given to the constructor. */
  readonly layerSizes: readonly number[];
  /** @internal */ readonly _be: Backend;
  /** @internal All layers' W, b, dW, db, in one block. */
  readonly _params: Block;
  private ws: Block | null = null;
  private wsRows = 0;
  private _disposed = false;
  /** @internal Batch targets (rows×outputSize floats) in the workspace. */
  _target = 0;
  /** @internal One f64 for loss kernels. */
  _lossSlot = 0;
  /** @internal Row indices (int32) for mini-batch gathering. */
  _index = 0;
  /** @internal Optimizer state (momentum, Adam's moments...), kept across train() calls. */
  _opt: OptimizerState | null = null;
  /** The optimizer and loss of the last `train()` (saved with the model). */
  trainingConfig: { optimizer: { name: string } & Record<string, unknown>; loss: string } | null = null;

  constructor(layerSizes: readonly number[], activations: readonly Activation[], options: NetworkOptions = {}) {
    const op = 'NeuralNetwork';
    if (!Array.isArray(layerSizes)) throw new Error(`${op}: layerSizes must be an array of positive integers, got ${describe(layerSizes)}`);
    if (layerSizes.length < 2) throw new Error(`${op}: need at least input and output layers, got ${layerSizes.length} size(s)`);
    layerSizes.forEach((s, i) => checkSize(op, `layerSizes[${i}]`, s));
    if (!Array.isArray(activations)) throw new Error(`${op}: activations must be an array of Activation objects`);
    if (activations.length !== layerSizes.length - 1) {
      throw new Error(
        `${op}: need one activation for each layer except the input: ${layerSizes.length} sizes need ` +
          `${layerSizes.length - 1} activations, got ${activations.length}`,
      );
    }
    activations.forEach((a, i) => {
      if (!(a instanceof Activation)) throw new Error(`${op}: activations[${i}] is ${describe(a)}, not an Activation`);
    });
    if (options.seed !== undefined && options.rng !== undefined) throw new Error(`${op}: give seed or rng, not both`);
    const rng = options.rng ?? (options.seed !== undefined ? new RandomState(options.seed) : globalRandom);
    if (!(rng instanceof RandomState)) throw new Error(`${op}: options.rng must be a RandomState`);

    initScale(options.init, 1, 1, op); // validate before allocating
    this._be = backend();
    this.layerSizes = [...layerSizes];
    let floats = 0;
    for (let i = 0; i + 1 < layerSizes.length; i++) floats += Layer.paramFloats(layerSizes[i]!, layerSizes[i + 1]!);
    this._params = this._be.alloc(floats * 4, `NeuralNetwork([${layerSizes.join(', ')}])`);
    const layers: Layer[] = [];
    let offset = 0;
    for (let i = 0; i + 1 < layerSizes.length; i++) {
      const [inp, out] = [layerSizes[i]!, layerSizes[i + 1]!];
      const layer = new Layer(inp, out, activations[i]!, { rng, init: options.init, placement: { owner: this, block: this._params, offset } });
      layer._inputFrom = layers[i - 1] ?? null;
      layers.push(layer);
      offset += Layer.paramFloats(inp, out) * 4;
    }
    this.layers = layers;
  }

  /** Inputs per sample. */
  get inputSize(): number {
    return this.layerSizes[0]!;
  }

  /** Outputs per sample. */
  get outputSize(): number {
    return this.layerSizes[this.layerSizes.length - 1]!;
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this._disposed;
  }

  /** @internal (LayerOwner) Batch buffers for `rows` rows, for every layer, plus targets. */
  ensureWorkspace(rows: number, op: string): void {
    if (this.ws && rows <= this.wsRows) return;
    let floats = 0;
    for (const l of this.layers) floats += Layer.workspaceFloats(l.inputSize, l.outputSize, rows);
    floats += align4(rows * this.outputSize) + 4 + align4(rows);
    const block = this._be.alloc(floats * 4, `${op}: buffers for a batch of ${rows}`);
    if (this.ws) this._be.release(this.ws);
    this.ws = block;
    this.wsRows = rows;
    let ptr = block.ptr;
    for (const l of this.layers) {
      l._bindWorkspace(block, ptr, rows);
      ptr += Layer.workspaceFloats(l.inputSize, l.outputSize, rows) * 4;
    }
    this._target = ptr;
    ptr += align4(rows * this.outputSize) * 4;
    this._lossSlot = ptr;
    this._index = ptr + 16;
  }

  /**
   * The forward pass through every layer; returns a copy of the output.
   *
   * @example
   * ```ts
   * const out = net.forward([[0, 1]]); // 1x1
   * ```
   */
  forward(x: MatrixLike): Matrix {
    return this.run(x, 'NeuralNetwork.forward');
  }

  /**
   * The chapter's backward: backpropagate `gradOutput` (the loss gradient with respect to the
   * last forward pass's output) and update every layer by plain SGD with `learningRate`.
   *
   * @example
   * ```ts
   * const out = net.forward(X);
   * net.backward(gradOfLossWrtOut, 0.1);
   * ```
   */
  backward(gradOutput: MatrixLike, learningRate = 0.01): void {
    const op = 'NeuralNetwork.backward';
    this.checkLive(op);
    const G = toMatrix(gradOutput, op, 'gradOutput');
    checkLearningRate(op, learningRate);
    const rows = this.cachedRows(op);
    if (G.rows !== rows || G.cols !== this.outputSize) {
      throw new Error(`${op}: gradOutput is ${G.rows}x${G.cols}, the last forward pass produced ${rows}x${this.outputSize}`);
    }
    this._be.write(this.layers[this.layers.length - 1]!._g, G.data);
    this._backwardAndUpdate(learningRate, false, CHAPTER_SGD, 0, 0);
    this._be.checkThreads(op);
  }

  /**
   * Predictions for `x` (the forward pass).
   *
   * @example
   * ```ts
   * net.predict([[1, 0]]).get(0, 0);
   * ```
   */
  predict(x: MatrixLike): Matrix {
    return this.run(x, 'NeuralNetwork.predict');
  }

  private run(x: MatrixLike, op: string): Matrix {
    const X = this.checkInput(x, op);
    this.ensureWorkspace(X.rows, op);
    this._be.write(this.layers[0]!._xOwn, X.data);
    this._forwardRows(X.rows);
    this._be.checkThreads(op);
    return readMatrix(this._be, this.layers[this.layers.length - 1]!._y, X.rows, this.outputSize);
  }

  /**
   * Train on inputs `x` and targets `y`; see {@link TrainOptions}. Returns the loss of every epoch.
   *
   * @example
   * ```ts
   * const { loss } = net.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
   * ```
   */
  train(x: MatrixLike, y: MatrixLike, options: TrainOptions = {}): TrainResult {
    return trainNetwork(this, x, y, options);
  }

  /**
   * Train without blocking: runs in slices of about `yieldEvery` ms (default 16), yielding to the
   * event loop between them so a page or server stays responsive; reports progress; stops
   * cleanly on an AbortSignal with the weights of the last completed epoch.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const result = await net.trainAsync(X, y, { epochs: 100000, signal: controller.signal,
   *   onProgress: ({ epoch, loss }) => console.log(epoch, loss) });
   * ```
   */
  trainAsync(x: MatrixLike, y: MatrixLike, options: TrainAsyncOptions = {}): Promise<TrainResult> {
    try {
      return trainNetworkAsync(this, x, y, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The whole network as a versioned JSON document: sizes, activations, weights (exact: float32
   * values survive a JSON round trip), and the optimizer and loss last used.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(net.toJSON());
   * const again = NeuralNetwork.fromJSON(saved);
   * ```
   */
  toJSON(): NetworkJSON {
    this.checkLive('NeuralNetwork.toJSON');
    const doc: NetworkJSON = {
      format: 'scratchnet',
      version: 1,
      layerSizes: [...this.layerSizes],
      activations: this.layers.map((l) => activationToJSON(l.activation)),
      layers: this.layers.map((l) => ({ weights: Array.from(l.weights.data), bias: Array.from(l.bias.data) })),
    };
    if (this.trainingConfig) doc.training = { optimizer: this.trainingConfig.optimizer, loss: this.trainingConfig.loss };
    return doc;
  }

  /**
   * Rebuild a network saved with `toJSON()` (an object or its JSON text). Everything is checked
   * (format, version, sizes within limits, activation names, weight counts, finite numbers)
   * before any memory is allocated; a bad file gets an Error that says what is wrong.
   * Custom activations need a factory in `options.activations`.
   *
   * @example
   * ```ts
   * const net = NeuralNetwork.fromJSON(JSON.parse(text));
   * ```
   */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): NeuralNetwork {
    const op = 'NeuralNetwork.fromJSON';
    const doc = parseNetworkJSON(json, options, op);
    const trainingConfig = doc.training
      ? {
          optimizer: resolveOptimizer(doc.training.optimizer ?? 'sgd', op).toJSON(),
          loss: resolveLoss(doc.training.loss ?? 'meanSquaredError', op).name,
        }
      : null;
    // a private generator: loading must not advance the global one (np.random semantics)
    const net = new NeuralNetwork(doc.layerSizes, doc.activations, { init: 0, rng: new RandomState(0) });
    net.layers.forEach((l, i) => {
      l.weights.data.set(doc.layers[i]!.weights);
      l.bias.data.set(doc.layers[i]!.bias);
    });
    net.trainingConfig = trainingConfig;
    return net;
  }

  /**
   * Forget the optimizer's state (momentum, Adam's moments); the next `train()` starts it afresh.
   * (State is otherwise kept between `train()` calls that use the same optimizer settings.)
   *
   * @example
   * ```ts
   * net.resetOptimizer();
   * ```
   */
  resetOptimizer(): void {
    this.checkLive('NeuralNetwork.resetOptimizer');
    if (this._opt?.block) this._be.release(this._opt.block);
    this._opt = null;
  }

  /** @internal State for `optimizer`: kept when the settings match the last run's, else fresh zeros. */
  _optimizerState(optimizer: Optimizer, op: string): OptimizerState {
    const key = JSON.stringify(optimizer.toJSON());
    if (this._opt && this._opt.key === key) return this._opt;
    const bytes = this._params.bytes;
    const block = optimizer._slots ? this._be.alloc(bytes * optimizer._slots, `${op}: optimizer state`) : null;
    if (block) this._be.f32(block.ptr, block.bytes / 4).fill(0);
    if (this._opt?.block) this._be.release(this._opt.block);
    this._opt = { key, block, a: block ? block.ptr : 0, b: block && optimizer._slots > 1 ? block.ptr + bytes : 0, pow1: 1, pow2: 1 };
    return this._opt;
  }

  /**
   * @internal Backpropagate the gradient in the last layer's `_g` and update each layer with
   * `optimizer` (after L1/L2 terms), last layer first: the same sequence as the kernels' loop.
   */
  _backwardAndUpdate(lr: number, lastGradIsAtPreactivation: boolean, optimizer: Optimizer, l1: number, l2: number): void {
    const layers = this.layers;
    // plain SGD keeps no state (the chapter's backward() runs without any train() before it)
    const state = optimizer._slots ? this._opt! : null;
    const hyper = optimizer._params();
    let c1 = 1, c2 = 1;
    if (state && optimizer._kind === OptimizerId.Adam) {
      const [b1, b2] = hyper;
      state.pow1 *= Math.fround(b1);
      state.pow2 *= Math.fround(b2);
      c1 = 1 / (1 - state.pow1);
      c2 = 1 / (1 - state.pow2);
    }
    for (let i = layers.length - 1; i >= 0; i--) {
      const l = layers[i]!;
      l._backwardRows(i > 0 ? layers[i - 1]!._g : 0, lastGradIsAtPreactivation && i === layers.length - 1);
      if (l1 || l2) this._be.kernels.regularizeGrad(l._dw, l._w, l1, l2, l.inputSize * l.outputSize);
      this.update(optimizer._kind, hyper, state, l._w, l._dw, l.inputSize * l.outputSize, lr, c1, c2);
      this.update(optimizer._kind, hyper, state, l._b, l._db, l.outputSize, lr, c1, c2);
    }
  }

  /** One parameter segment, as assembly/network.ts `updateSegment` does it. */
  private update(
    kind: OptimizerId, [h1, h2, eps, nesterov]: readonly number[], s: OptimizerState | null,
    p: number, g: number, n: number, lr: number, c1: number, c2: number,
  ): void {
    const k = this._be.kernels, off = p - this._params.ptr;
    if (kind === OptimizerId.SGD || !s) k.sgdUpdate(p, g, lr, n);
    else if (kind === OptimizerId.Momentum) k.momentumUpdate(p, g, s.a + off, lr, h1!, nesterov!, n);
    else if (kind === OptimizerId.Adam) k.adamUpdate(p, g, s.a + off, s.b + off, lr, h1!, h2!, eps!, c1, c2, n);
    else if (kind === OptimizerId.RMSprop) k.rmspropUpdate(p, g, s.a + off, lr, h1!, eps!, n);
    else throw new Error(`NeuralNetwork: no update kernel for optimizer kind ${String(kind)}`);
  }

  /**
   * The network as an ONNX model (opset 13, IR version 7): one `Gemm` per layer and its
   * activation node, input `input` and output `output` of shape [N, features]. It runs in ONNX
   * Runtime (Node, Python, C#, mobile, the browser). Custom activations have no ONNX form and
   * throw. `options.opset` may be 11 to 17.
   *
   * @example
   * ```ts
   * import { writeFileSync } from 'node:fs';
   * writeFileSync('model.onnx', net.toONNX());
   * // Python: onnxruntime.InferenceSession('model.onnx').run(None, {'input': x})
   * ```
   */
  toONNX(options: ONNXExportOptions = {}): Uint8Array {
    this.checkLive('NeuralNetwork.toONNX');
    return encodeONNX(this.toJSON(), options);
  }

  /**
   * A network from an ONNX model of dense layers (e.g. a PyTorch MLP from `torch.onnx.export`):
   * `Gemm` or `MatMul` + `Add`, then Relu, Sigmoid, Tanh, LeakyRelu or Softmax; `Identity`,
   * `Dropout`, a leading `Flatten` and `Constant` nodes are accepted. The whole file is checked
   * before any memory is allocated; anything else (other ops, branches, external data,
   * non-float32 tensors, truncated bytes) gets an Error that names it.
   *
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * const net = NeuralNetwork.fromONNX(readFileSync('mlp.onnx'));
   * net.predict([[5.1, 3.5, 1.4, 0.2]]);
   * ```
   */
  static fromONNX(bytes: Uint8Array | ArrayBuffer): NeuralNetwork {
    return NeuralNetwork.fromJSON(decodeONNX(bytes, LIMITS));
  }

  /**
   * The network in TensorFlow.js layers format: `modelJson` (a `Sequential` of `Dense` layers,
   * plus a `LeakyReLU` layer where needed) and `weights`, the bytes of the `weights.bin` it names.
   * Custom activations throw.
   *
   * @example
   * ```ts
   * const { modelJson, weights } = net.toTfjs();
   * const model = await tf.loadLayersModel(tf.io.fromMemory({
   *   modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights,
   *   weightData: weights.slice().buffer }));
   * ```
   */
  toTfjs(): TfjsArtifacts {
    this.checkLive('NeuralNetwork.toTfjs');
    return encodeTfjs(this.toJSON());
  }

  /**
   * A network from a TensorFlow.js layers-format `model.json` (object or text) and its weights
   * (one buffer, or the shards in manifest order): what `toTfjs()`, tfjs' `model.save()` or the
   * Keras 2 and Keras 3 converters write for a Sequential of Dense layers. Checked before
   * anything is allocated, like `fromJSON`.
   *
   * @example
   * ```ts
   * const modelJson = JSON.parse(readFileSync('web_model/model.json', 'utf8'));
   * const net = NeuralNetwork.fromTfjs(modelJson, readFileSync('web_model/group1-shard1of1.bin'));
   * ```
   */
  static fromTfjs(modelJson: unknown, weights: Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[]): NeuralNetwork {
    return NeuralNetwork.fromJSON(decodeTfjs(modelJson, weights, LIMITS));
  }

  /**
   * Free the network's WebAssembly memory; any later use of it, its layers or their weight views
   * throws. Calling it twice is harmless.
   *
   * @example
   * ```ts
   * net.dispose();
   * ```
   */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._be.release(this._params);
    if (this.ws) this._be.release(this.ws);
    if (this._opt?.block) this._be.release(this._opt.block);
    this.ws = null;
    this._opt = null;
  }

  /** @internal Forward all layers for `rows` rows whose input is at `input` (default: the first layer's buffer). */
  _forwardRows(rows: number, input = this.layers[0]!._xOwn): void {
    const layers = this.layers;
    layers[0]!._x = input;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      if (i > 0) l._x = layers[i - 1]!._y;
      l._forwardRows(rows);
    }
  }


  /** @internal Validate an input batch. */
  checkInput(x: MatrixLike, op: string): Matrix {
    this.checkLive(op);
    const X = toMatrix(x, op, 'input');
    if (X.cols !== this.inputSize) throw new Error(`${op}: input has ${X.cols} columns, network expects ${this.inputSize}`);
    return X;
  }

  /** @internal Throw after dispose(). */
  checkLive(op: string): void {
    if (this._disposed) throw new Error(`${op}: this network was disposed`);
  }

  private cachedRows(op: string): number {
    const rows = this.layers[0]!._rows;
    const chained = this.layers.every((l, i) => l._rows === rows && (i === 0 || l._x === this.layers[i - 1]!._y));
    if (!rows || !chained) throw new Error(`${op}: no forward pass of this network to differentiate; call forward() first`);
    return rows;
  }
}

/**
 * Throw unless the learning rate is a finite number > 0.
 *
 * @internal
 */
export function checkLearningRate(op: string, lr: unknown): asserts lr is number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new Error(`${op}: learningRate must be a finite number > 0, got ${describe(lr)}`);
  }
}
