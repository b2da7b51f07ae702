/**
 * The scene input of a generation step computed directly from weights and a prompt (spec §3.2):
 * ids = encode(prompt), one forward pass at the chosen temperature/seed, pred_pos = len − 1, the
 * chosen id of that row, and the `c NN%` output label. Used by `--snapshot` and the contact sheet,
 * which show one step; the interactive app and the recorder precompute every step instead.
 *
 * A prompt that fills the whole context (≥ S characters) has no prediction step: it is shown as
 * a full scene with empty output labels and no returning character (spec §3.2 edge case).
 */
import type { SceneKind } from '../animation/stages.js';
import { forward } from '../transformer/model.js';
import type { Weights } from '../transformer/weights.js';
import { cleanText, encode, labels, tokenLabel } from '../transformer/vocab.js';
import type { SceneInput } from './scene.js';

export interface StepOptions {
  readonly temperature: number;
  readonly seed?: number;
  readonly kind?: SceneKind;
  readonly charSpacing?: number;
}

/** The first generation step of `prompt` as a scene input. */
export function stepSceneInput(weights: Weights, prompt: string, opts: StepOptions): SceneInput {
  const S = weights.config.seqLen;
  const kept = cleanText(prompt).kept.slice(0, S);
  const ids = encode(kept, S);
  const record = forward(weights, ids, { temperature: opts.temperature, seed: opts.seed });
  const kind = opts.kind ?? 'full';
  if (kept.length >= S) {
    // The final step only: empty output labels (spec §3.2 edge case).
    return { kind, record, inputLabels: labels(ids), outputLabels: Array.from({ length: S }, () => ''), predPos: S - 1, charSpacing: opts.charSpacing };
  }
  const predPos = kept.length - 1;
  const row = predPos < 0 ? S - 1 : predPos;
  const predId = record.predictedIds![row]!;
  const pct = Math.round(100 * record.probs!.data[row * record.probs!.cols + predId]!);
  const outputLabels = Array.from({ length: S }, (_, r) => (r === row ? `${tokenLabel(predId)} ${pct}%` : ''));
  return { kind, record, inputLabels: labels(ids), outputLabels, predPos, predId, charSpacing: opts.charSpacing };
}
