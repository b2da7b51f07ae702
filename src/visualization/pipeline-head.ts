/**
 * The LM head and the abbreviated scenes' stages (spec §5.9.11–5.9.13, §5.12, §5.10.2): the
 * character-display placeholder, vocabulary projection (output·Eᵀ → logits), token probabilities
 * (softmax → row selection → the chosen token), and the logits-only block hops and static logits.
 *
 * Deliberate fix of spec §11.3 #1/#2: the highlighted cell is the token actually chosen (the
 * sampled id, = argmax at temperature 0), so highlight, label, percentage and returning character
 * agree; the `Softmax` title crossfades into `argmax` instead of overlapping it.
 *
 * What it is: build-time wiring only. What it is not: the detailed block (pipeline.ts).
 */
import type { Stage } from '../animation/timeline.js';
import type { ForwardRecord } from '../transformer/activations.js';
import type { Matrix } from '../transformer/tensor.js';
import { PAD_ID, tokenLabel } from '../transformer/vocab.js';
import { diverging, sequentialFading, sequentialPerRow, sequentialPerRowFading } from './colormap.js';
import type { Layout } from './layout.js';
import type { SceneBuilder } from './scene-builder.js';
import { place } from './visuals.js';
import { rowPos, titlePos, tokenRowLabel } from './scene-builder.js';
import type { Vec3 } from './visual-types.js';
import { SP } from './visual-types.js';
import { part } from './inspect-refs.js';
import { modelRefs } from './model-refs.js';

/** Character display (§5.11.1): a 2×2 placeholder that carries the stage state and never draws. */
export function buildCharPlaceholder(b: SceneBuilder, st: Stage, charZ: number, y: number): void {
  b.begin(st);
  const zeros: Matrix = { rows: 2, cols: 2, data: new Float32Array(4) };
  b.visual({ kind: 'static', m: place(zeros, [SP / 2, y + SP / 2, charZ]), seamless: false }, 0, { drawn: false });
  b.end();
}

/** Vocabulary projection (§5.9.11): output · Eᵀ → logits. */
export function buildOutputProjection(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  if (rec.W_out === undefined || rec.logits === undefined) throw new Error('output projection needs W_out and logits');
  b.begin(st);
  const a = place(rec.output, L.outProj.a);
  const w = place(rec.W_out, L.outProj.b);
  const c = place(rec.logits, L.outProj.c);
  const v = b.visual({
    kind: 'matmul', a, b: w, c, sourceA: L.outProj.a, seamlessA: true, seamlessB: true, transposeFlyB: false,
  }, 0, { output: true });
  const R = modelRefs(rec);
  b.inspect(v, part(a, R.blockOut[rec.config.numBlocks - 1]!), part(w, R.wOut!), part(c, R.logits!));
  b.title('Output', a, v, 'appear');
  b.title('Embed^{T}', w, v, 'compute');
  b.title('Logits', c, v, 'compute');
  b.end();
}

/** Logits-only block hops (§5.12 step 2–3): block k's output flies on from the previous place. */
export function buildBlockHop(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, k: number): void {
  b.begin(st);
  const m = place(rec.blocks[k - 1]!.output, L.logitsOnly.blocks[k - 1]!);
  const source = k === 1 ? L.input : L.logitsOnly.blocks[k - 2]!;
  const v = b.visual({ kind: 'static', m, source, seamless: true }, 0);
  b.inspect(v, part(m, modelRefs(rec).blockOut[k - 1]!));
  b.title(`Block ${k}`, m, v, 'appear');
  b.end();
}

/** Logits-only static logits (§5.12 step 4), flying from block B's place. */
export function buildStaticLogits(b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout): void {
  if (rec.logits === undefined) throw new Error('logits-only scene needs logits');
  b.begin(st);
  const B = rec.config.numBlocks;
  const m = place(rec.logits, L.logitsOnly.logits);
  const v = b.visual({ kind: 'static', m, source: L.logitsOnly.blocks[B - 1]!, seamless: true }, 0);
  b.inspect(v, part(m, modelRefs(rec).logits!));
  b.title('Logits', m, v, 'appear');
  b.end();
}

export interface Prediction {
  /** Row whose next-token prediction matters (−1 → the last row, spec §3.2 edge case). */
  readonly row: number;
  /** The chosen (sampled, or argmax at T = 0) token id. */
  readonly id: number;
  /** Output label of that row, e.g. `e 85%`. */
  readonly label: string;
}

/** The prediction of a record: row, chosen id and its label `c NN%` (spec §3.2). */
export function predictionOf(rec: ForwardRecord, predPos: number, predId: number | undefined, outputLabels?: readonly string[]): Prediction {
  const S = rec.config.seqLen;
  const row = predPos < 0 || predPos >= S ? S - 1 : predPos;
  const probs = rec.probs;
  const id = predId ?? (rec.predictedIds !== undefined ? rec.predictedIds[row]! : PAD_ID);
  const pct = probs !== undefined ? Math.round(100 * probs.data[row * probs.cols + id]!) : 0;
  // Given output labels are used as they are (empty for a final step); otherwise `c NN%`.
  const label = outputLabels !== undefined ? (outputLabels[row] ?? '') : `${tokenLabel(id)} ${pct}%`;
  return { row, id, label };
}

/** Token probabilities (§5.9.13): logits → softmax → the prediction row → the chosen token. */
export function buildTokenProbs(
  b: SceneBuilder, st: Stage, rec: ForwardRecord, L: Layout, logitsAnchor: Vec3, pred: Prediction,
): void {
  const probs = rec.probs;
  const logits = rec.logits;
  if (probs === undefined || logits === undefined) throw new Error('token probabilities need logits and probs');
  const S = probs.rows;
  const Vn = probs.cols;
  const rowSel: Matrix = { rows: S, cols: Vn, data: new Float32Array(S * Vn) };
  rowSel.data.set(probs.data.subarray(pred.row * Vn, (pred.row + 1) * Vn), pred.row * Vn);
  const oneHot: Matrix = { rows: S, cols: Vn, data: new Float32Array(S * Vn) };
  if (pred.id >= 0 && pred.id < Vn) oneHot.data[pred.row * Vn + pred.id] = 1;
  const perRow = sequentialPerRow(probs);
  const rowColors = sequentialPerRowFading(rowSel);
  b.begin(st);
  const p0 = place(logits, L.probs, diverging(logits));
  const g0 = b.visual({ kind: 'activation', pre: p0, post: perRow, source: logitsAnchor, seamless: true }, 0);
  const p1 = place(probs, L.probs, perRow);
  const g1 = b.visual({ kind: 'activation', pre: p1, post: rowColors, source: L.probs, seamless: true }, 1);
  const p2 = place(rowSel, L.probs, rowColors);
  const oneHotColors = sequentialFading(oneHot);
  const g2 = b.visual({ kind: 'activation', pre: p2, post: oneHotColors, source: L.probs, seamless: true }, 2, { output: true });
  const R = modelRefs(rec);
  // Every role of these cubes shows the model's probabilities (row selection and one-hot are only colourings).
  b.inspect(g0, part(p0, R.logits!), part(p0, R.probs!, perRow));
  b.inspect(g1, part(p1, R.probs!), part(p1, R.probs!, rowColors));
  b.inspect(g2, part(p2, R.probs!), part(p2, R.probs!, oneHotColors));
  const argmax = b.label('argmax', titlePos(p0, 2.2), g2, 'appear');
  b.label('Softmax', titlePos(p0, 2.2), g0, 'appear', { hiddenBy: argmax });
  // Every column named (issue 17): ␣ for the space, PAD (dimmed) for padding.
  for (let c = 0; c < Vn; c++) {
    const tok = tokenRowLabel(c === PAD_ID ? '_' : tokenLabel(c));
    // PAD (the last column) starts at its column and runs outward, clear of its neighbour's name.
    b.label(tok.text, [L.probs[0] - c * SP + (tok.dim ? 0.15 : 0), L.probs[1] + 0.8, L.probs[2]], g0, 'appear', {
      background: false, size: 'row', dim: tok.dim, alignX: tok.dim ? 0 : 0.5,
    });
  }
  b.label(pred.label, rowPos(p0, pred.row), g2, 'appear', { alignX: 0 });
  b.end();
}
