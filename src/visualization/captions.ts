/**
 * Captions (issue 13): for every stage and every compute group, one or two plain sentences on
 * what is computed and why, with the live shapes taken from the model config (S positions,
 * D = d_model, H heads of dk, F = d_ff, V tokens, B blocks), so they stay right for other sizes.
 * Checked against the model code (transformer/model.ts `blockForward` and `forwardInto`): no
 * biases in Q/K/V/W_O, scores scaled by 1/√dk with a causal mask, post-LayerNorm blocks whose
 * second residual adds the FFN output to LayerNorm 1's output, and a weight-tied head (logits =
 * output · Eᵀ) with temperature-scaled softmax.
 *
 * What it is: the words (built once per scene into a table) and `captionAt`, the closed-form
 * lookup of the caption on screen at time t. What it is not: drawing (the caption band lives in
 * the FrameDesc and core/text-renderer.ts) or deciding whether captions are on (the app does).
 */
import type { SceneKind, StageName } from '../animation/stages.js';
import { blockNumber } from '../animation/stages.js';
import type { Timeline } from '../animation/timeline.js';
import { currentStageIndex } from '../animation/timeline.js';
import type { FrameDesc } from '../frame.js';
import type { ModelConfig } from '../transformer/config.js';

/** What a scene's captions mention beyond the config. */
export interface CaptionFacts {
  readonly kind: SceneKind;
  /** Row whose prediction matters (0-based), or −1. */
  readonly predPos: number;
  /** The prediction as labelled, e.g. `w 72%`, or ''. */
  readonly prediction: string;
  /** Number of real characters in the window (the rest of the S rows hold padding). */
  readonly chars: number;
  /** 'final': the whole generated text, when known. */
  readonly text?: string;
}

/** Longest generated text quoted in the final caption (it must fit the three-line band). */
const MAX_QUOTED = 90;

/** Caption table: per stage (timeline order), one caption per compute group (at least one). */
export type CaptionTable = readonly (readonly string[])[];

/** The captions of one stage, one per compute group. */
export function stageCaptions(name: StageName, groups: number, c: ModelConfig, f: CaptionFacts): string[] {
  const { seqLen: S, dModel: D, numHeads: H, dK: dk, dFF: F, vocabSize: V, numBlocks: B } = c;
  const pad = f.chars < S ? ` The ${S - f.chars} empty position${S - f.chars === 1 ? '' : 's'} hold the padding token.` : '';
  // Random-weights mode has no trained weights: its matrices are random, not learned.
  const learned = f.kind === 'random' ? 'random' : 'learned';
  const k = blockNumber(name);
  if (k > 0) {
    if (f.kind === 'logits') {
      return [`Block ${k} of ${B}: the same attention and feed-forward steps as in the first step, now on the text with the new character (shown without the detail).`];
    }
    return [`Block ${k} of ${B} repeats the same steps — attention, residual + LayerNorm, feed-forward, residual + LayerNorm — with its own ${learned} weights, refining the ${S}×${D} matrix.`];
  }
  switch (name) {
    case 'char_display':
      if (f.kind === 'final') {
        const t = f.text;
        const what = t === undefined ? 'The generated text'
          : t.length <= MAX_QUOTED ? `The generated text, "${t}"` : `The generated text (${t.length} characters, shown in full in the terminal)`;
        const window = t !== undefined && t.length > f.chars ? `; the model always saw its last ${S} characters` : '';
        return [`${what}: after the prompt, every character was chosen one at a time from the model's predictions${window}.`];
      }
      return [`The text goes in one character per position: each is looked up by its id in the ${V}-token vocabulary, and the model sees at most ${S} characters at once (its context).`];
    case 'input':
      if (f.kind === 'random') {
        return [`Random-weights mode: the input X is a ${S}×${D} matrix of random numbers standing in for embedded text; the blocks below use random weights too.`];
      }
      return [`Each character becomes a learned vector of ${D} numbers (its row of the ${V}×${D} embedding table) plus a learned vector for its position: the ${S}×${D} input matrix X.${pad}`];
    case 'qkv_projection':
      return [`Each position's ${D} numbers are multiplied by three ${learned} ${D}×${D} matrices W_{Q}, W_{K} and W_{V}, giving its query (what it looks for), key (what it offers) and value (what it passes on).`];
    case 'multi_head_attn':
      return fit(groups, [
        `${H} heads, each using ${dk} of the ${D} columns: every query is compared with every key (Q·K^{T}, divided by √${dk}), giving ${S}×${S} scores. A position may only look back, so later positions are masked out.`,
        'Softmax turns each row of scores into attention weights that are positive and sum to 1: how much each position listens to each earlier one.',
        `Each head mixes the value vectors with those weights (weights × V), giving every position a ${dk}-number summary of what it attended to.`,
      ]);
    case 'concat_output_proj':
      return [`The ${H} heads' outputs are placed side by side (${S}×${D}) and multiplied by the ${learned} ${D}×${D} matrix W_{O}, combining what the heads found into ${D} numbers per position.`];
    case 'residual_ln1':
      return fit(groups, [
        'Residual connection: the attention output is added to the block\'s input X, so each position keeps what it had and adds what it gathered.',
        `LayerNorm: each row's ${D} numbers are shifted and scaled to mean 0 and variance 1, then by ${f.kind === 'random' ? 'its' : 'learned'} weights (γ, β), keeping the values in a steady range.`,
      ]);
    case 'ffn':
      return fit(groups, [
        `The feed-forward network works on each position on its own: its ${D} numbers times a ${learned} ${D}×${F} matrix W1, plus a bias, give ${F} hidden features.`,
        'ReLU keeps the positive features and sets the negative ones to zero — the non-linearity that lets the network compute more than sums.',
        `A ${learned} ${F}×${D} matrix W2, plus a bias, maps the ${F} features back to ${D} numbers per position.`,
      ]);
    case 'residual_ln2':
      return fit(groups, [
        'Second residual connection: the feed-forward output is added to the output of LayerNorm 1.',
        `LayerNorm 2 normalises each row again; the result (${S}×${D}) is the output of block 1.`,
      ]);
    case 'output':
      return [`Block 1's output has the input's ${S}×${D} shape, but each position now carries what it gathered from itself and the positions before it.`];
    case 'output_projection':
      return [`Vocabulary projection: each position's ${D} numbers are multiplied by the transposed ${V}×${D} embedding table (the input's own weights, reused), giving ${V} scores (logits), one per token.`];
    case 'token_probs': {
      const row = f.predPos >= 0 ? `row ${f.predPos + 1}, the last character's position,` : 'the last row';
      const [ch, pct] = splitPrediction(f.prediction);
      const chosen = ch === '' ? '' : `: here ${ch === ' ' ? 'a space' : `'${ch}'`} at ${pct}`;
      return fit(groups, [
        `Softmax turns each row's ${V} logits into probabilities that sum to 1; the logits are divided by the temperature first (low = sharper, high = more even).`,
        `Only ${row} matters: it holds the model's guess for the next character.`,
        `The next character is drawn from that row's probabilities (at temperature 0 the most likely one is taken)${chosen}. It is added to the text, and the model runs again.`,
      ]);
    }
    default:
      return [''];
  }
}

/** `w 72%` → ['w', '72%']; a space prediction (`  72%`) → [' ', '72%']. */
function splitPrediction(label: string): [string, string] {
  const i = label.lastIndexOf(' ');
  return i <= 0 ? [label, ''] : [label.slice(0, i), label.slice(i + 1)];
}

/** The first n of the group captions (or all of them merged onto the last when a stage has fewer groups). */
function fit(n: number, texts: string[]): string[] {
  if (n >= texts.length || n < 1) return texts;
  return [...texts.slice(0, n - 1), texts.slice(n - 1).join(' ')];
}

/**
 * The caption table of a scene: one entry per timeline stage, one caption per compute group.
 *
 * @example captionTable(tl, config, {kind: 'full', predPos: 4, prediction: 'w 72%', chars: 5})[2][0]
 *   // → "Each position's 16 numbers are multiplied by three learned 16×16 matrices …"
 */
export function captionTable(tl: Timeline, c: ModelConfig, f: CaptionFacts): CaptionTable {
  return Object.freeze(tl.stages.map((st) => Object.freeze(stageCaptions(st.name, Math.max(1, st.segments.length), c, f))));
}

/**
 * The caption on screen at time t (closed form, allocation-free): the current stage's caption
 * for the compute group running — the first group's while the stage appears, the last one's
 * while it settles and in the return.
 */
export function captionAt(table: CaptionTable, tl: Timeline, t: number): string {
  const i = currentStageIndex(tl, t);
  if (i < 0) return '';
  const texts = table[i]!;
  if (texts.length === 1) return texts[0]!;
  const st = tl.stages[i]!;
  const u = t - st.start - st.appear;
  if (u < 0) return texts[0]!;
  if (u >= st.compute) return texts[texts.length - 1]!;
  const local = u / st.compute;
  const seg = st.segments;
  for (let g = 0; g < seg.length && g < texts.length; g++) if (local < seg[g]![1]) return texts[g]!;
  return texts[texts.length - 1]!;
}

/** Lines the caption band reserves (captions are written to fit three lines at 1600 px). */
export const CAPTION_LINES = 3;

/**
 * Put the caption at time t into the frame's caption band (after frameAt, which clears it).
 * Allocation-free.
 */
export function applyCaption(out: FrameDesc, table: CaptionTable, tl: Timeline, t: number): void {
  out.caption = captionAt(table, tl, t);
  out.captionLines = CAPTION_LINES;
}
