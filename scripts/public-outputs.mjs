// Records what the public functions of @losses/stft and @losses/mss return on a fixed set of inputs
// (presets, an options grid, partly silent and extreme signals, float32 and float64, the tfjs ops
// and the error messages), and compares a checkout against such a record bit for bit: the check
// that a refactoring changed nothing a user can see.
//
// Usage (after `pnpm build` in the checkout measured):
//   node scripts/public-outputs.mjs record <file> [--root DIR] [--js]
//   node scripts/public-outputs.mjs compare <file> [--root DIR] [--js]
// --root: the checkout whose built packages are called (default: this one), so that one script
// records an older commit (a copy of it, built) and compares the current one. --js: the JavaScript
// kernels alone (LOSSES_WASM=off). `compare` prints every output that differs (with its largest
// difference relative to the output's largest value) and exits with 1 if any does.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const [command, file] = args;
const rootAt = args.indexOf('--root');
const root = resolve(rootAt >= 0 ? args[rootAt + 1] : new URL('..', import.meta.url).pathname);
const js = args.includes('--js');
if (!['record', 'compare'].includes(command) || !file) {
  console.error('usage: node scripts/public-outputs.mjs record|compare <file> [--root DIR] [--js]');
  process.exit(2);
}
if (js) process.env.LOSSES_WASM = 'off';

const load = (path) => import(pathToFileURL(join(root, path)).href);
const stft = await load('packages/stft/dist/index.js');
const stftTf = await load('packages/stft/dist/tfjs/index.js');
const mss = await load('packages/mss/dist/index.js');
const mssTf = await load('packages/mss/dist/tfjs/index.js');
const tensorPkg = await load('packages/tensor/dist/index.js');
// The random numbers of this checkout (the record and the comparison draw the same inputs).
const { mulberry32 } = await import(
  new URL('../packages/tensor/dist/internal.js', import.meta.url).href
);
const tf = createRequire(join(root, 'packages/mss/package.json'))('@tensorflow/tfjs');
await tf.setBackend('cpu');
if (js) {
  // Older commits had a switch per package instead of @losses/tensor/internal's.
  const off = async (path, name) => {
    try {
      const m = await load(path);
      if (typeof m[name] === 'function') m[name](false);
    } catch {}
  };
  await off('packages/tensor/dist/internal.js', 'setWasmEnabled');
  await off('packages/stft/dist/internal.js', 'setWasmEnabled');
  await off('packages/mss/dist/wasm/pipeline.js', 'setWasmPipelineEnabled');
}
const { tensor } = tensorPkg;

/** name -> { t: type, b: base64 bytes } (or an error's code and message). */
const out = new Map();
const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function put(name, v) {
  if (out.has(name)) throw new Error(`duplicate case ${name}`);
  if (typeof v === 'number') out.set(name, { t: 'f64', b: bytes(Float64Array.of(v)) });
  else if (v instanceof Float32Array) out.set(name, { t: 'f32', b: bytes(v) });
  else if (v instanceof Float64Array) out.set(name, { t: 'f64', b: bytes(v) });
  else out.set(name, { t: 'json', v: JSON.stringify(v) });
}
/** Runs `f`, recording what it returns through `each`, or the error it throws. */
function run(name, f, each = (n, r) => put(n, r)) {
  let r;
  try {
    r = f();
  } catch (e) {
    put(`${name} error`, { code: e.code ?? e.name, message: e.message });
    return;
  }
  each(name, r);
}
const putTensor = (name, t) => {
  put(`${name} shape`, t.shape);
  put(name, t.data);
};

const rand = mulberry32(20261203);
const noise = (n, scale = 1) => Float64Array.from({ length: n }, () => scale * (2 * rand() - 1));

/**
 * Batches of `items` signals of `length` samples: noise; silence; noise after a silent third and
 * with a 300 dB fade-in; tiny (1e-300, or 1e-30 in float32) and loud (1e300 in float64) noise.
 */
function batch(items, length, dtype) {
  const a = new Float64Array(items * length);
  for (let b = 0; b < items; b++) {
    const row = a.subarray(b * length, (b + 1) * length);
    const kind = b % 5;
    if (kind === 1) continue;
    row.set(noise(length, 0.5));
    if (kind === 2) {
      row.fill(0, 0, Math.floor(length / 3));
      for (let t = Math.floor(length / 3); t < length; t++)
        row[t] *= 10 ** (-15 * (1 - t / length));
    }
    if (kind === 3) for (let t = 0; t < length; t++) row[t] *= dtype === 'float32' ? 1e-30 : 1e-300;
    if (kind === 4 && dtype === 'float64') for (let t = 0; t < length; t++) row[t] *= 1e300;
  }
  return dtype === 'float32' ? Float32Array.from(a) : a;
}

// ---------------------------------------------------------------- @losses/stft: FFT, windows
for (const n of [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 25, 31, 49, 64, 67, 97, 100, 127, 128, 143, 257,
  360, 509, 512, 1021, 1024, 2042, 2048, 2053, 4099, 4320,
]) {
  const plan = stft.getFftPlan(n);
  const x = noise(2 * n);
  const y = new Float64Array(2 * n);
  plan.transform(x, y);
  put(`getFftPlan(${n}).transform`, y);
  put(`getFftPlan(${n}).algorithm`, plan.algorithm);
  const z = new Float64Array(2 * n);
  plan.inverseTransform(y, z);
  put(`getFftPlan(${n}).inverseTransform`, z);
}
for (const n of [1, 2, 3, 7, 8, 64, 67, 127, 128, 257, 509, 1024, 2053]) {
  for (const dtype of ['float64', 'float32']) {
    const x = dtype === 'float32' ? Float32Array.from(noise(n)) : noise(n);
    run(`rfft(${n}, ${dtype})`, () => stft.rfft(x), putTensor);
    run(`irfft(${n}, ${dtype})`, () => stft.irfft(stft.rfft(x), n), putTensor);
  }
}
for (const kind of stft.WINDOW_KINDS) {
  for (const n of [1, 7, 64]) {
    put(`getWindow(${kind}, ${n})`, stft.getWindow(kind, n));
    put(`getWindow(${kind}, ${n}, symmetric)`, stft.getWindow(kind, n, { periodic: false }));
  }
}

// ---------------------------------------------------------------- @losses/stft: STFT grid
const SIZES = [
  1, 2, 3, 4, 5, 8, 9, 16, 17, 31, 33, 64, 67, 100, 127, 128, 256, 257, 509, 512, 1021, 1024, 2048,
  2053,
];
/** Option sets per size: centred reflect, centred constant, not centred, end-padded, ... */
function stftOptions(size) {
  const quarter = Math.max(1, Math.floor(size / 4));
  const short = Math.max(1, Math.ceil(0.6 * size));
  return [
    { size, hop: quarter },
    { size, hop: Math.floor(size / 2) + 1, window: 'flattop', padMode: 'constant' },
    { size, hop: quarter, center: false, window: 'hamming', windowLength: short },
    {
      size,
      hop: Math.max(1, Math.floor(size / 3)),
      center: false,
      padEnd: true,
      window: 'blackman',
    },
    { size, hop: quarter, window: Array.from(noise(short, 1)), windowLength: short },
    {
      size,
      hop: size <= 128 ? 1 + (size % 7) : 1 + Math.floor(size / 5),
      window: 'rectangular',
      center: false,
    },
  ];
}
const show = (o) =>
  JSON.stringify(o, (k, v) => (k === 'window' && Array.isArray(v) ? `array(${v.length})` : v));
for (const size of SIZES) {
  stftOptions(size).forEach((options, i) => {
    const plan = stft.createStft(options);
    const length = 2 * size + 37 + i;
    for (const dtype of ['float64', 'float32']) {
      const items = 5;
      const x = tensor(batch(items, length, dtype), [items, length]);
      const one = tensor(batch(1, length, dtype), [length]);
      const name = `stft ${show(options)} ${dtype}`;
      put(`${name} frameCount`, plan.frameCount(length));
      run(`${name} plan.stft`, () => plan.stft(x), putTensor);
      run(`${name} plan.stft [T]`, () => plan.stft(one), putTensor);
      run(`${name} plan.magnitude`, () => plan.magnitude(x), putTensor);
      run(`${name} plan.magnitude eps`, () => plan.magnitude(x, 1e-6), putTensor);
      for (const eps of [undefined, 1e-6]) {
        run(
          `${name} plan.magnitudeWithVjp eps ${eps}`,
          () => plan.magnitudeWithVjp(x, eps),
          (n, r) => {
            putTensor(`${n} magnitude`, r.magnitude);
            const d = noise(r.magnitude.data.length);
            putTensor(`${n} vjp`, r.vjp(dtype === 'float32' ? Float32Array.from(d) : d));
          },
        );
      }
      if (i % 2 === 0) {
        run(`${name} stft()`, () => stft.stft(x, options), putTensor);
        run(`${name} magnitude()`, () => stft.magnitude(x, { ...options, eps: 1e-9 }), putTensor);
        const m = stft.magnitude(one, options);
        const d = noise(m.data.length);
        run(`${name} magnitudeVjp()`, () => stft.magnitudeVjp(one, options, d), putTensor);
      }
    }
  });
}
for (const options of [
  { size: 64, hop: 16 },
  { size: 67, hop: 16, window: 'flattop', eps: 1e-8 },
  { size: 257, hop: 100, center: false },
]) {
  const x = tf.tensor(batch(3, 900, 'float32'), [3, 900]);
  const name = `tfjs magnitudeSpectrogram ${show(options)}`;
  run(name, () => stftTf.magnitudeSpectrogram(x, options).dataSync(), put);
  const shape = stftTf.magnitudeSpectrogram(x, options).shape;
  const w = tf.tensor(Float32Array.from(noise(shape.reduce((a, b) => a * b, 1))), shape);
  run(
    `${name} grad`,
    () =>
      tf
        .grad((s) => tf.sum(tf.mul(stftTf.magnitudeSpectrogram(s, options), w)))(x)
        .dataSync(),
    put,
  );
}
for (const [name, f] of [
  ['size 0', () => stft.createStft({ size: 0, hop: 1 })],
  ['size 2^22 + 1', () => stft.createStft({ size: 2 ** 22 + 1, hop: 1 })],
  ['null options', () => stft.createStft(null)],
  ['null hop', () => stft.createStft({ size: 8, hop: null })],
  ['unknown key', () => stft.createStft({ size: 8, hop: 2, sise: 3 })],
  ['padEnd with center', () => stft.createStft({ size: 8, hop: 2, padEnd: true })],
  ['short for reflect', () => stft.stft(noise(4), { size: 8, hop: 2 })],
  ['short, not centred', () => stft.stft(noise(4), { size: 8, hop: 2, center: false })],
  ['loud', () => stft.stft(noise(64, 1e306), { size: 8, hop: 2 })],
  ['NaN', () => stft.magnitude([0, Number.NaN, 0, 0, 0, 0, 0, 0], { size: 4, hop: 2 })],
  ['bad eps', () => stft.magnitude(noise(64), { size: 8, hop: 2, eps: -1 })],
  ['bad dMag', () => stft.magnitudeVjp(noise(64), { size: 8, hop: 2 }, noise(3))],
  ['irfft bins', () => stft.irfft(stft.rfft(noise(8)), 10)],
]) {
  run(`stft error: ${name}`, f);
}

// ---------------------------------------------------------------- @losses/mss
const PRESETS = ['standard', 'smooth', 'auraloss', 'ddsp'];
const mssCases = [
  ...PRESETS.map((p) => ({ name: p, spec: p, length: 4200 })),
  { name: 'default', spec: undefined, length: 2500 },
  ...[
    { sizes: [16, 33, 64], compressions: ['linear'] },
    { sizes: [16, 33, 64], compressions: [{ kind: 'log', eps: 1e-5, weight: 2 }] },
    { sizes: [16, 33, 64], compressions: [{ kind: 'db', eps: 1e-6 }], distance: 'l2sq' },
    { sizes: [16, 33, 64], compressions: [{ kind: 'safeLog', eps: 1e-4 }], reduction: 'sum' },
    { sizes: [16, 33, 64], compressions: [{ kind: 'log1p', gamma: 3 }, 'linear'] },
    { sizes: [16, 33, 64], compressions: ['linear', { kind: 'log', weight: 0 }] },
    { sizes: [16, 33, 64], distance: 'l2' },
    { sizes: [16, 33, 64], distance: 'l2', reduction: 'sum', scaleReduction: 'mean' },
    { sizes: [16, 33, 64], spectralConvergence: 0.5, magnitudeEps: 1e-8 },
    { sizes: [16, 33, 64], spectralConvergence: 1, compressions: [], magnitudeEps: 1e-6 },
    { sizes: [2, 3, 5], hops: [1, 1, 2] },
    { sizes: [67, 128], center: true },
    { sizes: [67, 128], center: true, padMode: 'constant', distance: 'l2sq' },
    { sizes: [64, 127], padEnd: true, compressions: ['linear', { kind: 'safeLog' }] },
    { sizes: [64, 100], windowLengths: [40, 77], window: 'blackman', hops: (n) => n >> 3 },
    {
      sizes: [32, 48],
      window: [Array.from(noise(32)), Float32Array.from(noise(30))],
      windowLengths: [32, 30],
    },
    { sizes: [509, 1021], magnitudeEps: 1e-10, compressions: [{ kind: 'log', eps: 0 }] },
    { sizes: [2048, 2053], hops: [512, 1000], scaleReduction: 'mean' },
  ].map((spec, i) => ({ name: `grid ${i} ${show(spec)}`, spec, length: 2100 + 13 * i })),
];
for (const { name, spec, length } of mssCases) {
  for (const dtype of ['float64', 'float32']) {
    const items = 5;
    const e = batch(items, length, dtype);
    const t = batch(items, length, dtype);
    // The estimate's silent item (1) against a non-silent target item, and vice versa for item 4.
    e.fill(0, 4 * length);
    const t5 = t.slice();
    t5.set(t.subarray(0, length), length);
    const est = tensor(e, [items, length]);
    const tgt = tensor(t5, [items, length]);
    const tgt1 = tensor(t.slice(0, length), [length]);
    const n = `mss ${name} ${dtype}`;
    run(
      `${n} createMssLoss`,
      () => mss.createMssLoss(spec),
      (nn, loss) => {
        put(`${nn} config`, show(loss.config));
        run(`${nn} value`, () => loss.value(est, tgt));
        run(
          `${nn} valueAndGrad`,
          () => loss.valueAndGrad(est, tgt),
          (m, r) => {
            put(`${m} value`, r.value);
            putTensor(`${m} grad`, r.grad);
          },
        );
        run(`${nn} perItem`, () => loss.perItem(est, tgt), putTensor);
        run(
          `${nn} [T]`,
          () => loss.valueAndGrad(tgt1, tgt1),
          (m, r) => put(m, r.grad.data),
        );
        run(
          `${nn} withTarget`,
          () => loss.withTarget(tgt),
          (m, fixed) => {
            run(`${m} value`, () => fixed.value(est));
            run(
              `${m} valueAndGrad`,
              () => fixed.valueAndGrad(est),
              (k, r) => {
                put(`${k} value`, r.value);
                putTensor(`${k} grad`, r.grad);
              },
            );
            run(`${m} perItem`, () => fixed.perItem(est), putTensor);
            // Twice: the second call finds the target loaded.
            run(
              `${m} again`,
              () => fixed.valueAndGrad(est),
              (k, r) => put(k, r.grad.data),
            );
          },
        );
        run(
          `${nn} withTarget [T]`,
          () => loss.withTarget(tgt1),
          (m, fixed) => {
            run(
              `${m} valueAndGrad`,
              () => fixed.valueAndGrad(est),
              (k, r) => {
                put(`${k} value`, r.value);
                putTensor(`${k} grad`, r.grad);
              },
            );
          },
        );
      },
    );
    if (typeof spec !== 'function' && (typeof spec === 'string' || spec === undefined)) {
      run(`${n} mssLoss()`, () => mss.mssLoss(est, tgt, spec));
      run(
        `${n} mssLossValueAndGrad()`,
        () => mss.mssLossValueAndGrad(est, tgt, spec),
        (m, r) => {
          put(`${m} value`, r.value);
          put(`${m} grad`, r.grad.data);
        },
      );
    }
    if (dtype === 'float32') {
      // The tfjs ops: the loss differentiated w.r.t. both arguments, and against a fixed target.
      const te = tf.tensor(e, [items, length]);
      const tt = tf.tensor(t5, [items, length]);
      run(`${n} tfjs mssLoss`, () => mssTf.mssLoss(te, tt, spec).dataSync(), put);
      run(
        `${n} tfjs mssLoss grads`,
        () => tf.grads((a, b) => mssTf.mssLoss(a, b, spec))([te, tt]),
        (m, [ga, gb]) => {
          put(`${m} estimate`, ga.dataSync());
          put(`${m} target`, gb.dataSync());
        },
      );
      run(
        `${n} tfjs mssLossWithTarget grad`,
        () => tf.grad(mssTf.mssLossWithTarget(tt, spec))(te).dataSync(),
        put,
      );
    }
  }
}
for (const [name, f] of [
  ['null options', () => mss.createMssLoss(null)],
  ['null sizes', () => mss.createMssLoss({ sizes: null })],
  ['unknown preset', () => mss.createMssLoss('nope')],
  ['unknown key', () => mss.createMssLoss({ sises: [64] })],
  ['size 1', () => mss.createMssLoss({ sizes: [1] })],
  ['no sizes', () => mss.createMssLoss({ sizes: [] })],
  ['hop 0', () => mss.createMssLoss({ sizes: [2] })],
  ['log eps 0', () => mss.createMssLoss({ compressions: [{ kind: 'log', eps: 0 }] })],
  ['shapes differ', () => mss.mssLoss(noise(3000), noise(3001))],
  ['too short', () => mss.mssLoss(noise(100), noise(100))],
  ['silent target with SC', () => mss.mssLoss(noise(3000), new Float64Array(3000), 'auraloss')],
  ['loud', () => mss.mssLoss(noise(3000, 1e306), noise(3000))],
]) {
  run(`mss error: ${name}`, f);
}

// ---------------------------------------------------------------- record or compare
if (command === 'record') {
  writeFileSync(file, [...out].map((e) => JSON.stringify(e)).join('\n'));
  console.log(`recorded ${out.size} outputs in ${file}`);
} else {
  const want = new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => JSON.parse(line)),
  );
  const decode = (e) => {
    const buf = Buffer.from(e.b, 'base64');
    const copy = new Uint8Array(buf);
    return e.t === 'f32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  };
  let differ = 0;
  for (const [name, w] of want) {
    const g = out.get(name);
    if (g === undefined) {
      console.log(`MISSING ${name}`);
      differ++;
      continue;
    }
    if (w.t === 'json' || g.t === 'json') {
      if (w.t !== g.t || w.v !== g.v) {
        console.log(`DIFFERS ${name}\n  was ${w.v ?? w.t}\n  now ${g.v ?? g.t}`);
        differ++;
      }
      continue;
    }
    if (w.t === g.t && w.b === g.b) continue;
    const a = decode(w);
    const b = decode(g);
    let big = 0;
    let diff = 0;
    let count = 0;
    for (let i = 0; i < a.length; i++) {
      big = Math.max(big, Math.abs(a[i]));
      if (!Object.is(a[i], b[i])) {
        count++;
        const d = Math.abs(a[i] - b[i]);
        if (d > diff || Number.isNaN(d)) diff = d;
      }
    }
    console.log(
      `DIFFERS ${name}: ${count} of ${a.length} values, largest difference ${diff.toExponential(2)} (${(diff / big).toExponential(2)} of the largest value)${a.length !== b.length ? ` (lengths ${a.length} -> ${b.length})` : ''}`,
    );
    differ++;
  }
  for (const name of out.keys()) if (!want.has(name)) console.log(`NEW ${name}`);
  console.log(`${want.size} outputs recorded, ${differ} differ`);
  process.exitCode = differ > 0 ? 1 : 0;
}
