/**
 * `scratchnet/core`: the networks, their training, saving and loading (JSON, ONNX, TensorFlow.js)
 * and the numerics: everything in `scratchnet` but the data loaders (CSV, IDX, gzip, scalers,
 * splits, toy data sets) and the SVG plots. For pages that only train: the browser bundle is a
 * third smaller. The objects are the same as the main entry's (in a browser the two bundles share
 * their code), so a page may import from both.
 *
 * @example
 * ```ts
 * import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet/core';
 * await init();
 * const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
 * net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 100, learningRate: 0.1, loss: 'binaryCrossEntropy' });
 * ```
 *
 * @module
 */
export { init, setThreads, shutdown, backendInfo, type BackendInfo, type Flavor, type InitOptions } from './setup.js';
export { Matrix, type MatrixLike } from './core/matrix.js';
export { matmul, type MatmulOptions } from './core/ops.js';
export { Activation, ReLU, Sigmoid, Tanh, LeakyReLU, Linear, Softmax } from './nn/activations.js';
export { Layer, type LayerOptions, type Init } from './nn/layer.js';
export { NeuralNetwork, type NetworkOptions } from './nn/network.js';
export type { TrainingConfig } from './nn/arena.js';
export {
  Loss, BinaryCrossEntropy, BinaryCrossEntropyFromLogits, MeanSquaredError, SoftmaxCrossEntropy, losses, type LossName,
} from './nn/losses.js';
export { Dataset } from './training/dataset.js';
export {
  TrainingDivergedError, type TrainOptions, type TrainAsyncOptions, type TrainResult, type EpochLogs, type StopReason,
  type LearningRateSchedule,
} from './training/train.js';
export { Optimizer, SGD, Momentum, Adam, RMSprop, optimizers, type OptimizerName } from './nn/optimizers.js';
export { type NetworkJSON, type OptimizerStateJSON, type FromJSONOptions, LIMITS as SAVED_NETWORK_LIMITS } from './nn/serialize.js';
export type { ONNXExportOptions } from './interop/onnx.js';
export type { TfjsArtifacts, TfjsModelJSON } from './interop/tfjs.js';
export { RandomState, seed } from './core/random.js';
export { oneHot, argmaxRows } from './data/encoding.js';
export { accuracy } from './data/metrics.js';
