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
// the networks, training, save/load and numerics: all of scratchnet/core
export * from './core.js';
// and the data loaders and plots
export { lineChartSvg, type LineSeries, type LineChartOptions } from './plot/line-chart.js';
export { decisionBoundarySvg, type DecisionBoundaryOptions, type Predictor } from './plot/decision-boundary.js';
export { trainingCurvesSvg, type TrainingHistory } from './plot/training-curves.js';
export { parseCsv, type CsvOptions, type CsvData } from './data/csv.js';
export { gunzip, isGzip, GUNZIP_MAX_BYTES, type GunzipOptions } from './data/gzip.js';
export { parseIdx, loadIdx, idxToMatrix, type IdxData, type IdxType } from './data/idx.js';
export { StandardScaler, MinMaxScaler, type StandardScalerJSON, type MinMaxScalerJSON } from './data/scalers.js';
export { trainTestSplit, type SplitOptions, type Split } from './data/split.js';
export {
  xor, circle, spirals, blobs, moons, type ToyDataset, type XorOptions, type CircleOptions, type SpiralsOptions,
  type BlobsOptions, type MoonsOptions,
} from './data/toy.js';
