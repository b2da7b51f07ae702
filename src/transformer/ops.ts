/**
 * Forward operators of the tiny GPT over flat row-major Float32Arrays (spec §1.5), out-first and
 * allocation-free (STYLE.md §21): every function writes into a caller-owned buffer and allocates
 * nothing. Sums and normalisations are accumulated in float64 (JS numbers) and rounded once to
 * float32 on store; the reference runs float32 numpy, and the difference stays far below the 1e-5
 * tolerance of the golden tests.
 *
 * Symbols follow the spec: S = seq_len, D = d_model, H = heads, dk = D/H, F = d_ff. Shapes are
 * written as rows×cols next to each buffer. Backward passes live in backward.ts (training);
 * layerNormForward can write the per-row mean and 1/σ so the backward pass can reuse them.
 *
 * These are the JS path of the forward pass: model.ts runs them for configs the WebAssembly
 * kernels (wasm-kernels.ts) do not cover and for records created with kernels = 'js', and the
 * wasm kernels are tested against them. (Training has its own kernels in train-ops.ts.)
 *
 * Not here: the block wiring (model.ts), sampling (sample.ts).
 */

/** Masked attention scores are `score − 1e9` (finite, spec §1.5); in float32 that is −1e9. */
export const MASK_VALUE = 1e9;
/** LayerNorm epsilon (spec §1.5). */
export const LN_EPS = 1e-5;

/** Dot product of row `ai` of a (length K, contiguous) with column j of b (K×N). */
function dotCol(a: Float32Array, ai: number, b: Float32Array, j: number, K: number, N: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += a[ai + k]! * b[k * N + j]!;
  return s;
}

/**
 * Epilogue of the fused matmul for n outputs at out[o…]: + bias[j…] (after rounding the product
 * to float32, as a separate addBias would) and relu into reluOut when given.
 */
function epilogue(out: Float32Array, o: number, j: number, n: number, bias: Float32Array | null, reluOut: Float32Array | null): void {
  if (bias !== null) for (let c = 0; c < n; c++) out[o + c] = out[o + c]! + bias[j + c]!;
  if (reluOut !== null) {
    for (let c = 0; c < n; c++) {
      const v = out[o + c]!;
      reluOut[o + c] = v > 0 ? v : 0;
    }
  }
}

/**
 * out = a · b [+ bias] and optionally reluOut = max(0, out): register-blocked 2 rows × 4 columns
 * (float64 accumulators, one rounding per output); remainders of odd M or N not divisible by 4
 * take a scalar path. The fused bias/ReLU give bit-identical results to matmul → addBias → relu
 * while touching each output once.
 * out, reluOut: M×N; a: M×K; b: K×N; bias: N. `out` must not alias `a` or `b`.
 * @example matmul(out, a, b, 2, 3, 4)
 */
export function matmul(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  bias: Float32Array | null = null,
  reluOut: Float32Array | null = null,
): void {
  const fused = bias !== null || reluOut !== null;
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  for (let i = 0; i < M2; i += 2) {
    const a0 = i * K;
    const a1 = a0 + K;
    const o0 = i * N;
    const o1 = o0 + N;
    for (let j = 0; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        const bk = k * N + j;
        const b0 = b[bk]!;
        const b1 = b[bk + 1]!;
        const b2 = b[bk + 2]!;
        const b3 = b[bk + 3]!;
        s00 += x0 * b0;
        s01 += x0 * b1;
        s02 += x0 * b2;
        s03 += x0 * b3;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s12 += x1 * b2;
        s13 += x1 * b3;
      }
      out[o0 + j] = s00;
      out[o0 + j + 1] = s01;
      out[o0 + j + 2] = s02;
      out[o0 + j + 3] = s03;
      out[o1 + j] = s10;
      out[o1 + j + 1] = s11;
      out[o1 + j + 2] = s12;
      out[o1 + j + 3] = s13;
      if (fused) {
        epilogue(out, o0 + j, j, 4, bias, reluOut);
        epilogue(out, o1 + j, j, 4, bias, reluOut);
      }
    }
    for (let j = N4; j < N; j++) {
      out[o0 + j] = dotCol(a, a0, b, j, K, N);
      out[o1 + j] = dotCol(a, a1, b, j, K, N);
      if (fused) {
        epilogue(out, o0 + j, j, 1, bias, reluOut);
        epilogue(out, o1 + j, j, 1, bias, reluOut);
      }
    }
  }
  for (let i = M2; i < M; i++) {
    for (let j = 0; j < N; j++) out[i * N + j] = dotCol(a, i * K, b, j, K, N);
    if (fused) epilogue(out, i * N, 0, N, bias, reluOut);
  }
}

/**
 * out = a · bᵀ (dot products of rows), 1 row × 4 rows of b per pass.
 * out: M×N, a: M×K, b: N×K. `out` must not alias `a` or `b`.
 */
export function matmulBT(out: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number): void {
  const N4 = N - (N % 4);
  for (let i = 0; i < M; i++) {
    const ai = i * K;
    const oi = i * N;
    for (let j = 0; j < N4; j += 4) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let k = 0; k < K; k++) {
        const x = a[ai + k]!;
        s0 += x * b[b0 + k]!;
        s1 += x * b[b1 + k]!;
        s2 += x * b[b2 + k]!;
        s3 += x * b[b3 + k]!;
      }
      out[oi + j] = s0;
      out[oi + j + 1] = s1;
      out[oi + j + 2] = s2;
      out[oi + j + 3] = s3;
    }
    for (let j = N4; j < N; j++) {
      const bj = j * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += a[ai + k]! * b[bj + k]!;
      out[oi + j] = s;
    }
  }
}

/**
 * out = aᵀ · b (as used for weight gradients, Xᵀ·dY).
 * out: M×N, a: K×M, b: K×N. `out` must not alias `a` or `b`.
 */
export function matmulAT(out: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number): void {
  out.fill(0, 0, M * N);
  for (let k = 0; k < K; k++) {
    const ak = k * M;
    const bk = k * N;
    for (let i = 0; i < M; i++) {
      const aki = a[ak + i]!;
      if (aki === 0) continue;
      const oi = i * N;
      for (let j = 0; j < N; j++) out[oi + j]! += aki * b[bk + j]!;
    }
  }
}

/**
 * out = x + bias, bias broadcast over rows. out, x: rows×cols (may alias); bias: cols.
 */
export function addBias(out: Float32Array, x: Float32Array, bias: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! + bias[j]!;
  }
}

/** out = a + b element-wise over the first n entries (any aliasing allowed). */
export function add(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
}

/** out = max(0, x) over the first n entries (out may alias x). */
export function relu(out: Float32Array, x: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

/**
 * Row-wise softmax of x / divisor (max-subtracted, exp, normalise); divisor = temperature T
 * (spec §1.6: softmax(logits / T)). Mirrors float32 numpy: x / float32(T), the shifted value and
 * each exp rounded to float32. out, x: rows×cols (may alias).
 */
export function softmaxRows(out: Float32Array, x: Float32Array, rows: number, cols: number, divisor = 1): void {
  const t = Math.fround(divisor);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = t === 1 ? x[o + j]! : Math.fround(x[o + j]! / t);
      if (v > max) max = v;
    }
    if (!Number.isFinite(max)) {
      limitOneHot(out, x, o, cols);
      continue;
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const v = t === 1 ? x[o + j]! : Math.fround(x[o + j]! / t);
      const d = Math.fround(v - max);
      // exp(d) < 2^-149 rounds to 0 in float32: skip the call (half of a causal score matrix).
      out[o + j] = d < -110 ? 0 : Math.exp(d);
      sum += out[o + j]!;
    }
    const s32 = Math.fround(sum);
    for (let j = 0; j < cols; j++) out[o + j] = out[o + j]! / s32;
  }
}

/**
 * The T → 0⁺ limit of softmax(x / T) for a row where x / T overflowed float32 (a temperature
 * below ~1e-38): all mass on the row's maximum of x, split evenly between ties.
 */
function limitOneHot(out: Float32Array, x: Float32Array, o: number, cols: number): void {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) if (x[o + j]! > max) max = x[o + j]!;
  let ties = 0;
  for (let j = 0; j < cols; j++) if (x[o + j] === max) ties++;
  for (let j = 0; j < cols; j++) out[o + j] = x[o + j] === max ? 1 / ties : 0;
}

/**
 * Causal mask in place: scores[i][j] −= 1e9 for j > i (spec §1.5; finite, kept in the record).
 * scores: S×S.
 */
export function causalMask(scores: Float32Array, S: number): void {
  for (let i = 0; i < S; i++) {
    const o = i * S;
    for (let j = i + 1; j < S; j++) scores[o + j] = scores[o + j]! - MASK_VALUE;
  }
}

/**
 * LayerNorm over the last axis: y = γ·(x − μ)/√(σ² + eps) + β, σ² the population variance.
 * out, x: rows×cols (out must not alias x only if mean/rstd are needed later — aliasing is
 * allowed); gamma, beta: cols; mean, rstd: rows or null (written when given, for backward).
 */
export function layerNormForward(
  out: Float32Array,
  mean: Float32Array | null,
  rstd: Float32Array | null,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  rows: number,
  cols: number,
): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let m = 0;
    for (let j = 0; j < cols; j++) m += x[o + j]!;
    m /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[o + j]! - m;
      v += d * d;
    }
    v /= cols;
    const r = 1 / Math.sqrt(v + LN_EPS);
    for (let j = 0; j < cols; j++) out[o + j] = (x[o + j]! - m) * r * gamma[j]! + beta[j]!;
    if (mean !== null) mean[i] = m;
    if (rstd !== null) rstd[i] = r;
  }
}

/**
 * Attention scores of one head: scores = Q_h·K_hᵀ·scale, Q_h/K_h = columns [h·dk, (h+1)·dk) of
 * Q/K. scores: S×S; Q, K: S×D. scale = 1/√dk. No mask (apply causalMask after).
 */
export function headScores(
  scores: Float32Array,
  Q: Float32Array,
  K: Float32Array,
  S: number,
  D: number,
  head: number,
  dk: number,
  scale: number,
): void {
  const c0 = head * dk;
  if (dk === 4) {
    // the default d_k: the query row lives in registers across the j loop
    for (let i = 0; i < S; i++) {
      const qi = i * D + c0;
      const q0 = Q[qi]!;
      const q1 = Q[qi + 1]!;
      const q2 = Q[qi + 2]!;
      const q3 = Q[qi + 3]!;
      const o = i * S;
      for (let j = 0; j < S; j++) {
        const kj = j * D + c0;
        scores[o + j] = Math.fround(q0 * K[kj]! + q1 * K[kj + 1]! + q2 * K[kj + 2]! + q3 * K[kj + 3]!) * scale;
      }
    }
    return;
  }
  for (let i = 0; i < S; i++) {
    const qi = i * D + c0;
    for (let j = 0; j < S; j++) {
      const kj = j * D + c0;
      let s = 0;
      for (let c = 0; c < dk; c++) s += Q[qi + c]! * K[kj + c]!;
      scores[i * S + j] = Math.fround(s) * scale;
    }
  }
}

/**
 * Output of one head: out = weights·V_h, and the same values written into columns
 * [h·dk, (h+1)·dk) of `concat`. out: S×dk; weights: S×S; V, concat: S×D. With `causal`, row i
 * sums only j ≤ i: after the causal mask those weights are exactly 0, so the result is identical.
 */
export function headOutput(
  out: Float32Array,
  concat: Float32Array,
  weights: Float32Array,
  V: Float32Array,
  S: number,
  D: number,
  head: number,
  dk: number,
  causal = false,
): void {
  const c0 = head * dk;
  for (let i = 0; i < S; i++) {
    const wi = i * S;
    const jEnd = causal ? i + 1 : S;
    for (let c = 0; c < dk; c++) {
      let s = 0;
      for (let j = 0; j < jEnd; j++) s += weights[wi + j]! * V[j * D + c0 + c]!;
      out[i * dk + c] = s;
      concat[i * D + c0 + c] = s;
    }
  }
}

/** Index of the largest entry of row `row` (first one on ties, as numpy argmax). x: rows×cols. */
export function argmaxRow(x: Float32Array, row: number, cols: number): number {
  const o = row * cols;
  let best = 0;
  let bestV = x[o]!;
  for (let j = 1; j < cols; j++) {
    const v = x[o + j]!;
    if (v > bestV) {
      bestV = v;
      best = j;
    }
  }
  return best;
}
