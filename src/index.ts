/**
 * scratchnet: the chapter "Neural Networks from Scratch" in TypeScript, every number crunched by
 * AssemblyScript kernels compiled to WebAssembly (SIMD when the engine has it).
 *
 * @example
 * ```ts
 * import { init, NeuralNetwork, ReLU, Sigmoid } from 'scratchnet';
 * await init();
 * const net = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
 * const { loss } = net.train([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]],
 *   { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
 * ```
 *
 * @module
 */
export { Matrix, type MatrixLike } from './core/matrix.js';
export { matmul, type MatmulOptions } from './core/ops.js';
export { Activation, ReLU, Sigmoid, Tanh, LeakyReLU, Linear, Softmax } from './nn/activations.js';
export { Layer, type LayerOptions } from './nn/layer.js';
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
export { type Init } from './nn/layer.js';
export { type NetworkJSON, type OptimizerStateJSON, type FromJSONOptions, LIMITS as SAVED_NETWORK_LIMITS } from './nn/serialize.js';
export type { ONNXExportOptions } from './interop/onnx.js';
export type { TfjsArtifacts, TfjsModelJSON } from './interop/tfjs.js';
export { RandomState, seed } from './core/random.js';
export { lineChartSvg, type LineSeries, type LineChartOptions } from './plot/line-chart.js';
export { decisionBoundarySvg, type DecisionBoundaryOptions, type Predictor } from './plot/decision-boundary.js';
export { trainingCurvesSvg, type TrainingHistory } from './plot/training-curves.js';
export { parseCsv, type CsvOptions, type CsvData } from './data/csv.js';
export { gunzip, isGzip, GUNZIP_MAX_BYTES, type GunzipOptions } from './data/gzip.js';
export { parseIdx, loadIdx, idxToMatrix, type IdxData, type IdxType } from './data/idx.js';
export { oneHot, argmaxRows } from './data/encoding.js';
export { accuracy } from './data/metrics.js';
export { StandardScaler, MinMaxScaler, type StandardScalerJSON, type MinMaxScalerJSON } from './data/scalers.js';
export { trainTestSplit, type SplitOptions, type Split } from './data/split.js';
export {
  xor, circle, spirals, blobs, moons, type ToyDataset, type XorOptions, type CircleOptions, type SpiralsOptions,
  type BlobsOptions, type MoonsOptions,
} from './data/toy.js';
export { init, setThreads, shutdown, backendInfo, type BackendInfo, type InitOptions } from './setup.js';
