/**
 * Causal multi-head attention kernels (spec §1.5 steps 2–4, §2.2) over flat arrays, two shapes of
 * the same maths:
 * - the record's per-head steps (headScores → causalMask → softmaxRows in kernels.ts →
 *   headOutput): model.ts's JS forward keeps every intermediate the visualiser draws, the
 *   masked scores included, rounded like float32 numpy;
 * - one fused forward/backward pair per sequence for training (attentionForward /
 *   attentionBackward), llm.c style with explicit offsets: masked weights are never computed
 *   (the reference's −1e9 gives exp(−1e9 − max) = 0 exactly) and sums stay in float64 until
 *   stored. The general kernels handle any head width dk; the default dk = 4 takes an unrolled
 *   path (the per-head loops are so short that loop overhead, not arithmetic, dominates
 *   otherwise). Both compute the same formulas; tests compare them.
 *
 * The WebAssembly kernels (wasm-forward.ts, wasm-train-attention.ts) are the fast path; these are
 * their fallback and reference. Not here: the matmuls, LayerNorm and softmax (kernels.ts).
 *
 * Layout: Q, K, V, concat are S×D (D = H·dk, head h in columns h·dk…); the training kernels take
 * them at offset `o` and the attention weights P as H×S×S at offset `po`, zero above the diagonal.
 */
import type { Arr } from './kernels.js';
import { expShift } from './kernels.js';

/** Masked attention scores are `score − 1e9` (finite, spec §1.5); in float32 that is −1e9. */
export const MASK_VALUE = 1e9;

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


/**
 * Causal multi-head attention forward for one sequence (spec §1.5 steps 2–4): for each head h,
 * P_h = softmax(Q_h·K_hᵀ/√dk with j > i masked) and out_h = P_h·V_h, written into the
 * concat layout. Masked weights are exactly zero (the reference's −1e9 gives exp(−1e9) = 0).
 * Q, K, V, concat: S×D at offset `o`; P: H×S×S at offset `po` (zeros above the diagonal).
 */
export function attentionForwardGeneral(
  concat: Arr, P: Arr, po: number, q: Arr, k: Arr, v: Arr, o: number, S: number, H: number, dk: number,
): void {
  const D = H * dk;
  const scale = 1 / Math.sqrt(dk);
  for (let h = 0; h < H; h++) {
    const hc = h * dk;
    for (let i = 0; i < S; i++) {
      const pr = po + (h * S + i) * S;
      const qr = o + i * D + hc;
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        const kr = o + j * D + hc;
        let s = 0;
        for (let c = 0; c < dk; c++) s += q[qr + c]! * k[kr + c]!;
        s *= scale;
        P[pr + j] = s;
        if (s > max) max = s;
      }
      const inv = 1 / expShift(P, P, pr, i + 1, max);
      for (let j = 0; j <= i; j++) P[pr + j]! *= inv;
      for (let j = i + 1; j < S; j++) P[pr + j] = 0;
      const cr = o + i * D + hc;
      for (let c = 0; c < dk; c++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += P[pr + j]! * v[o + j * D + hc + c]!;
        concat[cr + c] = s;
      }
    }
  }
}

/**
 * Causal attention backward for one sequence (spec §2.2): dP = dout_h·V_hᵀ, dV_h = Pᵀ·dout_h,
 * dscore = P ⊙ (dP − rowsum(dP ⊙ P)) (zero where masked), dQ_h = dscore·K_h/√dk,
 * dK_h = dscoreᵀ·Q_h/√dk. Overwrites dq, dk, dv (S×D at `o`); `dProw` is scratch of length S.
 */
export function attentionBackwardGeneral(
  dq: Arr, dk: Arr, dv: Arr, dProw: Arr, dconcat: Arr, P: Arr, po: number,
  q: Arr, k: Arr, v: Arr, o: number, S: number, H: number, dK: number,
): void {
  const D = H * dK;
  const scale = 1 / Math.sqrt(dK);
  for (let i = o; i < o + S * D; i++) {
    dq[i] = 0;
    dk[i] = 0;
    dv[i] = 0;
  }
  for (let h = 0; h < H; h++) {
    const hc = h * dK;
    for (let i = 0; i < S; i++) {
      const pr = po + (h * S + i) * S;
      const gr = o + i * D + hc;
      let dot = 0;
      for (let j = 0; j <= i; j++) {
        const vr = o + j * D + hc;
        const p = P[pr + j]!;
        let s = 0;
        for (let c = 0; c < dK; c++) {
          const g = dconcat[gr + c]!;
          s += g * v[vr + c]!;
          dv[vr + c]! += p * g;
        }
        dProw[j] = s;
        dot += s * p;
      }
      const qr = o + i * D + hc;
      for (let j = 0; j <= i; j++) {
        const ds = P[pr + j]! * (dProw[j]! - dot) * scale;
        if (ds === 0) continue;
        const kr = o + j * D + hc;
        for (let c = 0; c < dK; c++) {
          dq[qr + c]! += ds * k[kr + c]!;
          dk[kr + c]! += ds * q[qr + c]!;
        }
      }
    }
  }
}

/** attentionForward for dk = 4 with the head's query row held in registers. */
function attentionForward4(concat: Arr, P: Arr, po: number, q: Arr, k: Arr, v: Arr, o: number, S: number, H: number): void {
  const D = H * 4;
  const scale = 0.5; // 1/√4
  for (let h = 0; h < H; h++) {
    const hc = o + h * 4;
    for (let i = 0; i < S; i++) {
      const pr = po + (h * S + i) * S;
      const qr = hc + i * D;
      const q0 = q[qr]!;
      const q1 = q[qr + 1]!;
      const q2 = q[qr + 2]!;
      const q3 = q[qr + 3]!;
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        const kr = hc + j * D;
        const s = (q0 * k[kr]! + q1 * k[kr + 1]! + (q2 * k[kr + 2]! + q3 * k[kr + 3]!)) * scale;
        P[pr + j] = s;
        if (s > max) max = s;
      }
      const inv = 1 / expShift(P, P, pr, i + 1, max);
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let j = 0; j <= i; j++) {
        const p = P[pr + j]! * inv;
        P[pr + j] = p;
        const vr = hc + j * D;
        c0 += p * v[vr]!;
        c1 += p * v[vr + 1]!;
        c2 += p * v[vr + 2]!;
        c3 += p * v[vr + 3]!;
      }
      for (let j = i + 1; j < S; j++) P[pr + j] = 0;
      concat[qr] = c0;
      concat[qr + 1] = c1;
      concat[qr + 2] = c2;
      concat[qr + 3] = c3;
    }
  }
}

/** attentionBackward for dk = 4: the row's upstream gradient and query held in registers. */
function attentionBackward4(
  dq: Arr, dk: Arr, dv: Arr, dProw: Arr, dconcat: Arr, P: Arr, po: number,
  q: Arr, k: Arr, v: Arr, o: number, S: number, H: number,
): void {
  const D = H * 4;
  const scale = 0.5;
  for (let r = o; r < o + S * D; r++) {
    dk[r] = 0;
    dv[r] = 0;
  }
  for (let h = 0; h < H; h++) {
    const hc = o + h * 4;
    for (let i = 0; i < S; i++) {
      const pr = po + (h * S + i) * S;
      const gr = hc + i * D;
      const g0 = dconcat[gr]!;
      const g1 = dconcat[gr + 1]!;
      const g2 = dconcat[gr + 2]!;
      const g3 = dconcat[gr + 3]!;
      let dot = 0;
      for (let j = 0; j <= i; j++) {
        const vr = hc + j * D;
        const p = P[pr + j]!;
        const s = g0 * v[vr]! + g1 * v[vr + 1]! + (g2 * v[vr + 2]! + g3 * v[vr + 3]!);
        dv[vr]! += p * g0;
        dv[vr + 1]! += p * g1;
        dv[vr + 2]! += p * g2;
        dv[vr + 3]! += p * g3;
        dProw[j] = s;
        dot += s * p;
      }
      const q0 = q[gr]!;
      const q1 = q[gr + 1]!;
      const q2 = q[gr + 2]!;
      const q3 = q[gr + 3]!;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let j = 0; j <= i; j++) {
        const ds = P[pr + j]! * (dProw[j]! - dot) * scale;
        const kr = hc + j * D;
        a0 += ds * k[kr]!;
        a1 += ds * k[kr + 1]!;
        a2 += ds * k[kr + 2]!;
        a3 += ds * k[kr + 3]!;
        dk[kr]! += ds * q0;
        dk[kr + 1]! += ds * q1;
        dk[kr + 2]! += ds * q2;
        dk[kr + 3]! += ds * q3;
      }
      dq[gr] = a0;
      dq[gr + 1] = a1;
      dq[gr + 2] = a2;
      dq[gr + 3] = a3;
    }
  }
}

/** Causal attention forward for one sequence; see attentionForwardGeneral for the formulas. */
export function attentionForward(
  concat: Arr, P: Arr, po: number, q: Arr, k: Arr, v: Arr, o: number, S: number, H: number, dk: number,
): void {
  if (dk === 4) attentionForward4(concat, P, po, q, k, v, o, S, H);
  else attentionForwardGeneral(concat, P, po, q, k, v, o, S, H, dk);
}

/** Causal attention backward for one sequence; see attentionBackwardGeneral for the formulas. */
export function attentionBackward(
  dq: Arr, dk: Arr, dv: Arr, dProw: Arr, dconcat: Arr, P: Arr, po: number,
  q: Arr, k: Arr, v: Arr, o: number, S: number, H: number, dK: number,
): void {
  if (dK === 4) attentionBackward4(dq, dk, dv, dProw, dconcat, P, po, q, k, v, o, S, H);
  else attentionBackwardGeneral(dq, dk, dv, dProw, dconcat, P, po, q, k, v, o, S, H, dK);
}
