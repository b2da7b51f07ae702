/**
 * WebAssembly SIMD causal attention forward for the float32 training graph, head width dk = 4
 * (spec §1.5 steps 2–4; the same formulas as attentionForward4 in attention.ts): for one
 * sequence and each head h, P_h = softmax(Q_h·K_hᵀ/2 with j > i masked) and out_h = P_h·V_h.
 *
 * How: K is first transposed per head into a static scratch area (Kᵀ_h: 4 rows of S), so a
 * row's S scores are S/4 f32x4 vectors of four splat-multiply-adds; the mask is an additive
 * table (0 on and below the diagonal, −1e30 above) whose lanes exp turns into exactly 0; the
 * softmax and exp are wasm-kernels.ts's (Cephes expf, float32 sums) instead of Math.exp in
 * float64. Masked weights are stored as exact zeros, as the JS kernel does.
 *
 * Not here: the backward pass (attention.ts, JS), the module and memory (wasm-train.ts).
 */
import type { ModelConfig } from './config.js';
import { Code } from './wasm-asm.js';
import { Regs, emitSoftmaxVectors, horizontal, stepLoop } from './wasm-kernels.js';

/** Byte layout of the static area this kernel uses (after the call arguments at `base`). */
export interface AttentionStatic {
  /** S×S additive mask. */
  readonly mask: number;
  /** H × 4 × S transposed keys of one sequence; then values, and the key/value gradients. */
  readonly kt: number;
  readonly vt: number;
  readonly dkt: number;
  readonly dvt: number;
  /** First byte after the area. */
  readonly end: number;
}

export function attentionStatic(c: ModelConfig, base: number): AttentionStatic {
  const S = c.seqLen;
  const mask = base;
  const kt = mask + S * S * 4;
  const size = c.dModel * S * 4;
  return { mask, kt, vt: kt + size, dkt: kt + 2 * size, dvt: kt + 3 * size, end: kt + 4 * size };
}

/** Fill the additive causal mask (row i: 0 for j ≤ i, −1e30 above). */
export function fillMask(f32: Float32Array, st: AttentionStatic, S: number): void {
  const at = st.mask / 4;
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) f32[at + i * S + j] = j <= i ? 0 : -1e30;
}

/**
 * Between an S×D row layout (address in local `rows`) and the per-head transposed H × 4 × S
 * layout at static byte address `t`: `toT` reads rows and writes t, else the reverse. Each 4×4
 * block (4 rows j × one head's 4 columns) is transposed with 8 shuffles.
 */
function transposeHeads(code: Code, r: Regs, c: ModelConfig, rows: number, t: number, toT: boolean): void {
  const { seqLen: S, dModel: D, numHeads: H } = c;
  const x = (i: number): number => r.v('tr.x', i);
  const y = (i: number): number => r.v('tr.y', i);
  for (let h = 0; h < H; h++) {
    for (let g = 0; g < S / 4; g++) {
      const rowAt = (i: number): number => ((g * 4 + i) * D + h * 4) * 4;
      const tAt = (col: number): number => t + ((h * 4 + col) * S + g * 4) * 4;
      for (let i = 0; i < 4; i++) {
        if (toT) code.get(rows).v128Load(rowAt(i)).set(x(i));
        else code.i32(0).v128Load(tAt(i)).set(x(i));
      }
      code.get(x(0)).get(x(1)).shuffle32(0, 4, 1, 5).set(y(0));
      code.get(x(2)).get(x(3)).shuffle32(0, 4, 1, 5).set(y(1));
      code.get(x(0)).get(x(1)).shuffle32(2, 6, 3, 7).set(y(2));
      code.get(x(2)).get(x(3)).shuffle32(2, 6, 3, 7).set(y(3));
      const lanes = [[0, 1, 4, 5], [2, 3, 6, 7]] as const;
      for (let col = 0; col < 4; col++) {
        if (toT) code.i32(0);
        else code.get(rows);
        const [a, b] = col < 2 ? [y(0), y(1)] : [y(2), y(3)];
        const l = lanes[col % 2]!;
        code.get(a).get(b).shuffle32(l[0], l[1], l[2], l[3]).v128Store(toT ? tAt(col) : rowAt(col));
      }
    }
  }
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
  // 1. Kᵀ per head
  argp(12).set(pk);
  transposeHeads(code, r, c, pk, st.kt, true);
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

/**
 * Causal attention backward for one sequence and dk = 4 (as attentionBackward4 in
 * attention.ts): dP = g·Vᵀ, dV += Pᵀ·g, dscore = P ⊙ (dP − rowsum(dP ⊙ P))/2,
 * dQ = dscore·K, dK += dscoreᵀ·Q. Rows run over all S/4 vectors of j: masked weights are exact
 * zeros, so their lanes add nothing. Arguments (i32 byte addresses at `args`): +0 dq, +4 dk,
 * +8 dv, +12 dconcat, +16 P, +20 q, +24 k, +28 v. Overwrites dq, dk, dv.
 */
export function emitAttentionBackward4(c: ModelConfig, st: AttentionStatic, args: number): Code {
  const { seqLen: S, dModel: D, numHeads: H } = c;
  const nv = S / 4;
  const code = new Code(0);
  const r = new Regs(code);
  const argp = (o: number): Code => code.i32(0).i32Load(args + o);
  const p = r.i('p');
  argp(24).set(p);
  transposeHeads(code, r, c, p, st.kt, true);
  argp(28).set(p);
  transposeHeads(code, r, c, p, st.vt, true);
  for (let off = st.dkt; off < st.end; off += 16) code.i32(0).f32x4Const(0).v128Store(off);
  const pg = r.i('pg'); // dconcat row (also q and dq rows: same offsets from their bases)
  const pq = r.i('pq');
  const pdq = r.i('pdq');
  const pP = r.i('pP');
  const pend = r.i('pend');
  const g = (i: number): number => r.v('g', i);
  const q = (i: number): number => r.v('q', i);
  const P = (i: number): number => r.v('P', i);
  const dP = (i: number): number => r.v('dP', i);
  const tc = (i: number): number => r.v('tc', i);
  const dot = r.v('dot');
  const T = (base: number, h: number, col: number, v: number): number => base + ((h * 4 + col) * S + v * 4) * 4;
  for (let h = 0; h < H; h++) {
    argp(12).tee(pg).i32(S * D * 4).i32Add().set(pend);
    argp(20).set(pq);
    argp(0).set(pdq);
    argp(16).i32(h * S * S * 4).i32Add().set(pP);
    code.loop();
    for (let cc = 0; cc < 4; cc++) {
      code.get(pg).loadSplat((h * 4 + cc) * 4).set(g(cc));
      code.get(pq).loadSplat((h * 4 + cc) * 4).f32x4Const(0.5).f32x4Mul().set(q(cc)); // q/√dk
    }
    for (let v = 0; v < nv; v++) {
      code.get(pP).v128Load(v * 16).set(P(v));
      code.get(g(0)).i32(0).v128Load(T(st.vt, h, 0, v)).f32x4Mul().get(g(1)).i32(0).v128Load(T(st.vt, h, 1, v)).f32x4Mul().f32x4Add();
      code.get(g(2)).i32(0).v128Load(T(st.vt, h, 2, v)).f32x4Mul().get(g(3)).i32(0).v128Load(T(st.vt, h, 3, v)).f32x4Mul().f32x4Add();
      code.f32x4Add().set(dP(v));
      for (let cc = 0; cc < 4; cc++) {
        const at = T(st.dvt, h, cc, v);
        code.i32(0).i32(0).v128Load(at).get(P(v)).get(g(cc)).f32x4Mul().f32x4Add().v128Store(at);
      }
    }
    code.get(P(0)).get(dP(0)).f32x4Mul();
    for (let v = 1; v < nv; v++) code.get(P(v)).get(dP(v)).f32x4Mul().f32x4Add();
    code.set(dot);
    horizontal(code, dot, 'add');
    for (let cc = 0; cc < 4; cc++) code.f32x4Const(0).set(tc(cc));
    for (let v = 0; v < nv; v++) {
      // dscore (reusing dP's local), scaled by 1/√dk = 0.5
      code.get(P(v)).get(dP(v)).get(dot).f32x4Sub().f32x4Mul().f32x4Const(0.5).f32x4Mul().set(dP(v));
      for (let cc = 0; cc < 4; cc++) {
        code.get(tc(cc)).get(dP(v)).i32(0).v128Load(T(st.kt, h, cc, v)).f32x4Mul().f32x4Add().set(tc(cc));
        const at = T(st.dkt, h, cc, v);
        code.i32(0).i32(0).v128Load(at).get(dP(v)).get(pq).loadSplat((h * 4 + cc) * 4).f32x4Mul().f32x4Add().v128Store(at);
      }
    }
    // dq row = [Σ lanes tc(0), …, Σ lanes tc(3)]: transpose-and-add
    code.get(tc(0)).get(tc(1)).shuffle32(0, 4, 1, 5).get(tc(0)).get(tc(1)).shuffle32(2, 6, 3, 7).f32x4Add().set(q(0));
    code.get(tc(2)).get(tc(3)).shuffle32(0, 4, 1, 5).get(tc(2)).get(tc(3)).shuffle32(2, 6, 3, 7).f32x4Add().set(q(1));
    code.get(pdq);
    code.get(q(0)).get(q(1)).shuffle32(0, 1, 4, 5).get(q(0)).get(q(1)).shuffle32(2, 3, 6, 7).f32x4Add();
    code.v128Store(h * 16);
    for (const x of [pq, pdq]) code.get(x).i32(D * 4).i32Add().set(x);
    code.get(pP).i32(S * 4).i32Add().set(pP);
    stepLoop(code, pg, D * 4, pend);
    code.end();
  }
  argp(4).set(p);
  transposeHeads(code, r, c, p, st.dkt, false);
  argp(8).set(p);
  transposeHeads(code, r, c, p, st.dvt, false);
  code.i32(0);
  return code;
}
