/**
 * The training graph: forward + hand-written backward of the whole character LM (spec §1.5–1.6,
 * §2.2) over one preallocated workspace, composed from the forward/backward kernel pairs of
 * kernels.ts and attention.ts (the same JS kernels the record forward falls back to). Examples are processed in micro-batches of `microBatch` sequences, so every matmul is a GEMM
 * over microBatch·S rows while the working set stays in cache; nothing is allocated per call.
 *
 * Parameters and gradients are flat arrays in the layout of weights.ts (spec §1.10 order); the
 * graph reads parameter offsets from `allocateWeights(config).groups`. The same class runs in
 * float32 (training) and float64 (gradient check, golden tests): pass the array constructor.
 *
 * Float32 graphs allocate their whole workspace (and copies of the parameters and gradients) in
 * one wasm memory and run their matmuls as WebAssembly SIMD kernels (wasm-train.ts); float64
 * graphs, and float32 ones where wasm SIMD is unavailable, run the JS kernels.
 *
 * Not here: the optimiser (adam.ts), threads (train.ts / train-worker.ts), the visualiser's
 * per-sequence record forward (model.ts). Symbols: S, D, H, dk, F, V, B as in the spec; N =
 * rows of a micro-batch = mb·S.
 *
 * Data: a "chunk" is S + 1 token ids in `tokens` starting at `starts[e]`; input = ids 0…S−1,
 * target = ids 1…S (spec §2.1).
 */
import type { ModelConfig } from './config.js';
import { allocateWeights } from './weights.js';
import { attentionBackward, attentionForward } from './attention.js';
import type { Arr } from './kernels.js';
import {
  biasBackward, crossEntropyBackward, crossEntropyForward,
  embeddingBackward, embeddingForward, layerNormBackward, layerNormForward, matmulABt, matmulAtBAcc,
  reluBackward, reluForward, transpose,
} from './kernels.js';
import { WasmTrainKernels } from './wasm-train.js';

/** Offsets of one block's parameter groups in the flat buffer. */
interface BlockOffsets {
  readonly WQ: number; readonly WK: number; readonly WV: number; readonly WO: number;
  readonly W1: number; readonly b1: number; readonly W2: number; readonly b2: number;
  readonly g1: number; readonly be1: number; readonly g2: number; readonly be2: number;
}

/** Array constructor the graph allocates with. */
export type ArrCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Flat parameter offsets for a config (spec §1.10 order). */
function offsetsOf(config: ModelConfig): { E: number; P: number; blocks: BlockOffsets[]; total: number } {
  const w = allocateWeights(config);
  const g = w.groups;
  const blocks: BlockOffsets[] = [];
  for (let b = 0; b < config.numBlocks; b++) {
    const at = (i: number): number => g[2 + 12 * b + i]!.offset;
    blocks.push({
      WQ: at(0), WK: at(1), WV: at(2), WO: at(3), W1: at(4), b1: at(5),
      W2: at(6), b2: at(7), g1: at(8), be1: at(9), g2: at(10), be2: at(11),
    });
  }
  return { E: g[0]!.offset, P: g[1]!.offset, blocks, total: w.flat.length };
}

export class TrainGraph {
  readonly config: ModelConfig;
  readonly microBatch: number;
  readonly paramCount: number;
  /** When true, forward() adds a signature of the ReLU on/off pattern to `reluSignature`. */
  trackRelu = false;
  reluSignature = 0;

  private readonly off: ReturnType<typeof offsetsOf>;
  // Transposed weight copies, same offsets as the parameters (W_Q…W2 as Wᵀ, embedding as Eᵀ).
  private readonly wT: Arr;
  // Forward record per block (N = mb·S rows).
  private readonly x: Arr[]; // B+1 × N×D: x[0] = embedded + P, x[b+1] = block b output (LN2)
  private readonly q: Arr[]; // B × N×D
  private readonly k: Arr[];
  private readonly v: Arr[];
  private readonly P: Arr[]; // B × mb×H×S×S attention weights
  private readonly concat: Arr[]; // B × N×D
  private readonly xhat1: Arr[]; // B × N×D
  private readonly ln1: Arr[]; // B × N×D
  private readonly rstd1: Arr[]; // B × N
  private readonly h: Arr[]; // B × N×F (post-ReLU)
  private readonly xhat2: Arr[]; // B × N×D
  private readonly rstd2: Arr[]; // B × N
  private readonly logits: Arr; // N×V
  private readonly probs: Arr; // N×V
  // Scratch.
  private readonly tmp: Arr; // N×D
  private readonly dx: Arr; // N×D
  private readonly dres: Arr; // N×D
  private readonly dln1: Arr; // N×D
  private readonly dconcat: Arr; // N×D
  private readonly dq: Arr; // N×D
  private readonly dk: Arr;
  private readonly dv: Arr;
  private readonly dh: Arr; // N×F
  private readonly dlogits: Arr; // N×V
  private readonly dProw: Arr; // S
  private readonly hits = new Float64Array(1);
  // Wasm path (float32 only): kernels, and in-memory copies of the parameters and gradients.
  private readonly wasm: WasmTrainKernels | null;
  private readonly pw: Arr;
  private readonly gw: Arr;
  /** The parameters `load` prepared (the wasm copy, or the caller's array). */
  private loaded: Arr | null = null;

  constructor(config: ModelConfig, microBatch: number, ctor: ArrCtor) {
    this.config = config;
    this.microBatch = microBatch;
    this.off = offsetsOf(config);
    this.paramCount = this.off.total;
    const { seqLen: S, dModel: D, numHeads: H, dFF: F, vocabSize: V, numBlocks: B } = config;
    const N = microBatch * S;
    const P = this.paramCount;
    const floats = 3 * P + (B + 1) * N * D + 7 * B * N * D + B * microBatch * H * S * S + 2 * B * N
      + B * N * F + 3 * N * V + 8 * N * D + N * F + S;
    const wasm = ctor === Float32Array ? WasmTrainKernels.create(config, floats) : null;
    this.wasm = wasm;
    const mk = (n: number): Arr => (wasm === null ? new ctor(n) : wasm.alloc(n));
    this.pw = wasm === null ? mk(0) : mk(P);
    this.gw = wasm === null ? mk(0) : mk(P);
    const per = (n: number, count = B): Arr[] => Array.from({ length: count }, () => mk(n));
    this.wT = mk(this.paramCount);
    this.x = per(N * D, B + 1);
    this.q = per(N * D);
    this.k = per(N * D);
    this.v = per(N * D);
    this.P = per(microBatch * H * S * S);
    this.concat = per(N * D);
    this.xhat1 = per(N * D);
    this.ln1 = per(N * D);
    this.rstd1 = per(N);
    this.h = per(N * F);
    this.xhat2 = per(N * D);
    this.rstd2 = per(N);
    this.logits = mk(N * V);
    this.probs = mk(N * V);
    this.tmp = mk(N * D);
    this.dx = mk(N * D);
    this.dres = mk(N * D);
    this.dln1 = mk(N * D);
    this.dconcat = mk(N * D);
    this.dq = mk(N * D);
    this.dk = mk(N * D);
    this.dv = mk(N * D);
    this.dh = mk(N * F);
    this.dlogits = mk(N * V);
    this.dProw = mk(S);
  }

  /**
   * Σ over examples [from, to) of the per-example loss (spec §2.2); adds scale × each example's
   * gradient into `grads` (not zeroed here). `mask` (length S) applies to every example; null
   * means all ones. Returns the loss sum (not scaled).
   */
  lossAndGrad(
    paramsIn: Arr, grads: Arr, tokens: Int32Array, starts: ArrayLike<number>, from: number, to: number,
    mask: ArrayLike<number> | null, scale: number,
  ): number {
    const params = this.prepare(paramsIn);
    const g = this.wasm === null ? grads : this.gw.fill(0);
    let loss = 0;
    for (let e = from; e < to; e += this.microBatch) {
      const n = Math.min(this.microBatch, to - e);
      loss += this.forward(params, tokens, starts, e, n, mask, null);
      this.backward(params, g, tokens, starts, e, n, mask, scale);
    }
    if (g !== grads) for (let i = 0; i < this.paramCount; i++) grads[i]! += g[i]!;
    return loss;
  }

  /**
   * Make `paramsIn` the parameters of the following `chunkLossAndGrad` calls (the copy and
   * transposes lossAndGrad makes per call): call again whenever they change.
   */
  load(paramsIn: Arr): void {
    this.loaded = this.prepare(paramsIn);
  }

  /**
   * lossAndGrad over examples [from, to) with the parameters of the last `load`, except that
   * `grads` is overwritten with this slice's gradient (× scale) rather than added to, so that
   * slices computed apart can be summed in a fixed order (train.ts). Returns the loss sum.
   */
  chunkLossAndGrad(
    grads: Arr, tokens: Int32Array, starts: ArrayLike<number>, from: number, to: number,
    mask: ArrayLike<number> | null, scale: number,
  ): number {
    const params = this.loaded;
    if (params === null) throw new Error('TrainGraph.chunkLossAndGrad: load() the parameters first');
    const g = this.wasm === null ? grads.fill(0) : this.gw.fill(0);
    let loss = 0;
    for (let e = from; e < to; e += this.microBatch) {
      const n = Math.min(this.microBatch, to - e);
      loss += this.forward(params, tokens, starts, e, n, mask, null);
      this.backward(params, g, tokens, starts, e, n, mask, scale);
    }
    if (g !== grads) grads.set(g.subarray(0, this.paramCount));
    return loss;
  }

  /**
   * Forward only over examples [from, to): returns the loss sum and adds the number of
   * positions whose argmax prediction equals the target to `hitsOut[0]`.
   */
  evaluate(
    paramsIn: Arr, tokens: Int32Array, starts: ArrayLike<number>, from: number, to: number,
    mask: ArrayLike<number> | null, hitsOut: Float64Array,
  ): number {
    const params = this.prepare(paramsIn);
    let loss = 0;
    this.hits[0] = 0;
    for (let e = from; e < to; e += this.microBatch) {
      const n = Math.min(this.microBatch, to - e);
      loss += this.forward(params, tokens, starts, e, n, mask, this.hits);
    }
    hitsOut[0]! += this.hits[0]!;
    return loss;
  }

  /**
   * The JS forward passes use transposed weights so that every matmul is a row·row dot product
   * (the wasm kernels use both copies, see mmABt). Returns the parameters to compute with: the
   * wasm copy when the graph runs in wasm memory, else `paramsIn` itself.
   */
  private prepare(paramsIn: Arr): Arr {
    const { dModel: D, dFF: F, vocabSize: V } = this.config;
    const wT = this.wT;
    let params = paramsIn;
    if (this.wasm !== null) {
      if (paramsIn.length < this.paramCount) throw new Error(`TrainGraph: ${paramsIn.length} parameters, want ${this.paramCount}`);
      for (let i = 0; i < this.paramCount; i++) this.pw[i] = paramsIn[i]!;
      params = this.pw;
    }
    transpose(wT, this.off.E, params, this.off.E, V, D);
    for (const o of this.off.blocks) {
      transpose(wT, o.WQ, params, o.WQ, D, D);
      transpose(wT, o.WK, params, o.WK, D, D);
      transpose(wT, o.WV, params, o.WV, D, D);
      transpose(wT, o.WO, params, o.WO, D, D);
      transpose(wT, o.W1, params, o.W1, D, F);
      transpose(wT, o.W2, params, o.W2, F, D);
    }
    return params;
  }

  /**
   * matmulABt (out = a·bTᵀ), or on the wasm path the same product as a·B with B the other copy
   * of the same weights: bT is always one of params / wT, and wT holds each weight transposed.
   */
  private mmABt(
    out: Arr, oo: number, a: Arr, ao: number, bT: Arr, bo: number,
    bias: Arr | null, biasOff: number, n: number, k: number, m: number, accumulate: boolean,
  ): void {
    const w = this.wasm;
    if (w === null) matmulABt(out, oo, a, ao, bT, bo, bias, biasOff, n, k, m, accumulate);
    else {
      const B = (bT === this.wT ? this.pw : this.wT) as Float32Array;
      w.ab(out as Float32Array, oo, a as Float32Array, ao, B, bo, bias as Float32Array | null, biasOff, n, k, m, accumulate);
    }
  }

  /** layerNormBackward (γ at dgo's parameter offset) on either path; row arrays from float 0. */
  private lnBwd(dx: Arr, grads: Arr, dgo: number, dbo: number, dy: Arr, xhat: Arr, rstd: Arr, params: Arr, n: number): void {
    if (this.wasm === null) layerNormBackward(dx, grads, dgo, dbo, dy, xhat, rstd, 0, params, dgo, 0, n, this.config.dModel);
    else this.wasm.layerNormBackward(f32(dx), f32(grads), dgo, dbo, f32(dy), f32(xhat), f32(rstd), f32(params), dgo, n);
  }

  /** biasBackward (db += Σ_rows dy) on either path. */
  private biasBwd(grads: Arr, bo: number, dy: Arr, n: number, m: number): void {
    if (this.wasm === null) biasBackward(grads, bo, dy, 0, n, m);
    else this.wasm.biasBackward(grads as Float32Array, bo, dy as Float32Array, 0, n, m);
  }

  /** matmulAtBAcc (dW += aᵀ·b) on either path. */
  private mmAtB(dW: Arr, wo: number, a: Arr, ao: number, b: Arr, bo: number, n: number, k: number, m: number): void {
    const w = this.wasm;
    if (w === null) matmulAtBAcc(dW, wo, a, ao, b, bo, n, k, m);
    else w.atb(dW as Float32Array, wo, a as Float32Array, ao, b as Float32Array, bo, n, k, m);
  }

  /** Forward of n examples starting at example index e; returns their loss sum. */
  private forward(
    params: Arr, tokens: Int32Array, starts: ArrayLike<number>, e: number, n: number,
    mask: ArrayLike<number> | null, hits: Float64Array | null,
  ): number {
    const { seqLen: S, dModel: D, numHeads: H, dK: dk, dFF: F, vocabSize: V, numBlocks: B } = this.config;
    const N = n * S;
    const wT = this.wT;
    for (let i = 0; i < n; i++) {
      embeddingForward(this.x[0]!, i * S * D, params, this.off.E, this.off.P, tokens, starts[e + i]!, S, D);
    }
    for (let b = 0; b < B; b++) {
      const o = this.off.blocks[b]!;
      const xin = this.x[b]!;
      const q = this.q[b]!;
      const k = this.k[b]!;
      const v = this.v[b]!;
      const concat = this.concat[b]!;
      const tmp = this.tmp;
      this.mmABt(q, 0, xin, 0, wT, o.WQ, null, 0, N, D, D, false);
      this.mmABt(k, 0, xin, 0, wT, o.WK, null, 0, N, D, D, false);
      this.mmABt(v, 0, xin, 0, wT, o.WV, null, 0, N, D, D, false);
      const w = this.wasm;
      if (w !== null && w.hasAttention) {
        const P = this.P[b] as Float32Array;
        for (let i = 0; i < n; i++) {
          w.attentionForward(concat as Float32Array, P, i * H * S * S, q as Float32Array, k as Float32Array, v as Float32Array, i * S * D);
        }
      } else {
        for (let i = 0; i < n; i++) attentionForward(concat, this.P[b]!, i * H * S * S, q, k, v, i * S * D, S, H, dk);
      }
      this.mmABt(tmp, 0, concat, 0, wT, o.WO, null, 0, N, D, D, false);
      const ln1 = this.ln1[b]!;
      if (this.wasm !== null) this.wasm.layerNormForward(f32(ln1), f32(this.xhat1[b]!), f32(this.rstd1[b]!), f32(tmp), f32(xin), f32(params), o.g1, o.be1, N);
      else {
        for (let i = 0; i < N * D; i++) tmp[i]! += xin[i]!; // residual1
        layerNormForward(ln1, this.xhat1[b]!, null, this.rstd1[b]!, 0, tmp, 0, params, o.g1, params, o.be1, N, D);
      }
      const h = this.h[b]!;
      if (this.wasm !== null) this.wasm.ab(h as Float32Array, 0, ln1 as Float32Array, 0, params as Float32Array, o.W1, params as Float32Array, o.b1, N, D, F, false, true);
      else {
        matmulABt(h, 0, ln1, 0, wT, o.W1, params, o.b1, N, D, F, false);
        reluForward(h, 0, N * F);
      }
      if (this.trackRelu) this.reluSignature += reluSignature(h, N * F, b);
      this.mmABt(tmp, 0, h, 0, wT, o.W2, params, o.b2, N, F, D, false);
      // residual2 adds LN1 (spec §1.5 step 8)
      if (this.wasm !== null) this.wasm.layerNormForward(f32(this.x[b + 1]!), f32(this.xhat2[b]!), f32(this.rstd2[b]!), f32(tmp), f32(ln1), f32(params), o.g2, o.be2, N);
      else {
        for (let i = 0; i < N * D; i++) tmp[i]! += ln1[i]!;
        layerNormForward(this.x[b + 1]!, this.xhat2[b]!, null, this.rstd2[b]!, 0, tmp, 0, params, o.g2, params, o.be2, N, D);
      }
    }
    // Weight-tied head: logits = out·Eᵀ, E (V×D) is already the "Bᵀ" operand.
    this.mmABt(this.logits, 0, this.x[B]!, 0, params, this.off.E, null, 0, N, D, V, false);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      loss += crossEntropyForward(this.probs, this.logits, i * S * V, tokens, starts[e + i]! + 1, mask, S, V, hits);
    }
    return loss;
  }

  /** Backward of the n examples whose forward was just run; grads += scale·∂loss/∂params. */
  private backward(
    params: Arr, grads: Arr, tokens: Int32Array, starts: ArrayLike<number>, e: number, n: number,
    mask: ArrayLike<number> | null, scale: number,
  ): void {
    const { seqLen: S, dModel: D, numHeads: H, dK: dk, dFF: F, vocabSize: V, numBlocks: B } = this.config;
    const N = n * S;
    const { dx, dres, dln1, dconcat, dq, dk: dK, dv, dh, dlogits } = this;
    for (let i = 0; i < n; i++) {
      crossEntropyBackward(dlogits, this.probs, i * S * V, tokens, starts[e + i]! + 1, mask, S, V, scale);
    }
    // Head (weight tying): dE += dlogitsᵀ·out; dx = dlogits·E (Eᵀ is the transposed copy).
    this.mmAtB(grads, this.off.E, dlogits, 0, this.x[B]!, 0, N, V, D);
    this.mmABt(dx, 0, dlogits, 0, this.wT, this.off.E, null, 0, N, V, D, false);
    for (let b = B - 1; b >= 0; b--) {
      const o = this.off.blocks[b]!;
      const xin = this.x[b]!;
      const ln1 = this.ln1[b]!;
      const h = this.h[b]!;
      // LN2, then residual2 splits into the FFN branch and LN1.
      this.lnBwd(dres, grads, o.g2, o.be2, dx, this.xhat2[b]!, this.rstd2[b]!, params, N);
      this.biasBwd(grads, o.b2, dres, N, D);
      this.mmAtB(grads, o.W2, h, 0, dres, 0, N, F, D);
      this.mmABt(dh, 0, dres, 0, params, o.W2, null, 0, N, D, F, false);
      // dh = dres·W2ᵀ ⊙ [h > 0]
      if (this.wasm !== null) this.wasm.reluBackward(dh as Float32Array, h as Float32Array, 0, N * F);
      else reluBackward(dh, h, 0, N * F);
      this.biasBwd(grads, o.b1, dh, N, F);
      this.mmAtB(grads, o.W1, ln1, 0, dh, 0, N, D, F);
      for (let i = 0; i < N * D; i++) dln1[i] = dres[i]!;
      this.mmABt(dln1, 0, dh, 0, params, o.W1, null, 0, N, F, D, true);
      // LN1, then residual1 splits into attention and the block input.
      this.lnBwd(dres, grads, o.g1, o.be1, dln1, this.xhat1[b]!, this.rstd1[b]!, params, N);
      this.mmAtB(grads, o.WO, this.concat[b]!, 0, dres, 0, N, D, D);
      this.mmABt(dconcat, 0, dres, 0, params, o.WO, null, 0, N, D, D, false);
      const q = this.q[b]!;
      const k = this.k[b]!;
      const v = this.v[b]!;
      const w = this.wasm;
      if (w !== null && w.hasAttention) {
        for (let i = 0; i < n; i++) {
          w.attentionBackward(f32(dq), f32(dK), f32(dv), f32(dconcat), f32(this.P[b]!), i * H * S * S, f32(q), f32(k), f32(v), i * S * D);
        }
      } else {
        for (let i = 0; i < n; i++) {
          attentionBackward(dq, dK, dv, this.dProw, dconcat, this.P[b]!, i * H * S * S, q, k, v, i * S * D, S, H, dk);
        }
      }
      this.mmAtB(grads, o.WQ, xin, 0, dq, 0, N, D, D);
      this.mmAtB(grads, o.WK, xin, 0, dK, 0, N, D, D);
      this.mmAtB(grads, o.WV, xin, 0, dv, 0, N, D, D);
      for (let i = 0; i < N * D; i++) dx[i] = dres[i]!;
      this.mmABt(dx, 0, dq, 0, params, o.WQ, null, 0, N, D, D, true);
      this.mmABt(dx, 0, dK, 0, params, o.WK, null, 0, N, D, D, true);
      this.mmABt(dx, 0, dv, 0, params, o.WV, null, 0, N, D, D, true);
    }
    for (let i = 0; i < n; i++) {
      embeddingBackward(grads, this.off.E, this.off.P, dx, i * S * D, tokens, starts[e + i]!, S, D);
    }
  }
}

/** The wasm path's arrays are Float32Array views of its memory (the graph's ctor is Float32Array). */
function f32(x: Arr): Float32Array {
  return x as Float32Array;
}

/** A number that changes when the set of active ReLU units changes (gradient-check kink test). */
function reluSignature(h: Arr, len: number, b: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) if (h[i]! > 0) s += ((i * 2654435761) % 1000003) + 1;
  return s * (b + 1);
}
