/**
 * The moments a contact sheet shows (issue 6 "Seeing it"): about 16 times spread over one step,
 * each chosen by stage and phase so that every operation is caught mid-motion — the reference
 * frames' moments (/work/shared/reference-frames) for the random scene, and the character display,
 * LM head and return flight for a generation step. Pure: times come from the scene's timeline.
 *
 * What it is not: rendering or image composition (cli/contact-sheet-command.ts).
 */
import type { Timeline } from '../animation/timeline.js';
import type { StageName } from '../animation/stages.js';
import { stageTitle } from '../animation/stages.js';

export interface Moment {
  readonly time: number;
  /** Caption, e.g. `Multi-Head Attention — softmax`. */
  readonly caption: string;
}

/** [stage, phase, local progress, caption detail]. 'return' ignores the stage. */
type Pick = readonly [StageName | 'return', 'appear' | 'compute' | 'settle' | 'return', number, string];

/** Block 1 from the QKV projection to the first residual add: the same moments in both sheets. */
const ATTENTION: readonly Pick[] = [
  ['qkv_projection', 'compute', 0.5, 'X·W'],
  ['multi_head_attn', 'compute', 0.14, 'Q·K^{T}'],
  ['multi_head_attn', 'compute', 0.44, 'softmax'],
  ['multi_head_attn', 'compute', 0.8, 'weights·V'],
  ['concat_output_proj', 'compute', 0.5, 'concat·W_O'],
  ['residual_ln1', 'compute', 0.06, 'add'],
];
/** Further moments both sheets show. */
const FFN_W1: Pick = ['ffn', 'compute', 0.22, '×W1'];
const FFN_W2: Pick = ['ffn', 'compute', 0.78, '×W2'];
const FLIGHT: Pick = ['block_2', 'appear', 0.47, 'flight'];

const RANDOM: readonly Pick[] = [
  ['input', 'appear', 0.5, 'embeddings appear'],
  ...ATTENTION,
  ['residual_ln1', 'compute', 0.76, 'LayerNorm'],
  FFN_W1,
  ['ffn', 'compute', 0.5, 'ReLU'],
  FFN_W2,
  ['residual_ln2', 'compute', 0.06, 'add'],
  ['output', 'appear', 0.83, ''],
  FLIGHT,
  ['block_3', 'compute', 0.5, 'in-place change'],
  ['block_4', 'settle', 0.5, ''],
];

const FULL: readonly Pick[] = [
  ['char_display', 'appear', 0.5, 'characters'],
  ['char_display', 'compute', 0.5, 'characters fly to the rows'],
  ...ATTENTION,
  FFN_W1,
  FFN_W2,
  ['residual_ln2', 'compute', 0.76, 'LayerNorm'],
  FLIGHT,
  ['output_projection', 'compute', 0.5, 'output·Embed^{T}'],
  ['token_probs', 'compute', 0.24, 'softmax'],
  ['token_probs', 'compute', 0.9, 'the chosen token'],
  ['return', 'return', 0.93, 'the predicted character lands'],
];

/**
 * The contact-sheet moments of a timeline ('random' or a generation step's 'full'); picks whose
 * stage the timeline lacks are skipped.
 *
 * @example contactMoments(buildTimeline('random', {hasCharDisplay: false}))[2].time // ≈ 14.4
 */
export function contactMoments(tl: Timeline): Moment[] {
  const picks = tl.kind === 'random' ? RANDOM : FULL;
  const out: Moment[] = [];
  for (const [name, phase, local, detail] of picks) {
    if (phase === 'return') {
      if (tl.returnDuration > 0) out.push({ time: tl.total + local * tl.returnDuration, caption: `return${detail !== '' ? ` — ${detail}` : ''}` });
      continue;
    }
    const st = tl.stages.find((s) => s.name === name);
    if (st === undefined) continue;
    const base = phase === 'appear' ? st.start : phase === 'compute' ? st.start + st.appear : st.start + st.appear + st.compute;
    const len = phase === 'appear' ? st.appear : phase === 'compute' ? st.compute : st.settle;
    const title = stageTitle(st.name);
    out.push({ time: base + local * len, caption: detail !== '' ? `${title} — ${detail}` : title });
  }
  return out;
}
