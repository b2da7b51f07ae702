/**
 * The forward operators against naive float64 definitions on odd sizes (exercising the blocked
 * matmul's remainder paths), plus the exact conventions of spec §1.5: mask value −1e9, LayerNorm
 * eps 1e-5 with population variance, softmax with temperature.
 */
import test from 'ava';
import {
  add,
  addBias,
  argmaxRow,
  causalMask,
  headOutput,
  headScores,
  layerNormForward,
  matmul,
  matmulAT,
  matmulBT,
  relu,
  softmaxRows,
} from '../../src/transformer/ops.js';
import { RandomState } from '../../src/transformer/rng.js';
import { closeTo } from '../helpers/close-to.js';

function rand(n: number, seed: number): Float32Array {
  const rs = new RandomState(seed);
  return Float32Array.from(rs.randn(n));
}

function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * N + j]!;
      out.push(s);
    }
  }
  return out;
}

function transpose(x: ArrayLike<number>, R: number, C: number): Float32Array {
  const t = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) t[c * R + r] = x[r * C + c]!;
  return t;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1], [2, 3, 4], [3, 5, 7], [16, 16, 128], [16, 128, 16], [5, 4, 9], [7, 1, 3],
];

test('matmul, matmulBT, matmulAT equal the naive product on odd and even sizes', (t) => {
  for (const [M, K, N] of SIZES) {
    const a = rand(M * K, M * 100 + K);
    const b = rand(K * N, N * 7 + 1);
    const want = naiveMatmul(a, b, M, K, N);
    const out = new Float32Array(M * N).fill(NaN);
    matmul(out, a, b, M, K, N);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmul ${M}×${K}×${N}`), null);
    out.fill(NaN);
    matmulBT(out, a, transpose(b, K, N), M, K, N);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmulBT ${M}×${K}×${N}`), null);
    out.fill(NaN);
    matmulAT(out, transpose(a, M, K), b, M, K, N);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmulAT ${M}×${K}×${N}`), null);
  }
});

test('matmul with fused bias and ReLU equals matmul → addBias → relu bit for bit', (t) => {
  for (const [M, K, N] of SIZES) {
    const a = rand(M * K, M + 5 * K);
    const b = rand(K * N, N + 3);
    const bias = rand(N, 99);
    const pre = new Float32Array(M * N);
    const hid = new Float32Array(M * N);
    matmul(pre, a, b, M, K, N, bias, hid);
    const want = new Float32Array(M * N);
    matmul(want, a, b, M, K, N);
    addBias(want, want, bias, M, N);
    t.deepEqual(pre, want, `pre ${M}×${K}×${N}`);
    relu(want, want, M * N);
    t.deepEqual(hid, want, `relu ${M}×${K}×${N}`);
    const onlyBias = new Float32Array(M * N);
    matmul(onlyBias, a, b, M, K, N, bias);
    t.deepEqual(onlyBias, pre);
  }
});

test('addBias, add, relu', (t) => {
  const x = Float32Array.from([1, -2, 3, -4, 5, -6]);
  const out = new Float32Array(6);
  addBias(out, x, Float32Array.from([10, 20, 30]), 2, 3);
  t.deepEqual(Array.from(out), [11, 18, 33, 6, 25, 24]);
  add(out, x, x, 6);
  t.deepEqual(Array.from(out), [2, -4, 6, -8, 10, -12]);
  relu(out, x, 6);
  t.deepEqual(Array.from(out), [1, 0, 3, 0, 5, 0]);
});

test('softmaxRows: rows sum to 1, temperature divides the logits, large inputs stay finite', (t) => {
  const x = Float32Array.from([1, 2, 3, 1000, 1001, 1002]);
  const out = new Float32Array(6);
  softmaxRows(out, x, 2, 3);
  const e = [Math.exp(-2), Math.exp(-1), 1];
  const z = e[0]! + e[1]! + e[2]!;
  const want = e.map((v) => v / z);
  t.is(closeTo(out, [...want, ...want], { atol: 1e-7 }, 'softmax'), null);
  softmaxRows(out, x, 2, 3, 0.5);
  const e2 = [Math.exp(-4), Math.exp(-2), 1];
  const z2 = e2[0]! + e2[1]! + e2[2]!;
  t.is(closeTo(out.subarray(0, 3), e2.map((v) => v / z2), { atol: 1e-7 }, 'softmax T=0.5'), null);
  // a temperature so small that x / T overflows float32: the T → 0⁺ limit (one-hot on the max)
  softmaxRows(out, Float32Array.from([1, 3, -2, 2, 2, -5]), 2, 3, 1e-50);
  t.deepEqual(Array.from(out), [0, 1, 0, 0.5, 0.5, 0]);
});

test('causalMask subtracts 1e9 above the diagonal; softmax then gives exact zeros there', (t) => {
  const S = 4;
  const sc = rand(S * S, 3);
  const orig = Float32Array.from(sc);
  causalMask(sc, S);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      if (j > i) t.is(sc[i * S + j], -1e9);
      else t.is(sc[i * S + j], orig[i * S + j]);
    }
  }
  const w = new Float32Array(S * S);
  softmaxRows(w, sc, S, S);
  t.is(w[0], 1);
  t.is(w[1], 0);
  t.is(w[2 * S + 3], 0);
});

test('layerNormForward: population variance, eps 1e-5, gamma/beta, mean and rstd written', (t) => {
  const x = Float32Array.from([1, 2, 3, 4, -1, 0, 1, 2]);
  const out = new Float32Array(8);
  const mean = new Float32Array(2);
  const rstd = new Float32Array(2);
  const gamma = Float32Array.from([1, 2, 1, 1]);
  const beta = Float32Array.from([0, 0, 0.5, 0]);
  layerNormForward(out, mean, rstd, x, gamma, beta, 2, 4);
  const r = 1 / Math.sqrt(1.25 + 1e-5); // var of [1,2,3,4] = 1.25
  t.is(closeTo(out.subarray(0, 4), [-1.5 * r, -0.5 * r * 2, 0.5 * r + 0.5, 1.5 * r], { atol: 1e-6 }, 'ln row0'), null);
  t.is(closeTo(mean, [2.5, 0.5], { atol: 0 }, 'mean'), null);
  t.is(closeTo(rstd, [r, r], { atol: 1e-6 }, 'rstd'), null);
  const again = new Float32Array(8);
  layerNormForward(again, null, null, x, gamma, beta, 2, 4); // mean/rstd buffers are optional
  t.deepEqual(again, out);
});

test('headScores / headOutput slice head columns and fill concat', (t) => {
  const S = 3;
  const D = 4;
  const dk = 2;
  const Q = rand(S * D, 11);
  const K = rand(S * D, 12);
  const V = rand(S * D, 13);
  const sc = new Float32Array(S * S);
  headScores(sc, Q, K, S, D, 1, dk, 0.5);
  // the d_k = 4 fast path equals the generic loop
  const Q8 = rand(S * 8, 15);
  const K8 = rand(S * 8, 16);
  const fast = new Float32Array(S * S);
  headScores(fast, Q8, K8, S, 8, 1, 4, 0.5);
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      let d = 0;
      for (let c = 4; c < 8; c++) d += Q8[i * 8 + c]! * K8[j * 8 + c]!;
      t.true(Math.abs(fast[i * S + j]! - d * 0.5) < 1e-6);
    }
  }
  const want: number[] = [];
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) want.push((Q[i * D + 2]! * K[j * D + 2]! + Q[i * D + 3]! * K[j * D + 3]!) * 0.5);
  }
  t.is(closeTo(sc, want, { atol: 1e-6 }, 'scores'), null);
  const w = rand(S * S, 14);
  const out = new Float32Array(S * dk);
  const concat = new Float32Array(S * D);
  // causal: zero weights above the diagonal give the same result when skipped
  const wc = Float32Array.from(w, (v, idx) => (idx % S > Math.floor(idx / S) ? 0 : v));
  const full = new Float32Array(S * dk);
  headOutput(full, new Float32Array(S * D), wc, V, S, D, 1, dk);
  const skipped = new Float32Array(S * dk);
  headOutput(skipped, new Float32Array(S * D), wc, V, S, D, 1, dk, true);
  t.deepEqual(skipped, full);
  headOutput(out, concat, w, V, S, D, 1, dk);
  for (let i = 0; i < S; i++) {
    for (let c = 0; c < dk; c++) {
      let s = 0;
      for (let j = 0; j < S; j++) s += w[i * S + j]! * V[j * D + 2 + c]!;
      t.true(Math.abs(out[i * dk + c]! - s) < 1e-6);
      t.is(concat[i * D + 2 + c], out[i * dk + c]);
      t.is(concat[i * D + c], 0); // head 0's columns untouched
    }
  }
});

test('argmaxRow returns the first maximum', (t) => {
  const x = Float32Array.from([0, 3, 3, 1, 9, 2, 9, 0]);
  t.is(argmaxRow(x, 0, 4), 1);
  t.is(argmaxRow(x, 1, 4), 0);
});
