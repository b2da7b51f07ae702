/**
 * buildScene: the immutable scene of one generation step (spec §3.3–3.4, §5, §6.3). Everything
 * that does not depend on t is computed here once — the timeline, every visual with its colours,
 * the label records and their closed-form fade switches, the character data, the noise table —
 * so that `frameAt` (frame-at.ts) only evaluates closed-form functions of t.
 *
 * Scene kinds: 'full' (first step: character display → the detailed block 1 → blocks 2…B → LM
 * head → return), 'random' (random-weights mode: no characters, no LM head), 'logits' (middle
 * steps: block hops, static logits, token probabilities) and 'final' (the big characters only).
 *
 * What it is not: per-frame evaluation (frame-at.ts), drawing primitives (visuals.ts).
 */
import type { SceneKind } from '../animation/stages.js';
import { blockNumber } from '../animation/stages.js';
import type { SpeedTables } from '../animation/speeds.js';
import type { Timeline } from '../animation/timeline.js';
import { buildTimeline } from '../animation/timeline.js';
import { noiseTable } from '../animation/noise.js';
import type { ForwardRecord } from '../transformer/activations.js';
import { PAD_ID, tokenLabel } from '../transformer/vocab.js';
import { UserError } from '../errors.js';

import type { Layout } from './layout.js';
import { layout } from './layout.js';
import type { CharacterData, CharFrame } from './characters.js';
import { charPosition, charSpacing } from './characters.js';
import type { LabelFades } from './labels.js';
import { LabelFadeScan } from './labels.js';
import { buildAttention, buildBlock, buildBlockOutput, buildConcat, buildFfn, buildInput, buildQkv, buildResidual } from './pipeline.js';
import {
  buildBlockHop, buildCharPlaceholder, buildOutputProjection, buildStaticLogits, buildTokenProbs, predictionOf,
} from './pipeline-head.js';
import type { CaptionTable } from './captions.js';
import { captionTable } from './captions.js';
import type { ChoiceData } from './choice-chart.js';
import { buildChoice } from './choice-chart.js';
import { rowPos, SceneBuilder, tokenRowLabel } from './scene-builder.js';
import type { CharReturn, DisplayChar, SceneCore, SceneLabel } from './scene-types.js';
import type { Vec3 } from './visual-types.js';
import type { InspectPart } from './inspect-refs.js';

/** Overlay title of the final scene's character display. */
export const FINAL_TITLE = 'Generated Text';

/** Scene inputs come from the model code: a mismatch means the weights file and its config disagree. */
const SCENE_HINT = 'the weights file does not match its own shapes: retrain it, or pass other --weights';

/** The noise table is a constant of the program (spec §5.3): computed once, shared by every scene. */
const NOISE = noiseTable();

export interface SceneInput {
  readonly kind: SceneKind;
  readonly record: ForwardRecord;
  /** labels(ids) of the step (S labels, `_` for PAD); none in random mode. */
  readonly inputLabels?: readonly string[];
  /** S strings, only row predPos non-empty (e.g. `e 85%`). */
  readonly outputLabels?: readonly string[];
  /** Row whose prediction matters (len(cur) − 1). */
  readonly predPos?: number;
  /** The chosen token id of row predPos (the sampled one; argmax at T = 0). */
  readonly predId?: number;
  /** Character spacing handed over from the previous step (spec §5.11.3). */
  readonly charSpacing?: number;
  /**
   * 'final' scenes: the whole generated text (issue 13). Past the context the display shows the
   * model's last window; the title and caption say how much of the text that is.
   */
  readonly fullText?: string;
}

export interface SceneOptions {
  readonly speeds?: SpeedTables;
}

export interface Scene extends SceneCore {
  readonly kind: SceneKind;
  readonly timeline: Timeline;
  readonly layout: Layout;
  readonly labels: readonly SceneLabel[];
  /** The labels' fades over the whole timeline (the rest of the scan done when read). */
  readonly fades: LabelFades;
  /** The scan behind them: in slices (the window's warm-up) or up to the time a frame shows. */
  readonly fadeScan: Pick<LabelFadeScan, 'advance' | 'through'>;
  readonly characters: CharacterData;
  readonly charFrame: CharFrame;
  /** Spacing the next step's character display should use (spec §5.11.3). */
  readonly nextCharSpacing: number;
  /** Stage-name overlay per stage (spec §7.5). */
  readonly titles: readonly string[];
  readonly noise: Float32Array;
  /** Character positions (for the character framing) and the next step's, if a character returns. */
  readonly charPositions: readonly Vec3[];
  readonly nextCharPositions?: readonly Vec3[];
  /** Captions per stage and compute group (issue 13; shown by the app through `captionAt`). */
  readonly captions: CaptionTable;
  /** The choice chart of the token-probabilities stage (issue 13), or undefined. */
  readonly choice?: ChoiceData;
  readonly parts: readonly (readonly InspectPart[])[];
  /** Token ids of the rows (undefined in random mode), for the inspector. */
  readonly tokenIds?: Int32Array;
}

function checkInput(inp: SceneInput): void {
  const rec = inp.record;
  const S = rec.config.seqLen;
  if (rec.blocks.length !== rec.config.numBlocks) {
    throw new UserError(`scene: the record has ${rec.blocks.length} blocks but the config says ${rec.config.numBlocks}`, { hint: SCENE_HINT });
  }
  if (inp.inputLabels !== undefined && inp.inputLabels.length !== S) {
    throw new UserError(`scene: ${inp.inputLabels.length} input labels for seq_len ${S}`, { hint: SCENE_HINT });
  }
  if ((inp.kind === 'full' || inp.kind === 'logits') && (rec.logits === undefined || rec.probs === undefined || rec.W_out === undefined)) {
    throw new UserError(`scene: a '${inp.kind}' scene needs a CharLM record (logits, probs, W_out)`, { hint: SCENE_HINT });
  }
}

/** Brightness kept by the cubes of PAD rows (issue 17: padding visibly marked). */
export const PAD_ROW_DIM = 0.4;

/** Darken every token-row matrix's PAD rows, once per colour array (arrays are shared between roles). */
function dimPadRows(b: SceneBuilder, ids: Int32Array): void {
  const done = new Set<Float32Array>();
  for (const parts of b.parts) {
    for (const p of parts) {
      if (!p.ref.rowTokens || p.ref.transposed || done.has(p.colors)) continue;
      done.add(p.colors);
      const C = p.placed.cols;
      for (let r = 0; r < p.placed.rows && r < ids.length; r++) {
        if (ids[r] !== PAD_ID) continue;
        for (let o = r * C * 4; o < (r + 1) * C * 4; o += 4) {
          p.colors[o] *= PAD_ROW_DIM;
          p.colors[o + 1] *= PAD_ROW_DIM;
          p.colors[o + 2] *= PAD_ROW_DIM;
        }
      }
    }
  }
}

/**
 * Build the scene of one step.
 *
 * @example
 * const scene = buildScene({kind: 'random', record: randomModeForward(config)});
 * frameAt(scene, 19.6, INITIAL_VIEW, 16 / 9, frame, createFrameScratch(scene));
 */
export function buildScene(inp: SceneInput, opts: SceneOptions = {}): Scene {
  checkInput(inp);
  const rec = inp.record;
  const cfg = rec.config;
  const L = layout(cfg);
  const labelsIn = inp.kind === 'random' ? undefined : inp.inputLabels;
  const displayed = (labelsIn ?? []).map((text, row) => ({ text, row })).filter((c) => c.text !== '_');
  const hasCharDisplay = inp.kind === 'final' || displayed.length > 0;
  const timeline = buildTimeline(inp.kind, { numBlocks: cfg.numBlocks, hasCharDisplay, speeds: opts.speeds });
  const b = new SceneBuilder();
  const pred = predictionOf(rec, inp.predPos ?? -1, inp.predId, inp.outputLabels);
  const y = L.input[1];
  let inputPlacedRows: Vec3[] = [];
  for (const st of timeline.stages) {
    const k = blockNumber(st.name);
    switch (st.name) {
      case 'char_display': buildCharPlaceholder(b, st, L.charZ, y); break;
      case 'input': buildInput(b, st, rec, L, labelsIn, inp.kind !== 'logits'); break;
      case 'qkv_projection': buildQkv(b, st, rec, L); break;
      case 'multi_head_attn': buildAttention(b, st, rec, L, labelsIn); break;
      case 'concat_output_proj': buildConcat(b, st, rec, L); break;
      case 'residual_ln1': buildResidual(b, st, rec, L, 1); break;
      case 'ffn': buildFfn(b, st, rec, L); break;
      case 'residual_ln2': buildResidual(b, st, rec, L, 2); break;
      case 'output': buildBlockOutput(b, st, rec, L); break;
      case 'output_projection':
        if (inp.kind === 'logits') buildStaticLogits(b, st, rec, L);
        else buildOutputProjection(b, st, rec, L);
        break;
      case 'token_probs':
        buildTokenProbs(b, st, rec, L, inp.kind === 'logits' ? L.logitsOnly.logits : L.outProj.c, pred);
        break;
      default:
        if (k < 1) throw new Error(`scene: unknown stage ${st.name}`);
        if (inp.kind === 'logits') buildBlockHop(b, st, rec, L, k);
        else buildBlock(b, st, rec, L, k);
    }
    if (st.name === 'input') {
      const x = b.visuals[b.visuals.length - 1]!.visual;
      if (x.kind === 'static') inputPlacedRows = Array.from({ length: x.m.rows }, (_, r) => rowPos(x.m, r));
    }
  }
  const stages = b.stages;
  const idx = (name: string): number => stages.findIndex((s) => s.name === name);
  const charIdx = idx('char_display');
  const inputIdx = idx('input');
  const probsIdx = idx('token_probs');

  // Characters (spec §5.11).
  const cs = inp.charSpacing ?? charSpacing(displayed.length);
  const charZ = L.charZ;
  const chars: DisplayChar[] = displayed.map((c, i) => ({
    text: c.text,
    start: charPosition(i, displayed.length, cs, y, charZ),
    end: inp.kind === 'final' ? undefined : inputPlacedRows[c.row],
  }));
  const predChar = pred.id === PAD_ID ? undefined : tokenLabel(pred.id);
  let ret: CharReturn | undefined;
  let nextCharPositions: Vec3[] | undefined;
  if (probsIdx >= 0 && inp.kind !== 'final' && predChar !== undefined && rec.probs !== undefined) {
    // A full window slides (issue 13): the next step sees characters 1 … S−1 and the new one.
    const slide = pred.row + 2 > cfg.seqLen ? 1 : 0;
    const n2 = pred.row + 2 - slide;
    const cs2 = charSpacing(n2);
    const existing: DisplayChar[] = [];
    for (let i = 0; i < n2 - 1; i++) {
      const text = labelsIn?.[i + slide] ?? '';
      existing.push({ text: text === '_' ? '' : text, start: charPosition(i, n2, cs2, y, charZ) });
    }
    const oldest = labelsIn?.[0] ?? '';
    const leaving = slide === 1 && oldest !== '_' && oldest.trim() !== ''
      ? { text: oldest, start: charPosition(-1, n2, cs2, y, charZ) } : undefined;
    const endPos = charPosition(n2 - 1, n2, cs2, y, charZ);
    const probsPlaced = b.visuals[stages[probsIdx]!.firstVisual]!.visual;
    const start = probsPlaced.kind === 'activation' ? rowPos(probsPlaced.pre, pred.row) : endPos;
    const space = pred.label.indexOf(' ', predChar === ' ' ? 1 : 0);
    ret = {
      text: predChar, start, end: endPos, existing: existing.filter((e) => e.text.length > 0),
      pct: space >= 0 ? pred.label.slice(space + 1) : '', nextSpacing: cs2, leaving,
    };
    nextCharPositions = [...existing.map((e) => e.start), endPos];
  }
  const persistent = inp.kind === 'logits' && labelsIn !== undefined
    ? labelsIn.map((text, r) => ({ text: tokenRowLabel(text).text, pos: inputPlacedRows[r]! })).filter((p) => p.text.length > 0 && p.pos !== undefined)
    : [];
  const persistentFrom = charIdx >= 0 ? stages[charIdx]!.timing.start + stages[charIdx]!.timing.appear + stages[charIdx]!.timing.compute
    : inputIdx >= 0 ? stages[inputIdx]!.timing.start : 0;
  const characters: CharacterData = { chars, spacing: cs, fadeIn: inp.kind === 'full', persistent, persistentFrom, ret };

  const core: SceneCore = {
    stages, visuals: b.visuals, charIdx, inputIdx,
    fastFadeIdx: ret !== undefined ? probsIdx : -1,
    total: timeline.total, returnDuration: timeline.returnDuration,
  };
  // The label fades (a scan of the whole timeline, ≈ 60 ms) are scanned as far as a frame needs,
  // or in the window's warm-up slices (issue 15, first frame first).
  const fadeScan = new LabelFadeScan(core, b.labels);
  const predicts = inp.predPos !== undefined && inp.predPos >= 0 && probsIdx >= 0;
  const captions = captionTable(timeline, cfg, {
    kind: inp.kind, predPos: predicts ? pred.row : -1, prediction: predicts ? pred.label : '', chars: displayed.length,
    text: inp.kind === 'final' ? inp.fullText : undefined,
  });
  const finalTitle = inp.kind === 'final' && inp.fullText !== undefined && inp.fullText.length > displayed.length
    ? `${FINAL_TITLE} (last ${displayed.length} of ${inp.fullText.length} characters)` : FINAL_TITLE;
  const choice = predicts ? buildChoice(rec, pred.row, pred.id, timeline) : undefined;
  if (inp.kind !== 'random' && rec.tokenIds !== undefined) dimPadRows(b, rec.tokenIds);
  return Object.freeze({
    ...core,
    kind: inp.kind, timeline, layout: L, labels: b.labels, characters,
    get fades(): LabelFades {
      return fadeScan.result;
    },
    fadeScan,
    charFrame: {
      charIdx, placeholder: charIdx >= 0 ? stages[charIdx]!.firstVisual : -1,
      total: timeline.total, returnDuration: timeline.returnDuration,
    },
    nextCharSpacing: ret !== undefined ? ret.nextSpacing : cs,
    // The final display is the generated text, not the next step's input (issue 13).
    titles: stages.map((s) => (inp.kind === 'final' && s.name === 'char_display' ? finalTitle : s.title)),
    noise: NOISE,
    charPositions: chars.map((c) => c.start),
    nextCharPositions,
    captions,
    choice,
    parts: Object.freeze(b.parts.slice()),
    tokenIds: inp.kind === 'random' ? undefined : rec.tokenIds,
  });
}
