/**
 * The choice chart (issue 13): at the token-probabilities stage, the top candidates for the
 * predicted position — character, temperature-scaled probability, the chosen one highlighted —
 * as the FrameDesc's flat 2D bar chart (drawn by core/text-renderer.ts, also in recordings).
 *
 * What it is: build-time data (top K of the probability row, strings made once; the same order
 * as `gptviz generate --top K`: probability descending, then token id) and the per-frame fill,
 * which only points the frame at that data and sets its alpha (fades in as the row is selected,
 * out during the return). What it is not: drawing, or the 3D token-probabilities visual.
 */
import type { Timeline } from '../animation/timeline.js';
import { stageIndex } from '../animation/timeline.js';
import type { FrameDesc } from '../frame.js';
import type { ForwardRecord } from '../transformer/activations.js';
import { formatPct, pyRepr } from '../transformer/generation.js';
import { PAD_ID, TOKENS } from '../transformer/vocab.js';

/** Candidates shown. */
export const CHOICE_ROWS = 8;

export interface ChoiceData {
  readonly title: string;
  readonly labels: readonly string[];
  readonly values: readonly number[];
  readonly texts: readonly string[];
  readonly highlight: number;
  /** Timeline time the chart starts fading in (the row-select group), and the fade length. */
  readonly from: number;
  readonly fade: number;
  /** Timeline total and return length (the chart fades out over the first half of the return). */
  readonly total: number;
  readonly returnDuration: number;
}

/**
 * The chart of row `predPos` of `record.probs` with `chosen` highlighted (replacing the last row
 * when it is not among the top K), or undefined when the timeline has no token_probs stage.
 *
 * @example buildChoice(step.record, step.predPos, step.predId, scene.timeline)?.labels[0] // → "'w'"
 */
export function buildChoice(record: ForwardRecord, predPos: number, chosen: number, tl: Timeline, k = CHOICE_ROWS): ChoiceData | undefined {
  const si = stageIndex(tl, 'token_probs');
  if (si < 0 || record.probs === undefined || predPos < 0) return undefined;
  const V = record.config.vocabSize;
  const row = record.probs.data.subarray(predPos * V, (predPos + 1) * V);
  const order = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]! || a - b);
  const top = order.slice(0, Math.min(k, V));
  if (!top.includes(chosen) && chosen >= 0 && chosen < V) top[top.length - 1] = chosen;
  const st = tl.stages[si]!;
  const seg = st.segments[1] ?? st.segments[0] ?? [0, 1];
  return Object.freeze({
    title: 'Next character',
    labels: Object.freeze(top.map(chartLabel)),
    values: Object.freeze(top.map((id) => row[id]!)),
    texts: Object.freeze(top.map((id) => percent(row[id]!))),
    highlight: top.indexOf(chosen),
    from: st.start + st.appear + st.compute * seg[0],
    fade: Math.max(0.1, Math.min(0.5, st.compute * 0.15)),
    total: tl.total,
    returnDuration: tl.returnDuration,
  });
}

/** A candidate as `generate --top` names it (`'w'`, `"'"`), PAD as `PAD` (the end of the text). */
function chartLabel(id: number): string {
  return id === PAD_ID ? 'PAD' : pyRepr(TOKENS[id] ?? '?');
}

/** `72%` as `generate` prints it; a probability that rounds to 0 but is not 0 shows as `<1%`. */
function percent(p: number): string {
  const s = formatPct(Math.fround(100 * p));
  return s === '0' && p > 0 ? '<1%' : `${s}%`;
}

/** Point `out.chart` at the choice data with its alpha at time t (allocation-free). */
export function drawChoice(out: FrameDesc, c: ChoiceData, t: number): void {
  if (t < c.from) return;
  const r = c.returnDuration > 0 && t > c.total ? (t - c.total) / c.returnDuration : 0;
  const a = Math.min(1, (t - c.from) / c.fade) * Math.max(0, 1 - 2 * r);
  if (a < 0.01) return;
  const ch = out.chart;
  ch.count = c.labels.length;
  ch.title = c.title;
  ch.labels = c.labels;
  ch.values = c.values;
  ch.texts = c.texts;
  ch.highlight = c.highlight;
  ch.alpha = a;
}
