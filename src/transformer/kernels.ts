/**
 * The JS kernels of the tiny GPT, one family for inference and training (spec §1.5–1.6, §2.2;
 * STYLE.md §21), in the llm.c manner: outputs first, explicit offsets instead of views, plain
 * loops, no allocation; forward/backward pairs side by side. Every kernel runs on Float32Array
 * (inference records, float32 training) and Float64Array (gradient check, golden tests) alike; a
 * caller only ever passes one of the two, so its call sites stay monomorphic. Sums accumulate in
 * float64 (JS numbers) and round once on store.
 *
 * The WebAssembly SIMD kernels are the fast path: wasm-forward.ts / wasm-kernels.ts for the
 * inference record, wasm-train*.ts for float32 training. These JS kernels are their fallback
 * (configs and runtimes the wasm does not cover, records made with kernels = 'js') and the
 * reference they are tested against.
 *
 * Not here: causal attention (attention.ts), the block wiring of the record forward (model.ts)
 * and of the training graph (backward.ts), sampling (sample.ts).
 *
 * Layout: a matrix is row-major at `buffer[off + r * cols + c]`. One blocked matmul loop serves
 * three shapes through strides: matmul (A·B, the record's weights as stored), matmulABt (A·Bᵀ,
 * row·row dot products: training forward with transposed weight copies, dx = dy·W, and the
 * weight-tied head) and matmulAtBAcc (dW += Aᵀ·B, the weight-gradient shape). Symbols: n rows,
 * k inner width, m output width; S, D, V as in the spec.
 */

/** The two element types the kernels run on. */
export type Arr = Float32Array | Float64Array;

/** LayerNorm epsilon (spec §1.5). */
export const LN_EPS = 1e-5;

/**
 * out[M×N] = A·B (+ bias), or out += A·B (+ bias) with `accumulate`, over strided operands:
 * A(r, t) = a[ao + r·ar + t·at], B(t, j) = b[bo + t·bt + j·bj]. The bias comes in one of two
 * places, and a float32 `out` rounds differently for each, so both stay as they were:
 * `biasIn[biasOff + j]` joins the float64 sum before the store (training); `biasOut` is added
 * after the store, as a separate bias add would (the record forward, like numpy's matmul then
 * + b), and then reluOut = max(0, out) at out's offsets, when given.
 * Register-blocked 2 rows × 4 columns: eight float64 accumulators share six loads per step, one
 * rounding per output; odd rows and columns take a one-entry dot product. `out` must not alias
 * a or b.
 */
function gemm(
  out: Arr, oo: number, a: Arr, ao: number, ar: number, at: number, b: Arr, bo: number, bt: number, bj: number,
  M: number, K: number, N: number, accumulate: boolean,
  biasIn: Arr | null, biasOff: number, biasOut: Arr | null, reluOut: Arr | null,
): void {
  const fused = biasOut !== null || reluOut !== null;
  const bj2 = 2 * bj;
  const bj3 = 3 * bj;
  const M2 = M - (M & 1);
  const N4 = N - (N & 3);
  let i = 0;
  for (; i < M2; i += 2) {
    const a0 = ao + i * ar;
    const a1 = a0 + ar;
    const o0 = oo + i * N;
    const o1 = o0 + N;
    let j = 0;
    for (; j < N4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let pa = 0;
      let pb = bo + j * bj;
      for (let t = 0; t < K; t++, pa += at, pb += bt) {
        const x0 = a[a0 + pa]!;
        const x1 = a[a1 + pa]!;
        const b0 = b[pb]!;
        const b1 = b[pb + bj]!;
        const b2 = b[pb + bj2]!;
        const b3 = b[pb + bj3]!;
        s00 += x0 * b0;
        s01 += x0 * b1;
        s02 += x0 * b2;
        s03 += x0 * b3;
        s10 += x1 * b0;
        s11 += x1 * b1;
        s12 += x1 * b2;
        s13 += x1 * b3;
      }
      let z0 = 0, z1 = 0, z2 = 0, z3 = 0; // prettier-ignore
      if (biasIn !== null) {
        z0 = biasIn[biasOff + j]!;
        z1 = biasIn[biasOff + j + 1]!;
        z2 = biasIn[biasOff + j + 2]!;
        z3 = biasIn[biasOff + j + 3]!;
      }
      if (accumulate) {
        out[o0 + j]! += s00 + z0;
        out[o0 + j + 1]! += s01 + z1;
        out[o0 + j + 2]! += s02 + z2;
        out[o0 + j + 3]! += s03 + z3;
        out[o1 + j]! += s10 + z0;
        out[o1 + j + 1]! += s11 + z1;
        out[o1 + j + 2]! += s12 + z2;
        out[o1 + j + 3]! += s13 + z3;
      } else {
        out[o0 + j] = s00 + z0;
        out[o0 + j + 1] = s01 + z1;
        out[o0 + j + 2] = s02 + z2;
        out[o0 + j + 3] = s03 + z3;
        out[o1 + j] = s10 + z0;
        out[o1 + j + 1] = s11 + z1;
        out[o1 + j + 2] = s12 + z2;
        out[o1 + j + 3] = s13 + z3;
      }
      if (fused) {
        epilogue(out, o0 + j, biasOff + j, 4, biasOut, reluOut);
        epilogue(out, o1 + j, biasOff + j, 4, biasOut, reluOut);
      }
    }
    for (; j < N; j++) {
      const z = biasIn === null ? 0 : biasIn[biasOff + j]!;
      dotInto(out, o0 + j, a, a0, at, b, bo + j * bj, bt, K, z, accumulate);
      dotInto(out, o1 + j, a, a1, at, b, bo + j * bj, bt, K, z, accumulate);
      if (fused) {
        epilogue(out, o0 + j, biasOff + j, 1, biasOut, reluOut);
        epilogue(out, o1 + j, biasOff + j, 1, biasOut, reluOut);
      }
    }
  }
  for (; i < M; i++) {
    const o = oo + i * N;
    for (let j = 0; j < N; j++) {
      const z = biasIn === null ? 0 : biasIn[biasOff + j]!;
      dotInto(out, o + j, a, ao + i * ar, at, b, bo + j * bj, bt, K, z, accumulate);
    }
    if (fused) epilogue(out, o, biasOff, N, biasOut, reluOut);
  }
}

/**
 * out[at] (= or +=) Σₜ a[a0 + t·as]·b[b0 + t·bs] + z: one entry of gemm (odd rows and columns).
 * The sum starts at +0 and never becomes −0, so z = 0 leaves it bit for bit unchanged.
 */
function dotInto(
  out: Arr, at: number, a: Arr, a0: number, as: number, b: Arr, b0: number, bs: number, K: number, z: number,
  accumulate: boolean,
): void {
  let s = 0;
  for (let t = 0; t < K; t++) s += a[a0 + t * as]! * b[b0 + t * bs]!;
  if (accumulate) out[at]! += s + z;
  else out[at] = s + z;
}

/** gemm's epilogue for n outputs at out[o…]: + bias[bi…], then reluOut[o…] = max(0, out). */
function epilogue(out: Arr, o: number, bi: number, n: number, bias: Arr | null, reluOut: Arr | null): void {
  if (bias !== null) for (let c = 0; c < n; c++) out[o + c]! += bias[bi + c]!;
  if (reluOut !== null) {
    for (let c = 0; c < n; c++) {
      const v = out[o + c]!;
      reluOut[o + c] = v > 0 ? v : 0;
    }
  }
}

/**
 * out[M×N] = a[M×K] · b[K×N] (+ bias[N]), and with reluOut also reluOut = max(0, out): the
 * record forward's projections and FFN (weights as stored). The fused bias/ReLU give the same
 * bits as a matmul followed by a bias add and a ReLU. `out` must not alias a or b.
 * @example matmul(out, a, b, 2, 3, 4)
 */
export function matmul(
  out: Arr, a: Arr, b: Arr, M: number, K: number, N: number, bias: Arr | null = null, reluOut: Arr | null = null,
): void {
  gemm(out, 0, a, 0, K, 1, b, 0, N, 1, M, K, N, false, null, 0, bias, reluOut);
}

/**
 * out[n×m] = a[n×k] · bT[m×k]ᵀ (+ bias[m], inside the float64 sum); with `accumulate`, adds to
 * out instead (bias included). Every inner loop is a contiguous row·row dot product.
 * @example forward of X·W: matmulABt(Y, 0, X, 0, WT, 0, null, 0, n, D, D, false) with WT = Wᵀ.
 */
export function matmulABt(
  out: Arr, oo: number, a: Arr, ao: number, bT: Arr, bo: number,
  bias: Arr | null, biasOff: number, n: number, k: number, m: number, accumulate: boolean,
): void {
  gemm(out, oo, a, ao, k, 1, bT, bo, 1, k, n, k, m, accumulate, bias, biasOff, null, null);
}

/** dW[k×m] += a[n×k]ᵀ · b[n×m]: the weight-gradient shape (Xᵀ·dY). */
export function matmulAtBAcc(dW: Arr, wo: number, a: Arr, ao: number, b: Arr, bo: number, n: number, k: number, m: number): void {
  gemm(dW, wo, a, ao, 1, k, b, bo, m, 1, k, n, m, true, null, 0, null, null);
}

/** bias gradient: db[m] += Σ_rows dy[n×m]. */
export function biasBackward(db: Arr, dbo: number, dy: Arr, dyo: number, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    const r = dyo + i * m;
    for (let j = 0; j < m; j++) db[dbo + j]! += dy[r + j]!;
  }
}

/** a[rows×cols]ᵀ → outT[cols×rows] (weight transposes for the training forward). */
export function transpose(outT: Arr, to: number, a: Arr, ao: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) outT[to + c * rows + r] = a[ao + r * cols + c]!;
  }
}

/** out = a + b element-wise over the first n entries (any aliasing allowed): the residuals. */
export function add(out: Arr, a: Arr, b: Arr, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
}

/**
 * LayerNorm over the last axis (spec §1.5): out = w·x̂ + b with x̂ = (x − μ)/√(σ² + 1e-5), σ²
 * the population variance, over n rows of C. inp, out and xhat are at offset o; w, b at wo, bo.
 * xhat (n×C), mean and rstd (n, at offset ro) are written when given, for the backward pass.
 * out may alias inp.
 */
export function layerNormForward(
  out: Arr, xhat: Arr | null, mean: Arr | null, rstd: Arr | null, ro: number, inp: Arr, o: number,
  w: Arr, wo: number, b: Arr, bo: number, n: number, C: number,
): void {
  for (let i = 0; i < n; i++) {
    const r = o + i * C;
    let m = 0;
    for (let j = 0; j < C; j++) m += inp[r + j]!;
    m /= C;
    let v = 0;
    for (let j = 0; j < C; j++) {
      const c = inp[r + j]! - m;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / C + LN_EPS);
    if (mean !== null) mean[ro + i] = m;
    if (rstd !== null) rstd[ro + i] = rs;
    if (xhat === null) {
      for (let j = 0; j < C; j++) out[r + j] = w[wo + j]! * ((inp[r + j]! - m) * rs) + b[bo + j]!;
    } else {
      for (let j = 0; j < C; j++) {
        const h = (inp[r + j]! - m) * rs;
        xhat[r + j] = h;
        out[r + j] = w[wo + j]! * h + b[bo + j]!;
      }
    }
  }
}

/**
 * LayerNorm backward (standard formula using x̂, as spec §2.2):
 * dγ += Σ dy·x̂, dβ += Σ dy, dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) with dx̂ = dy·γ.
 * γ is read from `params` at `go`; dγ, dβ accumulate into `grads` at dgo, dbo. `dx` is
 * overwritten (it must not alias dy).
 */
export function layerNormBackward(
  dx: Arr, grads: Arr, dgo: number, dbo: number, dy: Arr, xhat: Arr, rstd: Arr, ro: number,
  params: Arr, go: number, o: number, n: number, d: number,
): void {
  for (let i = 0; i < n; i++) {
    const r = o + i * d;
    let m1 = 0;
    let m2 = 0;
    for (let j = 0; j < d; j++) {
      const g = dy[r + j]!;
      const h = xhat[r + j]!;
      grads[dgo + j]! += g * h;
      grads[dbo + j]! += g;
      const dh = g * params[go + j]!;
      m1 += dh;
      m2 += dh * h;
    }
    m1 /= d;
    m2 /= d;
    const rs = rstd[ro + i]!;
    for (let j = 0; j < d; j++) {
      const dh = dy[r + j]! * params[go + j]!;
      dx[r + j] = rs * (dh - m1 - xhat[r + j]! * m2);
    }
  }
}

/** ReLU in place: x ← max(0, x) over `len` entries. */
export function reluForward(x: Arr, o: number, len: number): void {
  for (let i = o; i < o + len; i++) if (!(x[i]! > 0)) x[i] = 0;
}

/** ReLU backward in place: dh ← dh where h > 0 (equivalently pre-activation > 0), else 0. */
export function reluBackward(dh: Arr, h: Arr, o: number, len: number): void {
  for (let i = o; i < o + len; i++) if (!(h[i]! > 0)) dh[i] = 0;
}

/**
 * out[o + j] = exp(x[o + j] − max) for j < n, returning their sum: the unnormalised softmax of
 * one row, shared by the cross-entropy and the attention kernels (out may alias x).
 */
export function expShift(out: Arr, x: Arr, o: number, n: number, max: number): number {
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const e = Math.exp(x[o + j]! - max);
    out[o + j] = e;
    sum += e;
  }
  return sum;
}

/**
 * Row softmax cross-entropy for one sequence (spec §2.2): probs = softmax(logits) row-wise,
 * returns −Σᵢ maskᵢ·log(p[i][tᵢ] + 1e-10) / max(Σ mask, 1). Targets are read from
 * `targets[to + i]`; `mask` null means all ones. Counts argmax hits into `hits[0]` when given.
 */
export function crossEntropyForward(
  probs: Arr, logits: Arr, o: number, targets: Int32Array, to: number,
  mask: ArrayLike<number> | null, S: number, V: number, hits: Float64Array | null,
): number {
  let loss = 0;
  let msum = 0;
  for (let i = 0; i < S; i++) {
    const r = o + i * V;
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < V; j++) {
      const z = logits[r + j]!;
      if (z > max) {
        max = z;
        arg = j;
      }
    }
    const inv = 1 / expShift(probs, logits, r, V, max);
    for (let j = 0; j < V; j++) probs[r + j]! *= inv;
    const t = targets[to + i]!;
    const w = mask === null ? 1 : mask[i]!;
    msum += w;
    if (w !== 0) loss -= w * Math.log(probs[r + t]! + 1e-10);
    if (hits !== null && arg === t) hits[0]! += 1;
  }
  return loss / Math.max(msum, 1);
}

/** dlogits = (probs − onehot(t))·mask/max(Σ mask, 1)·scale (spec §2.2), one sequence. */
export function crossEntropyBackward(
  dlogits: Arr, probs: Arr, o: number, targets: Int32Array, to: number,
  mask: ArrayLike<number> | null, S: number, V: number, scale: number,
): void {
  let msum = 0;
  for (let i = 0; i < S; i++) msum += mask === null ? 1 : mask[i]!;
  const c = scale / Math.max(msum, 1);
  for (let i = 0; i < S; i++) {
    const r = o + i * V;
    const w = (mask === null ? 1 : mask[i]!) * c;
    for (let j = 0; j < V; j++) dlogits[r + j] = probs[r + j]! * w;
    dlogits[r + targets[to + i]!]! -= w;
  }
}

/** x[S×D] = E[ids] + P (spec §1.6 step 1); ids read from `ids[io + s]`. */
export function embeddingForward(
  x: Arr, o: number, params: Arr, eo: number, po: number, ids: Int32Array, io: number, S: number, D: number,
): void {
  for (let s = 0; s < S; s++) {
    const er = eo + ids[io + s]! * D;
    const pr = po + s * D;
    const xr = o + s * D;
    for (let d = 0; d < D; d++) x[xr + d] = params[er + d]! + params[pr + d]!;
  }
}

/** Embedding backward: dP += dx, and dx scatter-added into the rows of dE of the input ids. */
export function embeddingBackward(
  grads: Arr, eo: number, po: number, dx: Arr, o: number, ids: Int32Array, io: number, S: number, D: number,
): void {
  // P's rows 0 … S−1 and dx are both contiguous S×D blocks
  for (let i = 0; i < S * D; i++) grads[po + i]! += dx[o + i]!;
  // a repeated id accumulates in position order
  for (let s = 0; s < S; s++) {
    const er = eo + ids[io + s]! * D;
    for (let d = 0; d < D; d++) grads[er + d]! += dx[o + s * D + d]!;
  }
}

/**
 * Row-wise softmax of x / divisor (max-subtracted, exp, normalise) for the record forward: the
 * attention weights and the probabilities, divisor = temperature T (spec §1.6: softmax(logits /
 * T)). Mirrors float32 numpy: x / float32(T), the shifted value and each exp rounded to float32
 * (the training kernels keep their softmax in float64, see expShift). out, x: rows×cols (may
 * alias).
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
