// The network view: input features, hidden layers and outputs as columns of small heat maps
// (each neuron's output over the input plane), joined by the weights as lines whose colour is
// their sign and whose width is their size. Hover a line to read its weight; click it, or focus
// the lines and pick one with the arrow keys and press Enter, to type a new value.

/** Okabe–Ito orange (negative, class 0) and blue (positive, class 1): safe for red–green colour blindness. */
export const NEG = [230, 159, 0];
export const POS = [0, 114, 178];
export const NEG_HEX = '#e69f00';
export const POS_HEX = '#0072b2';

export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'];
export const FEATURE_LABELS = { x1: 'x₁', x2: 'x₂', x1sq: 'x₁²', x2sq: 'x₂²', x1x2: 'x₁x₂', sinx1: 'sin x₁', sinx2: 'sin x₂' };

/** White at 0, towards blue for t > 0 and orange for t < 0 (t clamped to [-1, 1]); writes rgb at out[o..o+2]. */
export function diverging(t, out, o) {
  const a = Math.max(-1, Math.min(1, t));
  const c = a >= 0 ? POS : NEG, s = Math.abs(a);
  out[o] = 255 + (c[0] - 255) * s;
  out[o + 1] = 255 + (c[1] - 255) * s;
  out[o + 2] = 255 + (c[2] - 255) * s;
  out[o + 3] = 255;
}

const SVG = 'http://www.w3.org/2000/svg';

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** The largest float32, the largest weight a network holds (Matrix.set refuses more). */
const F32_MAX_TEXT = '3.4028234e38';

export class NetView {
  /**
   * @param {HTMLElement} root the container (position: relative)
   * @param {{ toggleFeature(name: string): void, resizeLayer(layer: number, delta: number): void,
   *   editWeight(layer: number, i: number, j: number, value: number): void }} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.links = [];
    this.weights = null;
    this.sel = -1;
    this.tip = el('div', { class: 'tip', role: 'status' });
    this.tip.hidden = true;
    document.body.append(this.tip);
    this.editor = null;
    new ResizeObserver(() => this.layout()).observe(root);
  }

  /** Rebuild the columns for a network shape. */
  build({ active, hidden, outputs, gridSize, neuronGrid, maxLayer }) {
    this.closeEditor();
    this.gridSize = gridSize;
    this.neuronGrid = neuronGrid;
    this.active = active;
    this.hidden = hidden;
    this.outputs = outputs;
    this.weights = null;
    this.neurons = null;
    this.showSel = false;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'links');
    svg.setAttribute('tabindex', '0');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', 'Weights: use the arrow keys to pick a connection, Enter to change its weight');
    svg.addEventListener('keydown', (e) => this.onKey(e));
    svg.addEventListener('focus', () => {
      if (this.sel < 0 && this.links.length) this.sel = 0;
      this.root.classList.add('kbd');
      this.showSelected();
    });
    svg.addEventListener('blur', () => {
      this.root.classList.remove('kbd');
      this.showSel = false;
      this.render();
      if (!this.editor) this.hideTip();
    });
    this.svg = svg;
    // one canvas over the whole view paints every hidden and output neuron (cheaper than a canvas each)
    this.maps = el('canvas', { class: 'maps', 'aria-hidden': 'true' });
    this.boxes = []; // one per network neuron: hidden layers, then outputs
    this.rects = [];
    this.featureCanvases = {};
    const columns = [];

    const fcol = el('div', { class: 'col' }, el('div', { class: 'col-title' }, 'Features'));
    this.featureEls = {};
    for (const name of FEATURES) {
      const on = active.includes(name);
      const canvas = el('canvas', { width: gridSize, height: gridSize });
      const box = el('div', { class: 'neuron' }, canvas);
      const b = el('button', {
        type: 'button', class: 'feature', 'aria-pressed': String(on), 'aria-label': `input feature ${FEATURE_LABELS[name]}`,
        onclick: () => this.handlers.toggleFeature(name),
      }, el('span', { class: 'fname' }, FEATURE_LABELS[name]), box);
      this.featureCanvases[name] = canvas;
      this.featureEls[name] = box;
      fcol.append(b);
    }
    columns.push(fcol);

    const units = []; // DOM boxes per network layer's outputs
    hidden.forEach((size, l) => {
      const head = el('div', { class: 'col-head' },
        el('button', { type: 'button', 'aria-label': `Remove a neuron from hidden layer ${l + 1}`, onclick: () => this.handlers.resizeLayer(l, -1) }, '−'),
        el('span', {}, String(size), el('span', { class: 'unit' }, ` neuron${size === 1 ? '' : 's'}`)),
        el('button', { type: 'button', 'aria-label': `Add a neuron to hidden layer ${l + 1}`, onclick: () => this.handlers.resizeLayer(l, +1) }, '+'),
      );
      head.querySelector('button').disabled = size <= 1;
      head.querySelectorAll('button')[1].disabled = size >= maxLayer;
      const col = el('div', { class: 'col' }, head);
      const boxes = [];
      for (let j = 0; j < size; j++) {
        const box = el('div', { class: 'neuron', title: `hidden layer ${l + 1}, neuron ${j + 1}` });
        this.boxes.push(box);
        boxes.push(box);
        col.append(box);
      }
      units.push(boxes);
      columns.push(col);
    });
    const ocol = el('div', { class: 'col' }, el('div', { class: 'col-title' }, 'Output'));
    const oboxes = [];
    for (let j = 0; j < outputs; j++) {
      const box = el('div', { class: 'neuron', title: outputs === 1 ? 'output' : `output ${j + 1}` });
      this.boxes.push(box);
      oboxes.push(box);
      ocol.append(box);
    }
    units.push(oboxes);
    columns.push(ocol);
    this.root.replaceChildren(svg, ...columns, this.maps);

    // the connections: layer l joins sources (features, then the previous layer's units) to units[l]
    this.links = [];
    const names = [active.map((n) => FEATURE_LABELS[n]), ...hidden.map((s, l) => Array.from({ length: s }, (_, j) => `h${l + 1}.${j + 1}`))];
    units.forEach((targets, l) => {
      const sources = l === 0 ? active.map((n) => this.featureEls[n]) : units[l - 1];
      const outNames = l === units.length - 1 ? targets.map((_, j) => (outputs === 1 ? 'output' : `output ${j + 1}`)) : names[l + 1];
      sources.forEach((from, i) => {
        targets.forEach((to, j) => {
          const hit = document.createElementNS(SVG, 'path');
          hit.setAttribute('class', 'hit');
          hit.dataset.link = `${l},${i},${j}`;
          const link = { layer: l, i, j, from, to, hit, xy: null, label: `${names[l][i]} → ${outNames[j]}` };
          const index = this.links.length;
          hit.addEventListener('mouseenter', (e) => this.showTip(index, e.clientX, e.clientY));
          hit.addEventListener('mousemove', (e) => this.showTip(index, e.clientX, e.clientY));
          hit.addEventListener('mouseleave', () => this.hideTip());
          hit.addEventListener('click', (e) => this.openEditor(index, e.clientX, e.clientY));
          this.links.push(link);
          svg.append(hit);
        });
      });
    });
    this.sel = -1;
    this.layout();
  }

  /** Place the lines between the boxes (after any layout change). */
  layout() {
    if (!this.svg || !this.root.isConnected) return;
    const r = this.root.getBoundingClientRect();
    this.svg.setAttribute('viewBox', `0 0 ${r.width} ${r.height}`);
    const dpr = window.devicePixelRatio || 1;
    this.maps.width = Math.round(r.width * dpr);
    this.maps.height = Math.round(r.height * dpr);
    this.rects = this.boxes.map((b) => {
      const q = b.getBoundingClientRect();
      return [(q.left + 1 - r.left) * dpr, (q.top + 1 - r.top) * dpr, (q.width - 2) * dpr, (q.height - 2) * dpr];
    });
    for (const k of this.links) {
      const a = k.from.getBoundingClientRect(), b = k.to.getBoundingClientRect();
      const ax = a.right - r.left, ay = a.top + a.height / 2 - r.top, bx = b.left - r.left, by = b.top + b.height / 2 - r.top;
      const mx = (ax + bx) / 2;
      k.xy = [ax, ay, mx, bx, by].map((v) => v * dpr);
      k.hit.setAttribute('d', `M${ax.toFixed(1)},${ay.toFixed(1)} C${mx.toFixed(1)},${ay.toFixed(1)} ${mx.toFixed(1)},${by.toFixed(1)} ${bx.toFixed(1)},${by.toFixed(1)}`);
    }
    this.render();
  }

  weightOf(k) {
    if (!this.weights) return NaN;
    const L = this.weights[k.layer];
    const cols = L.b.length;
    return L.w[k.i * cols + k.j];
  }

  /** Draw the input features' maps (fixed for a data set). */
  setFeatureMaps(names, maps, gridSize) {
    const G = gridSize * gridSize;
    names.forEach((name, f) => {
      const c = this.featureCanvases[name];
      if (c) paint(c, maps.subarray(f * G, (f + 1) * G), gridSize, 'auto');
    });
    for (const name of FEATURES) {
      if (!names.includes(name) && this.featureCanvases[name]) {
        // an inactive feature still shows its shape, from the coordinates
        const g = gridSize, m = new Float32Array(g * g), B = 3;
        for (let r = 0; r < g; r++) for (let c = 0; c < g; c++) {
          const u = -B + ((c + 0.5) / g) * 2 * B, v = B - ((r + 0.5) / g) * 2 * B;
          m[r * g + c] = { x1: u, x2: v, x1sq: u * u, x2sq: v * v, x1x2: u * v, sinx1: Math.sin(u), sinx2: Math.sin(v) }[name];
        }
        paint(this.featureCanvases[name], m, g, 'auto');
      }
    }
  }

  /** Take a progress message's weights and neuron maps (either may be missing) and draw. */
  update(p, kind) {
    if (p.weights) this.weights = p.weights;
    if (p.neurons) this.neurons = { values: p.neurons, kind };
    this.render();
    if (p.weights && this.sel >= 0 && !this.tip.hidden) this.showSelected();
  }

  /**
   * Paint the shared canvas: every weight as a curve (colour: sign, width and opacity: size; the
   * selected one dashed), then every hidden and output neuron's map in its box. One canvas, not
   * an SVG element per line, so a frame costs no style or layout work.
   */
  render() {
    if (this.rects.length !== this.boxes.length) return;
    const ctx = this.maps.getContext('2d'), dpr = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, this.maps.width, this.maps.height);
    if (this.weights) {
      this.links.forEach((k, n) => {
        if (!k.xy) return;
        const w = this.weightOf(k), a = Math.abs(w), [ax, ay, mx, bx, by] = k.xy;
        ctx.beginPath();
        ctx.moveTo(ax, ay);
        ctx.bezierCurveTo(mx, ay, mx, by, bx, by);
        ctx.strokeStyle = w >= 0 ? POS_HEX : NEG_HEX;
        ctx.globalAlpha = 0.35 + Math.min(a, 1) * 0.6;
        ctx.lineWidth = (0.5 + Math.min(a, 3) * 1.8) * dpr;
        ctx.setLineDash(n === this.sel && this.showSel ? [5 * dpr, 3 * dpr] : []);
        ctx.stroke();
      });
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
    }
    if (this.neurons) {
      const g = this.neuronGrid, G = g * g, nHidden = this.boxes.length - this.outputs, { values, kind } = this.neurons;
      if (values.length !== this.boxes.length * G) return;
      if (!this.tile || this.tile.width !== g) this.tile = el('canvas', { width: g, height: g });
      ctx.imageSmoothingEnabled = true;
      this.boxes.forEach((_, n) => {
        const mode = n < nHidden ? 'auto' : kind === 'binary' ? 'prob' : kind === 'regression' ? 'value' : 'unit';
        paint(this.tile, values.subarray(n * G, (n + 1) * G), g, mode);
        const [x, y, w, h] = this.rects[n];
        ctx.drawImage(this.tile, x, y, w, h);
      });
    }
  }

  label(index) {
    const k = this.links[index], w = this.weightOf(k);
    return `weight ${k.label}: ${Number.isFinite(w) ? w.toFixed(4) : '–'}`;
  }

  showTip(index, x, y) {
    this.tip.textContent = this.label(index);
    this.tip.hidden = false;
    const r = this.tip.getBoundingClientRect();
    this.tip.style.left = `${Math.min(x + 12, innerWidth - r.width - 4)}px`;
    this.tip.style.top = `${Math.max(4, y - 30)}px`;
  }

  hideTip() {
    this.tip.hidden = true;
  }

  midpoint(index) {
    const k = this.links[index], len = k.hit.getTotalLength?.() ?? 0;
    const pt = len ? k.hit.getPointAtLength(len / 2) : { x: 0, y: 0 };
    const r = this.root.getBoundingClientRect();
    return [r.left + pt.x, r.top + pt.y];
  }

  showSelected() {
    this.showSel = this.sel >= 0;
    this.render();
    if (this.sel < 0) return;
    const [x, y] = this.midpoint(this.sel);
    this.showTip(this.sel, x, y);
    this.svg.setAttribute('aria-label', `Weights (arrow keys pick, Enter changes): ${this.label(this.sel)}`);
  }

  onKey(e) {
    if (!this.links.length) return;
    const n = this.links.length;
    const moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: 10, PageUp: -10 };
    if (e.key in moves) this.sel = (Math.max(0, this.sel) + moves[e.key] + n) % n;
    else if (e.key === 'Home') this.sel = 0;
    else if (e.key === 'End') this.sel = n - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      const [x, y] = this.midpoint(Math.max(0, this.sel));
      this.openEditor(Math.max(0, this.sel), x, y);
    } else return;
    e.preventDefault();
    if (!this.editor) this.showSelected();
  }

  openEditor(index, x, y) {
    this.closeEditor();
    this.sel = index;
    this.hideTip();
    const k = this.links[index], w = this.weightOf(k);
    const input = el('input', {
      type: 'number', step: '0.1', value: Number.isFinite(w) ? w.toFixed(4) : '0', id: 'weight-input', 'aria-describedby': 'weight-hint',
    });
    const hint = el('span', { class: 'hint', id: 'weight-hint', 'aria-live': 'polite' });
    const apply = () => {
      const v = Number(input.value);
      // the weights are float32: beyond its largest value a weight cannot be stored
      if (input.value.trim() === '' || !Number.isFinite(Math.fround(v))) { // a float32 weight, as Matrix.set takes it
        input.setAttribute('aria-invalid', 'true');
        hint.textContent = `a number from −${F32_MAX_TEXT} to ${F32_MAX_TEXT} (a float32 weight)`;
        input.focus();
        return;
      }
      this.handlers.editWeight(k.layer, k.i, k.j, v);
      this.closeEditor(true);
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') apply();
      else if (e.key === 'Escape') this.closeEditor(true);
    });
    const box = el('div', { class: 'editor', role: 'dialog', 'aria-label': `Change the weight ${k.label}` },
      el('label', { for: 'weight-input' }, `Weight ${k.label}`, input),
      el('button', { type: 'button', onclick: apply }, 'Set'),
      el('button', { type: 'button', 'aria-label': 'Cancel', onclick: () => this.closeEditor(true) }, '×'),
      hint,
    );
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.closeEditor(true);
    });
    document.body.append(box);
    const r = box.getBoundingClientRect();
    box.style.left = `${Math.max(4, Math.min(x - r.width / 2, innerWidth - r.width - 4))}px`;
    box.style.top = `${Math.max(4, Math.min(y + 10, innerHeight - r.height - 4))}px`;
    this.editor = box;
    input.focus();
    input.select();
  }

  closeEditor(refocus = false) {
    if (!this.editor) return;
    this.editor.remove();
    this.editor = null;
    if (refocus && this.svg) this.svg.focus();
  }
}

const scratch = new Map();

/**
 * Paint GRID² values on a canvas. Modes: 'auto' (scaled by the largest |value|), 'prob' (a
 * probability: 2p − 1), 'unit' (a value in [0, 1]), 'value' (clamped to [-1, 1]).
 */
export function paint(canvas, values, g, mode) {
  let scale = 1, shift = 0;
  if (mode === 'auto') {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
    scale = m > 1e-9 ? 1 / m : 0;
  } else if (mode === 'prob') {
    scale = 2;
    shift = -1;
  }
  const ctx = canvas.getContext('2d');
  let img = scratch.get(g);
  if (!img) scratch.set(g, (img = ctx.createImageData(g, g)));
  const d = img.data;
  for (let i = 0; i < g * g; i++) diverging(values[i] * scale + shift, d, 4 * i);
  ctx.putImageData(img, 0, 0);
}
