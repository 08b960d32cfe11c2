// The demo page: controls, the decision-boundary canvas, the stats and the loss chart. Training
// happens in ./worker.js; this thread only draws what the worker posts.
//
// For automated tests: window.demoState = { epoch, loss, accuracy, samplesPerSec, status, dataset,
// ready } is kept up to date, and document.body.dataset.status is 'idle' | 'training' | 'paused'
// | 'error'.

const PALETTE = ['#f59322', '#0877bd', '#2ca02c', '#9467bd', '#d62728', '#17becf'];
const NOISE_DEFAULTS = { xor: 0.1, circle: 0.05, spirals: 0.02, blobs: 0.25, moons: 0.1 };
const MAX_HIDDEN_LAYERS = 8;
const MAX_UNITS = 256;

const $ = (id) => document.getElementById(id);
const el = {
  start: $('start'), reset: $('reset'), dataset: $('dataset'), classes: $('classes'), classesField: $('classes-field'),
  noise: $('noise'), noiseValue: $('noise-value'), noiseLabel: $('noise-label'), n: $('n'), seed: $('seed'),
  seedHint: $('seed-hint'), hidden: $('hidden'), hiddenHint: $('hidden-hint'), activation: $('activation'),
  lr: $('lr'), optimizer: $('optimizer'), batch: $('batch'), init: $('init'), canvas: $('boundary'), legend: $('legend'), status: $('status'),
  epoch: $('epoch'), loss: $('loss'), accuracy: $('accuracy'), speed: $('speed'), arch: $('arch'),
  chart: $('loss-chart'), error: $('error'), backend: $('backend'),
};

/** What an automated test watches. */
const state = { epoch: 0, loss: NaN, accuracy: NaN, samplesPerSec: 0, status: 'idle', dataset: el.dataset.value, ready: false, backend: null };
window.demoState = state;

let fatal = false; // the worker could not load the package: nothing will work until a reload
let data = null; // the last 'data' message
let progress = null; // the last 'progress' message
let drawPending = false;

// ---------------------------------------------------------------------------------------------
// Errors: visible on the page and in the console.

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

const worker = new Worker('./worker.js', { type: 'module' });

worker.onmessage = (event) => {
  const msg = event.data;
  switch (msg.type) {
    case 'ready':
      state.ready = true;
      state.backend = msg.backend;
      el.backend.textContent =
        `kernels: ${msg.backend.build}${msg.backend.simd ? ' (SIMD)' : ''} · ${msg.backend.threads} thread${msg.backend.threads === 1 ? '' : 's'}`;
      if (msg.backend.threadsNote) el.backend.title = msg.backend.threadsNote;
      break;
    case 'data':
      data = msg;
      drawLegend();
      requestDraw();
      break;
    case 'progress':
      progress = msg;
      state.epoch = msg.epoch;
      state.loss = msg.loss;
      state.accuracy = msg.accuracy;
      state.samplesPerSec = msg.samplesPerSec;
      if (msg.svg !== undefined) el.chart.innerHTML = msg.svg;
      requestDraw();
      break;
    case 'status':
      setStatus(msg.status);
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
};
worker.onerror = (event) => {
  event.preventDefault();
  fatal = true;
  showError(`the training worker failed to load or crashed: ${event.message || 'see the console'} ` +
    '(is the server serving /dist/scratchnet.browser.js?)');
  setStatus('error');
};
worker.onmessageerror = () => showError('a message from the worker could not be read');

// ---------------------------------------------------------------------------------------------
// Controls.

function parseHidden(text) {
  const t = text.trim();
  if (t === '') return { sizes: [] };
  const parts = t.split(/[\s,]+/).filter(Boolean);
  if (parts.length > MAX_HIDDEN_LAYERS) return { error: `at most ${MAX_HIDDEN_LAYERS} hidden layers` };
  const sizes = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p) || +p < 1 || +p > MAX_UNITS) return { error: `"${p}" is not a layer size (a whole number 1–${MAX_UNITS})` };
    sizes.push(+p);
  }
  return { sizes };
}

function parseSeed(text) {
  const t = text.trim();
  if (!/^\d+$/.test(t) || +t > 4294967295) return { error: 'a whole number 0–4294967295' };
  return { seed: +t };
}

/** The config from the controls, or null (with the fields marked) when something is invalid. */
function readConfig() {
  const hidden = parseHidden(el.hidden.value);
  const seed = parseSeed(el.seed.value);
  el.hiddenHint.textContent = hidden.error ?? '';
  el.hidden.setAttribute('aria-invalid', String(!!hidden.error));
  el.seedHint.textContent = seed.error ?? '';
  el.seed.setAttribute('aria-invalid', String(!!seed.error));
  if (hidden.error || seed.error) return null;
  const dataset = el.dataset.value;
  return {
    dataset,
    n: Number(el.n.value),
    noise: Number(el.noise.value),
    seed: seed.seed,
    classes: dataset === 'blobs' ? Number(el.classes.value) : 2,
    hidden: hidden.sizes,
    activation: el.activation.value,
    init: el.init.value,
    optimizer: el.optimizer.value,
    learningRate: Number(el.lr.value),
    batchSize: Number(el.batch.value),
  };
}

function sendConfig() {
  const config = readConfig();
  if (!config) return;
  state.dataset = config.dataset;
  if (state.status === 'error' && !fatal) {
    clearError();
    setStatus('idle');
  }
  worker.postMessage({ type: 'config', config });
}

let debounce = 0;
function sendConfigSoon(ms) {
  clearTimeout(debounce);
  debounce = setTimeout(sendConfig, ms);
}

function syncDatasetFields() {
  const blobs = el.dataset.value === 'blobs';
  el.classesField.hidden = !blobs;
  el.noiseLabel.textContent = blobs ? 'Spread' : 'Noise';
  el.noiseValue.textContent = Number(el.noise.value).toFixed(2);
}

el.dataset.addEventListener('change', () => {
  el.noise.value = String(NOISE_DEFAULTS[el.dataset.value] ?? 0.1);
  syncDatasetFields();
  sendConfig();
});
el.noise.addEventListener('input', () => {
  syncDatasetFields();
  sendConfigSoon(120);
});
for (const input of [el.hidden, el.seed]) {
  input.addEventListener('input', () => sendConfigSoon(500));
  input.addEventListener('change', () => sendConfigSoon(0));
}
for (const select of [el.classes, el.n, el.activation, el.lr, el.optimizer, el.batch, el.init]) select.addEventListener('change', sendConfig);

el.start.addEventListener('click', () => {
  if (fatal) return;
  if (state.status === 'training') {
    worker.postMessage({ type: 'pause' });
    return;
  }
  clearTimeout(debounce);
  const config = readConfig();
  if (!config) {
    showError('fix the highlighted settings first', 'warn');
    return;
  }
  clearError();
  worker.postMessage({ type: 'config', config });
  worker.postMessage({ type: 'start' });
});
el.reset.addEventListener('click', () => {
  if (fatal) return;
  clearError();
  clearTimeout(debounce);
  const config = readConfig();
  if (config) worker.postMessage({ type: 'config', config });
  worker.postMessage({ type: 'reset' });
});

// ---------------------------------------------------------------------------------------------
// Drawing.

function requestDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
const RGB = PALETTE.map(hexToRgb);
const mix = (a, b, t) => a + (b - a) * t;

const surface = document.createElement('canvas');

function draw() {
  drawStats();
  const canvas = el.canvas;
  const dpr = window.devicePixelRatio || 1;
  const cssSize = canvas.clientWidth || 440;
  const size = Math.round(cssSize * dpr);
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  if (!data) return;

  // The decision surface: the grid's outputs interpolated bilinearly at every pixel, then coloured
  // (interpolating outputs rather than colours keeps the boundary smooth between grid points).
  if (progress && progress.grid.length === data.gridSize * data.gridSize * progress.outputs) {
    const g = data.gridSize, p = progress.grid, k = progress.outputs;
    const s = Math.min(size, 600); // surface resolution, scaled up to the canvas when smaller
    if (surface.width !== s) {
      surface.width = s;
      surface.height = s;
    }
    const sctx = surface.getContext('2d');
    const img = sctx.createImageData(s, s);
    const pix = img.data;
    const probs = new Float32Array(k);
    for (let yy = 0; yy < s; yy++) {
      // grid value j sits at pixel centre (j + 0.5) / g of the way across
      const gy = Math.min(g - 1, Math.max(0, ((yy + 0.5) / s) * g - 0.5));
      const r0 = Math.floor(gy), r1 = Math.min(g - 1, r0 + 1), fy = gy - r0;
      for (let xx = 0; xx < s; xx++) {
        const gx = Math.min(g - 1, Math.max(0, ((xx + 0.5) / s) * g - 0.5));
        const c0 = Math.floor(gx), c1 = Math.min(g - 1, c0 + 1), fx = gx - c0;
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        const i00 = (r0 * g + c0) * k, i01 = (r0 * g + c1) * k, i10 = (r1 * g + c0) * k, i11 = (r1 * g + c1) * k;
        for (let j = 0; j < k; j++) probs[j] = w00 * p[i00 + j] + w01 * p[i01 + j] + w10 * p[i10 + j] + w11 * p[i11 + j];
        let rgb, strength;
        if (k === 1) {
          const v = Math.min(1, Math.max(0, probs[0]));
          rgb = v >= 0.5 ? RGB[1] : RGB[0];
          strength = Math.abs(v - 0.5) * 2;
        } else {
          let best = 0;
          for (let j = 1; j < k; j++) if (probs[j] > probs[best]) best = j;
          rgb = RGB[best % RGB.length];
          strength = Math.max(0, (probs[best] - 1 / k) / (1 - 1 / k));
        }
        const t = 0.5 * Math.sqrt(strength); // pastel, never the points' full colour
        const o = 4 * (yy * s + xx);
        pix[o] = mix(255, rgb[0], t);
        pix[o + 1] = mix(255, rgb[1], t);
        pix[o + 2] = mix(255, rgb[2], t);
        pix[o + 3] = 255;
      }
    }
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(surface, 0, 0, size, size);
  }

  // Axes through the origin, when it is in view.
  const [x0, x1, y0, y1] = data.range;
  const px = (x) => ((x - x0) / (x1 - x0)) * size;
  const py = (y) => ((y1 - y) / (y1 - y0)) * size;
  ctx.strokeStyle = 'rgba(0,0,0,0.12)';
  ctx.lineWidth = dpr;
  ctx.beginPath();
  if (x0 < 0 && x1 > 0) { ctx.moveTo(px(0), 0); ctx.lineTo(px(0), size); }
  if (y0 < 0 && y1 > 0) { ctx.moveTo(0, py(0)); ctx.lineTo(size, py(0)); }
  ctx.stroke();

  // The data points.
  const pts = data.points, labels = data.labels;
  const r = (labels.length <= 300 ? 4 : labels.length <= 1000 ? 3.2 : 2.5) * dpr;
  ctx.lineWidth = 1 * dpr;
  ctx.strokeStyle = '#fff';
  for (let i = 0; i < labels.length; i++) {
    ctx.beginPath();
    ctx.arc(px(pts[2 * i]), py(pts[2 * i + 1]), r, 0, 2 * Math.PI);
    ctx.fillStyle = PALETTE[labels[i] % PALETTE.length];
    ctx.fill();
    ctx.stroke();
  }

  // Range labels in the corners.
  ctx.font = `${11 * dpr}px system-ui, sans-serif`;
  ctx.fillStyle = 'rgba(0,0,0,0.45)';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'left';
  ctx.fillText(`x₁ ${x0.toFixed(1)} … ${x1.toFixed(1)}`, 6 * dpr, size - 4 * dpr);
  ctx.textAlign = 'right';
  ctx.fillText(`x₂ ${y0.toFixed(1)} … ${y1.toFixed(1)}`, size - 6 * dpr, size - 4 * dpr);
}

function formatLoss(v) {
  if (!Number.isFinite(v)) return '–';
  return v >= 1e-3 ? v.toFixed(4) : v.toExponential(2);
}

function formatRate(v) {
  if (!v) return '–';
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(0)}k`;
  return v.toFixed(0);
}

function drawStats() {
  if (!progress) return;
  el.epoch.textContent = progress.epoch.toLocaleString('en-US');
  el.loss.textContent = formatLoss(progress.loss);
  el.accuracy.textContent = Number.isFinite(progress.accuracy) ? `${(progress.accuracy * 100).toFixed(1)}%` : '–';
  el.speed.textContent = formatRate(progress.samplesPerSec);
  el.arch.textContent = `network ${progress.layerSizes.join(' → ')} · ${progress.parameters.toLocaleString('en-US')} parameters · ` +
    `${data ? data.labels.length : 0} points`;
}

function drawLegend() {
  el.legend.replaceChildren(
    ...Array.from({ length: data.classes }, (_, k) => {
      const s = document.createElement('span');
      s.style.setProperty('--dot', PALETTE[k % PALETTE.length]);
      s.textContent = `class ${k}`;
      return s;
    }),
  );
}

// Start: the first config builds the data and the network.
syncDatasetFields();
setStatus('idle');
sendConfig();
window.addEventListener('resize', requestDraw);
