// The playground's network view as a test reads it, shared by the Chromium test
// (test/e2e/playground.test.ts) and the Firefox and WebKit tests (test/e2e/engines.test.ts).

/**
 * The playground's neuron maps as the page drew them: for each neuron box, a hash of the pixels of
 * the shared canvas inside it and the share of them that are not white.
 */
export const PLAYGROUND_MAPS = `(() => {
  const c = document.querySelector('#net canvas.maps'), ctx = c.getContext('2d'), r0 = c.getBoundingClientRect();
  const k = c.width / r0.width;
  return [...document.querySelectorAll('#net .col > .neuron')].map((b) => {
    const r = b.getBoundingClientRect();
    const d = ctx.getImageData(Math.round((r.left - r0.left + 3) * k), Math.round((r.top - r0.top + 3) * k), Math.round((r.width - 6) * k), Math.round((r.height - 6) * k)).data;
    let sum = 0, colored = 0;
    for (let i = 0; i < d.length; i += 4) { sum = (sum * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) % 1000000007; if (d[i] < 245 || d[i + 2] < 245) colored++; }
    return { sum, colored: colored / (d.length / 4) };
  });
})()`;
