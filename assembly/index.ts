// The kernel module: every export is a `void` kernel on raw pointers into linear memory
// (output first, then inputs, dimensions, flags). Kernels never allocate (runtime `stub`);
// all buffers are owned by the TypeScript side (src/backend/). Ids and layouts shared with the
// TypeScript side are in the one contract, src/backend/contract.ts.
//
// One source, two builds: `ASC_FEATURE_SIMD` is a compile-time constant, so the SIMD build
// (`--enable simd`) keeps the f32x4 paths and the scalar build compiles only the scalar loops.

export { gemm, gemmAccumulate, setScratch, scratchBytes } from './gemm';
export { addBiasRows, sumColumns, gatherRows } from './bias';
export { firstNonFinite } from './finite';
export {
  reluForward, reluDerivative, reluBackward,
  leakyReluForward, leakyReluDerivative, leakyReluBackward,
  linearForward, linearDerivative, linearBackward,
  sigmoidForward, sigmoidDerivative, sigmoidBackward,
  tanhForward, tanhDerivative, tanhBackward,
  softmaxForward, softmaxDerivative, softmaxBackward,
} from './activations';
export {
  binaryCrossEntropyLoss, binaryCrossEntropyGrad,
  meanSquaredErrorLoss, meanSquaredErrorGrad,
  softmaxCrossEntropyLoss, softmaxCrossEntropyGrad,
  binaryCrossEntropyLogitsLoss, binaryCrossEntropyLogitsGrad,
} from './losses';
export { sgdUpdate, momentumUpdate, adamUpdate, rmspropUpdate, regularizeGrad } from './optimizers';

/** First byte of linear memory that is free for the host's allocator. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** 1 when this build was compiled with SIMD, else 0. */
export function simdEnabled(): i32 {
  return ASC_FEATURE_SIMD ? 1 : 0;
}

export { trainEpochs, trainingPanelBytes } from './network';
export { profileTime, profileReset } from './profile';
export { denseForward } from './dense';
export { accuracyCount } from './metrics';

// Threads build: the control block, the workers' loop, shutdown (no-ops elsewhere).
export { setControl, shutdownWorkers } from './threads';
export { workerLoop } from './workers';
