/**
 * The full pipeline of one transformer block, stage by stage (spec §5.8 flow wiring, §5.9
 * behaviour, §5.10.2 labels): input, QKV projection, multi-head attention, concat + W_O,
 * residual + LayerNorm 1, FFN, residual + LayerNorm 2, block-1 output, blocks 2…B.
 *
 * What it is: build-time wiring — which matrix is drawn where, which visual it flies from, its
 * compute group and flags, and its labels. Anchors come from layout.ts (formulas of S, D, H, dk,
 * F, V). What it is not: the LM head, character display and abbreviated scenes
 * (pipeline-head.ts) or anything evaluated per frame.
 *
 * Symbols: S = seqLen, D = dModel, H = numHeads, dk = dK, F = dFF, B = numBlocks.
 */
import type { Stage } from '../animation/timeline.js';
import type { ForwardRecord } from '../transformer/activations.js';
import { diverging, vmaxOf } from './colormap.js';
import type { Layout } from './layout.js';
import type { SceneBuilder } from './scene-builder.js';
import { place } from './visuals.js';
import { rowPos, sliceCols, stackTitleRoom, titlePos, tokenRowLabel, transposed } from './scene-builder.js';
import type { Placed } from './visual-types.js';

/** Token labels are at most this tall (world units), so neighbouring rows never overlap. */
const TOKEN_LABEL_MAX = 0.42;

/**
 * Token names along the rows (screen-right) and over the columns of an attention matrix; PAD
 * columns stay unnamed (they are all masked, and a 3-letter name would run into its neighbours).
 */
function tokenLabels(b: SceneBuilder, p: Placed, tokens: readonly string[], owner: number, kind: 'appear' | 'compute'): void {
  for (let r = 0; r < Math.min(p.rows, tokens.length); r++) {
    const tok = tokenRowLabel(tokens[r]!);
    b.label(tok.text, rowPos(p, r), owner, kind, { background: false, alignX: 0, size: 'row', dim: tok.dim, maxHeight: TOKEN_LABEL_MAX });
  }
  for (let c = 0; c < Math.min(p.cols, tokens.length); c++) {
    const tok = tokenRowLabel(tokens[c]!);
    if (tok.dim) continue;
    b.label(tok.text, [p.anchor[0] - c * SP, p.anchor[1] + 0.5, p.anchor[2]], owner, kind, { background: false, size: 'row', maxHeight: TOKEN_LABEL_MAX });
  }
}
import { SP } from './visual-types.js';
import { part } from './inspect-refs.js';
import { modelRefs } from './model-refs.js';

/** Input embeddings (§5.9.2): fades/grows in place; row labels = the input characters. */
export function buildInput(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, inputLabels: readonly string[] | undefined, withTitle: boolean): void {
  b.begin(st);
  const x = place(rec.blockInput, L.input);
  const v = b.visual({ kind: 'static', m: x, seamless: false }, 0, { output: true });
  b.inspect(v, part(x, modelRefs(rec).x));
  if (withTitle) b.title('X', x, v, 'appear');
  if (inputLabels !== undefined) {
    inputLabels.forEach((text, r) => {
      const tok = tokenRowLabel(text);
      if (r < x.rows) b.label(tok.text, rowPos(x, r), v, 'appear', { background: false, alignX: 0, size: 'row', inputRow: true, dim: tok.dim, maxHeight: tok.dim ? TOKEN_LABEL_MAX : Infinity });
    });
  }
  b.end();
}

/** QKV projection (§5.9.3): three matmuls in parallel; X flies out of the input matrix. */
export function buildQkv(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  const blk = rec.blocks[0]!;
  const W = [blk.weights.W_Q, blk.weights.W_K, blk.weights.W_V];
  const C = [blk.Q, blk.K, blk.V];
  const names = ['Q', 'K', 'V'];
  const room = stackTitleRoom(L.qkv[0]!.a[1] - L.qkv[1]!.a[1], Math.max(rec.config.seqLen, rec.config.dModel) * SP, 3);
  b.begin(st);
  for (let i = 0; i < 3; i++) {
    const a = place(rec.blockInput, L.qkv[i]!.a);
    const w = place(W[i]!, L.qkv[i]!.b);
    const c = place(C[i]!, L.qkv[i]!.c);
    const v = b.visual(
      { kind: 'matmul', a, b: w, c, sourceA: L.input, seamlessA: true, seamlessB: true, transposeFlyB: false },
      0, { output: i < 2 },
    );
    const R = modelRefs(rec);
    b.inspect(v, part(a, R.x), part(w, [R.wq, R.wk, R.wv][i]!), part(c, [R.q, R.k, R.v][i]!));
    b.title('X', a, v, 'appear', room);
    b.title(`W_{${names[i]}}`, w, v, 'compute', room);
    b.title(names[i]!, c, v, 'compute', room);
  }
  b.end();
}

/** Multi-head attention (§5.9.4): per head Q_h·K_hᵀ → softmax → weights·V_h. */
export function buildAttention(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, tokens?: readonly string[]): void {
  const blk = rec.blocks[0]!;
  const dk = rec.config.dK;
  const vQ = vmaxOf(blk.Q);
  const vK = vmaxOf(blk.K);
  const vV = vmaxOf(blk.V);
  const vConcat = vmaxOf(blk.concat);
  const H = rec.config.numHeads;
  const room = H > 1 ? stackTitleRoom(L.mha[0]!.scores[1] - L.mha[1]!.scores[1], rec.config.seqLen * SP, H) : Infinity;
  b.begin(st);
  for (let h = 0; h < H; h++) {
    const M = L.mha[h]!;
    const qh = sliceCols(blk.Q, h * dk, (h + 1) * dk);
    const kTh = transposed(sliceCols(blk.K, h * dk, (h + 1) * dk));
    const a0 = place(qh, M.q, diverging(qh, vQ));
    const b0 = place(kTh, M.kT, diverging(kTh, vK));
    const scores = place(blk.attention_scores[h]!, M.scores);
    const g0 = b.visual({
      kind: 'matmul', a: a0, b: b0, c: scores,
      sourceA: M.qSrc, sourceB: M.kSrc,
      seamlessA: true, seamlessB: true, transposeFlyB: true,
    }, 0, { fadeOnTakeover: true });
    const HR = modelRefs(rec).heads[h]!;
    b.inspect(g0, part(a0, HR.q), part(b0, HR.kT), part(scores, HR.scores));
    b.title('Q', a0, g0, 'appear', room);
    b.title('K^{T}', b0, g0, 'compute', room);
    // With tokens, the scores carry them along rows and columns (issue 17) and the titles rise above the column names.
    const lift = tokens !== undefined ? 2.4 : 1.2;
    b.label('Scores', titlePos(scores, lift), g0, 'compute', { maxHeight: room });

    const weights = diverging(blk.attention_weights[h]!);
    const g1 = b.visual({ kind: 'activation', pre: scores, post: weights, source: M.scores, seamless: true }, 1);
    b.inspect(g1, part(scores, HR.scores), part(scores, HR.weights, weights));
    b.label('Softmax', titlePos(scores, lift), g1, 'appear', { maxHeight: room });
    if (tokens !== undefined) {
      for (const [owner, kind] of [[g0, 'compute'], [g1, 'appear']] as const) tokenLabels(b, scores, tokens, owner, kind);
    }

    const vh = sliceCols(blk.V, h * dk, (h + 1) * dk);
    const a2 = place(blk.attention_weights[h]!, M.scores, weights);
    const b2 = place(vh, M.v, diverging(vh, vV));
    const c2 = place(blk.head_outputs[h]!, M.out, diverging(blk.head_outputs[h]!, vConcat));
    const g2 = b.visual({
      kind: 'matmul', a: a2, b: b2, c: c2, sourceA: M.scores, sourceB: M.vSrc,
      seamlessA: true, seamlessB: false, transposeFlyB: false,
    }, 2, { output: true });
    b.inspect(g2, part(a2, HR.weights), part(b2, HR.v), part(c2, HR.out));
    b.title('V', b2, g2, 'compute', room);
    b.title('Head Out', c2, g2, 'compute', room);
  }
  b.end();
}

/** Concat + output projection (§5.9.5): the head outputs merge into one matrix, then ·W_O. */
export function buildConcat(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  const blk = rec.blocks[0]!;
  const dk = rec.config.dK;
  b.begin(st);
  const a = place(blk.concat, L.concat.a, diverging(blk.concat, vmaxOf(blk.concat)));
  const w = place(blk.weights.W_O, L.concat.b);
  const c = place(blk.attn_output, L.concat.c);
  const slices = L.mha.map((M, h) => ({ colStart: h * dk, colEnd: (h + 1) * dk, source: M.out }));
  const v = b.visual({
    kind: 'matmul', a, b: w, c, sliceSources: slices, seamlessA: true, seamlessB: true, transposeFlyB: false,
  }, 0, { output: true });
  const R = modelRefs(rec);
  b.inspect(v, part(a, R.concat), part(w, R.wo), part(c, R.attnOut));
  b.title('Concat', a, v, 'appear');
  b.title('W_{O}', w, v, 'compute');
  b.title('Attn Out', c, v, 'compute');
  b.end();
}

/** Residual + LayerNorm (§5.9.6 / §5.9.8): the skip matrix flies back, the add, then LayerNorm. */
export function buildResidual(
  b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, which: 1 | 2,
): void {
  const blk = rec.blocks[0]!;
  const R = which === 1 ? L.res1 : L.res2;
  const A = which === 1 ? rec.blockInput : blk.layernorm1;
  const B = which === 1 ? blk.attn_output : blk.ffn_output;
  const sum = which === 1 ? blk.residual1 : blk.residual2;
  const ln = which === 1 ? blk.layernorm1 : blk.layernorm2;
  const srcA = which === 1 ? L.input : L.ffn.ln1;
  const srcB = which === 1 ? L.concat.c : L.ffn.out;
  b.begin(st);
  const pa = place(A, R.a);
  const pb = place(B, R.b);
  const pc = place(sum, R.c);
  const add = b.visual({
    kind: 'add', a: pa, b: pb, c: pc, sourceA: srcA, sourceB: srcB, seamlessA: false, seamlessB: true,
  }, 0);
  const RR = modelRefs(rec);
  b.inspect(add, part(pa, which === 1 ? RR.x : RR.ln1), part(pb, which === 1 ? RR.attnOut : RR.ffnOut), part(pc, which === 1 ? RR.res1 : RR.res2));
  b.title(which === 1 ? 'X' : 'LN1', pa, add, 'appear');
  b.title(which === 1 ? 'Attn Out' : 'FFN Out', pb, add, 'appear');
  b.title('Add', pc, add, 'compute');
  const lnPost = diverging(ln);
  const lnv = b.visual({ kind: 'activation', pre: pc, post: lnPost, source: R.c, seamless: true }, 1, { output: true });
  b.inspect(lnv, part(pc, which === 1 ? RR.res1 : RR.res2), part(pc, which === 1 ? RR.ln1 : RR.ln2, lnPost));
  b.title('LayerNorm', pc, lnv, 'appear');
  b.end();
}

/** Feed-forward network (§5.9.7): LN1·W1 → ReLU → hidden·W2. */
export function buildFfn(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  const blk = rec.blocks[0]!;
  b.begin(st);
  const a0 = place(blk.layernorm1, L.ffn.ln1);
  const w1 = place(blk.weights.W1, L.ffn.w1);
  const pre = place(blk.ffn_pre_relu, L.ffn.pre);
  const m1 = b.visual({
    kind: 'matmul', a: a0, b: w1, c: pre, sourceA: L.ffn.ln1, seamlessA: true, seamlessB: true, transposeFlyB: false,
  }, 0, { fadeOnTakeover: true });
  const R = modelRefs(rec);
  b.inspect(m1, part(a0, R.ln1), part(w1, R.w1), part(pre, R.pre));
  b.title('LN1', a0, m1, 'appear');
  b.title('W1', w1, m1, 'compute');
  const hidden = diverging(blk.ffn_hidden);
  const relu = b.visual({ kind: 'activation', pre, post: hidden, source: L.ffn.pre, seamless: true }, 1);
  b.inspect(relu, part(pre, R.pre), part(pre, R.hidden, hidden));
  b.title('ReLU', pre, relu, 'appear');
  const a2 = place(blk.ffn_hidden, L.ffn.pre, hidden);
  const w2 = place(blk.weights.W2, L.ffn.w2);
  const out = place(blk.ffn_output, L.ffn.out);
  const m2 = b.visual({
    kind: 'matmul', a: a2, b: w2, c: out, sourceA: L.ffn.pre, seamlessA: true, seamlessB: true, transposeFlyB: false,
  }, 2, { output: true });
  b.inspect(m2, part(a2, R.hidden), part(w2, R.w2), part(out, R.ffnOut));
  b.title('W2', w2, m2, 'compute');
  b.title('FFN Out', out, m2, 'compute');
  b.end();
}

/** Block 1 output (§5.9.9): the LN2 result, in place. */
export function buildBlockOutput(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  b.begin(st);
  const m = place(rec.blocks[0]!.output, L.blocks[0]!);
  const v = b.visual({ kind: 'static', m, source: L.res2.c, seamless: true }, 0, { output: true });
  b.inspect(v, part(m, modelRefs(rec).blockOut[0]!));
  b.title('Block 1', m, v, 'appear');
  b.end();
}

/** Block k ≥ 2 (§5.9.10): the previous output flies 8 units on and changes colour in place. */
export function buildBlock(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, k: number): void {
  b.begin(st);
  const pre = place(rec.blocks[k - 2]!.output, L.blocks[k - 1]!);
  const post = diverging(rec.blocks[k - 1]!.output);
  const v = b.visual({
    kind: 'activation', pre, post, source: L.blocks[k - 2]!, seamless: true,
  }, 0, { output: true });
  const R = modelRefs(rec);
  b.inspect(v, part(pre, R.blockOut[k - 2]!), part(pre, R.blockOut[k - 1]!, post));
  b.title(`Block ${k}`, pre, v, 'appear');
  b.end();
}
