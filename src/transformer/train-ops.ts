/**
 * Training kernels: forward/backward pairs over flat typed arrays (spec §1.5, §2.2; STYLE.md §21),
 * written in the llm.c manner — outputs first, explicit offsets instead of views (no allocation),
 * plain loops. Every kernel works on Float32Array (training) and Float64Array (gradient check and
 * golden tests) alike; a worker only ever sees one of the two, so its call sites stay monomorphic.
 *
 * Float32 training runs the WebAssembly SIMD versions of the matmul, ReLU, bias and LayerNorm
 * kernels (wasm-train.ts) where the config allows; these JS kernels are then its fallback.
 *
 * Not here: the per-sequence record forward the visualiser draws (model.ts / ops.ts), and the
 * composition of these kernels into a model (backward.ts).
 *
 * Layout conventions: a matrix is row-major at `buffer[off + r * cols + c]`. Matmuls come in the
 * two shapes that keep every inner loop a contiguous dot product with a register accumulator:
 * `matmulABt` (out = A·Bᵀ, so forward passes use transposed weight copies) and `matmulAtBAcc`
 * (dW += Aᵀ·B, the weight-gradient shape). Symbols: n rows, k inner width, m output width.
 */

/** The two element types the kernels run on. */
export type Arr = Float32Array | Float64Array;

/**
 * out[n×m] = a[n×k] · bT[m×k]ᵀ (+ bias[m]); with `accumulate`, adds to out instead.
 * Register-blocked 2 rows × 4 columns: eight accumulators share six loads per step (0.75 loads
 * per multiply-add instead of 2); inner loops are contiguous dot products.
 *
 * @example forward of X·W: matmulABt(Y, 0, X, 0, WT, 0, null, 0, n, D, D, false) with WT = Wᵀ.
 */
export function matmulABt(
  out: Arr, oo: number, a: Arr, ao: number, bT: Arr, bo: number,
  bias: Arr | null, biasOff: number, n: number, k: number, m: number, accumulate: boolean,
): void {
  const m4 = m - (m & 3);
  const n2 = n - (n & 1);
  let i = 0;
  for (; i < n2; i += 2) {
    const ar = ao + i * k;
    const ar1 = ar + k;
    const or = oo + i * m;
    const or1 = or + m;
    let j = 0;
    for (; j < m4; j += 4) {
      const b0 = bo + j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let p = 0; p < k; p++) {
        const av = a[ar + p]!;
        const aw = a[ar1 + p]!;
        const c0 = bT[b0 + p]!;
        const c1 = bT[b1 + p]!;
        const c2 = bT[b2 + p]!;
        const c3 = bT[b3 + p]!;
        s0 += av * c0;
        s1 += av * c1;
        s2 += av * c2;
        s3 += av * c3;
        t0 += aw * c0;
        t1 += aw * c1;
        t2 += aw * c2;
        t3 += aw * c3;
      }
      if (bias !== null) {
        const z0 = bias[biasOff + j]!;
        const z1 = bias[biasOff + j + 1]!;
        const z2 = bias[biasOff + j + 2]!;
        const z3 = bias[biasOff + j + 3]!;
        s0 += z0;
        s1 += z1;
        s2 += z2;
        s3 += z3;
        t0 += z0;
        t1 += z1;
        t2 += z2;
        t3 += z3;
      }
      if (accumulate) {
        out[or + j]! += s0;
        out[or + j + 1]! += s1;
        out[or + j + 2]! += s2;
        out[or + j + 3]! += s3;
        out[or1 + j]! += t0;
        out[or1 + j + 1]! += t1;
        out[or1 + j + 2]! += t2;
        out[or1 + j + 3]! += t3;
      } else {
        out[or + j] = s0;
        out[or + j + 1] = s1;
        out[or + j + 2] = s2;
        out[or + j + 3] = s3;
        out[or1 + j] = t0;
        out[or1 + j + 1] = t1;
        out[or1 + j + 2] = t2;
        out[or1 + j + 3] = t3;
      }
    }
    for (; j < m; j++) {
      dotRow(out, or + j, a, ar, bT, bo + j * k, bias, biasOff + j, k, accumulate);
      dotRow(out, or1 + j, a, ar1, bT, bo + j * k, bias, biasOff + j, k, accumulate);
    }
  }
  for (; i < n; i++) {
    for (let j = 0; j < m; j++) {
      dotRow(out, oo + i * m + j, a, ao + i * k, bT, bo + j * k, bias, biasOff + j, k, accumulate);
    }
  }
}

/** One entry of matmulABt (edge rows and columns). */
function dotRow(
  out: Arr, at: number, a: Arr, ar: number, bT: Arr, br: number, bias: Arr | null, bi: number,
  k: number, accumulate: boolean,
): void {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[ar + p]! * bT[br + p]!;
  if (bias !== null) s += bias[bi]!;
  if (accumulate) out[at]! += s;
  else out[at] = s;
}

/**
 * dW[k×m] += a[n×k]ᵀ · b[n×m]: the weight-gradient shape (Xᵀ·dY). Dot-product form,
 * register-blocked 2 (rows of dW) × 4 (columns): the sum over the n rows runs in eight
 * accumulators with strided loads, and each dW entry is read and written once.
 */
export function matmulAtBAcc(
  dW: Arr, wo: number, a: Arr, ao: number, b: Arr, bo: number, n: number, k: number, m: number,
): void {
  const k2 = k - (k & 1);
  const m4 = m - (m & 3);
  let p = 0;
  for (; p < k2; p += 2) {
    let j = 0;
    for (; j < m4; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      let ai = ao + p;
      let bi = bo + j;
      for (let i = 0; i < n; i++, ai += k, bi += m) {
        const x = a[ai]!;
        const y = a[ai + 1]!;
        const c0 = b[bi]!;
        const c1 = b[bi + 1]!;
        const c2 = b[bi + 2]!;
        const c3 = b[bi + 3]!;
        s0 += x * c0;
        s1 += x * c1;
        s2 += x * c2;
        s3 += x * c3;
        t0 += y * c0;
        t1 += y * c1;
        t2 += y * c2;
        t3 += y * c3;
      }
      const r0 = wo + p * m + j;
      const r1 = r0 + m;
      dW[r0]! += s0;
      dW[r0 + 1]! += s1;
      dW[r0 + 2]! += s2;
      dW[r0 + 3]! += s3;
      dW[r1]! += t0;
      dW[r1 + 1]! += t1;
      dW[r1 + 2]! += t2;
      dW[r1 + 3]! += t3;
    }
    for (; j < m; j++) {
      dotColumn(dW, wo + p * m + j, a, ao + p, k, b, bo + j, m, n);
      dotColumn(dW, wo + (p + 1) * m + j, a, ao + p + 1, k, b, bo + j, m, n);
    }
  }
  for (; p < k; p++) {
    for (let j = 0; j < m; j++) dotColumn(dW, wo + p * m + j, a, ao + p, k, b, bo + j, m, n);
  }
}

/** dW[at] += Σᵢ a[a0 + i·k]·b[b0 + i·m] (edge rows and columns of matmulAtBAcc). */
function dotColumn(dW: Arr, at: number, a: Arr, a0: number, k: number, b: Arr, b0: number, m: number, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[a0 + i * k]! * b[b0 + i * m]!;
  dW[at]! += s;
}

/** bias gradient: db[m] += Σ_rows dy[n×m]. */
export function biasBackward(db: Arr, dbo: number, dy: Arr, dyo: number, n: number, m: number): void {
  for (let i = 0; i < n; i++) {
    const r = dyo + i * m;
    for (let j = 0; j < m; j++) db[dbo + j]! += dy[r + j]!;
  }
}

/** out[rows×cols]ᵀ → outT[cols×rows] (weight transposes for the forward pass). */
export function transpose(outT: Arr, to: number, a: Arr, ao: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) outT[to + c * rows + r] = a[ao + r * cols + c]!;
  }
}

export const LN_EPS = 1e-5;

/**
 * LayerNorm over the last axis (spec §1.5): y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + 1e-5), σ² the
 * population variance. γ, β are read from `params` at offsets go, bo. Writes y, x̂ (n×D) and
 * rstd (n) for the backward pass.
 */
export function layerNormForward(
  y: Arr, xhat: Arr, rstd: Arr, ro: number, x: Arr, o: number,
  params: Arr, go: number, bo: number, n: number, d: number,
): void {
  for (let i = 0; i < n; i++) {
    const r = o + i * d;
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x[r + j]!;
    mean /= d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = x[r + j]! - mean;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / d + LN_EPS);
    rstd[ro + i] = rs;
    for (let j = 0; j < d; j++) {
      const h = (x[r + j]! - mean) * rs;
      xhat[r + j] = h;
      y[r + j] = params[go + j]! * h + params[bo + j]!;
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
    let sum = 0;
    for (let j = 0; j < V; j++) {
      const e = Math.exp(logits[r + j]! - max);
      probs[r + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
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
  for (let s = 0; s < S; s++) {
    const er = eo + ids[io + s]! * D;
    const pr = po + s * D;
    const xr = o + s * D;
    for (let d = 0; d < D; d++) {
      const g = dx[xr + d]!;
      grads[er + d]! += g;
      grads[pr + d]! += g;
    }
  }
}
