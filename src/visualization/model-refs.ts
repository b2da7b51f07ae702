/**
 * The MatrixRefs of one forward record (issue 17): every matrix the scene can draw, named by the
 * golden fixtures' keys, with the formula that produced it pointing at its operands' refs. Built
 * once per record (cached) and shared by every visual that shows the same matrix, so the inspector
 * finds the same operands whichever stage a cube belongs to.
 *
 * Only block 1 is drawn in detail; blocks 2…B appear as their outputs (LayerNorm 2 of their own
 * residual). What it is not: placing or drawing (pipeline.ts), wording (inspect.ts).
 *
 * Symbols: S = seqLen, D = dModel, H = numHeads, dk = dK.
 */
import type { ForwardRecord } from '../transformer/activations.js';
import type { Matrix } from '../transformer/tensor.js';
import type { MatrixRef } from './inspect-refs.js';
import { matrixRef } from './inspect-refs.js';
import { sliceCols, transposed } from './scene-builder.js';
import { vmaxOf } from './colormap.js';

export interface HeadRefs {
  readonly q: MatrixRef; readonly kT: MatrixRef; readonly scores: MatrixRef; readonly weights: MatrixRef;
  readonly v: MatrixRef; readonly out: MatrixRef;
}

export interface ModelRefs {
  readonly x: MatrixRef;
  readonly wq: MatrixRef; readonly wk: MatrixRef; readonly wv: MatrixRef;
  readonly q: MatrixRef; readonly k: MatrixRef; readonly v: MatrixRef;
  readonly heads: readonly HeadRefs[];
  readonly concat: MatrixRef; readonly wo: MatrixRef; readonly attnOut: MatrixRef;
  readonly res1: MatrixRef; readonly ln1: MatrixRef;
  readonly w1: MatrixRef; readonly pre: MatrixRef; readonly hidden: MatrixRef; readonly w2: MatrixRef; readonly ffnOut: MatrixRef;
  readonly res2: MatrixRef; readonly ln2: MatrixRef;
  /** Block k's output is blockOut[k − 1]. */
  readonly blockOut: readonly MatrixRef[];
  readonly wOut?: MatrixRef; readonly logits?: MatrixRef; readonly probs?: MatrixRef;
}

const CACHE = new WeakMap<ForwardRecord, ModelRefs>();

/** X − E: the positional part of the block input (CharLM), for the input's formula. */
function minus(a: Matrix, b: Matrix): Matrix {
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i]! - b.data[i]!;
  return { rows: a.rows, cols: a.cols, data };
}

/**
 * The refs of `rec` (built once per record).
 * @example modelRefs(rec).heads[1].kT.key // → 'K'
 */
export function modelRefs(rec: ForwardRecord): ModelRefs {
  let r = CACHE.get(rec);
  if (r === undefined) {
    r = build(rec);
    CACHE.set(rec, r);
  }
  return r;
}

function build(rec: ForwardRecord): ModelRefs {
  const blk = rec.blocks[0]!;
  const w = blk.weights;
  const dk = rec.config.dK;
  const H = rec.config.numHeads;
  const B = rec.config.numBlocks;
  const weight = { rowTokens: false };
  const x = rec.embedded !== undefined
    ? matrixRef('input', 'X', rec.blockInput, {
      formula: {
        kind: 'add',
        a: matrixRef('embedded', 'Embed', rec.embedded, { block: null }),
        b: matrixRef('pos_encoding', 'Pos', minus(rec.blockInput, rec.embedded), { block: null }),
      },
    })
    : matrixRef('input', 'X', rec.blockInput);
  const wq = matrixRef('W_Q', 'W_{Q}', w.W_Q, weight);
  const wk = matrixRef('W_K', 'W_{K}', w.W_K, weight);
  const wv = matrixRef('W_V', 'W_{V}', w.W_V, weight);
  const q = matrixRef('Q', 'Q', blk.Q, { formula: { kind: 'matmul', a: x, b: wq } });
  const k = matrixRef('K', 'K', blk.K, { formula: { kind: 'matmul', a: x, b: wk } });
  const v = matrixRef('V', 'V', blk.V, { formula: { kind: 'matmul', a: x, b: wv } });
  const heads = Array.from({ length: H }, (_, h): HeadRefs => {
    const head = h + 1;
    const off = h * dk;
    const qh = matrixRef('Q', 'Q', sliceCols(blk.Q, off, off + dk), { head, colOffset: off, formula: q.formula, colourScale: vmaxOf(blk.Q) });
    const kT = matrixRef('K', 'K^{T}', transposed(sliceCols(blk.K, off, off + dk)), {
      head, colOffset: off, transposed: true, rowTokens: false, colTokens: true, formula: k.formula, colourScale: vmaxOf(blk.K),
    });
    const scores = matrixRef('attention_scores', 'Scores', blk.attention_scores[h]!, {
      head, colTokens: true, formula: { kind: 'matmul', a: qh, b: kT, scale: 1 / Math.sqrt(dk), causal: true },
    });
    const weights = matrixRef('attention_weights', 'Softmax', blk.attention_weights[h]!, {
      head, colTokens: true, formula: { kind: 'softmax', x: scores, causal: true },
    });
    const vh = matrixRef('V', 'V', sliceCols(blk.V, off, off + dk), { head, colOffset: off, formula: v.formula, colourScale: vmaxOf(blk.V) });
    const out = matrixRef('head_outputs', 'Head Out', blk.head_outputs[h]!, {
      head, formula: { kind: 'matmul', a: weights, b: vh }, colourScale: vmaxOf(blk.concat),
    });
    return Object.freeze({ q: qh, kT, scores, weights, v: vh, out });
  });
  const concat = matrixRef('concat', 'Concat', blk.concat, { formula: { kind: 'concat', heads: heads.map((hd) => hd.out), dk } });
  const wo = matrixRef('W_O', 'W_{O}', w.W_O, weight);
  const attnOut = matrixRef('attn_output', 'Attn Out', blk.attn_output, { formula: { kind: 'matmul', a: concat, b: wo } });
  const res1 = matrixRef('residual1', 'Add', blk.residual1, { formula: { kind: 'add', a: x, b: attnOut } });
  const ln1 = matrixRef('layernorm1', 'LN1', blk.layernorm1, {
    formula: { kind: 'layernorm', x: res1, gamma: w.gamma1.data, beta: w.beta1.data, which: 1 },
  });
  const w1 = matrixRef('W1', 'W1', w.W1, weight);
  const pre = matrixRef('ffn_pre_relu', 'Pre-ReLU', blk.ffn_pre_relu, {
    formula: { kind: 'matmul', a: ln1, b: w1, bias: w.b1.data, biasName: 'b1' },
  });
  const hidden = matrixRef('ffn_hidden', 'ReLU', blk.ffn_hidden, { formula: { kind: 'relu', x: pre } });
  const w2 = matrixRef('W2', 'W2', w.W2, weight);
  const ffnOut = matrixRef('ffn_output', 'FFN Out', blk.ffn_output, {
    formula: { kind: 'matmul', a: hidden, b: w2, bias: w.b2.data, biasName: 'b2' },
  });
  const res2 = matrixRef('residual2', 'Add', blk.residual2, { formula: { kind: 'add', a: ln1, b: ffnOut } });
  const ln2 = matrixRef('layernorm2', 'LN2', blk.layernorm2, {
    formula: { kind: 'layernorm', x: res2, gamma: w.gamma2.data, beta: w.beta2.data, which: 2 },
  });
  const blockOut = rec.blocks.map((bk, i) => i === 0
    ? matrixRef('output', 'Block 1', bk.output, { formula: ln2.formula })
    : matrixRef('output', `Block ${i + 1}`, bk.output, {
      block: i + 1,
      formula: {
        kind: 'layernorm', which: 2, gamma: bk.weights.gamma2.data, beta: bk.weights.beta2.data,
        x: matrixRef('residual2', 'Add', bk.residual2, { block: i + 1 }),
      },
    }));
  let head: Pick<ModelRefs, 'wOut' | 'logits' | 'probs'> = {};
  if (rec.W_out !== undefined && rec.logits !== undefined && rec.probs !== undefined) {
    const wOut = matrixRef('embedding', 'Embed^{T}', rec.W_out, { block: null, transposed: true, rowTokens: false });
    const logits = matrixRef('logits', 'Logits', rec.logits, { block: null, formula: { kind: 'matmul', a: blockOut[B - 1]!, b: wOut } });
    const probs = matrixRef('probs', 'Probs', rec.probs, { block: null, formula: { kind: 'softmax', x: logits, causal: false, temperature: true } });
    head = { wOut, logits, probs };
  }
  return Object.freeze({
    x, wq, wk, wv, q, k, v, heads: Object.freeze(heads), concat, wo, attnOut, res1, ln1, w1, pre, hidden, w2, ffnOut,
    res2, ln2, blockOut: Object.freeze(blockOut), ...head,
  });
}
