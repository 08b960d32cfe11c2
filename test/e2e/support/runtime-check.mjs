// Run by test/e2e/runtimes.test.ts inside a fresh project that installed the packed tarball, in
// each runtime (Node 20/22/24, Bun, Deno): plain JavaScript, only the package's public API.
// Prints one JSON line: what init() chose, the chapter's XOR log, a 784-256-128-10 network
// trained on 1 and 2 threads, and a toJSON/fromJSON round trip.
import { backendInfo, init, Matrix, NeuralNetwork, RandomState, ReLU, setThreads, shutdown, Sigmoid, Softmax } from 'scratchnet';

const runtime = typeof globalThis.Deno !== 'undefined' ? `deno ${globalThis.Deno.version.deno}`
  : typeof globalThis.Bun !== 'undefined' ? `bun ${globalThis.Bun.version}` : `node ${process.versions.node}`;
const out = { runtime };

/** FNV-1a over the bytes of every layer's weights and biases: equal digests ⇔ bit-identical. */
function digest(net) {
  let h = 0x811c9dc5;
  for (const l of net.layers) {
    for (const a of [l.weights.data, l.bias.data]) {
      for (const byte of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

// 1. the build init() chose by itself (default options)
const info = await init();
out.init = { build: info.build, simd: info.simd, relaxedSimd: info.relaxedSimd, threads: info.threads, threadsNote: info.threadsNote };

// 2. the chapter's XOR run: its printed log and predictions
const X = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [[0], [1], [1], [0]];
const chapter = new NeuralNetwork([2, 4, 1], [new ReLU(), new Sigmoid()], { seed: 42 });
const { loss } = chapter.train(X, y, { epochs: 10000, learningRate: 0.1, loss: 'binaryCrossEntropy' });
out.chapterLog = loss.filter((_, e) => e % 1000 === 0).map((l) => l.toFixed(4));
out.chapterPredictions = Array.from(chapter.predict(X).data, (v) => v.toFixed(4));
chapter.dispose();

// 3. a 784-256-128-10 network, a few steps on 1 and on 2 threads
const rng = new RandomState(7);
const rows = 256;
const images = new Matrix(rows, 784, Float32Array.from({ length: rows * 784 }, () => rng.random()));
const labels = new Matrix(rows, 10);
for (let i = 0; i < rows; i++) labels.data[i * 10 + Math.floor(rng.random() * 10)] = 1;
out.mnistShaped = [];
for (const threads of [1, 2]) {
  let note = null;
  try {
    await setThreads(threads);
  } catch (e) {
    note = String(e?.message ?? e);
  }
  const net = new NeuralNetwork([784, 256, 128, 10], [new ReLU(), new ReLU(), new Softmax()], { seed: 3, init: 'he' });
  const r = net.train(images, labels, { epochs: 3, batchSize: 64, learningRate: 0.05 });
  out.mnistShaped.push({ asked: threads, threads: backendInfo().threads, note, loss: r.loss, digest: digest(net) });
  // 4. toJSON / fromJSON: exact, through JSON text
  if (threads === 2) {
    const text = JSON.stringify(net.toJSON());
    const back = NeuralNetwork.fromJSON(text);
    const p1 = net.predict(images).data, p2 = back.predict(images).data;
    out.roundTrip = {
      sameDigest: digest(back) === digest(net),
      samePredictions: p1.length === p2.length && p1.every((v, i) => Object.is(v, p2[i])),
      sameText: JSON.stringify(back.toJSON()) === text,
    };
    back.dispose();
  }
  // 5. trainAsync on 2 threads yields to timers: a chain of 10 ms timeouts during ~1 s of training,
  // counted against the yields (onProgress runs at each): a timer that is due gets its turn at a
  // yield, whatever the machine's load (Deno's MessageChannel yields starved them)
  if (threads === 2) {
    const t0 = performance.now();
    let fires = 0, yields = 0, done = false;
    const tick = () => { fires++; if (!done) setTimeout(tick, 10); };
    setTimeout(tick, 10);
    const slow = new NeuralNetwork([784, 256, 128, 10], [new ReLU(), new ReLU(), new Softmax()], { seed: 4 });
    await slow.trainAsync(images, labels, {
      epochs: 1000, batchSize: 64, yieldEvery: 16, onProgress: () => { yields++; }, onEpoch: () => (performance.now() - t0 > 1000 ? false : undefined),
    });
    done = true;
    out.timersDuringTrainAsync = { fires, yields, ranMs: performance.now() - t0 };
    slow.dispose();
  }
  net.dispose();
}
await shutdown();
console.log(JSON.stringify(out));
