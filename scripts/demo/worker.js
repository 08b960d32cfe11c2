// The playground's training worker: owns the data (split into training and test rows), the
// network and the training loop. It trains in chunks of ~CHUNK_MS so messages (pause, step,
// a weight edit, a new config) are handled between chunks, and posts progress: losses, the
// output over a grid of the input plane and, with the network view on, every neuron's output
// over that grid plus all weights.
//
// Runs are reproducible: the data, the split and the initial weights come from the seed; full-batch
// training does not depend on how epochs are chunked, and mini-batch training shuffles every
// epoch with a generator seeded by (seed, epoch), so the same settings give the same run.
//
// In:  config {config} · start · pause · reset · step · view {on} · drawn {frames} (the page drew what came) · setWeight {layer, i, j, value}
//      (i = -1: the bias of unit j) · download {what: 'json' | 'svg' | 'onnx' | 'tfjs'}
// Out: loading (first thing: the script runs) · ready {backend, exports} · data {...} · progress {...} · status {status} · error {message}
//      · file {files: [{name, mime, data}]}

const GRID = 50; // the input plane is sampled on GRID × GRID points
const NGRID = GRID / 2; // neuron maps: every other grid point
const BOX = 3; // inputs are the points' coordinates scaled to [-BOX, BOX]
const CHUNK_MS = 12; // target time of one training chunk (then, view permitting, a progress post)
const UNIT = 32; // mini-batch training calls end at multiples of UNIT epochs (reproducible runs)
const QUIET_MS = 250; // with the view off, progress is posted at most this often
const MAX_HISTORY = 4000; // loss values kept; beyond, pairs are averaged (x axis ×2)
const CHART_MS = 200; // the loss chart is redrawn at most this often

/** Input features: name → f(u, v) of the scaled coordinates. */
const FEATURES = {
  x1: (u) => u,
  x2: (u, v) => v,
  x1sq: (u) => u * u,
  x2sq: (u, v) => v * v,
  x1x2: (u, v) => u * v,
  sinx1: (u) => Math.sin(u),
  sinx2: (u, v) => Math.sin(v),
};

/** @type {Record<string, any>} */
let sn = null;
let config = null;
let data = null;
let net = null;
let lossFn = null; // the Loss object evaluating the current network
let epoch = 0;
let running = false;
let view = true;
let chunkEpochs = 1;
let lastTrain = NaN;
let lastTest = NaN;
let epochsPerSec = 0;
let hist = { loss: [], test: [], stride: 1, pend: [0, 0, 0] };
let lastChartAt = 0;
let lastQuietAt = 0;
let framesInFlight = 0; // progress messages with the view not drawn by the page yet
let evals = null; // the last evaluate() of both parts, and when

self.postMessage({ type: 'loading' });
const ready = (async () => {
  try {
    sn = await import('/dist/scratchnet.browser.js');
  } catch (err) {
    throw new Error(
      `could not load the package from /dist/scratchnet.browser.js (${err && err.message ? err.message : err}); ` +
        'build it with `npm run build` and serve the demo with `npm run demo`',
    );
  }
  const need = ['xor', 'circle', 'spirals', 'blobs', 'moons', 'NeuralNetwork', 'lineChartSvg', 'trainTestSplit', 'RandomState'];
  const missing = need.filter((k) => typeof sn[k] !== 'function');
  if (missing.length) throw new Error(`/dist/scratchnet.browser.js does not export ${missing.join(', ')}; rebuild it (npm run build)`);
  const backend = await sn.init();
  const proto = sn.NeuralNetwork.prototype;
  self.postMessage({ type: 'ready', backend, exports: { onnx: typeof proto.toONNX === 'function', tfjs: typeof proto.toTfjs === 'function' } });
})();

let loadFailed = false;
ready.catch((err) => {
  loadFailed = true;
  fail(err);
});

let queue = Promise.resolve();
self.onmessage = (event) => {
  queue = queue
    .then(() => ready)
    .then(() => handle(event.data))
    .catch((err) => {
      if (!loadFailed) fail(err);
    });
};

function fail(err) {
  running = false;
  const message = err instanceof Error ? `${err.name === 'Error' ? '' : err.name + ': '}${err.message}` : String(err);
  self.postMessage({ type: 'error', message, stack: err instanceof Error ? err.stack : undefined });
  self.postMessage({ type: 'status', status: 'error' });
}

function setRunning(on, status) {
  running = on;
  self.postMessage({ type: 'status', status });
}

function handle(msg) {
  switch (msg && msg.type) {
    case 'config':
      applyConfig(msg.config);
      break;
    case 'start':
      if (!net) throw new Error('no configuration yet');
      if (!running) {
        setRunning(true, 'training');
        schedule();
      }
      break;
    // the last progress goes out before the status: a page that sees 'paused' has the final epoch
    case 'pause':
      if (running) {
        running = false;
        postProgress(true);
        setRunning(false, 'paused');
      }
      break;
    case 'step':
      if (!net) throw new Error('no configuration yet');
      running = false;
      trainEpochs(1);
      postProgress(true);
      setRunning(false, 'paused');
      break;
    case 'reset':
      setRunning(false, 'idle');
      buildNetwork();
      postProgress(true);
      break;
    case 'drawn':
      framesInFlight = Math.max(0, framesInFlight - msg.frames);
      break;
    case 'view':
      view = !!msg.on;
      postProgress(true);
      break;
    case 'setWeight':
      setWeight(msg);
      postProgress(true);
      break;
    case 'download':
      download(msg.what);
      break;
    default:
      throw new Error(`worker: unknown message ${JSON.stringify(msg)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration: what changed decides what is rebuilt.

const DATA_KEYS = ['problem', 'dataset', 'n', 'noise', 'seed', 'classes', 'ratio', 'features'];
const NET_KEYS = ['hidden', 'activation', 'init'];

function applyConfig(next) {
  const prev = config;
  config = { ...next };
  const changed = (keys) => !prev || keys.some((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
  try {
    if (changed(DATA_KEYS)) {
      buildData();
      buildNetwork();
    } else if (changed(NET_KEYS)) {
      buildNetwork();
    }
  } catch (err) {
    config = prev; // so sending the same config again retries
    throw err;
  }
  // learning rate, optimizer, batch size and regularization apply from the next chunk on
  postProgress(true);
}

/** Points of a regression data set: uniform in [-1, 1]², a target in [-1, 1] plus noise. */
function regression(kind, n, noise, seed) {
  const rng = new sn.RandomState(seed);
  const x = new Float32Array(2 * n), y = new Float32Array(n);
  const bumps = [[-0.5, 0.5, 1], [0.5, -0.5, 1], [0.5, 0.5, -1], [-0.5, -0.5, -1]];
  for (let i = 0; i < n; i++) {
    const a = rng.random() * 2 - 1, b = rng.random() * 2 - 1;
    let t;
    if (kind === 'plane') t = (a + b) / 2;
    else if (kind === 'bumps') t = bumps.reduce((s, [cx, cy, h]) => s + h * Math.exp(-((a - cx) ** 2 + (b - cy) ** 2) / 0.18), 0);
    else throw new Error(`unknown regression data set ${JSON.stringify(kind)}`);
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = Math.max(-1, Math.min(1, t + noise * rng.randn()));
  }
  return { x: new sn.Matrix(n, 2, x), y: new sn.Matrix(n, 1, y), labels: null, values: y };
}

function generate() {
  const { problem, dataset, n, noise, seed, classes } = config;
  if (problem === 'regression') return regression(dataset, n, noise, seed);
  switch (dataset) {
    case 'xor': return sn.xor({ n, noise, seed });
    case 'circle': return sn.circle({ n, noise, seed });
    case 'spirals': return sn.spirals({ n, noise, seed });
    case 'blobs': return sn.blobs({ n, classes, spread: noise, seed });
    case 'moons': return sn.moons({ n, noise, seed });
    default: throw new Error(`unknown data set ${JSON.stringify(dataset)}`);
  }
}

/** The feature columns of points given as scaled coordinates (u, v) pairs. */
function featureMatrix(uv, rows) {
  const names = config.features;
  const f = names.map((k) => {
    const fn = FEATURES[k];
    if (!fn) throw new Error(`unknown input feature ${JSON.stringify(k)}`);
    return fn;
  });
  const out = new Float32Array(rows * f.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < f.length; j++) out[i * f.length + j] = f[j](uv[2 * i], uv[2 * i + 1]);
  return new sn.Matrix(rows, f.length, out);
}

function takeRows(m, rows) {
  const c = m.cols, out = new Float32Array(rows.length * c);
  rows.forEach((r, i) => out.set(m.data.subarray(r * c, (r + 1) * c), i * c));
  return new sn.Matrix(rows.length, c, out);
}

function buildData() {
  if (!config.features.length) throw new Error('pick at least one input feature');
  const ds = generate();
  const n = ds.x.rows;
  const classification = config.problem !== 'regression';
  const k = classification ? (ds.y.cols === 1 ? 2 : ds.y.cols) : 1;
  // the points, scaled from a square box around them (10% margin) to [-BOX, BOX]
  const [x0, x1, y0, y1] = squareRange(ds.x.data);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, s = (2 * BOX) / (x1 - x0);
  const uv = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    uv[2 * i] = (ds.x.data[2 * i] - cx) * s;
    uv[2 * i + 1] = (ds.x.data[2 * i + 1] - cy) * s;
  }
  const X = featureMatrix(uv, n);
  // trainTestSplit of the row numbers: its "labels" come back as the rows of each part
  const rowsOf = Array.from({ length: n }, (_, i) => i);
  const split = sn.trainTestSplit(X, rowsOf, { testFraction: 1 - config.ratio / 100, seed: config.seed });
  const isTest = new Uint8Array(n);
  for (const r of split.yTest) isTest[r] = 1;
  // grid points at pixel centres, row 0 at the top (largest v)
  const g = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      g[2 * i] = -BOX + ((c + 0.5) / GRID) * 2 * BOX;
      g[2 * i + 1] = BOX - ((r + 0.5) / GRID) * 2 * BOX;
    }
  }
  const grid = featureMatrix(g, GRID * GRID);
  data = {
    classification, classes: k, n,
    xTrain: split.xTrain, yTrain: takeRows(ds.y, split.yTrain),
    xTest: split.xTest, yTest: takeRows(ds.y, split.yTest),
    grid,
  };
  // the input column of the network view: each feature over the plane (GRID² values per feature)
  const F = config.features.length, featureMaps = new Float32Array(F * GRID * GRID);
  for (let j = 0; j < F; j++) for (let i = 0; i < GRID * GRID; i++) featureMaps[j * GRID * GRID + i] = grid.data[i * F + j];
  const labels = ds.labels ? new Int32Array(ds.labels) : null;
  const values = ds.values ? new Float32Array(ds.values) : null;
  self.postMessage({
    type: 'data', points: uv, labels, values, isTest, classes: k, problem: config.problem, box: BOX, gridSize: GRID, neuronGrid: NGRID,
    features: [...config.features], featureMaps, nTrain: split.xTrain.rows, nTest: split.xTest.rows,
  }, [uv.buffer, featureMaps.buffer]);
}

/** A square box around the points with a 10% margin, so circles look round. */
function squareRange(xy) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]); maxX = Math.max(maxX, xy[i]);
    minY = Math.min(minY, xy[i + 1]); maxY = Math.max(maxY, xy[i + 1]);
  }
  const span = Math.max(maxX - minX, maxY - minY, 1e-3) * 1.2;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  return [cx - span / 2, cx + span / 2, cy - span / 2, cy + span / 2];
}

const ACTIVATIONS = {
  relu: () => new sn.ReLU(),
  tanh: () => new sn.Tanh(),
  sigmoid: () => new sn.Sigmoid(),
  leakyrelu: () => new sn.LeakyReLU(0.01),
  linear: () => new sn.Linear(),
};

function lossName() {
  if (!data.classification) return 'meanSquaredError';
  return data.classes > 2 ? 'softmaxCrossEntropy' : 'binaryCrossEntropy';
}

function buildNetwork() {
  if (!data) throw new Error('no data set yet');
  const make = ACTIVATIONS[config.activation];
  if (!make) throw new Error(`unknown activation ${JSON.stringify(config.activation)}`);
  const out = data.classes > 2 ? data.classes : 1;
  const sizes = [config.features.length, ...config.hidden, out];
  const last = !data.classification ? new sn.Linear() : out === 1 ? new sn.Sigmoid() : new sn.Softmax();
  const acts = [...config.hidden.map(() => make()), last];
  // He init for the ReLU family, Glorot (xavier) otherwise; or the chapter's randn·0.01
  const init = config.init === 'chapter' ? 'chapter' : config.activation.endsWith('relu') ? 'he' : 'xavier';
  const fresh = new sn.NeuralNetwork(sizes, acts, { seed: config.seed, init });
  if (net) net.dispose();
  net = fresh;
  const Loss = { meanSquaredError: sn.MeanSquaredError, softmaxCrossEntropy: sn.SoftmaxCrossEntropy, binaryCrossEntropy: sn.BinaryCrossEntropy };
  lossFn = new Loss[lossName()]();
  epoch = 0;
  chunkEpochs = 1;
  epochsPerSec = 0;
  hist = { loss: [], test: [], stride: 1, pend: [0, 0, 0] };
  lastTrain = evaluate(data.xTrain, data.yTrain).loss;
  lastTest = evaluate(data.xTest, data.yTest).loss;
}

function setWeight({ layer, i, j, value }) {
  const l = net && net.layers[layer];
  if (!l) throw new Error(`setWeight: no layer ${layer}`);
  if (!Number.isFinite(value) || Math.abs(value) > 3.4028234663852886e38) throw new Error(`setWeight: ${value} is not a finite float32`);
  if (i === -1) l.bias.set(0, j, value);
  else l.weights.set(i, j, value);
  lastTrain = evaluate(data.xTrain, data.yTrain).loss;
  lastTest = evaluate(data.xTest, data.yTest).loss;
}

// ---------------------------------------------------------------------------------------------
// Training.

const tick = new MessageChannel();
let scheduled = false;
tick.port1.onmessage = () => {
  scheduled = false;
  queue = queue.then(trainChunk).catch(fail);
};

function schedule() {
  if (running && !scheduled) {
    scheduled = true;
    tick.port2.postMessage(null);
  }
}

/**
 * Train up to `count` epochs; returns how many ran. Mini-batch runs shuffle with a generator seeded
 * by (seed, first epoch of the call), and calls end at multiples of UNIT epochs, so a run started
 * with Start is the same however the time slices fall (Step trains one epoch: its own call).
 */
function trainEpochs(count) {
  const nTrain = data.xTrain.rows;
  const batchSize = Math.min(config.batchSize || nTrain, nTrain);
  const full = batchSize >= nTrain;
  const epochs = full ? count : Math.min(count, UNIT - (epoch % UNIT));
  const options = {
    epochs,
    learningRate: config.learningRate,
    optimizer: config.optimizer,
    loss: lossName(),
    batchSize,
    shuffle: !full,
    seed: (Math.imul(epoch + 1, 2654435761) ^ config.seed) >>> 0,
    validation: { x: data.xTest, y: data.yTest },
  };
  if (config.reg === 'l1') options.l1 = config.regRate;
  if (config.reg === 'l2') options.l2 = config.regRate;
  let result;
  try {
    result = net.train(data.xTrain, data.yTrain, options);
  } catch (err) {
    if (err && err.name === 'TrainingDivergedError') {
      epoch += err.epoch;
      running = false;
      postProgress(true);
      throw new Error(`training diverged at epoch ${epoch} (the loss is no longer finite): lower the learning rate and press Reset`);
    }
    throw err;
  }
  for (let e = 0; e < result.epochs; e++) pushLoss(result.loss[e], result.valLoss[e]);
  epoch += result.epochs;
  lastTrain = result.loss[result.loss.length - 1];
  lastTest = result.valLoss[result.valLoss.length - 1];
  return result.epochs;
}

function trainChunk() {
  if (!running || !net) return;
  const t0 = performance.now();
  let done = 0;
  // full batch: chunkEpochs per call (any split gives the same run); mini-batches: UNIT-aligned calls
  const full = !config.batchSize || config.batchSize >= data.xTrain.rows;
  do done += trainEpochs(full ? chunkEpochs : UNIT);
  while (performance.now() - t0 < CHUNK_MS / 2);
  const ms = Math.max(performance.now() - t0, 0.01);
  epochsPerSec = (done * 1000) / ms;
  // aim for CHUNK_MS per chunk, growing at most 2× at a time
  chunkEpochs = Math.max(1, Math.min(chunkEpochs * 2, Math.round((done * CHUNK_MS) / ms), 1_000_000));
  // with the view on, a new frame while the page has at most one left to draw (so no work is thrown
  // away and drawing overlaps training); with it off, the numbers a few times a second
  const now = performance.now();
  if (view ? framesInFlight < 2 : now - lastQuietAt >= QUIET_MS) {
    lastQuietAt = now;
    postProgress(false);
  }
  schedule();
}

function pushLoss(train, test) {
  const p = hist.pend;
  p[0] += train;
  p[1] += test;
  if (++p[2] < hist.stride) return;
  hist.loss.push(p[0] / p[2]);
  hist.test.push(p[1] / p[2]);
  hist.pend = [0, 0, 0];
  if (hist.loss.length >= MAX_HISTORY) {
    const half = (a) => Array.from({ length: a.length >> 1 }, (_, i) => (a[2 * i] + a[2 * i + 1]) / 2);
    hist.loss = half(hist.loss);
    hist.test = half(hist.test);
    hist.stride *= 2;
  }
}

/** Loss and accuracy of the current network on (x, y). */
function evaluate(x, y) {
  const out = net.forward(x);
  const last = net.layers[net.layers.length - 1];
  const loss = lossFn.forward(lossFn.fromLogits ? last.activationInput.clone() : out, y);
  if (!data.classification) return { loss, accuracy: NaN };
  const d = out.data, t = y.data, k = out.cols;
  let right = 0;
  for (let i = 0; i < out.rows; i++) {
    if (k === 1) right += (d[i] > 0.5 ? 1 : 0) === t[i] ? 1 : 0;
    else {
      let c = 0;
      for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + c]) c = j;
      right += t[i * k + c] === 1 ? 1 : 0;
    }
  }
  return { loss, accuracy: right / out.rows };
}

function chartSvg(title) {
  const xLabel = hist.stride === 1 ? 'epoch' : `epoch (×${hist.stride})`;
  return sn.lineChartSvg(
    [{ name: 'training', values: hist.loss, color: '#0072b2' }, { name: 'test', values: hist.test, color: '#e69f00' }],
    { width: 420, height: 170, logY: true, xLabel, yLabel: 'loss', ...(title ? { title, width: 640, height: 400 } : {}) },
  );
}

function postProgress(forceChart) {
  if (!net || !data) return;
  const transfer = [];
  let grid, neurons, weights;
  if (view || forceChart) {
    const out = net.forward(data.grid);
    grid = new Float32Array(out.data);
    transfer.push(grid.buffer);
    // every neuron's output over the plane, layer by layer, unit by unit: every other grid point
    // (NGRID² values each), enough for the view's small squares
    const N = NGRID * NGRID;
    neurons = new Float32Array(net.layers.reduce((s, l) => s + l.outputSize, 0) * N);
    let o = 0;
    for (const l of net.layers) {
      const y = l.output.data, u = l.outputSize;
      for (let j = 0; j < u; j++, o += N) {
        for (let r = 0; r < NGRID; r++) for (let c = 0; c < NGRID; c++) neurons[o + r * NGRID + c] = y[(2 * r * GRID + 2 * c) * u + j];
      }
    }
    transfer.push(neurons.buffer);
    weights = net.layers.map((l) => ({ w: new Float32Array(l.weights.data), b: new Float32Array(l.bias.data) }));
  }
  // accuracy (and the losses of the current weights) a few times a second, not every frame
  const now = performance.now();
  if (forceChart || !evals || now - evals.at >= QUIET_MS) {
    evals = { at: now, train: evaluate(data.xTrain, data.yTrain), test: evaluate(data.xTest, data.yTest) };
  }
  const { train: trainEval, test: testEval } = evals;
  let svg;
  if (forceChart || now - lastChartAt >= CHART_MS) {
    lastChartAt = now;
    svg = chartSvg();
  }
  if (grid) framesInFlight++;
  self.postMessage({
    type: 'progress', epoch, trainLoss: lastTrain, testLoss: lastTest,
    // the current weights' losses (after the last update), besides those train() reported
    nowTrainLoss: trainEval.loss, nowTestLoss: testEval.loss,
    trainAccuracy: trainEval.accuracy, testAccuracy: testEval.accuracy,
    epochsPerSec: running ? epochsPerSec : 0, grid, neurons, weights, outputs: net.outputSize, svg,
    layerSizes: [...net.layerSizes],
    // the training loss of every epoch (averaged in groups of `stride`), when paused or stepped
    history: forceChart ? { loss: hist.loss.slice(), test: hist.test.slice(), stride: hist.stride } : undefined,
    parameters: net.layers.reduce((s, l) => s + l.inputSize * l.outputSize + l.outputSize, 0),
  }, transfer);
}

// ---------------------------------------------------------------------------------------------
// Downloads.

function download(what) {
  if (!net) throw new Error('no network yet');
  const files = [];
  if (what === 'json') files.push({ name: 'scratchnet-model.json', mime: 'application/json', data: JSON.stringify(net.toJSON()) });
  else if (what === 'svg') files.push({ name: 'loss.svg', mime: 'image/svg+xml', data: chartSvg('Loss over training') });
  else if (what === 'onnx') {
    if (typeof net.toONNX !== 'function') throw new Error('this build of scratchnet has no net.toONNX() yet');
    files.push({ name: 'model.onnx', mime: 'application/octet-stream', data: net.toONNX() });
  } else if (what === 'tfjs') {
    if (typeof net.toTfjs !== 'function') throw new Error('this build of scratchnet has no net.toTfjs() yet');
    const { modelJson, weights } = net.toTfjs();
    const text = typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson);
    files.push({ name: 'model.json', mime: 'application/json', data: text });
    files.push({ name: 'weights.bin', mime: 'application/octet-stream', data: weights });
  } else throw new Error(`unknown download ${JSON.stringify(what)}`);
  self.postMessage({ type: 'file', files });
}
