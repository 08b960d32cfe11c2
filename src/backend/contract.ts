/**
 * The one contract between TypeScript and the AssemblyScript kernels: every id, enum and memory
 * layout that both sides use, defined once, here, with names. The kernels import this file
 * (`assembly/*.ts` → `../src/backend/contract`) and so does the binding; it is written in the
 * subset of TypeScript that AssemblyScript also compiles (plain enums of integer constants), so
 * both compilers read the same declarations. test/backend/contract.test.ts checks each id against
 * the kernels' behaviour.
 *
 * Layouts are in 32-bit words from a block's start; a field marked f64 takes two words and is
 * 8-byte aligned.
 *
 * @module
 * @internal
 */

/** Which activation a kernel applies (assembly/epilogue.ts `activate`, the layer table). */
export enum ActivationId {
  ReLU = 0,
  LeakyReLU = 1,
  Linear = 2,
  Sigmoid = 3,
  Tanh = 4,
  Softmax = 5,
}

/** Which loss the kernels' training loop computes (assembly/network.ts). */
export enum LossId {
  BinaryCrossEntropy = 0,
  MeanSquaredError = 1,
  /** Softmax + cross-entropy on logits (fused with a Softmax output). */
  SoftmaxCrossEntropy = 2,
  /** Sigmoid + binary cross-entropy on logits (fused with a Sigmoid output). */
  BinaryCrossEntropyLogits = 3,
}

/** Which update rule the kernels' training loop applies (assembly/update.ts). */
export enum OptimizerId {
  SGD = 0,
  /** Heavy-ball or Nesterov momentum (see {@link PlanField.Nesterov}). */
  Momentum = 1,
  Adam = 2,
  RMSprop = 3,
}

/** The training plan's header: the word index of each field (assembly/network.ts `trainEpochs`). */
export enum PlanField {
  /** i32: number of layers. */
  Layers = 0,
  /** i32: a {@link LossId}. */
  Loss = 1,
  /** f32: learning rate of this call. */
  LearningRate = 2,
  /** i32: rows of the data set. */
  Rows = 3,
  /** i32: rows per step. */
  BatchRows = 4,
  /** ptr: the data set's inputs (0: full batch, already in place at {@link PlanField.Input}). */
  DataX = 5,
  /** ptr: the data set's targets. */
  DataY = 6,
  /** ptr: row order, i32 per row (the shuffle). */
  Index = 7,
  /** ptr: the first layer's input buffer. */
  Input = 8,
  /** ptr: the batch's targets. */
  Target = 9,
  /** ptr: f64 per epoch, the epoch's mean loss (out). */
  LossOut = 10,
  /** ptr: one f64 the loss kernels write. */
  LossSlot = 11,
  /** i32: inputs per row. */
  InputSize = 12,
  /** i32: outputs per row. */
  OutputSize = 13,
  /** i32 (out): first row of the batch whose loss was not finite. */
  FailedRow = 14,
  /** ptr: all layers' W, b, dW, db. */
  Params = 15,
  /** ptr: a copy of the parameters before each step (0: none). */
  Backup = 16,
  /** i32: bytes of the parameter block. */
  ParamBytes = 17,
  /** i32: an {@link OptimizerId}. */
  Optimizer = 18,
  /** f32: momentum, Adam's β1 or RMSprop's ρ. */
  Hyper1 = 19,
  /** f32: Adam's β2. */
  Hyper2 = 20,
  /** f32: ε of Adam and RMSprop. */
  Epsilon = 21,
  /** ptr: first optimizer state block (laid out like the parameters). */
  StateA = 22,
  /** ptr: second optimizer state block (Adam's v). */
  StateB = 23,
  /** i32: 1 for Nesterov momentum. */
  Nesterov = 24,
  /** f32: L1 penalty on weights. */
  L1 = 25,
  /** f32: L2 penalty on weights. */
  L2 = 26,
  /** ptr: f64 per epoch, the epoch's accuracy (out; 0: none). */
  AccuracyOut = 27,
  /** f32: threshold of binary accuracy. */
  AccuracyThreshold = 28,
  /** i32 (out): 0 when the loss was not finite, else 1 + the layer whose z = x·W + b was not. */
  FailedLayer = 29,
  /** f64 (words 32–33): β1^t, updated every step. */
  Pow1 = 32,
  /** f64 (words 34–35): β2^t, updated every step. */
  Pow2 = 34,
  /**
   * ptr: a second input buffer of BatchRows rows (0: none). On more than one thread, the workers
   * gather the next batch into it while the main thread finishes the current step (its loss and
   * the serial parts of the backward pass); the two buffers then change roles. When the call
   * returns, the last batch is in {@link PlanField.Input} again.
   */
  InputAhead = 36,
  /** ptr: a second target buffer, as {@link PlanField.InputAhead} (0: none). */
  TargetAhead = 37,
  /** Words in the header; the layer table follows. */
  HeaderWords = 48,
}

/** One row of the plan's layer table (after the header): the word index of each field. */
export enum PlanLayerField {
  /** i32: inputs. */
  In = 0,
  /** i32: outputs. */
  Out = 1,
  /** ptr: this layer's input rows (the previous layer's Y, or the plan's Input). */
  X = 2,
  W = 3,
  B = 4,
  DW = 5,
  DB = 6,
  /** ptr: pre-activation x·W + b. */
  Z = 7,
  /** ptr: activation output. */
  Y = 8,
  /** ptr: gradient at the output, turned into the gradient at Z in place. */
  G = 9,
  /** ptr: where the input gradient goes (0: not needed, the first layer). */
  DX = 10,
  /** i32: an {@link ActivationId}. */
  Activation = 11,
  /** f32: LeakyReLU's slope. */
  Alpha = 12,
  /**
   * ptrs: room for the weights packed as the forward product packs them, one for the copy in the
   * parameters and one for the copy in the backup (assembly/network.ts trainingPanelBytes each;
   * 0: none): the first layer's are then stepped (SGD) or updated (the other optimizers, with its
   * gradient and their state in that layout too) there, and never packed again.
   */
  Panels = 13,
  OtherPanels = 14,
  /** i32, the training loop's own: which copy of the weights is current ({@link PanelState}). */
  PanelState = 15,
  /** Words per layer row. */
  Words = 16,
}

/** Where a layer's current weights are during a training call ({@link PlanLayerField.PanelState}). */
export enum PanelState {
  /** In the row-major copies only (the panels are not current). */
  RowMajor = 0,
  /** In both: the live panels were packed from the row-major weights. */
  Both = 1,
  /** In the panels only: the steps since have written only the panels. */
  Panels = 2,
}

/**
 * The phases of a training step that the profile builds time (assembly/profile.ts; `npm run
 * bench -- --profile`): milliseconds accumulated per phase, read with `profileTime(phase)`.
 */
export enum ProfilePhase {
  /** The batch's rows gathered from the data set. */
  Gather = 0,
  /** Every layer's z = x·W + b and y = f(z) (the bias and activation fused into the product). */
  Forward = 1,
  /** The loss, its gradient, accuracy, Adam's bias corrections. */
  Loss = 2,
  /** The gradient through each hidden layer's activation. */
  ActivationBackward = 3,
  /** dW = xᵀ·g per layer (with SGD's step fused into it where it is). */
  WeightGradient = 4,
  /** db (column sums) and dx = g·Wᵀ per layer. */
  InputGradient = 5,
  /** The optimizer's update of every W and b (after the L1/L2 penalties, when there are any). */
  Update = 6,
  /** Of the phases above: the main thread waiting for the other threads to finish their shares. */
  Waiting = 7,
  /** Phases. */
  Count = 8,
}

/**
 * The threads build's control block (assembly/threads.ts): the word index of each field. Fields
 * written at different rates sit on different 64-byte cache lines: the words the idle workers
 * poll (line 0), the job (line 1), the count of chunks done (line 2, written after every chunk),
 * and one line per thread for the claims on its share (claimed by its owner chunk after chunk).
 */
export enum ControlField {
  /** Bumped once per job: workers wait on it. */
  Generation = 0,
  /** Units per chunk of every thread's share of the current job (see post in assembly/threads.ts). */
  ChunkSize = 1,
  /** A {@link Command}. */
  Command = 2,
  /** Threads in use (1: no workers). */
  Threads = 3,
  /** Workers that entered their loop. */
  Ready = 4,
  /** 1 once a worker failed to answer in time. */
  Error = 5,
  /** Milliseconds the main thread waits for workers. */
  Timeout = 6,
  /** Test hook: milliseconds worker 1 stalls before each chunk it runs (0: none), to stage a late worker. */
  StallMs = 7,
  /** First word of the current job (a {@link ProductJob}, {@link UpdateJob} or {@link GatherJob}; 16 words at most). */
  Job = 16,
  /** Chunks of the current job not done yet (the main thread waits for 0). */
  Pending = 32,
  /** Chunks that a thread took from another thread's share, since the backend started (a count). */
  Stolen = 33,
  /**
   * Thread t's claim word is the i64 at word Claims + t × CLAIM_STRIDE (its own cache line; up to
   * 256 threads): the chunks of its share of the current job not yet claimed, as
   * `first | end << 16 | generation << 32` (its owner claims from the first, the other threads
   * from the end; the job's generation tells a late worker that the job it woke for is over).
   */
  Claims = 48,
  /** Words in the control block. */
  Words = 48 + 16 * 256,
}

/** Words from one thread's claim word to the next in the control block (64 bytes: a cache line). */
export const CLAIM_STRIDE = 16;

/** Most threads a backend may use: one claim line each in the control block. */
export const MAX_THREADS = (ControlField.Words - ControlField.Claims) / CLAIM_STRIDE;

/** What the workers are asked to do. */
export enum Command {
  Product = 1,
  Shutdown = 2,
  Update = 3,
  Gather = 4,
  /** A gather the main thread does not wait for (the next batch, by the workers alone: assembly/batch.ts). */
  GatherAhead = 5,
}

/**
 * A product job (C = op(A)·op(B), split by column panels or by rows, each thread's share in chunks
 * that idle threads may take over): word index from the job's start.
 */
export enum ProductJob {
  C = 0,
  A = 1,
  B = 2,
  M = 3,
  N = 4,
  K = 5,
  /** i32: {@link ProductFlag}s. */
  Flags = 6,
  /** ptr: activation output of the fused epilogue (0: none). */
  Y = 7,
  Bias = 8,
  /** i32: an {@link ActivationId}. */
  Activation = 9,
  /** f32. */
  Alpha = 10,
  /** ptr: a {@link GradientStep} applied to each tile of the product instead of storing it (0: none). */
  Step = 11,
  /**
   * ptr: B already packed in the forward's panel layout, kept across training steps (0: B is
   * packed into each thread's scratch); with {@link ProductFlag.FillPanels}, packed there first.
   */
  Panels = 12,
}

/** Bits of a product job's {@link ProductJob.Flags} word. */
export enum ProductFlag {
  TransA = 1,
  TransB = 2,
  /** C += op(A)·op(B) instead of C = op(A)·op(B). */
  Accumulate = 4,
  /** The shares are of rows (A's K block too large for L2), not of column panels. */
  ByRows = 8,
  /** Pack B into the kept panels at {@link ProductJob.Panels} before using them. */
  FillPanels = 16,
}

/** What a {@link GradientStep} does with each tile of the weight gradient. */
export enum StepKind {
  /** SGD's step: reads the weights at Param, writes the new ones at Out. */
  SGD = 0,
  /** Stores the tile itself at Out (with Packed: the gradient in the forward's panel layout, for an optimizer's own pass). */
  Store = 1,
}

/**
 * A weight gradient applied where it is computed (assembly/gradient-step.ts): the training loop's
 * dW = Xᵀ·dZ product hands each 4×8 register tile of dW straight to SGD, which reads the weights
 * at Param and writes the new ones at Out (the other copy of the weights), or stores it (see
 * {@link StepKind}). Word index of each field.
 */
export enum GradientStep {
  Out = 0,
  Param = 1,
  /** f32s. */
  LearningRate = 2,
  /** f32s: the penalties (the gradient is regularized first when either is not 0). */
  L1 = 3,
  L2 = 4,
  /**
   * i32: 1 when Out and Param hold the weights in the forward's panel layout (as the forward
   * product packs them: assembly/gemm.ts forwardPanelBytes, stepKeepsPanels), 0 when row-major.
   */
  Packed = 5,
  /** i32: a {@link StepKind}. */
  Kind = 6,
  /** Words in the block. */
  Words = 8,
}

/** An optimizer-update job (one parameter segment split by ranges, each thread's in chunks). */
export enum UpdateJob {
  /** ptr: the training plan (optimizer kind, hyperparameters, state). */
  Plan = 0,
  /** ptr: where the new parameters go (may be Param: in place). */
  Out = 1,
  Param = 2,
  Grad = 3,
  /** i32: floats in the segment. */
  Count = 4,
  /** f32. */
  LearningRate = 5,
  /** f32: Adam's bias corrections. */
  Correction1 = 6,
  Correction2 = 7,
  /** i32: byte offset of the segment in the parameter block (and so in the optimizer's state). */
  StateOffset = 8,
  /**
   * i32: 0 when the segment is split into flat ranges; else its width N: the segment (and its
   * state) is K×N in the forward's panel layout, split into the column panels the products split.
   */
  Columns = 9,
}

/**
 * A mini-batch gathered from the data set (assembly/batch.ts), split by rows: the inputs' and the
 * targets' rows named by the row order.
 */
export enum GatherJob {
  /** ptrs: the batch's inputs and targets, and the data set's. */
  X = 0,
  Y = 1,
  DataX = 2,
  DataY = 3,
  /** ptr: the batch's row numbers (i32s). */
  Index = 4,
  /** i32s: rows in the batch, floats per input row, per target row. */
  Rows = 5,
  InputSize = 6,
  OutputSize = 7,
}
