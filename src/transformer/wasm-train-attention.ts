/**
 * WebAssembly SIMD causal attention forward for the float32 training graph, head width dk = 4
 * (spec §1.5 steps 2–4; the same formulas as attentionForward4 in train-attention.ts): for one
 * sequence and each head h, P_h = softmax(Q_h·K_hᵀ/2 with j > i masked) and out_h = P_h·V_h.
 *
 * How: K is first transposed per head into a static scratch area (Kᵀ_h: 4 rows of S), so a
 * row's S scores are S/4 f32x4 vectors of four splat-multiply-adds; the mask is an additive
 * table (0 on and below the diagonal, −1e30 above) whose lanes exp turns into exactly 0; the
 * softmax and exp are wasm-kernels.ts's (Cephes expf, float32 sums) instead of Math.exp in
 * float64. Masked weights are stored as exact zeros, as the JS kernel does.
 *
 * Not here: the backward pass (train-attention.ts, JS), the module and memory (wasm-train.ts).
 */
import type { ModelConfig } from './config.js';
import { Code } from './wasm-asm.js';
import { Regs, emitSoftmaxVectors, stepLoop } from './wasm-kernels.js';

/** Byte layout of the static area this kernel uses (after the call arguments at `base`). */
export interface AttentionStatic {
  /** S×S additive mask. */
  readonly mask: number;
  /** H × 4 × S transposed keys of one sequence. */
  readonly kt: number;
  /** First byte after the area. */
  readonly end: number;
}

export function attentionStatic(c: ModelConfig, base: number): AttentionStatic {
  const S = c.seqLen;
  const mask = base;
  const kt = mask + S * S * 4;
  return { mask, kt, end: kt + c.dModel * S * 4 };
}

/** Fill the additive causal mask (row i: 0 for j ≤ i, −1e30 above). */
export function fillMask(f32: Float32Array, st: AttentionStatic, S: number): void {
  const at = st.mask / 4;
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) f32[at + i * S + j] = j <= i ? 0 : -1e30;
}

/**
 * The kernel for one sequence. Arguments (i32 byte addresses at `args`): +0 concat, +4 P (H×S×S),
 * +8 q, +12 k, +16 v; q, k, v, concat are S×D rows.
 */
export function emitAttentionForward4(c: ModelConfig, st: AttentionStatic, args: number): Code {
  const { seqLen: S, dModel: D, numHeads: H } = c;
  const nv = S / 4;
  const code = new Code(0);
  const r = new Regs(code);
  const argp = (o: number): Code => code.i32(0).i32Load(args + o);
  const pk = r.i('pk');
  // 1. Kᵀ per head: 4×4 blocks transposed with shuffles
  argp(12).set(pk);
  const row = (i: number): number => r.v('row', i);
  const t = (i: number): number => r.v('t', i);
  for (let h = 0; h < H; h++) {
    for (let g = 0; g < nv; g++) {
      for (let i = 0; i < 4; i++) code.get(pk).v128Load(((g * 4 + i) * D + h * 4) * 4).set(row(i));
      code.get(row(0)).get(row(1)).shuffle32(0, 4, 1, 5).set(t(0));
      code.get(row(2)).get(row(3)).shuffle32(0, 4, 1, 5).set(t(1));
      code.get(row(0)).get(row(1)).shuffle32(2, 6, 3, 7).set(t(2));
      code.get(row(2)).get(row(3)).shuffle32(2, 6, 3, 7).set(t(3));
      const ktAt = (col: number): number => st.kt + ((h * 4 + col) * S + g * 4) * 4;
      code.i32(0).get(t(0)).get(t(1)).shuffle32(0, 1, 4, 5).v128Store(ktAt(0));
      code.i32(0).get(t(0)).get(t(1)).shuffle32(2, 3, 6, 7).v128Store(ktAt(1));
      code.i32(0).get(t(2)).get(t(3)).shuffle32(0, 1, 4, 5).v128Store(ktAt(2));
      code.i32(0).get(t(2)).get(t(3)).shuffle32(2, 3, 6, 7).v128Store(ktAt(3));
    }
  }
  // 2. per head and row: scores, softmax, P row, P·V
  const pq = r.i('pq');
  const pP = r.i('pP');
  const pm = r.i('pm');
  const pc = r.i('pc');
  const pend = r.i('pend');
  const pv = r.i('pv');
  const pj = r.i('pj');
  const pjend = r.i('pjend');
  const len = r.i('len'); // bytes of the row's unmasked part: (i + 1)·4
  const q = (i: number): number => r.v('q', i);
  const xv = (i: number): number => r.v('x', i);
  const acc = r.v('acc');
  for (let h = 0; h < H; h++) {
    argp(8).set(pq);
    argp(4).i32(h * S * S * 4).i32Add().set(pP);
    argp(0).tee(pc).i32(S * D * 4).i32Add().set(pend);
    code.i32(st.mask).set(pm);
    code.i32(4).set(len);
    code.loop();
    for (let cc = 0; cc < 4; cc++) code.get(pq).loadSplat((h * 4 + cc) * 4).set(q(cc));
    for (let g = 0; g < nv; g++) {
      const kt = (col: number): number => st.kt + ((h * 4 + col) * S + g * 4) * 4;
      code.get(q(0)).i32(0).v128Load(kt(0)).f32x4Mul().get(q(1)).i32(0).v128Load(kt(1)).f32x4Mul().f32x4Add();
      code.get(q(2)).i32(0).v128Load(kt(2)).f32x4Mul().get(q(3)).i32(0).v128Load(kt(3)).f32x4Mul().f32x4Add();
      code.f32x4Add().f32x4Const(0.5).f32x4Mul().get(pm).v128Load(g * 16).f32x4Add().set(xv(g));
    }
    emitSoftmaxVectors(code, r, nv, xv);
    for (let g = 0; g < nv; g++) code.get(pP).get(xv(g)).v128Store(g * 16);
    // P·V over j = 0…i
    code.f32x4Const(0).set(acc);
    argp(16).i32(h * 16).i32Add().set(pv);
    code.get(pP).tee(pj).get(len).i32Add().set(pjend);
    code.loop();
    code.get(acc).get(pj).loadSplat(0).get(pv).v128Load(0).f32x4Mul().f32x4Add().set(acc);
    code.get(pv).i32(D * 4).i32Add().set(pv);
    stepLoop(code, pj, 4, pjend);
    code.end();
    code.get(pc).get(acc).v128Store(h * 16);
    code.get(pq).i32(D * 4).i32Add().set(pq);
    code.get(pP).i32(S * 4).i32Add().set(pP);
    code.get(pm).i32(S * 4).i32Add().set(pm);
    code.get(len).i32(4).i32Add().set(len);
    stepLoop(code, pc, D * 4, pend);
    code.end();
  }
  code.i32(0);
  return code;
}
