// The playground page: controls, the settings in the URL hash, the network view, the output plot,
// the losses and downloads. Training runs in ./worker.js; this thread only draws what it posts.
// Chapter mode lives in ./chapter.js (loaded when first opened).
//
// For automated tests: window.demoState mirrors what is shown (epoch, losses, status, frames of the
// view drawn, the config), and document.body.dataset.status is 'idle' | 'training' | 'paused' | 'error'.

import { NetView, FEATURES, NEG_HEX, POS_HEX, diverging } from './netview.js';

/** Class colours: Okabe–Ito orange and blue first, then four that stay apart under deuteranopia. */
export const PALETTE = [NEG_HEX, POS_HEX, '#999933', '#cc79a7', '#332288', '#882255'];
const DATASETS = {
  classification: [['circle', 'Circle'], ['xor', 'XOR'], ['spirals', 'Two spirals'], ['blobs', 'Gaussian blobs'], ['moons', 'Moons']],
  regression: [['plane', 'Plane'], ['bumps', 'Four bumps']],
};
const NOISE_DEFAULTS = { xor: 0.1, circle: 0.05, spirals: 0.02, blobs: 0.25, moons: 0.1, plane: 0, bumps: 0 };
const MAX_LAYERS = 6;
const MAX_UNITS = 8;

const $ = (id) => document.getElementById(id);
const el = {
  start: $('start'), step: $('step'), reset: $('reset'), epoch: $('epoch'), status: $('status'),
  lr: $('lr'), activation: $('activation'), reg: $('reg'), regRate: $('reg-rate'), problem: $('problem'), optimizer: $('optimizer'),
  init: $('init'), dataset: $('dataset'), classes: $('classes'), classesField: $('classes-field'), ratio: $('ratio'),
  ratioValue: $('ratio-value'), noise: $('noise'), noiseValue: $('noise-value'), noiseLabel: $('noise-label'), n: $('n'),
  batch: $('batch'), seed: $('seed'), seedHint: $('seed-hint'), showTest: $('show-test'), liveView: $('live-view'),
  share: $('share'), shareNote: $('share-note'), layerAdd: $('layer-add'), layerRemove: $('layer-remove'), layersLabel: $('layers-label'),
  arch: $('arch'), net: $('net'), testLoss: $('test-loss'), trainLoss: $('train-loss'), accuracy: $('accuracy'),
  speed: $('speed'), chart: $('loss-chart'), canvas: $('boundary'), legend: $('legend'), error: $('error'), backend: $('backend'),
  dlJson: $('dl-json'), dlSvg: $('dl-svg'), dlOnnx: $('dl-onnx'), dlTfjs: $('dl-tfjs'),
  modePlayground: $('mode-playground'), modeChapter: $('mode-chapter'), playground: $('playground'), chapter: $('chapter'),
};

/** What an automated test watches. */
const state = {
  ready: false, status: 'idle', mode: 'playground', epoch: 0, loss: NaN, trainLoss: NaN, testLoss: NaN, accuracy: NaN, epochsPerSec: 0,
  viewFrames: 0, progressCount: 0, history: null, config: null, backend: null, exports: null, dataCount: 0,
  workerStarts: 0, workerRan: false,
};
window.demoState = state;
window.demoPalette = { classes: PALETTE, negative: NEG_HEX, positive: POS_HEX };

/** Settings kept outside the form controls. */
let features = ['x1', 'x2'];
let hidden = [4, 2];
let fatal = false;
let data = null;
let progress = null;
let fresh = false; // a progress message not drawn yet
let unacknowledged = 0; // frames (progress with the view) received since the worker last heard
let drawPending = false;

// ---------------------------------------------------------------------------------------------
// Errors.

function showError(message, level = 'error') {
  el.error.textContent = message;
  el.error.classList.add('show');
  console[level](`scratchnet demo: ${message}`);
}

function clearError() {
  if (fatal) return;
  el.error.textContent = '';
  el.error.classList.remove('show');
}

function setStatus(status) {
  state.status = status;
  document.body.dataset.status = status;
  el.status.textContent = status;
  el.start.textContent = status === 'training' ? 'Pause' : 'Start';
}

window.addEventListener('error', (e) => showError(`page error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showError(`page error: ${e.reason?.message ?? e.reason}`));

// ---------------------------------------------------------------------------------------------
// The worker.

// A worker that has not said 'ready' after READY_MS (it loads the package and compiles the kernels,
// well under a second) is replaced once, with what the page had sent it; if the second one does not
// answer either, the page says so. (Firefox under load now and then leaves the module worker
// silent, with no error: seen in CI and once in ~60 local runs of the engine tests.)
const READY_MS = window.scratchnetDemoReadyMs ?? 15_000; // the tests set a shorter wait
let worker = null;
let early = []; // messages posted before 'ready', replayed to a replacement worker

function startWorker() {
  const w = new Worker('./worker.js', { type: 'module' });
  w.onmessage = onWorkerMessage;
  w.onerror = onWorkerError;
  state.workerStarts++;
  setTimeout(() => {
    if (state.ready || fatal || worker !== w) return;
    w.terminate();
    if (state.workerStarts < 2) {
      const where = state.workerRan ? 'it was loading the package and kernels' : 'its script had not run';
      console.warn(`scratchnet demo: the training worker did not start within ${READY_MS / 1000} s (${where}); starting another`);
      state.workerRan = false;
      worker = startWorker();
      for (const msg of early) worker.postMessage(msg);
      return;
    }
    fatal = true;
    el.backend.textContent = 'kernels not loaded';
    showError(`the training worker did not start within ${READY_MS / 1000} s, twice; reload the page ` +
      '(is the server serving /dist/scratchnet.browser.js?)');
    setStatus('error');
  }, READY_MS);
  return w;
}

/** Send `msg` to the training worker. */
function post(msg) {
  if (!state.ready) early.push(msg);
  worker.postMessage(msg);
}

function onWorkerMessage(event) {
  const msg = event.data;
  switch (msg.type) {
    case 'loading':
      state.workerRan = true;
      break;
    case 'ready': {
      state.ready = true;
      early = [];
      state.backend = msg.backend;
      state.exports = msg.exports;
      const b = msg.backend;
      el.backend.textContent = `kernels: ${b.build}${b.simd ? ' (SIMD)' : ''} · ${b.threads} thread${b.threads === 1 ? '' : 's'}`;
      if (b.threadsNote) el.backend.title = b.threadsNote;
      for (const [button, ok, what] of [[el.dlOnnx, msg.exports.onnx, 'toONNX'], [el.dlTfjs, msg.exports.tfjs, 'toTfjs']]) {
        button.disabled = !ok;
        button.title = ok ? '' : `needs a scratchnet build with NeuralNetwork.${what}()`;
      }
      break;
    }
    case 'data':
      data = msg;
      state.dataCount++;
      buildView();
      drawLegend();
      requestDraw();
      break;
    case 'progress':
      progress = msg;
      fresh = true;
      if (msg.grid) unacknowledged++;
      state.progressCount++;
      state.epoch = msg.epoch;
      state.trainLoss = msg.trainLoss;
      state.loss = msg.trainLoss;
      state.testLoss = msg.testLoss;
      state.accuracy = msg.testAccuracy;
      state.epochsPerSec = msg.epochsPerSec;
      if (msg.history) {
        state.history = msg.history;
        state.historyEpoch = msg.epoch;
      }
      if (msg.weights) state.weights = msg.weights;
      if (msg.svg !== undefined) el.chart.innerHTML = msg.svg;
      if (view && msg.layerSizes.join() !== view.shape) buildView();
      requestDraw();
      break;
    case 'status':
      setStatus(msg.status);
      break;
    case 'file':
      for (const f of msg.files) save(f.name, f.mime, f.data);
      break;
    case 'error':
      if (!state.ready) {
        fatal = true;
        el.backend.textContent = 'kernels not loaded';
      }
      showError(msg.message);
      if (msg.stack) console.error(msg.stack);
      setStatus('error');
      break;
    default:
      showError(`unexpected message from the worker: ${JSON.stringify(msg).slice(0, 200)}`);
  }
}

function onWorkerError(event) {
  event.preventDefault();
  fatal = true;
  showError(`the training worker failed to load or crashed: ${event.message || 'see the console'} ` +
    '(is the server serving /dist/scratchnet.browser.js?)');
  setStatus('error');
}

worker = startWorker();

function save(name, mime, content) {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------------------------------------
// Settings: the controls, the features and layers, and the URL hash.

/** Hash key → the form control holding it (the order is the hash's). */
const FIELDS = {
  problem: el.problem, dataset: el.dataset, classes: el.classes, n: el.n, noise: el.noise, ratio: el.ratio, batch: el.batch,
  seed: el.seed, activation: el.activation, lr: el.lr, reg: el.reg, regRate: el.regRate, optimizer: el.optimizer, init: el.init,
};

function parseSeed(text) {
  const t = String(text).trim();
  if (!/^\d+$/.test(t) || +t > 4294967295) return { error: 'a whole number 0–4294967295' };
  return { seed: +t };
}

/** A number as a link may write it: plain decimal (no hex, no sign +, no spaces), as a range input parses it. */
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Set a control to `v` and keep it only if the control took it as given (an <input> empties or
 * moves a value it cannot parse); otherwise put the previous value back and return false.
 */
function trySet(control, v, same = (a, b) => a === b) {
  const prev = control.value;
  control.value = v;
  if (same(control.value, v)) return true;
  control.value = prev;
  return false;
}

/** `key=value` from a link for the warning banner: blanks folded, at most 40 characters of the value. */
function shown(key, value) {
  const v = String(value).replace(/\s+/g, ' ');
  return `${key}=${v.length > 40 ? v.slice(0, 40) + '…' : v}`;
}

function fillDatasets() {
  const list = DATASETS[el.problem.value] ?? DATASETS.classification;
  const keep = el.dataset.value;
  el.dataset.replaceChildren(...list.map(([v, label]) => new Option(label, v)));
  el.dataset.value = list.some(([v]) => v === keep) ? keep : list[0][0];
}

function syncFields() {
  const blobs = el.dataset.value === 'blobs';
  el.classesField.hidden = !blobs;
  el.noiseLabel.textContent = blobs ? 'Spread' : 'Noise';
  el.noiseValue.textContent = Number(el.noise.value).toFixed(2);
  el.ratioValue.textContent = `${el.ratio.value}%`;
  el.regRate.disabled = el.reg.value === 'none';
  el.layersLabel.textContent = `${hidden.length} hidden layer${hidden.length === 1 ? '' : 's'}`;
  el.layerAdd.disabled = hidden.length >= MAX_LAYERS;
  el.layerRemove.disabled = hidden.length === 0;
}

/** The config from the controls, or null (with the fields marked) when something is invalid. */
function readConfig() {
  const seed = parseSeed(el.seed.value);
  el.seedHint.textContent = seed.error ?? '';
  el.seed.setAttribute('aria-invalid', String(!!seed.error));
  if (seed.error) return null;
  const problem = el.problem.value;
  return {
    problem, dataset: el.dataset.value, n: Number(el.n.value), noise: Number(el.noise.value), seed: seed.seed,
    classes: el.dataset.value === 'blobs' ? Number(el.classes.value) : 2, ratio: Number(el.ratio.value),
    features: FEATURES.filter((f) => features.includes(f)), hidden: [...hidden], activation: el.activation.value,
    init: el.init.value, optimizer: el.optimizer.value, learningRate: Number(el.lr.value), batchSize: Number(el.batch.value),
    reg: el.reg.value, regRate: Number(el.regRate.value),
  };
}

/** The settings of the controls as [key, value] pairs of the hash. */
function settingsParams() {
  const p = Object.entries(FIELDS).map(([key, control]) => [key, control.value]);
  p.push(['features', FEATURES.filter((f) => features.includes(f)).join(',')], ['hidden', hidden.join(',')]);
  return p;
}

/** The settings last sent to the worker (the run shown): the address holds these, never a value the run does not use. */
let applied = null;

/** The hash of the current run: `#problem=…&dataset=…&…&features=x1,x2&hidden=4,2`. */
function hashOf() {
  const p = new URLSearchParams();
  if (state.mode === 'chapter') p.set('mode', 'chapter');
  for (const [key, v] of applied ?? settingsParams()) p.set(key, v);
  p.set('showTest', el.showTest.checked ? '1' : '0');
  if (chapter) for (const [k, v] of Object.entries(chapter.settings())) p.set(k, v);
  else for (const k of ['cseed', 'clr']) if (pendingChapter[k] !== undefined) p.set(k, pendingChapter[k]);
  return '#' + p.toString();
}

function writeHash() {
  const h = hashOf();
  if (location.hash !== h) history.replaceState(null, '', h);
}

/** Chapter mode's settings from the links so far (chapter.js is loaded when the mode is first opened). */
const pendingChapter = {};
const chapterLr = $('ch-lr');

/**
 * Apply a hash to the controls. Returns the values it could not use (as `key=value`, shortened),
 * the mode, and the chapter settings it holds (valid ones only).
 */
function applyHash(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const bad = [];
  const inList = (control, v) => [...control.options].some((o) => o.value === v);
  const setSelect = (key, control, v) => {
    if (inList(control, v)) control.value = v;
    else bad.push(shown(key, v));
  };
  if (p.has('problem')) setSelect('problem', el.problem, p.get('problem'));
  fillDatasets();
  for (const [key, control] of Object.entries(FIELDS)) {
    if (key === 'problem' || !p.has(key)) continue;
    const v = p.get(key);
    if (control.tagName === 'SELECT') setSelect(key, control, v);
    else if (control.type === 'range') {
      // only what the slider takes as written: it would move "0x1A" or "+80" to its midpoint and 0.005 onto its step
      const x = Number(v);
      const ok = DECIMAL.test(v) && x >= +control.min && x <= +control.max && trySet(control, v, (a) => Number(a) === x);
      if (!ok) bad.push(shown(key, v));
    } else {
      // the seed: "7 " is seed 7, written as the number field takes it (it would empty itself on "7 ")
      const s = parseSeed(v);
      if (s.error || !trySet(control, String(s.seed))) bad.push(shown(key, v));
    }
  }
  if (p.has('features')) {
    const f = p.get('features').split(',').filter(Boolean);
    // each feature once, in the page's order ("x1,x1" is the one feature x1)
    if (f.length && f.every((x) => FEATURES.includes(x))) features = FEATURES.filter((x) => f.includes(x));
    else bad.push(shown('features', p.get('features')));
  }
  if (p.has('hidden')) {
    const raw = p.get('hidden');
    const h = raw === '' ? [] : raw.split(',').map(Number);
    if (h.length <= MAX_LAYERS && h.every((x) => Number.isInteger(x) && x >= 1 && x <= MAX_UNITS)) hidden = h;
    else bad.push(shown('hidden', raw));
  }
  if (p.has('showTest')) el.showTest.checked = p.get('showTest') === '1';
  const chapterSettings = {};
  if (p.has('cseed')) {
    const s = parseSeed(p.get('cseed'));
    if (s.error) bad.push(shown('cseed', p.get('cseed')));
    else chapterSettings.cseed = String(s.seed);
  }
  if (p.has('clr')) {
    if (inList(chapterLr, p.get('clr'))) chapterSettings.clr = p.get('clr');
    else bad.push(shown('clr', p.get('clr')));
  }
  Object.assign(pendingChapter, chapterSettings);
  syncFields();
  return { bad, mode: p.get('mode') === 'chapter' ? 'chapter' : 'playground', chapter: chapterSettings };
}

/** The banner's warning about a link, cleared when a link with nothing to ignore is applied. */
let linkWarning = '';

function warnLink(bad) {
  if (bad.length) {
    linkWarning = `the link has settings this page does not know, ignored: ${bad.join(', ')}`;
    showError(linkWarning, 'warn');
  } else {
    if (linkWarning && el.error.textContent === linkWarning) clearError();
    linkWarning = '';
  }
}

function sendConfig() {
  syncFields();
  const config = readConfig();
  // with a setting invalid, nothing is sent, and the address keeps the settings of the run shown
  if (config) applied = settingsParams();
  writeHash();
  if (!config) return;
  state.config = config;
  if (state.status === 'error' && !fatal) {
    clearError();
    setStatus('idle');
  }
  post({ type: 'config', config });
}

el.problem.addEventListener('change', () => {
  fillDatasets();
  el.noise.value = String(NOISE_DEFAULTS[el.dataset.value] ?? 0.1);
  sendConfig();
});
el.dataset.addEventListener('change', () => {
  el.noise.value = String(NOISE_DEFAULTS[el.dataset.value] ?? 0.1);
  sendConfig();
});
let debounce = 0;
for (const range of [el.noise, el.ratio]) {
  range.addEventListener('input', () => {
    syncFields();
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = 0;
      sendConfig();
    }, 150);
  });
}
el.seed.addEventListener('change', sendConfig);
for (const s of [el.classes, el.n, el.batch, el.activation, el.lr, el.reg, el.regRate, el.optimizer, el.init]) s.addEventListener('change', sendConfig);
el.showTest.addEventListener('change', () => {
  writeHash();
  requestDraw();
});
el.liveView.addEventListener('change', () => post({ type: 'view', on: el.liveView.checked }));

el.layerAdd.addEventListener('click', () => {
  if (hidden.length < MAX_LAYERS) hidden.push(2);
  sendConfig();
});
el.layerRemove.addEventListener('click', () => {
  hidden.pop();
  sendConfig();
});

/** Whether the settings are valid (else the fields are marked and the banner says so): Start, Step and Reset need them. */
function settingsValid() {
  if (readConfig()) return true;
  showError('fix the highlighted settings first', 'warn');
  return false;
}

el.start.addEventListener('click', () => {
  if (fatal) return;
  if (state.status === 'training') {
    post({ type: 'pause' });
    return;
  }
  if (debounce) {
    // a slider moved just before Start: its value goes first, not never
    clearTimeout(debounce);
    debounce = 0;
    sendConfig();
  }
  if (!settingsValid()) return;
  clearError();
  post({ type: 'start' });
});
el.step.addEventListener('click', () => {
  if (fatal || !settingsValid()) return;
  clearError();
  post({ type: 'step' });
});
el.reset.addEventListener('click', () => {
  if (fatal || !settingsValid()) return;
  clearError();
  post({ type: 'reset' });
});
el.share.addEventListener('click', async () => {
  writeHash(); // the settings of the run shown (not those of a field marked invalid)
  const pending = readConfig() ? '' : ' (not the highlighted settings, which are not applied)';
  try {
    await navigator.clipboard.writeText(location.href);
    el.shareNote.textContent = `Link copied: it opens this run with the same settings and seed${pending}.`;
  } catch {
    el.shareNote.textContent = `The address bar holds the link to this run${pending}.`;
  }
});
for (const [button, what] of [[el.dlJson, 'json'], [el.dlSvg, 'svg'], [el.dlOnnx, 'onnx'], [el.dlTfjs, 'tfjs']]) {
  button.addEventListener('click', () => post({ type: 'download', what }));
}

// ---------------------------------------------------------------------------------------------
// The network view.

let view = null;

function buildView() {
  if (!data) return;
  const outputs = data.problem === 'regression' || data.classes <= 2 ? 1 : data.classes;
  view ??= new NetView(el.net, {
    toggleFeature(name) {
      const on = features.includes(name);
      if (on && features.length === 1) {
        showError('the network needs at least one input feature', 'warn');
        return;
      }
      features = on ? features.filter((f) => f !== name) : FEATURES.filter((f) => f === name || features.includes(f));
      sendConfig();
    },
    resizeLayer(l, delta) {
      hidden[l] = Math.max(1, Math.min(MAX_UNITS, hidden[l] + delta));
      sendConfig();
    },
    editWeight(layer, i, j, value) {
      post({ type: 'setWeight', layer, i, j, value });
    },
  });
  const h = progress && progress.layerSizes.length === hidden.length + 2 ? progress.layerSizes.slice(1, -1) : hidden;
  view.build({ active: data.features, hidden: h, outputs, gridSize: data.gridSize, neuronGrid: data.neuronGrid, maxLayer: MAX_UNITS });
  view.shape = [data.features.length, ...h, outputs].join();
  view.setFeatureMaps(data.features, data.featureMaps, data.gridSize);
}

// ---------------------------------------------------------------------------------------------
// Drawing: stats, the output over the plane with the points, and the network view.

function requestDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

const surface = document.createElement('canvas');

function outputKind() {
  if (!data) return 'binary';
  return data.problem === 'regression' ? 'regression' : data.classes > 2 ? 'multi' : 'binary';
}

function draw() {
  const t0 = performance.now();
  drawFrame();
  state.drawMs = 0.9 * (state.drawMs || 0) + 0.1 * (performance.now() - t0);
}

function drawFrame() {
  drawStats();
  if (progress && fresh && view && progress.weights) view.update(progress, outputKind());
  if (progress && fresh && progress.grid) state.viewFrames++;
  if (unacknowledged) {
    post({ type: 'drawn', frames: unacknowledged }); // the worker sends frames as they are drawn
    unacknowledged = 0;
  }
  fresh = false;
  const canvas = el.canvas;
  const dpr = window.devicePixelRatio || 1;
  const size = Math.round((canvas.clientWidth || 300) * dpr);
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  if (!data) return;
  if (progress && progress.grid && progress.grid.length === data.gridSize * data.gridSize * progress.outputs) drawSurface(ctx, size);

  const B = data.box;
  const px = (x) => ((x + B) / (2 * B)) * size;
  const py = (y) => ((B - y) / (2 * B)) * size;
  ctx.strokeStyle = 'rgba(0,0,0,0.15)';
  ctx.lineWidth = dpr;
  ctx.beginPath();
  ctx.moveTo(px(0), 0); ctx.lineTo(px(0), size);
  ctx.moveTo(0, py(0)); ctx.lineTo(size, py(0));
  ctx.stroke();

  // training points with a white ring; test points (when shown) with a dark ring
  const pts = data.points, n = pts.length / 2, r = (n <= 300 ? 3.6 : 2.8) * dpr, rgb = new Uint8ClampedArray(4);
  for (const test of [0, 1]) {
    if (test && !el.showTest.checked) continue;
    ctx.lineWidth = (test ? 1.6 : 1) * dpr;
    // regression points can be near white: a grey ring keeps them visible
    ctx.strokeStyle = test ? '#1d2430' : data.labels ? '#fff' : 'rgba(29, 36, 48, 0.45)';
    for (let i = 0; i < n; i++) {
      if (data.isTest[i] !== test) continue;
      ctx.beginPath();
      ctx.arc(px(pts[2 * i]), py(pts[2 * i + 1]), r, 0, 2 * Math.PI);
      if (data.labels) ctx.fillStyle = PALETTE[data.labels[i] % PALETTE.length];
      else {
        diverging(data.values[i], rgb, 0);
        ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      }
      ctx.fill();
      ctx.stroke();
    }
  }
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = 'rgba(0,0,0,0.55)';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillText(`x₁, x₂: −${B} … ${B}`, 6 * dpr, size - 4 * dpr);
}

const RGB = PALETTE.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

/** The output over the plane: one pixel per grid point, scaled up smoothly by drawImage. */
function drawSurface(ctx, size) {
  const g = data.gridSize, p = progress.grid, k = progress.outputs, kind = outputKind();
  if (surface.width !== g) {
    surface.width = g;
    surface.height = g;
  }
  const sctx = surface.getContext('2d');
  const img = sctx.createImageData(g, g);
  const pix = img.data;
  for (let i = 0; i < g * g; i++) {
    const o = 4 * i;
    if (kind === 'regression') diverging(p[i] * 0.8, pix, o);
    else if (kind === 'binary') diverging((Math.min(1, Math.max(0, p[i])) * 2 - 1) * 0.45, pix, o);
    else {
      let best = 0;
      for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
      const rgb = RGB[best % RGB.length], t = 0.55 * Math.sqrt(Math.max(0, (p[i * k + best] - 1 / k) / (1 - 1 / k)));
      pix[o] = 255 + (rgb[0] - 255) * t;
      pix[o + 1] = 255 + (rgb[1] - 255) * t;
      pix[o + 2] = 255 + (rgb[2] - 255) * t;
      pix[o + 3] = 255;
    }
  }
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'low';
  ctx.drawImage(surface, 0, 0, size, size);
}

function formatLoss(v) {
  if (!Number.isFinite(v)) return '–';
  return v >= 1e-3 ? v.toFixed(4) : v.toExponential(2);
}

function formatRate(v) {
  if (!v) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return v.toFixed(0);
}

function drawStats() {
  if (!progress) return;
  el.epoch.textContent = progress.epoch.toLocaleString('en-US');
  el.trainLoss.textContent = formatLoss(progress.trainLoss);
  el.testLoss.textContent = formatLoss(progress.testLoss);
  el.accuracy.textContent = Number.isFinite(progress.testAccuracy) ? `${(progress.testAccuracy * 100).toFixed(1)}%` : '–';
  el.speed.textContent = formatRate(progress.epochsPerSec);
  el.arch.textContent = `${progress.layerSizes.join('-')} · ${progress.parameters.toLocaleString('en-US')} parameters` +
    (data ? ` · ${data.nTrain} training, ${data.nTest} test points` : '');
}

function drawLegend() {
  const items = [];
  if (data.problem === 'regression') {
    const s = document.createElement('span');
    s.innerHTML = '−1 <span class="ramp"></span> +1';
    items.push(s);
  } else {
    for (let k = 0; k < data.classes; k++) {
      const s = document.createElement('span');
      s.className = 'dot';
      s.style.setProperty('--dot', PALETTE[k % PALETTE.length]);
      s.textContent = `class ${k}`;
      items.push(s);
    }
  }
  const t = document.createElement('span');
  t.textContent = el.showTest.checked ? 'dark ring: test point' : '';
  items.push(t);
  el.legend.replaceChildren(...items);
}
el.showTest.addEventListener('change', () => data && drawLegend());

// ---------------------------------------------------------------------------------------------
// Modes.

let chapter = null;
let chapterLoading = null;

async function setMode(mode) {
  state.mode = mode;
  document.body.dataset.mode = mode;
  el.modePlayground.setAttribute('aria-pressed', String(mode === 'playground'));
  el.modeChapter.setAttribute('aria-pressed', String(mode === 'chapter'));
  el.playground.hidden = mode !== 'playground';
  el.chapter.hidden = mode !== 'chapter';
  if (mode === 'chapter') {
    if (state.status === 'training') post({ type: 'pause' });
    chapterLoading ??= import('./chapter.js').then((m) => m.startChapter({
      ...pendingChapter, onChange: writeHash, onError: showError,
      onClear: (message) => el.error.textContent === message && clearError(),
    }));
    chapter = await chapterLoading;
  } else {
    chapter?.pause();
    requestAnimationFrame(() => view?.layout());
  }
  writeHash();
}
el.modePlayground.addEventListener('click', () => setMode('playground'));
el.modeChapter.addEventListener('click', () => setMode('chapter'));

window.addEventListener('hashchange', () => {
  if (location.hash === hashOf()) return;
  const { bad, mode, chapter: chapterSettings } = applyHash(location.hash);
  warnLink(bad);
  chapter?.applySettings(chapterSettings);
  sendConfig();
  setMode(mode);
});

// Start: the hash (if any) sets the controls; the first config builds the data and the network.
el.problem.value = 'classification';
fillDatasets();
const initial = applyHash(location.hash);
warnLink(initial.bad);
setStatus('idle');
sendConfig();
setMode(initial.mode);
window.addEventListener('resize', requestDraw);
