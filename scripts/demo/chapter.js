// Chapter mode: the chapter's XOR network ([2, 4, 1], ReLU then Sigmoid, np.random.seed(42),
// learning_rate 0.1) stepped through its training loop on this page's thread, with the chapter's
// code beside the live matrices of the epoch about to run: X, W1, b1, z = x·W1 + b1, ReLU(z), W2,
// b2, the output and the loss; then the gradients Layer.backward returns and the update that
// network.backward applies. Only scratchnet's public API is used: net.forward, the layers' weights,
// bias, activationInput and output, layer.backward (which changes no weight) and
// net.backward(grad, lr) (the chapter's update), so the losses are the chapter's log exactly.

import { diverging } from './netview.js';

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const EPOCHS = 10000; // the chapter's `epochs`
const FRAME_MS = 12; // work per animation frame at full speed

// The chapter's code (neural-networks-from-scratch.md), with the scratchnet calls that run each part.
const CODE = [
  ['cm', '# Layer.forward  (net.forward(X) runs it for each layer)'],
  ['', 'self.input = x', 'X'],
  ['', 'self.activation_input = x @ self.weights + self.bias', 'z'],
  ['', 'self.output = self.activation.forward(self.activation_input)', 'a'],
  ['', ''],
  ['cm', '# the training loop, for each epoch'],
  ['', 'output = network.forward(X)', 'out'],
  ['', 'loss = -np.mean(y * np.log(output + 1e-15) + (1 - y) * np.log(1 - output + 1e-15))', 'loss'],
  ['', 'grad_output = -(y / (output + 1e-15) - (1 - y) / (1 - output + 1e-15)) / len(X)', 'grad'],
  ['js', '//   scratchnet: bce.forward(output, y), bce.backward(output, y)'],
  ['', 'network.backward(grad_output, learning_rate)', 'update'],
  ['', ''],
  ['cm', '# Layer.backward  (layer.backward(grad) returns the same three, changing no weight)'],
  ['', 'grad_activation = grad_output * self.activation.backward(self.activation_input)', 'gb'],
  ['', 'grad_weights = self.input.T @ grad_activation', 'gw'],
  ['', 'grad_bias = np.sum(grad_activation, axis=0, keepdims=True)', 'gb'],
  ['', 'grad_input = grad_activation @ self.weights.T', 'gi'],
  ['', 'return grad_input, grad_weights, grad_bias', 'gw'],
  ['', ''],
  ['cm', '# NeuralNetwork.backward  (net.backward(grad_output, learning_rate))'],
  ['', 'for layer in reversed(self.layers):', 'update'],
  ['', '    grad_input, grad_weights, grad_bias = layer.backward(current_gradient)', 'gw'],
  ['', '    layer.weights -= learning_rate * grad_weights', 'update'],
  ['', '    layer.bias -= learning_rate * grad_bias', 'update'],
  ['', '    current_gradient = grad_input', 'gi'],
];

const $ = (id) => document.getElementById(id);

/**
 * Start chapter mode (once): load scratchnet on this thread, build the network and draw epoch 0.
 * Returns { settings(), applySettings(s), pause() }.
 */
/** A seed as np.random.seed takes it (a whole number 0–4294967295) from text, or null. */
function seedOf(text) {
  return /^\d+$/.test(text) && +text <= 4294967295 ? +text : null;
}

export async function startChapter({ cseed, clr, onChange, onError, onClear = () => {} }) {
  const sn = await import('/dist/scratchnet.browser.js');
  await sn.init({ threads: 1 }); // the page's thread may not block on worker threads
  const el = {
    run: $('ch-run'), step: $('ch-step'), reset: $('ch-reset'), seed: $('ch-seed'), lr: $('ch-lr'), speed: $('ch-speed'),
    epoch: $('ch-epoch'), loss: $('ch-loss'), code: $('ch-code'), log: $('ch-log'), chart: $('ch-chart'), note: $('ch-note'),
    matrices: $('ch-matrices'),
  };
  const bce = new sn.BinaryCrossEntropy();
  const st = { epoch: 0, loss: NaN, log: [], running: false, losses: [] };
  window.demoState.chapter = st;
  let net = null;
  let now = null; // the current epoch's forward and backward values
  let builtSeed = null; // the seed of the network shown (the address holds it, not a seed field marked invalid)
  let warning = ''; // the banner's warning about the seed field, cleared by the next valid seed

  if (cseed !== undefined && seedOf(cseed) !== null) el.seed.value = cseed;
  if (clr !== undefined && [...el.lr.options].some((o) => o.value === clr)) el.lr.value = clr;

  el.code.replaceChildren(...CODE.map(([cls, text, key]) => {
    const line = document.createElement('span');
    if (cls) line.className = cls;
    if (key) line.dataset.key = key;
    line.textContent = text + '\n';
    return line;
  }));

  function seedValue() {
    return seedOf(el.seed.value.trim());
  }

  /** Build the network of the seed field; with the field invalid, say so and keep the network shown. */
  function build() {
    const seed = seedValue();
    el.seed.setAttribute('aria-invalid', String(seed === null));
    if (seed === null) {
      if (net) {
        warning = `chapter mode: the seed must be a whole number 0–4294967295; still showing the run of seed ${builtSeed}`;
        onError(warning, 'warn');
        return;
      }
      el.seed.value = '42';
      el.seed.setAttribute('aria-invalid', 'false');
      return build();
    }
    if (warning) onClear(warning);
    warning = '';
    if (net) net.dispose();
    builtSeed = seed;
    // np.random.seed(seed); NeuralNetwork([2, 4, 1], [ReLU(), Sigmoid()]): weights randn · 0.01
    net = new sn.NeuralNetwork([2, 4, 1], [new sn.ReLU(), new sn.Sigmoid()], { seed });
    st.epoch = 0;
    st.log = [];
    st.losses = [];
    look();
    render();
  }

  /** The forward pass, loss and gradients of epoch st.epoch, on the current weights (no update). */
  function look() {
    const output = net.forward(X);
    const [l1, l2] = net.layers;
    const loss = bce.forward(output, Y);
    const grad = bce.backward(output, Y);
    const [gi2, gw2, gb2] = l2.backward(grad);
    const [gi1, gw1, gb1] = l1.backward(gi2);
    now = {
      X, W1: l1.weights.toArray(), b1: l1.bias.toArray(), z1: l1.activationInput.toArray(), a1: l1.output.toArray(),
      W2: l2.weights.toArray(), b2: l2.bias.toArray(), z2: l2.activationInput.toArray(), out: output.toArray(), loss,
      grad: grad.toArray(), gw2: gw2.toArray(), gb2: gb2.toArray(), gi2: gi2.toArray(), gw1: gw1.toArray(), gb1: gb1.toArray(),
      gi1: gi1.toArray(), grad0: grad,
    };
    record(st.epoch, loss);
  }

  function record(epoch, loss) {
    st.loss = loss;
    if (st.losses.length === epoch) st.losses.push(loss);
    if (epoch % 1000 === 0 && epoch < EPOCHS && st.log.length === epoch / 1000) st.log.push(`Epoch ${epoch}, Loss: ${loss.toFixed(4)}`);
  }

  /** One pass of the chapter's loop: the update of the current epoch, then the next epoch's forward. */
  function step(full) {
    const lr = Number(el.lr.value);
    if (full) {
      net.backward(now.grad0, lr);
      st.epoch++;
      look();
      return;
    }
    // fast path while running: the same calls minus the two layer.backward used for display
    const output = net.forward(X);
    const loss = bce.forward(output, Y);
    record(st.epoch, loss);
    net.backward(bce.backward(output, Y), lr);
    st.epoch++;
  }

  // Running: at full speed, as many epochs per frame as fit in FRAME_MS, up to the chapter's 10,000
  // (then on in runs of 10,000); or one epoch per frame.
  let target = EPOCHS;
  function frame() {
    if (!st.running) return;
    const t0 = performance.now();
    if (el.speed.value === 'slow') step(true);
    else {
      // the current epoch's values are already computed: apply its update, then fast epochs
      net.backward(now.grad0, Number(el.lr.value));
      st.epoch++;
      while (st.epoch < target && performance.now() - t0 < FRAME_MS) step(false);
      look();
    }
    if (st.epoch >= target) {
      setRunning(false);
      target += EPOCHS;
    }
    render();
    if (st.running) requestAnimationFrame(frame);
  }

  function setRunning(on) {
    st.running = on;
    el.run.textContent = on ? 'Pause' : 'Run';
    if (on) {
      while (target <= st.epoch) target += EPOCHS;
      requestAnimationFrame(frame);
    }
  }

  function render() {
    el.epoch.textContent = st.epoch.toLocaleString('en-US');
    el.loss.textContent = st.loss.toFixed(4);
    el.log.textContent = st.log.join('\n') || ' ';
    if (!st.running || st.epoch % 50 === 0 || st.epoch === target) {
      el.chart.innerHTML = sn.lineChartSvg([{ name: 'loss', values: st.losses, color: '#0072b2' }],
        { width: 440, height: 170, xLabel: 'epoch', yLabel: 'loss' });
    }
    const dead = [0, 1, 2, 3].filter((j) => now.a1.every((row) => row[j] === 0));
    const off = now.a1.filter((row) => row.every((v) => v === 0)).length;
    const lr = Number(el.lr.value);
    const notes = [];
    if (dead.length) {
      notes.push(`${dead.length} of 4 hidden units output 0 for all four inputs (dead ReLUs: their columns of ReLU(z) are ` +
        'zeros, and so are their gradients, so they never recover).');
    }
    if (off > 1) {
      notes.push(`${off} of the 4 inputs switch every hidden unit off (rows of zeros in ReLU(z)): the network gives them ` +
        'one and the same output, so it cannot tell them apart and the loss stalls.');
    }
    el.note.className = notes.length ? 'ch-note dead' : 'ch-note';
    el.note.textContent = `Epoch ${st.epoch}: ` + (notes.length
      ? `${notes.join(' ')} Change the seed (0 or 7 learn XOR) to watch a run that learns.`
      : 'every input reaches a live hidden unit.');
    const update = (w, g) => w.map((row, i) => row.map((v, j) => v - lr * g[i][j]));
    const groups = [
      ['Forward: network.forward(X)', [
        ['X', now.X, 'the inputs (4 samples)', 'X'],
        ['W1', now.W1, 'layer 1 weights', 'z'], ['b1', now.b1, 'layer 1 bias', 'z'],
        ['z = X · W1 + b1', now.z1, 'layers[0].activationInput', 'z'],
        ['ReLU(z)', now.a1, 'layers[0].output', 'a', dead],
        ['W2', now.W2, 'layer 2 weights', 'out'], ['b2', now.b2, 'layer 2 bias', 'out'],
        ['z2 = ReLU(z) · W2 + b2', now.z2, 'layers[1].activationInput', 'out'],
        ['output = Sigmoid(z2)', now.out, 'the prediction', 'out'],
      ]],
      [`Loss: ${now.loss.toFixed(4)}`, [
        ['y', Y, 'the XOR targets', 'loss'],
        ['grad_output', now.grad, 'bce.backward(output, y)', 'grad'],
      ]],
      ['Backward: layer.backward(grad), last layer first', [
        ['layer 2: grad_weights', now.gw2, 'ReLU(z)ᵀ · grad_activation', 'gw'], ['layer 2: grad_bias', now.gb2, '', 'gb'],
        ['layer 2: grad_input', now.gi2, 'grad_activation · W2ᵀ', 'gi'],
        ['layer 1: grad_weights', now.gw1, 'Xᵀ · (grad_input ⊙ ReLU′(z))', 'gw', dead], ['layer 1: grad_bias', now.gb1, '', 'gb', dead],
      ]],
      [`Update: network.backward(grad_output, ${lr}), W −= ${lr} · grad_weights`, [
        ['W1 − lr · grad', update(now.W1, now.gw1), 'layer 1 weights for the next epoch', 'update', dead],
        ['b1 − lr · grad', update(now.b1, now.gb1), '', 'update', dead],
        ['W2 − lr · grad', update(now.W2, now.gw2), 'layer 2 weights for the next epoch', 'update'],
        ['b2 − lr · grad', update(now.b2, now.gb2), '', 'update'],
      ]],
    ];
    const parts = [];
    for (const [title, mats] of groups) {
      const h = document.createElement('div');
      h.className = 'mgroup';
      h.textContent = title;
      parts.push(h, ...mats.map(([name, m, eq, key, deadCols]) => matrix(name, m, eq, key, deadCols)));
    }
    el.matrices.replaceChildren(...parts);
  }

  function matrix(name, m, eq, key, deadCols = []) {
    const box = document.createElement('figure');
    box.className = 'mat';
    box.style.margin = '0';
    box.dataset.key = key;
    const cap = document.createElement('figcaption');
    cap.className = 'name';
    cap.innerHTML = '';
    cap.append(name + ' ');
    const shape = document.createElement('span');
    shape.className = 'shape';
    shape.textContent = `${m.length}×${m[0].length}`;
    cap.append(shape);
    const table = document.createElement('table');
    table.setAttribute('aria-label', name);
    let maxAbs = 0;
    for (const row of m) for (const v of row) maxAbs = Math.max(maxAbs, Math.abs(v));
    const rgb = new Uint8ClampedArray(4);
    for (const row of m) {
      const tr = table.insertRow();
      row.forEach((v, j) => {
        const td = tr.insertCell();
        td.textContent = v === 0 ? '0' : Math.abs(v) < 1e-4 ? v.toExponential(1) : v.toFixed(4);
        if (v === 0) td.classList.add('zero');
        if (deadCols.includes(j) && m[0].length === 4) td.classList.add('deadcol');
        diverging(maxAbs > 0 ? (v / maxAbs) * 0.45 : 0, rgb, 0);
        td.style.backgroundColor = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
      });
    }
    box.append(cap, table);
    if (eq) {
      const e = document.createElement('span');
      e.className = 'eq';
      e.textContent = eq;
      box.append(e);
    }
    box.addEventListener('mouseenter', () => highlight(key));
    box.addEventListener('mouseleave', () => highlight(null));
    return box;
  }

  function highlight(key) {
    for (const line of el.code.children) line.classList.toggle('hl', key !== null && line.dataset.key === key);
  }

  el.run.addEventListener('click', () => setRunning(!st.running));
  el.step.addEventListener('click', () => {
    if (st.running) setRunning(false);
    step(true);
    render();
  });
  el.reset.addEventListener('click', () => {
    if (seedValue() === null) return build(); // says why, and the run goes on
    setRunning(false);
    target = EPOCHS;
    build();
  });
  el.seed.addEventListener('change', () => {
    if (seedValue() === null) return build(); // says why, and the run goes on
    setRunning(false);
    target = EPOCHS;
    build();
    onChange();
  });
  el.lr.addEventListener('change', () => {
    render();
    onChange();
  });

  try {
    build();
  } catch (err) {
    onError(`chapter mode: ${err.message}`);
  }

  return {
    settings: () => ({ cseed: String(builtSeed ?? el.seed.value), clr: el.lr.value }),
    /** Settings from a link (app.js has checked them; a value out of range is ignored here too). */
    applySettings(s) {
      let changed = false;
      const seed = s.cseed !== undefined ? seedOf(s.cseed) : null;
      if (seed !== null && seed !== builtSeed) {
        el.seed.value = String(seed);
        changed = true;
      } else if (seed !== null && seedValue() !== seed) {
        // the run shown is this seed's: only the field (marked invalid) changes back
        el.seed.value = String(seed);
        el.seed.setAttribute('aria-invalid', 'false');
        if (warning) onClear(warning);
        warning = '';
      }
      if (s.clr !== undefined && [...el.lr.options].some((o) => o.value === s.clr)) el.lr.value = s.clr;
      if (changed) {
        setRunning(false);
        target = EPOCHS;
        build();
      } else render();
    },
    pause: () => setRunning(false),
  };
}
