/**
 * The JS kernels against naive float64 definitions on odd sizes (exercising the blocked matmul's
 * remainder paths in all three shapes, with bias, accumulation and offsets), plus the exact
 * conventions of spec §1.5: mask value −1e9, LayerNorm eps 1e-5 with population variance,
 * softmax with temperature.
 */
import test from 'ava';
import { causalMask, headOutput, headScores } from '../../src/transformer/attention.js';
import {
  add, argmaxRow, layerNormForward, matmul, matmulABt, matmulAtBAcc, reluForward, softmaxRows, transpose as transposeInto,
} from '../../src/transformer/kernels.js';
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

test('matmul, matmulABt, matmulAtBAcc equal the naive product on odd and even sizes', (t) => {
  for (const [M, K, N] of SIZES) {
    const a = rand(M * K, M * 100 + K);
    const b = rand(K * N, N * 7 + 1);
    const want = naiveMatmul(a, b, M, K, N);
    const out = new Float32Array(M * N).fill(NaN);
    matmul(out, a, b, M, K, N);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmul ${M}×${K}×${N}`), null);
    out.fill(NaN);
    matmulABt(out, 0, a, 0, transpose(b, K, N), 0, null, 0, M, K, N, false);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmulABt ${M}×${K}×${N}`), null);
    out.fill(0);
    matmulAtBAcc(out, 0, transpose(a, M, K), 0, b, 0, K, M, N);
    t.is(closeTo(out, want, { atol: 1e-5, rtol: 1e-6 }, `matmulAtBAcc ${M}×${K}×${N}`), null);
  }
});

test('matmul with fused bias and ReLU equals matmul → bias add → ReLU bit for bit', (t) => {
  for (const [M, K, N] of SIZES) {
    const a = rand(M * K, M + 5 * K);
    const b = rand(K * N, N + 3);
    const bias = rand(N, 99);
    const pre = new Float32Array(M * N);
    const hid = new Float32Array(M * N);
    matmul(pre, a, b, M, K, N, bias, hid);
    const want = new Float32Array(M * N);
    matmul(want, a, b, M, K, N);
    for (let i = 0; i < M * N; i++) want[i] = want[i]! + bias[i % N]!;
    t.deepEqual(pre, want, `pre ${M}×${K}×${N}`);
    reluForward(want, 0, M * N);
    t.deepEqual(hid, want, `relu ${M}×${K}×${N}`);
    const onlyBias = new Float32Array(M * N);
    matmul(onlyBias, a, b, M, K, N, bias);
    t.deepEqual(onlyBias, pre);
  }
});

test('add, reluForward', (t) => {
  const x = Float32Array.from([1, -2, 3, -4, 5, -6]);
  const out = new Float32Array(6);
  add(out, x, x, 6);
  t.deepEqual(Array.from(out), [2, -4, 6, -8, 10, -12]);
  out.set(x);
  reluForward(out, 0, 6);
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

test('layerNormForward: population variance, eps 1e-5, gamma/beta, mean, rstd and x̂ written', (t) => {
  const x = Float32Array.from([1, 2, 3, 4, -1, 0, 1, 2]);
  const out = new Float32Array(8);
  const mean = new Float32Array(2);
  const rstd = new Float32Array(2);
  const gamma = Float32Array.from([1, 2, 1, 1]);
  const beta = Float32Array.from([0, 0, 0.5, 0]);
  const xhat = new Float32Array(8);
  layerNormForward(out, xhat, mean, rstd, 0, x, 0, gamma, 0, beta, 0, 2, 4);
  const r = 1 / Math.sqrt(1.25 + 1e-5); // var of [1,2,3,4] = 1.25
  t.is(closeTo(out.subarray(0, 4), [-1.5 * r, -0.5 * r * 2, 0.5 * r + 0.5, 1.5 * r], { atol: 1e-6 }, 'ln row0'), null);
  t.is(closeTo(mean, [2.5, 0.5], { atol: 0 }, 'mean'), null);
  t.is(closeTo(rstd, [r, r], { atol: 1e-6 }, 'rstd'), null);
  const again = new Float32Array(8);
  layerNormForward(again, null, null, null, 0, x, 0, gamma, 0, beta, 0, 2, 4); // x̂/mean/rstd are optional
  t.deepEqual(again, out);
  t.is(closeTo(xhat.subarray(0, 4), [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r], { atol: 1e-6 }, 'x̂ row0'), null);
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

const rng = new RandomState(3);
const rand64 = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.standardNormal());

for (const [n, k, m] of [[5, 7, 6], [4, 16, 16], [3, 1, 9], [1, 5, 3], [6, 9, 4]] as const) {
  test(`matmulABt and matmulAtBAcc match naive loops (n ${n}, k ${k}, m ${m})`, (t) => {
    const a = rand64(n * k + 3); // offset 3
    const w = rand64(k * m); // k×m
    const bias = rand64(m + 1); // offset 1
    const wT = new Float64Array(m * k + 2);
    transposeInto(wT, 2, w, 0, k, m);
    const expect = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = bias[1 + j]!;
        for (let p = 0; p < k; p++) s += a[3 + i * k + p]! * w[p * m + j]!;
        expect[i * m + j] = s;
      }
    }
    const out = new Float64Array(n * m);
    matmulABt(out, 0, a, 3, wT, 2, bias, 1, n, k, m, false);
    t.is(closeTo(out, expect, { atol: 1e-12 }, 'A·Bᵀ + bias'), null);
    matmulABt(out, 0, a, 3, wT, 2, bias, 1, n, k, m, true);
    t.is(closeTo(out, expect.map((x) => 2 * x), { atol: 1e-12 }, 'accumulate'), null);
    // dW += aᵀ·g with g (n×m).
    const g = rand64(n * m);
    const dW = rand64(k * m);
    const dWexp = Float64Array.from(dW);
    for (let p = 0; p < k; p++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += a[3 + i * k + p]! * g[i * m + j]!;
        dWexp[p * m + j]! += s;
      }
    }
    matmulAtBAcc(dW, 0, a, 3, g, 0, n, k, m);
    t.is(closeTo(dW, dWexp, { atol: 1e-12 }, 'Aᵀ·B accumulated'), null);
  });
}
