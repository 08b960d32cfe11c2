/**
 * NeuralNetwork: the chapter's network, a stack of Layers living in one arena of WebAssembly
 * memory (parameters and gradients in one block, batch buffers in a workspace block resized for
 * larger batches), freed by `dispose()`. Its machinery (the arena, ./arena.ts) is private;
 * `forward` and `backward` read as the chapter's loops over the layers.
 *
 * @module
 */
import { Activation } from './activations.js';
import { backend } from '../backend/load.js';
import { networkLayer, Layer, initScale, type Init } from './layer.js';
import { Matrix, plainMatrix, toMatrix, type MatrixLike } from '../core/matrix.js';
import { checkSize, describe, readOptions } from '../core/validate.js';
import { RandomState, globalRandom } from '../core/random.js';
import { checkFiniteCopy, readMatrix, withScratch } from '../core/scratch.js';
import { activationToJSON, LIMITS, parseNetworkJSON, type FromJSONOptions, type NetworkJSON } from './serialize.js';
import { decodeONNX, encodeONNX, type ONNXExportOptions } from '../interop/onnx.js';
import { decodeTfjs, encodeTfjs, type TfjsArtifacts } from '../interop/tfjs.js';
import { buffersOf, LayerBuffers } from './buffers.js';
import { attachArena, NetworkArena, type TrainingConfig } from './arena.js';
import { sgdStep } from './kernel-ops.js';
import { checkLearningRate, LARGE_INPUT } from '../training/options.js';
import { trainNetwork, trainNetworkAsync, type TrainAsyncOptions, type TrainOptions, type TrainResult } from '../training/train.js';
import { isDataset, type Dataset } from '../training/dataset.js';
import type { TrainData } from '../training/options.js';

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

/** Largest number of layers a network may have. */
const MAX_LAYERS = 1000;

/** Copy an array argument once (holes become undefined; a hostile proxy gets a named Error). */
function copyArray(op: string, name: string, v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${op}: ${name} must be an array of ${what}, got ${describe(v)}`);
  try {
    const n = v.length;
    if (!Number.isSafeInteger(n) || n > MAX_LAYERS + 1) throw new Error(`has ${String(n)} entries`);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(v[i]);
    return out;
  } catch (e) {
    throw new Error(`${op}: ${name} could not be read as an array of ${what} (${(e as Error).message})`);
  }
}

/** `train(dataset, options)` or `train(x, y, options)`, as the data and the options. */
function trainArgs<O extends TrainOptions>(op: string, x: unknown, y: unknown, options: O | undefined): [TrainData, O] {
  if (!isDataset(x)) return [{ x: x as MatrixLike, y: y as MatrixLike }, options === undefined ? ({} as O) : options];
  let matrix = false;
  try {
    matrix = Array.isArray(y) || y instanceof Matrix;
  } catch {
    // a revoked Proxy, or one whose getPrototypeOf trap throws: not a Matrix (the options check names it)
  }
  if (matrix || options !== undefined) {
    throw new Error(`${op}: the Dataset holds the targets; call ${op.split('.')[1]}(dataset, options)`);
  }
  return [x, (y === undefined ? {} : y) as O];
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
export class NeuralNetwork {
  readonly #arena: NetworkArena;
  readonly #layers: readonly Layer[];
  readonly #layerSizes: readonly number[];

  constructor(layerSizes: readonly number[], activations: readonly Activation[], options: NetworkOptions = {}) {
    const op = 'NeuralNetwork';
    // copy every argument once, then validate the copies; nothing is allocated before the end
    const sizes = copyArray(op, 'layerSizes', layerSizes, 'positive integers');
    if (sizes.length < 2) throw new Error(`${op}: need at least input and output layers, got ${sizes.length} size(s)`);
    if (sizes.length > MAX_LAYERS + 1) throw new Error(`${op}: at most ${MAX_LAYERS} layers, got ${sizes.length - 1}`);
    sizes.forEach((s, i) => checkSize(op, `layerSizes[${i}]`, s));
    const acts = copyArray(op, 'activations', activations, 'Activation objects');
    if (acts.length !== sizes.length - 1) {
      throw new Error(
        `${op}: need one activation for each layer except the input: ${sizes.length} sizes need ` +
          `${sizes.length - 1} activations, got ${acts.length}`,
      );
    }
    acts.forEach((a, i) => {
      if (!(a instanceof Activation)) throw new Error(`${op}: activations[${i}] is ${describe(a)}, not an Activation`);
    });
    if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${describe(options)}`);
    const { seed, rng: givenRng, init } = readOptions(op, options, ['seed', 'rng', 'init']) as NetworkOptions;
    if (seed !== undefined && givenRng !== undefined) throw new Error(`${op}: give seed or rng, not both`);
    const rng = givenRng ?? (seed !== undefined ? new RandomState(seed) : globalRandom);
    if (!(rng instanceof RandomState)) throw new Error(`${op}: options.rng must be a RandomState`);
    initScale(init, 1, 1, op);
    const dims = sizes as number[];
    let floats = 0;
    for (let i = 0; i + 1 < dims.length; i++) {
      floats += LayerBuffers.paramFloats(dims[i]!, dims[i + 1]!);
    }

    const be = backend();
    const params = be.alloc(floats * 4, `NeuralNetwork([${dims.join(', ')}])`);
    const arena = new NetworkArena(be, params, dims[0]!, dims[dims.length - 1]!);
    const layers: Layer[] = [];
    try {
      let offset = 0;
      for (let i = 0; i + 1 < dims.length; i++) {
        const [inp, out] = [dims[i]!, dims[i + 1]!];
        const layer = networkLayer(inp, out, acts[i] as Activation, { rng, init }, {
          owner: arena, block: params, offset, inputFrom: arena.layers[i - 1] ?? null,
        });
        layers.push(layer);
        arena.layers.push(buffersOf(layer));
        offset += LayerBuffers.paramFloats(inp, out) * 4;
      }
    } catch (e) {
      be.release(params);
      throw e;
    }
    this.#arena = arena;
    this.#layers = Object.freeze(layers);
    this.#layerSizes = Object.freeze([...dims]);
    attachArena(this, arena);
  }

  /** The layers, input to output (a frozen array). */
  get layers(): readonly Layer[] {
    return this.#layers;
  }

  /** The sizes given to the constructor (a frozen array). */
  get layerSizes(): readonly number[] {
    return this.#layerSizes;
  }

  /** Inputs per sample. */
  get inputSize(): number {
    return this.#layerSizes[0]!;
  }

  /** Outputs per sample. */
  get outputSize(): number {
    return this.#layerSizes[this.#layerSizes.length - 1]!;
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#arena.disposed;
  }

  /** The optimizer and loss of the last `train()` (saved with the model), or null. */
  get trainingConfig(): TrainingConfig | null {
    const c = this.#arena.trainingConfig;
    return c ? { optimizer: { ...c.optimizer }, loss: c.loss } : null;
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
    return this.#run(x, 'NeuralNetwork.forward', true);
  }

  /**
   * Predictions for `x` (the forward pass). Up to one block of rows (about 32 MiB of a forward
   * pass's buffers, at least 1024 rows) it runs as `forward` does; a larger `x` runs in blocks of
   * rows on temporary buffers freed before it returns, so it keeps no memory, and leaves the
   * workspace and the layers' caches as they were.
   *
   * @example
   * ```ts
   * net.predict([[1, 0]]).get(0, 0);
   * ```
   */
  predict(x: MatrixLike): Matrix {
    return this.#run(x, 'NeuralNetwork.predict');
  }

  /** The forward pass of `forward` (`cache`: always on the workspace, whose caches backward reads) and `predict`. */
  #run(x: MatrixLike, op: string, cache?: boolean): Matrix {
    const arena = this.#arena;
    arena.checkLive(op);
    // A large plain Matrix is float32 already: its values are checked by one SIMD pass in WASM
    // over a temporary copy instead of a per-element pass in JS (11% of a 10,000 x 784 predict).
    const plain = plainMatrix(x);
    const large = plain !== null && plain.cols === this.inputSize && plain.data.length >= LARGE_INPUT;
    const X = large ? plain : toMatrix(x, op, 'input');
    if (X.cols !== this.inputSize) throw new Error(`${op}: input has ${X.cols} columns, network expects ${this.inputSize}`);
    // Temporary forward buffers while training (or a call below us) owns the workspace, and for
    // predict on more rows than one block (block after block, instead of a workspace, gradient
    // buffers included, for all its rows, kept until dispose()). Those check a large input block
    // by block as they copy it in; the workspace is checked for before it is touched.
    const detached = arena.busy || (!cache && X.rows > arena.blockRows());
    if (large && !detached) withScratch(arena.be, op, [X.data.length], ([p]) => {
      arena.be.write(p!, X.data);
      checkFiniteCopy(arena.be, p!, X, op);
    });
    if (arena.busy) return arena.forwardDetached(X, op, large);
    return arena.use(op, () => {
      if (detached) return arena.forwardDetached(X, op, large);
      arena.ensureWorkspace(X.rows, op, op);
      arena.be.write(arena.layers[0]!.xOwn, X.data);
      arena.forward(X.rows); // for layer in self.layers: x = layer.forward(x)
      arena.be.checkThreads(op);
      return readMatrix(arena.be, arena.layers[arena.layers.length - 1]!.y, X.rows, this.outputSize);
    });
  }

  /**
   * The chapter's backward: backpropagate `gradOutput` (the loss gradient with respect to the
   * last forward pass's output) through the layers in reverse, and update each by plain SGD,
   * `weights −= learningRate · gradWeights`, `bias −= learningRate · gradBias`.
   *
   * @example
   * ```ts
   * const out = net.forward(X);
   * net.backward(new BinaryCrossEntropy().backward(out, y), 0.1); // one step of the chapter's loop
   * ```
   */
  backward(gradOutput: MatrixLike, learningRate = 0.01): void {
    const op = 'NeuralNetwork.backward', arena = this.#arena, be = arena.be;
    arena.checkLive(op);
    arena.checkIdle(op);
    const G = toMatrix(gradOutput, op, 'gradOutput');
    checkLearningRate(op, learningRate);
    const layers = arena.layers, rows = this.#cachedRows(op);
    if (G.rows !== rows || G.cols !== this.outputSize) {
      throw new Error(`${op}: gradOutput is ${G.rows}x${G.cols}, the last forward pass produced ${rows}x${this.outputSize}`);
    }
    arena.use(op, () => {
      be.write(layers[layers.length - 1]!.g, G.data);
      for (let i = layers.length - 1; i >= 0; i--) {
        const layer = layers[i]!;
        // grad = layer.backward(grad): into the previous layer's output gradient
        layer.backward(i > 0 ? layers[i - 1]!.g : 0, false);
        // layer.weights -= learning_rate * grad_weights; layer.bias -= learning_rate * grad_bias
        sgdStep(be, { param: layer.w, grad: layer.dw, learningRate, count: layer.inputs * layer.outputs });
        sgdStep(be, { param: layer.b, grad: layer.db, learningRate, count: layer.outputs });
      }
      be.checkThreads(op);
    });
  }

  /**
   * Train on inputs `x` and targets `y`, or on a {@link Dataset} (already in WebAssembly memory:
   * nothing is copied or checked again, which is what repeated calls on the same data want); see
   * {@link TrainOptions}. Returns the loss of every epoch.
   *
   * @example
   * ```ts
   * const { loss } = net.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
   * const data = new Dataset(X, y);
   * net.train(data, { epochs: 100, learningRate: 0.1 }); // the same as net.train(X, y, ...)
   * ```
   */
  train(data: Dataset, options?: TrainOptions): TrainResult;
  train(x: MatrixLike, y: MatrixLike, options?: TrainOptions): TrainResult;
  train(x: MatrixLike | Dataset, y?: MatrixLike | TrainOptions, options?: TrainOptions): TrainResult {
    return trainNetwork(this, ...trainArgs('NeuralNetwork.train', x, y, options));
  }

  /**
   * Train without blocking: runs in slices of about `yieldEvery` ms (default 16), yielding to the
   * event loop between them so a page or server stays responsive; reports progress; stops
   * cleanly on an AbortSignal with the weights of the last completed epoch. The network is busy
   * until the promise settles: a second `train`/`trainAsync`, `dispose` or `resetOptimizer`
   * meanwhile is rejected; `predict` works. Given a {@link Dataset}, that Dataset cannot be
   * disposed until the promise settles either.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const result = await net.trainAsync(X, y, { epochs: 100000, signal: controller.signal,
   *   onProgress: ({ epoch, loss }) => console.log(epoch, loss) });
   * await net.trainAsync(new Dataset(X, y), { epochs: 100 });
   * ```
   */
  trainAsync(data: Dataset, options?: TrainAsyncOptions): Promise<TrainResult>;
  trainAsync(x: MatrixLike, y: MatrixLike, options?: TrainAsyncOptions): Promise<TrainResult>;
  trainAsync(x: MatrixLike | Dataset, y?: MatrixLike | TrainAsyncOptions, options?: TrainAsyncOptions): Promise<TrainResult> {
    try {
      return trainNetworkAsync(this, ...trainArgs('NeuralNetwork.trainAsync', x, y, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The whole network as a versioned JSON document: sizes, activations, weights (exact: float32
   * values survive a JSON round trip, but for −0, which JSON writes as 0), and the optimizer and
   * loss last used with the optimizer's state (`training.state`: `fromJSON` then resumes training
   * bit for bit). A state that overflowed float32 is left out (Adam's or RMSprop's mean of squared
   * gradients reaches +Infinity once a gradient passes ~1.8e19, which JSON cannot hold): the
   * document still loads, with the optimizer starting afresh. Called from a callback while
   * training runs, it is a checkpoint of that run: its settings and state.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(net.toJSON());
   * const again = NeuralNetwork.fromJSON(saved);
   * ```
   */
  toJSON(): NetworkJSON {
    this.#arena.checkLive('NeuralNetwork.toJSON');
    const doc: NetworkJSON = {
      format: 'scratchnet',
      version: 1,
      layerSizes: [...this.layerSizes],
      activations: this.layers.map((l) => activationToJSON(l.activation)),
      layers: this.layers.map((l) => ({ weights: Array.from(l.weights.data), bias: Array.from(l.bias.data) })),
    };
    // from a callback while training runs, a checkpoint: the running call's settings and state
    const arena = this.#arena, running = arena.training;
    const c = running ? structuredClone(running.config) : this.trainingConfig;
    if (c) {
      doc.training = { optimizer: c.optimizer, loss: c.loss };
      const state = arena.optimizerStateJSON(running ? running.key : arena.configKey);
      if (state) doc.training.state = state;
    }
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
   * const text = JSON.stringify(net.toJSON()); // e.g. read back from a file
   * const copy = NeuralNetwork.fromJSON(JSON.parse(text)); // or fromJSON(text)
   * copy.predict(X).data[0] === net.predict(X).data[0]; // true
   * ```
   */
  static fromJSON(json: unknown, options: FromJSONOptions = {}): NeuralNetwork {
    const op = 'NeuralNetwork.fromJSON';
    if (options === null || typeof options !== 'object') throw new Error(`${op}: options must be an object, got ${describe(options)}`);
    const doc = parseNetworkJSON(json, readOptions(op, options, ['activations', 'optimizers', 'losses']), op);
    const trainingConfig = doc.training ?? null; // resolved and checked by parseNetworkJSON
    // a private generator: loading must not advance the global one (np.random semantics)
    const net = new NeuralNetwork(doc.layerSizes, doc.activations, { init: 0, rng: new RandomState(0) });
    try {
      net.layers.forEach((l, i) => {
        l.weights.data.set(doc.layers[i]!.weights);
        l.bias.data.set(doc.layers[i]!.bias);
      });
      net.#arena.trainingConfig = trainingConfig;
      if (doc.state) net.#arena.restoreOptimizerState(doc.optimizer!, trainingConfig!.optimizer, doc.state, op);
    } catch (e) {
      net.dispose(); // a rejected load keeps nothing
      throw e;
    }
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
    const arena = this.#arena;
    arena.checkLive('NeuralNetwork.resetOptimizer');
    arena.checkIdle('NeuralNetwork.resetOptimizer');
    if (arena.opt?.block) arena.be.release(arena.opt.block);
    arena.opt = null;
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
    this.#arena.checkLive('NeuralNetwork.toONNX');
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
   * import * as tf from '@tensorflow/tfjs';
   * const { modelJson, weights } = net.toTfjs();
   * const model = await tf.loadLayersModel(tf.io.fromMemory({
   *   modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights,
   *   weightData: weights.slice().buffer }));
   * ```
   */
  toTfjs(): TfjsArtifacts {
    this.#arena.checkLive('NeuralNetwork.toTfjs');
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
   * import { readFileSync } from 'node:fs';
   * const modelJson = JSON.parse(readFileSync('web_model/model.json', 'utf8'));
   * const net = NeuralNetwork.fromTfjs(modelJson, readFileSync('web_model/group1-shard1of1.bin'));
   * ```
   */
  static fromTfjs(modelJson: unknown, weights: Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[]): NeuralNetwork {
    return NeuralNetwork.fromJSON(decodeTfjs(modelJson, weights, LIMITS));
  }

  /**
   * Free the network's WebAssembly memory; any later use of it, its layers or their weight views
   * throws. Calling it twice is harmless; calling it while the network trains throws.
   *
   * @example
   * ```ts
   * net.dispose();
   * ```
   */
  dispose(): void {
    const arena = this.#arena;
    if (arena.disposed) return;
    arena.checkIdle('NeuralNetwork.dispose');
    arena.release();
  }

  #cachedRows(op: string): number {
    const layers = this.#arena.layers, rows = layers[0]!.rows;
    const chained = layers.every((l, i) => l.rows === rows && (i === 0 || l.x === layers[i - 1]!.y));
    if (!rows || !chained) throw new Error(`${op}: no forward pass of this network to differentiate; call forward() first`);
    return rows;
  }
}
