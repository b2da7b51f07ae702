/**
 * Tests of the WebAssembly SIMD training matmuls (wasm-train.ts) and of the float32 training
 * graph that runs on them: every kernel shape of the default config against the JS kernels of
 * kernels.ts (float64), short micro-batches, the JS fallback for widths that are not multiples
 * of 4, and whole-graph gradients against the float64 graph.
 */
import test from 'ava';
import { TrainGraph } from '../../src/transformer/backward.js';
import type { ModelConfig } from '../../src/transformer/config.js';
import { DEFAULT_CONFIG, makeConfig } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { RandomState } from '../../src/transformer/rng.js';
import { biasBackward, layerNormBackward, layerNormForward, matmulABt, matmulAtBAcc, reluBackward, reluForward, transpose } from '../../src/transformer/kernels.js';
import { attentionBackward, attentionForward } from '../../src/transformer/attention.js';
import { WasmTrainKernels, wasmTrainSupports } from '../../src/transformer/wasm-train.js';
import { closeTo } from '../helpers/close-to.js';

const { dModel: D, dFF: F, vocabSize: V } = DEFAULT_CONFIG;

function kernels(): WasmTrainKernels {
  const w = WasmTrainKernels.create(DEFAULT_CONFIG, 1 << 18);
  if (w === null) throw new Error('wasm SIMD unavailable on this Node');
  return w;
}

/** A wasm array and its float64 twin, filled with N(0, 1) values. */
function pair(w: WasmTrainKernels, rng: RandomState, n: number): [Float32Array, Float64Array] {
  const a = w.alloc(n);
  for (let i = 0; i < n; i++) a[i] = rng.standardNormal();
  return [a, Float64Array.from(a)];
}

const AB_SHAPES: [number, number, boolean, boolean][] = [
  [D, D, false, false], [D, F, false, true], [F, D, false, true], [D, V, false, false],
  [V, D, false, false], [D, F, false, false], [F, D, true, false], [D, D, true, false],
];

for (const rows of [128, 16, 4]) {
  for (const [k, m, acc, bias] of AB_SHAPES) {
    test(`ab ${rows}×${k}·${k}×${m}${acc ? ' +=' : ''}${bias ? ' + bias' : ''} matches matmulABt`, (t) => {
      const w = kernels();
      const rng = new RandomState(rows * 7 + k + m);
      const [out, out64] = pair(w, rng, rows * m);
      const [a, a64] = pair(w, rng, rows * k);
      const [b, b64] = pair(w, rng, k * m);
      const [z, z64] = pair(w, rng, m);
      const bT64 = new Float64Array(k * m);
      transpose(bT64, 0, b64, 0, k, m);
      w.ab(out, 0, a, 0, b, 0, bias ? z : null, 0, rows, k, m, acc);
      matmulABt(out64, 0, a64, 0, bT64, 0, bias ? z64 : null, 0, rows, k, m, acc);
      t.is(closeTo(out, out64, { atol: 1e-5 * Math.sqrt(k), rtol: 1e-5 }, 'out'), null);
    });
  }
}

for (const rows of [128, 16, 1]) {
  for (const [k, m] of [[V, D], [F, D], [D, F], [D, D]] as const) {
    test(`atb ${k}×${m} += (${rows}×${k})ᵀ·${rows}×${m} matches matmulAtBAcc`, (t) => {
      const w = kernels();
      const rng = new RandomState(rows * 5 + k * 3 + m);
      const [dW, dW64] = pair(w, rng, k * m);
      const [a, a64] = pair(w, rng, rows * k);
      const [b, b64] = pair(w, rng, rows * m);
      w.atb(dW, 0, a, 0, b, 0, rows, k, m);
      matmulAtBAcc(dW64, 0, a64, 0, b64, 0, rows, k, m);
      t.is(closeTo(dW, dW64, { atol: 1e-5 * Math.sqrt(rows), rtol: 1e-5 }, 'dW'), null);
    });
  }
}

test('ab with fused ReLU equals matmulABt then reluForward (NaN and −0 become +0)', (t) => {
  const w = kernels();
  const rng = new RandomState(21);
  const rows = 16;
  const [out, out64] = pair(w, rng, rows * F);
  const [a, a64] = pair(w, rng, rows * D);
  const [b, b64] = pair(w, rng, D * F);
  const [z, z64] = pair(w, rng, F);
  a[0] = NaN; // row 0 of the output is all NaN
  a64[0] = NaN;
  const bT64 = new Float64Array(D * F);
  transpose(bT64, 0, b64, 0, D, F);
  w.ab(out, 0, a, 0, b, 0, z, 0, rows, D, F, false, true);
  matmulABt(out64, 0, a64, 0, bT64, 0, z64, 0, rows, D, F, false);
  reluForward(out64, 0, rows * F);
  t.is(closeTo(out, out64, { atol: 1e-4 }, 'h'), null);
  t.true(out.subarray(0, F).every((x) => Object.is(x, 0)));
});

test('reluBackward and biasBackward match the JS kernels', (t) => {
  const w = kernels();
  const rng = new RandomState(22);
  const rows = 12;
  const [dh, dh64] = pair(w, rng, rows * F);
  const [h] = pair(w, rng, rows * F);
  h[1] = NaN;
  h[2] = -0;
  w.reluBackward(dh, h, 0, rows * F);
  reluBackward(dh64, Float64Array.from(h), 0, rows * F);
  t.deepEqual(Array.from(dh), Array.from(Float32Array.from(dh64)));
  for (const m of [D, F]) {
    const [db, db64] = pair(w, rng, m + 4);
    const [dy, dy64] = pair(w, rng, rows * m);
    w.biasBackward(db, 4, dy, 0, rows, m);
    biasBackward(db64, 4, dy64, 0, rows, m);
    t.is(closeTo(db, db64, { atol: 1e-5 }, `db ${m}`), null);
  }
  t.throws(() => w.biasBackward(dh, 0, dh, 0, rows, 8), { message: /no bias kernel/ });
  t.throws(() => w.reluBackward(dh, h, 0, 6), { message: /6 floats/ });
});

test('attention forward (dk = 4) matches the JS kernel: weights, exact zeros above the diagonal, outputs', (t) => {
  const w = kernels();
  t.true(w.hasAttention);
  const { seqLen: S, numHeads: H } = DEFAULT_CONFIG;
  const rng = new RandomState(31);
  const seqs = 3;
  const [q, q64] = pair(w, rng, seqs * S * D);
  const [k, k64] = pair(w, rng, seqs * S * D);
  const [v, v64] = pair(w, rng, seqs * S * D);
  for (let i = 0; i < q.length; i++) q[i] = q64[i] = 3 * q64[i]!; // peaked rows too
  const [concat, concat64] = pair(w, rng, seqs * S * D);
  const [P, P64] = pair(w, rng, seqs * H * S * S);
  for (let e = 0; e < seqs; e++) {
    w.attentionForward(concat, P, e * H * S * S, q, k, v, e * S * D);
    attentionForward(concat64, P64, e * H * S * S, q64, k64, v64, e * S * D, S, H, 4);
  }
  t.is(closeTo(P, P64, { atol: 2e-6, rtol: 1e-5 }, 'P'), null);
  t.is(closeTo(concat, concat64, { atol: 1e-5, rtol: 1e-5 }, 'concat'), null);
  for (let row = 0; row < seqs * H * S; row++) {
    const i = row % S;
    for (let j = i + 1; j < S; j++) t.true(Object.is(P[row * S + j], 0), `row ${row} col ${j}`);
  }
});

test('attention backward (dk = 4) matches the JS kernel and overwrites dq, dk, dv', (t) => {
  const w = kernels();
  const { seqLen: S, numHeads: H } = DEFAULT_CONFIG;
  const rng = new RandomState(32);
  const seqs = 2;
  const n = seqs * S * D;
  const [q, q64] = pair(w, rng, n);
  const [k, k64] = pair(w, rng, n);
  const [v, v64] = pair(w, rng, n);
  const [g, g64] = pair(w, rng, n);
  const P = w.alloc(seqs * H * S * S);
  const concat = w.alloc(n);
  for (let e = 0; e < seqs; e++) w.attentionForward(concat, P, e * H * S * S, q, k, v, e * S * D);
  const P64 = Float64Array.from(P);
  const out = [pair(w, rng, n), pair(w, rng, n), pair(w, rng, n)]; // garbage in: must be overwritten
  const dProw = new Float64Array(S);
  for (let e = 0; e < seqs; e++) {
    w.attentionBackward(out[0]![0], out[1]![0], out[2]![0], g, P, e * H * S * S, q, k, v, e * S * D);
    attentionBackward(out[0]![1], out[1]![1], out[2]![1], dProw, g64, P64, e * H * S * S, q64, k64, v64, e * S * D, S, H, 4);
  }
  for (const [i, name] of ['dq', 'dk', 'dv'].entries()) {
    t.is(closeTo(out[i]![0], out[i]![1], { atol: 1e-5, rtol: 1e-5 }, name), null);
  }
});

test('LayerNorm forward (residual add fused) and backward match the JS kernels', (t) => {
  const w = kernels();
  const rng = new RandomState(41);
  const rows = 20;
  const n = rows * D;
  const [x, x64] = pair(w, rng, n);
  const [add, add64] = pair(w, rng, n);
  const [params, params64] = pair(w, rng, 3 * D); // γ at D, β at 2D
  const [y, y64] = pair(w, rng, n);
  const [xhat, xhat64] = pair(w, rng, n);
  const [rstd, rstd64] = pair(w, rng, rows);
  w.layerNormForward(y, xhat, rstd, x, add, params, D, 2 * D, rows);
  for (let i = 0; i < n; i++) x64[i]! += add64[i]!;
  layerNormForward(y64, xhat64, null, rstd64, 0, x64, 0, params64, D, params64, 2 * D, rows, D);
  t.is(closeTo(y, y64, { atol: 1e-5, rtol: 1e-5 }, 'y'), null);
  t.is(closeTo(xhat, xhat64, { atol: 1e-5, rtol: 1e-5 }, 'xhat'), null);
  t.is(closeTo(rstd, rstd64, { atol: 0, rtol: 1e-5 }, 'rstd'), null);
  const [dy, dy64] = pair(w, rng, n);
  const [dx, dx64] = pair(w, rng, n);
  const [grads, grads64] = pair(w, rng, 4 * D); // dγ at D, dβ at 3D
  w.layerNormBackward(dx, grads, D, 3 * D, dy, xhat, rstd, params, D, rows);
  layerNormBackward(dx64, grads64, D, 3 * D, dy64, Float64Array.from(xhat), Float64Array.from(rstd), 0, params64, D, 0, rows, D);
  t.is(closeTo(dx, dx64, { atol: 1e-5, rtol: 1e-5 }, 'dx'), null);
  t.is(closeTo(grads, grads64, { atol: 1e-5, rtol: 1e-5 }, 'dγ, dβ'), null);
});

test('kernels read and write at float offsets inside larger arrays, and nothing outside', (t) => {
  const w = kernels();
  const rng = new RandomState(3);
  const [out, out64] = pair(w, rng, 8 + 16 * D + 8);
  const [a, a64] = pair(w, rng, 4 + 16 * D);
  const [b, b64] = pair(w, rng, 12 + D * D);
  const bT64 = new Float64Array(D * D);
  transpose(bT64, 0, b64, 12, D, D);
  w.ab(out, 8, a, 4, b, 12, null, 0, 16, D, D, false);
  matmulABt(out64, 8, a64, 4, bT64, 0, null, 0, 16, D, D, false);
  t.is(closeTo(out, out64, { atol: 1e-4 }, 'out'), null);
  t.deepEqual(Array.from(out.subarray(0, 8)), Array.from(Float32Array.from(out64.subarray(0, 8))));
});

test('operands outside wasm memory, unknown shapes and bad row counts are refused', (t) => {
  const w = kernels();
  const a = w.alloc(16 * D);
  t.throws(() => w.ab(new Float32Array(16 * D), 0, a, 0, a, 0, null, 0, 16, D, D, false), { message: /not in wasm memory/ });
  t.throws(() => w.ab(a, 0, a, 0, a, 0, null, 0, 4, 8, 8, false), { message: /no kernel/ });
  t.throws(() => w.ab(a, 0, a, 0, a, 0, null, 0, 6, D, D, false), { message: /6 rows/ });
  t.throws(() => w.atb(a, 0, a, 0, a, 0, 0, D, D), { message: /0 rows/ });
  t.throws(() => w.alloc(1 << 20), { message: /out of memory/ });
});

/** Gradients of the float32 graph (wasm where supported) against the float64 graph (JS). */
function graphAgrees(t: { is: (a: unknown, b: unknown, m?: string) => void; true: (x: boolean, m?: string) => void }, config: ModelConfig): void {
  const w = initWeights(config);
  const S = config.seqLen;
  const examples = 5; // micro-batches of 4 and 1
  const rng = new RandomState(11);
  const tokens = Int32Array.from({ length: examples * (S + 1) }, () => rng.randint(0, config.vocabSize - 1));
  const starts = Array.from({ length: examples }, (_, e) => e * (S + 1));
  const g32 = new Float32Array(w.flat.length);
  const g64 = new Float64Array(w.flat.length);
  const l32 = new TrainGraph(config, 4, Float32Array).lossAndGrad(Float32Array.from(w.flat), g32, tokens, starts, 0, examples, null, 0.5);
  const l64 = new TrainGraph(config, 4, Float64Array).lossAndGrad(Float64Array.from(w.flat), g64, tokens, starts, 0, examples, null, 0.5);
  t.true(Math.abs(l32 - l64) < 1e-4, `loss ${l32} vs ${l64}`);
  let big = 0;
  for (const x of g64) big = Math.max(big, Math.abs(x));
  t.is(closeTo(g32, g64, { atol: 1e-5 * big }, 'grads'), null);
}

test('float32 graph on wasm: loss and gradients match the float64 graph (short last micro-batch)', (t) => {
  t.true(wasmTrainSupports(DEFAULT_CONFIG));
  graphAgrees(t, DEFAULT_CONFIG);
});

test('seq_len 6 (not a multiple of 4) falls back to the JS kernels and still matches float64', (t) => {
  const config = makeConfig({ seqLen: 6, numBlocks: 1 });
  t.false(wasmTrainSupports(config));
  graphAgrees(t, config);
});

test('dk = 8 (wasm matmuls and LayerNorm, JS attention) matches the float64 graph', (t) => {
  const config = makeConfig({ numHeads: 2, numBlocks: 2 });
  t.true(wasmTrainSupports(config));
  graphAgrees(t, config);
});
