/**
 * The blocked matmul kernels against naive triple loops on awkward shapes (odd rows, inner
 * widths and column counts exercise every edge path), with bias, accumulation and offsets.
 */
import test from 'ava';
import { RandomState } from '../../src/transformer/rng.js';
import { matmulABt, matmulAtBAcc, transpose } from '../../src/transformer/train-ops.js';
import { closeTo } from '../helpers/close-to.js';

const rng = new RandomState(3);
const rand = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.standardNormal());

for (const [n, k, m] of [[5, 7, 6], [4, 16, 16], [3, 1, 9], [1, 5, 3], [6, 9, 4]] as const) {
  test(`matmulABt and matmulAtBAcc match naive loops (n ${n}, k ${k}, m ${m})`, (t) => {
    const a = rand(n * k + 3); // offset 3
    const w = rand(k * m); // k×m
    const bias = rand(m + 1); // offset 1
    const wT = new Float64Array(m * k + 2);
    transpose(wT, 2, w, 0, k, m);
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
    const g = rand(n * m);
    const dW = rand(k * m);
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
