/**
 * Layout: the world anchor of every matrix of the scene (spec §5.7), as formulas of the model's
 * sizes. Symbols follow the spec: S = seqLen, D = dModel, H = numHeads, dk = dK, F = dFF,
 * V = vocabSize, B = numBlocks; widths W_X = X·SP.
 *
 * Anchors are the centre of element (0, 0); element (r, c) sits at anchor + (−c·SP, −r·SP, 0).
 * For the default config (S = D = 16, H = 4, F = 128, V = 32) every anchor equals the spec's table
 * (§5.7.2, Appendix B) exactly. Where the reference hard-codes a depth, this module derives it
 * from extents so other configs do not overlap (spec §11.3 #10):
 * - a matrix placed *behind* another (same x range) must rise above it on screen. With the fixed
 *   camera a unit of +Z lifts a matrix by one view unit while a matrix of R rows is √½·extent(R)
 *   view units tall, so every spec depth gap g becomes g + grow(R) with
 *   grow(R) = max(0, √½·extent(R) + BS − 6): zero for R ≤ 16 (the reference's 6-unit gap already
 *   clears 16 rows), growing with taller matrices; a matmul's C (beside A and B) stays 3 units in
 *   front of B, so B never slides over it on screen;
 * - W2 (its D columns over the hidden's screen-right end) sits max(6, W_D − 2) behind the hidden, so
 *   it slides as far to the screen-right of the hidden as the reference's 16-column W2 does;
 * - vertical spacings use the true matrix heights (the reference uses D·SP for the Q/K/V rows);
 * - each stage starts the spec's gap behind the deepest matrix of the previous stage, so stage
 *   base depths follow from the stages' own depths.
 * Not here: what is drawn (pipeline.ts) or camera framing (camera-path.ts).
 */
import type { ModelConfig } from '../transformer/config.js';
import { BS, SP } from './visual-types.js';
import type { Vec3 } from './visual-types.js';

/** Horizontal gap between side-by-side matrices (MATRIX_X_GAP, MHA_MATMUL_X_GAP). */
export const MATRIX_X_GAP = 4;
/** Vertical gap between the Q, K, V rows. */
export const QKV_STACK_Y_GAP = 4;
/** Vertical gap between attention heads. */
export const MHA_HEAD_Y_GAP = 3.5;
/** How much further to the side (−X) the scores, V and head outputs sit than side_by_side puts them, leaving room for K_hᵀ. */
export const MHA_SCORES_SHIFT = 4;
/** Depth of a matmul's B behind A, and of its C in front of B (C is to the side, 3 behind A by default). */
export const MATMUL_Z_B = 6;
export const MATMUL_C_BEFORE_B = 3;
/** Depth of an add's result behind its operands. */
export const RESIDUAL_ADD_Z = 6;
/** FFN depths behind LN1 (W1) and behind W1 (pre-ReLU), of W2 behind the hidden, of the output behind the hidden. */
export const FFN_W1_Z = 4;
export const FFN_PRE_Z = 4;
export const FFN_W2_Z = 6;
export const FFN_OUT_Z = 8;
/** Depth between consecutive block outputs. */
export const BLOCK_Z = 8;
/** Y of every single-row stage (input, concat, residuals, FFN, blocks, head). */
export const ROW_Y = 2;
/** Depth of the character display. */
export const CHAR_Z = -2;
/** Gaps from the deepest matrix of one stage to the next stage's base depth (spec §5.7.1 table). */
export const STAGE_GAP = Object.freeze({ qkv: 18, mha: 18, concat: 9, res1: 4, res2: 8, probs: 8 });

export interface MatmulAnchors { readonly a: Vec3; readonly b: Vec3; readonly c: Vec3 }
export interface HeadAnchors {
  /** Q_h (S × dk), K_hᵀ (dk × S), scores/softmax/weights (S × S), V_h (S × dk), out_h (S × dk). */
  readonly q: Vec3; readonly kT: Vec3; readonly scores: Vec3; readonly v: Vec3; readonly out: Vec3;
  /** Where head h's slices of the Q, K, V results sit (the QKV results shifted by −h·dk·SP). */
  readonly qSrc: Vec3; readonly kSrc: Vec3; readonly vSrc: Vec3;
}
export interface FfnAnchors { readonly ln1: Vec3; readonly w1: Vec3; readonly pre: Vec3; readonly w2: Vec3; readonly out: Vec3 }

/** Base depth (Z) of each stage; `blocks[i]` is block i+1's output depth. */
export interface StageDepths {
  readonly charDisplay: number; readonly input: number; readonly qkv: number; readonly mha: number;
  readonly concat: number; readonly res1: number; readonly ffn: number; readonly res2: number;
  readonly output: number; readonly blocks: readonly number[]; readonly outProj: number; readonly tokenProbs: number;
}

export interface Layout {
  readonly config: ModelConfig;
  readonly input: Vec3;
  /** i = 0, 1, 2: Q, K, V rows; a = X, b = W_i, c = result. */
  readonly qkv: readonly MatmulAnchors[];
  readonly mha: readonly HeadAnchors[];
  /** a = concat, b = W_O, c = attention output. */
  readonly concat: MatmulAnchors;
  /** a = skip operand, b = other operand, c = sum and LayerNorm. */
  readonly res1: MatmulAnchors;
  readonly ffn: FfnAnchors;
  readonly res2: MatmulAnchors;
  /** Block outputs: blocks[0] = block 1 (the `output` stage), blocks[i] = block i+1. */
  readonly blocks: readonly Vec3[];
  /** a = final output, b = Eᵀ, c = logits. */
  readonly outProj: MatmulAnchors;
  readonly probs: Vec3;
  readonly logitsOnly: { readonly blocks: readonly Vec3[]; readonly logits: Vec3; readonly probs: Vec3 };
  readonly charZ: number;
  readonly depth: StageDepths;
}

/** World extent of n elements along one axis: (n − 1)·SP + BS. */
export function extent(n: number): number {
  return (n - 1) * SP + BS;
}

/** Extra depth a matrix of R rows needs beyond the reference's 6-unit gap to clear what is in front of it. */
export function grow(rows: number): number {
  return Math.max(0, Math.SQRT1_2 * extent(rows) + BS - MATMUL_Z_B);
}

/** `side_by_side(widths, gap)`: x offsets of a row of matrices centred on x = 0 (spec §5.1). */
export function sideBySide(widths: readonly number[], gap: number): number[] {
  let x = -(widths.reduce((s, w) => s + w, 0) + gap * (widths.length - 1)) / 2;
  return widths.map((w) => {
    const at = x;
    x += w + gap;
    return at;
  });
}

const v3 = (x: number, y: number, z: number): Vec3 => Object.freeze([x, y, z] as const);
/** Anchor of a matrix of `cols` columns whose low-X edge (nominal x) is `xNom`. */
const at = (xNom: number, cols: number, y: number, z: number): Vec3 => v3(xNom + (cols - 1) * SP, y, z);
const shiftX = (p: Vec3, dx: number): Vec3 => v3(p[0] + dx, p[1], p[2]);

/**
 * The anchor at depth z whose element (0, 0) appears `right` view units to the screen-right of
 * `p`'s and `up` units above it, seen along the fixed view (screen-right = (−x + z)/√2,
 * screen-up = x/2 + y/√2 + z/2): placement by what the learner sees rather than by world offsets.
 */
function beside(p: Vec3, z: number, right: number, up: number): Vec3 {
  const dz = z - p[2];
  const dx = dz - right * Math.SQRT2;
  const dy = Math.SQRT2 * (up - 0.5 * dx - 0.5 * dz);
  return v3(p[0] + dx, p[1] + dy, z);
}

/**
 * Every anchor of the scene for `config` (frozen).
 *
 * @example layout(DEFAULT_CONFIG).ffn.w2 // → [-24.5, 2, 90]
 */
export function layout(config: ModelConfig): Layout {
  const { seqLen: S, dModel: D, numHeads: H, dK: dk, dFF: F, vocabSize: V, numBlocks: B } = config;
  const WD = D * SP;
  const WS = S * SP;
  const Wk = dk * SP;
  const WF = F * SP;
  const WV = V * SP;
  const G = MATRIX_X_GAP;

  const input = at(-WD / 2, D, ROW_Y, 0);

  // QKV projection: rows spaced by the taller of X/result (S rows) and W (D rows), plus whatever
  // W rises on screen beyond the reference (so W of row i+1 overlaps row i no more than there).
  const zQkv = input[2] + STAGE_GAP.qkv;
  const zQkvB = zQkv + MATMUL_Z_B + grow(D);
  const [xC, xA] = sideBySide([WD, WD], G);
  const qkv = [0, 1, 2].map((i) => {
    const y = 0 - i * (Math.max(S, D) * SP + QKV_STACK_Y_GAP + Math.SQRT2 * grow(D));
    return Object.freeze({ a: at(xA, D, y, zQkv), b: at(xA, D, y, zQkvB), c: at(xC, D, y, zQkvB - MATMUL_C_BEFORE_B) });
  });

  // Multi-head attention: group 0 Q_h·K_hᵀ, group 2 weights·V_h behind the scores.
  const zMha = zQkvB + STAGE_GAP.mha;
  const zKT = zMha + MATMUL_Z_B + grow(dk);
  const zScores = zKT - MATMUL_C_BEFORE_B;
  const zV = zScores + MATMUL_Z_B + grow(S);
  const zOut = zV - MATMUL_C_BEFORE_B;
  const [xS0, xQ] = sideBySide([WS, WS], G);
  // Issue 17 (a fault inherited from the reference): K_hᵀ sat Δz behind Q_h at the same x/y, which
  // on screen lifts it almost one head up (and leaves the bottom head without one), and Head Out
  // overlapped V. Each operand is now placed by where it should appear on screen beside its own
  // head (beside(), below), and the scores/V/out column moves right to leave K_hᵀ room.
  const xS = xS0 - MHA_SCORES_SHIFT;
  const mha = Array.from({ length: H }, (_, h) => {
    const y = 0 - h * (Math.max(S, dk) * SP + MHA_HEAD_Y_GAP);
    const dx = 0 - h * dk * SP;
    const q = at(xQ, dk, y, zMha);
    const v = at(xS, dk, y, zV);
    return Object.freeze({
      q, kT: beside(q, zKT, Wk * Math.SQRT1_2 + 1.2, 1), scores: at(xS, S, y, zScores), v,
      out: beside(v, zOut, Wk * Math.SQRT1_2 + 1.5, 0),
      qSrc: shiftX(qkv[0].c, dx), kSrc: shiftX(qkv[1].c, dx), vSrc: shiftX(qkv[2].c, dx),
    });
  });
  const mhaMaxZ = Math.max(zKT, zV);

  // Concat + output projection.
  const zConcat = mhaMaxZ + STAGE_GAP.concat;
  const zWO = zConcat + MATMUL_Z_B + grow(D);
  const concat = Object.freeze({ a: at(xA, D, ROW_Y, zConcat), b: at(xA, D, ROW_Y, zWO), c: at(xC, D, ROW_Y, zWO - MATMUL_C_BEFORE_B) });

  // Residual adds: operands side by side, the sum centred behind them.
  const residual = (z: number): MatmulAnchors =>
    Object.freeze({ a: at(xA, D, ROW_Y, z), b: at(xC, D, ROW_Y, z), c: at(-WD / 2, D, ROW_Y, z + RESIDUAL_ADD_Z + grow(S)) });
  const res1 = residual(zWO + STAGE_GAP.res1);

  // FFN: starts at the LN1 result (no flight).
  const zFfn = res1.c[2];
  const zW1 = zFfn + FFN_W1_Z + grow(D);
  const zPre = zW1 + FFN_PRE_Z + grow(S);
  const zW2 = zPre + Math.max(FFN_W2_Z, WD - 2 + grow(S));
  const zFfnOut = zPre + FFN_OUT_Z + grow(S);
  const ffn = Object.freeze({
    ln1: at(-WD / 2, D, ROW_Y, zFfn), w1: at(-WF / 2, F, ROW_Y, zW1), pre: at(-WF / 2, F, ROW_Y, zPre),
    w2: at(-WF / 2, D, ROW_Y, zW2), out: at(-WD / 2, D, ROW_Y, zFfnOut),
  });

  const res2 = residual(Math.max(zW2, zFfnOut) + STAGE_GAP.res2);
  const blockZ = BLOCK_Z + grow(S);
  const blocks = Array.from({ length: B }, (_, i) => at(-WD / 2, D, ROW_Y, res2.c[2] + i * blockZ));
  const zHead = blocks[B - 1][2];
  const zET = zHead + MATMUL_Z_B + grow(D);
  const outProj = Object.freeze({
    a: blocks[B - 1], b: at(-WD / 2, V, ROW_Y, zET), c: at(-WD / 2 - G - WV, V, ROW_Y, zET - MATMUL_C_BEFORE_B),
  });
  const probs = at(-WV / 2, V, ROW_Y, zET + STAGE_GAP.probs);
  const logitsOnly = Object.freeze({
    blocks: Object.freeze(blocks.slice()), logits: at(-WV / 2, V, ROW_Y, outProj.c[2]), probs,
  });

  const depth: StageDepths = Object.freeze({
    charDisplay: CHAR_Z, input: input[2], qkv: zQkv, mha: zMha, concat: zConcat, res1: res1.a[2], ffn: zFfn,
    res2: res2.a[2], output: blocks[0][2], blocks: Object.freeze(blocks.map((b) => b[2])), outProj: zHead,
    tokenProbs: probs[2],
  });
  return Object.freeze({
    config, input, qkv: Object.freeze(qkv), mha: Object.freeze(mha), concat, res1, ffn, res2,
    blocks: Object.freeze(blocks), outProj, probs, logitsOnly, charZ: CHAR_Z, depth,
  });
}
