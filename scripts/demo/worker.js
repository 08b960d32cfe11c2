// The demo's training worker: owns the data set and the network, trains in chunks of epochs
// sized to ~30 ms each so 'pause', 'reset' and 'config' messages are handled between chunks,
// and posts progress (epoch, loss, samples/s, the decision surface on a grid, the loss chart).
//
// Messages in:  { type: 'config', config }  { type: 'start' }  { type: 'pause' }  { type: 'reset' }
// Messages out: { type: 'ready', backend }  { type: 'data', ... }  { type: 'progress', ... }
//               { type: 'status', status }  { type: 'error', message }

const GRID = 60; // the decision surface is sampled on GRID × GRID points
const CHUNK_MS = 30; // target time of one training chunk
const MAX_HISTORY = 5000; // loss values kept; beyond, groups of 10 are averaged (x axis ×10)
const CHART_MS = 200; // the loss chart is redrawn at most this often

/** @type {typeof import('../../dist/index.js') & Record<string, any>} */
let sn = null;
let backend = null;

let config = null; // the last config received
let data = null; // { x, y, labels, classes, n, range, grid }
let net = null;
let epoch = 0;
let running = false;
let chunkEpochs = 1;
let lastLoss = NaN;
let samplesPerSec = 0;
let history = []; // loss per `stride` epochs
let stride = 1;
let pendingSum = 0;
let pendingCount = 0;
let lastChartAt = 0;

// Everything waits for the package to load; messages that arrive meanwhile queue on this promise.
const ready = (async () => {
  try {
    sn = await import('/dist/scratchnet.browser.js');
  } catch (err) {
    throw new Error(
      `could not load the package from /dist/scratchnet.browser.js (${err && err.message ? err.message : err}); ` +
        'build it with `npm run build` and serve the demo with `npm run demo`',
    );
  }
  const missing = ['xor', 'circle', 'spirals', 'blobs', 'moons', 'NeuralNetwork', 'lineChartSvg'].filter((k) => typeof sn[k] !== 'function');
  if (missing.length) {
    throw new Error(`/dist/scratchnet.browser.js does not export ${missing.join(', ')}; rebuild the browser bundle (npm run build)`);
  }
  backend = await sn.init();
  self.postMessage({ type: 'ready', backend });
})();

let loadFailed = false;
ready.catch((err) => {
  loadFailed = true;
  fail(err); // reported once, right away
});

let queue = Promise.resolve();
self.onmessage = (event) => {
  // Handle messages strictly in order, after the package has loaded.
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
  self.postMessage({ type: 'error', message, stack: err instanceof Error ? err.stack : undefined, epoch });
  self.postMessage({ type: 'status', status: 'error' });
}

function handle(msg) {
  switch (msg && msg.type) {
    case 'config':
      applyConfig(msg.config);
      break;
    case 'start':
      if (!net) throw new Error('no configuration yet');
      if (!running) {
        running = true;
        self.postMessage({ type: 'status', status: 'training' });
        schedule();
      }
      break;
    case 'pause':
      if (running) {
        running = false;
        self.postMessage({ type: 'status', status: 'paused' });
        postProgress(true);
      }
      break;
    case 'reset':
      running = false;
      buildNetwork();
      self.postMessage({ type: 'status', status: 'idle' });
      postProgress(true);
      break;
    default:
      throw new Error(`worker: unknown message ${JSON.stringify(msg)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration: what changed decides what is rebuilt.

const DATA_KEYS = ['dataset', 'n', 'noise', 'seed', 'classes'];
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
  // learningRate, optimizer and batchSize apply from the next chunk on.
  postProgress(true);
}

function buildData() {
  const { dataset, n, noise, seed, classes } = config;
  let ds;
  switch (dataset) {
    case 'xor': ds = sn.xor({ n, noise, seed }); break;
    case 'circle': ds = sn.circle({ n, noise, seed }); break;
    case 'spirals': ds = sn.spirals({ n, noise, seed }); break;
    case 'blobs': ds = sn.blobs({ n, classes, spread: noise, seed }); break;
    case 'moons': ds = sn.moons({ n, noise, seed }); break;
    default: throw new Error(`unknown data set ${JSON.stringify(dataset)}`);
  }
  const k = ds.y.cols === 1 ? 2 : ds.y.cols;
  const range = squareRange(ds.x.data);
  const [x0, x1, y0, y1] = range;
  // Grid points at pixel centres, row 0 at the top (largest y).
  const g = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = r * GRID + c;
      g[2 * i] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      g[2 * i + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
    }
  }
  data = { x: ds.x, y: ds.y, labels: ds.labels, classes: k, n: ds.x.rows, range, grid: new sn.Matrix(GRID * GRID, 2, g) };
  self.postMessage({
    type: 'data',
    points: new Float32Array(ds.x.data),
    labels: new Int32Array(ds.labels),
    classes: k,
    range,
    gridSize: GRID,
  });
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
};

function buildNetwork() {
  if (!data) throw new Error('no data set yet');
  const make = ACTIVATIONS[config.activation];
  if (!make) throw new Error(`unknown activation ${JSON.stringify(config.activation)}`);
  const out = data.classes > 2 ? data.classes : 1;
  const sizes = [2, ...config.hidden, out];
  const acts = [...config.hidden.map(() => make()), out === 1 ? new sn.Sigmoid() : new sn.Softmax()];
  // He init for the ReLU family, Glorot (xavier) for tanh and sigmoid: the chapter's randn·0.01
  // starts deep networks almost at zero, and they take long to get going.
  const init = config.init === 'chapter' ? 'chapter' : config.activation.endsWith('relu') ? 'he' : 'xavier';
  const fresh = new sn.NeuralNetwork(sizes, acts, { seed: config.seed, init });
  if (net) net.dispose();
  net = fresh;
  epoch = 0;
  chunkEpochs = 1;
  lastLoss = NaN;
  samplesPerSec = 0;
  history = [];
  stride = 1;
  pendingSum = 0;
  pendingCount = 0;
}

// ---------------------------------------------------------------------------------------------
// The training loop: one chunk per macrotask, so messages get in between.

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

function trainChunk() {
  if (!running || !net) return;
  const n = data.n;
  const batchSize = Math.min(config.batchSize || n, n);
  const t0 = performance.now();
  let result;
  try {
    result = net.train(data.x, data.y, {
      epochs: chunkEpochs,
      learningRate: config.learningRate,
      optimizer: config.optimizer,
      batchSize,
      shuffle: true,
      seed: (epoch * 2654435761 + config.seed) >>> 0,
    });
  } catch (err) {
    if (err && err.name === 'TrainingDivergedError') {
      epoch += err.epoch;
      for (const v of err.loss) pushLoss(v);
      postProgress(true);
      throw new Error(`training diverged at epoch ${epoch} (the loss is no longer finite): lower the learning rate and press Reset`);
    }
    throw err;
  }
  const ms = Math.max(performance.now() - t0, 0.01);
  epoch += result.epochs;
  for (const v of result.loss) pushLoss(v);
  lastLoss = result.loss[result.loss.length - 1];
  samplesPerSec = (result.epochs * n * 1000) / ms;
  // Aim for CHUNK_MS per chunk, growing at most 2× at a time.
  chunkEpochs = Math.max(1, Math.min(chunkEpochs * 2, Math.round((chunkEpochs * CHUNK_MS) / ms), 1_000_000));
  postProgress(false);
  schedule();
}

function pushLoss(v) {
  pendingSum += v;
  pendingCount++;
  if (pendingCount < stride) return;
  history.push(pendingSum / pendingCount);
  pendingSum = 0;
  pendingCount = 0;
  if (history.length >= MAX_HISTORY) {
    const coarse = [];
    for (let i = 0; i + 10 <= history.length; i += 10) {
      let s = 0;
      for (let j = i; j < i + 10; j++) s += history[j];
      coarse.push(s / 10);
    }
    history = coarse;
    stride *= 10;
  }
}

function postProgress(forceChart) {
  if (!net || !data) return;
  const pred = net.predict(data.grid);
  const grid = new Float32Array(pred.data);
  const k = pred.cols;
  const accuracy = trainingAccuracy();
  const now = performance.now();
  let svg;
  if (forceChart || now - lastChartAt >= CHART_MS) {
    lastChartAt = now;
    svg = sn.lineChartSvg([{ name: 'loss', values: history, color: '#0877bd' }], {
      width: 420,
      height: 230,
      logY: true,
      xLabel: stride === 1 ? 'epoch' : `epoch (×${stride})`,
      yLabel: 'loss',
    });
  }
  self.postMessage(
    {
      type: 'progress',
      epoch,
      loss: Number.isFinite(lastLoss) ? lastLoss : currentLoss(),
      accuracy,
      samplesPerSec,
      grid,
      outputs: k,
      svg,
      layerSizes: net.layerSizes,
      parameters: net.layers.reduce((s, l) => s + l.inputSize * l.outputSize + l.outputSize, 0),
    },
    [grid.buffer],
  );
}

function trainingAccuracy() {
  const p = net.predict(data.x);
  const d = p.data, k = p.cols, labels = data.labels;
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let c;
    if (k === 1) c = d[i] > 0.5 ? 1 : 0;
    else {
      c = 0;
      for (let j = 1; j < k; j++) if (d[i * k + j] > d[i * k + c]) c = j;
    }
    if (c === labels[i]) right++;
  }
  return right / labels.length;
}

/** The loss of the current weights on the whole training set (before any training). */
function currentLoss() {
  const p = net.predict(data.x);
  const loss = p.cols === 1 ? new sn.BinaryCrossEntropy() : null;
  if (loss) return loss.forward(p, data.y);
  // softmax outputs: mean cross-entropy of the probabilities
  const d = p.data, y = data.y.data, k = p.cols;
  let s = 0;
  for (let i = 0; i < p.rows; i++) for (let j = 0; j < k; j++) if (y[i * k + j] > 0) s -= Math.log(Math.max(d[i * k + j], 1e-15));
  return s / p.rows;
}
