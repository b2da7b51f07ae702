/**
 * Scenes for the visualisation tests: the random-mode scene and the "hello" generation step
 * scenes (full, logits-only, final), built from the default-initialised weights (bit-equal to the
 * golden fixtures' weights, test/fixtures/README.md) through the real forward pass.
 */
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { forward, randomModeForward } from '../../src/transformer/model.js';
import { cleanText, encode, labels, tokenLabel } from '../../src/transformer/vocab.js';
import type { Weights } from '../../src/transformer/weights.js';
import type { SceneKind } from '../../src/animation/stages.js';
import type { FrameScratch } from '../../src/visualization/frame-at.js';
import { createFrameScratch } from '../../src/visualization/frame-at.js';
import type { SceneInput } from '../../src/visualization/scene.js';
import type { SceneCore, SceneState } from '../../src/visualization/scene-types.js';

let cachedRandom: SceneInput | undefined;
export function randomInput(): SceneInput {
  cachedRandom ??= { kind: 'random', record: randomModeForward(DEFAULT_CONFIG) };
  return cachedRandom;
}

/** One generation step for `text` (spec §3.2), as the kind given. */
export function stepInput(text: string, kind: 'full' | 'logits' | 'final', temperature = 0.3, charSpacing?: number): SceneInput {
  const w = initWeights(DEFAULT_CONFIG);
  const S = DEFAULT_CONFIG.seqLen;
  const ids = encode(text, S);
  const record = forward(w, ids, { temperature });
  const predPos = text.length - 1;
  const predId = record.predictedIds![predPos]!;
  const pct = Math.round(100 * record.probs!.data[predPos * record.probs!.cols + predId]!);
  const outputLabels = Array.from({ length: S }, (_, r) => (r === predPos && kind !== 'final' ? `${tokenLabel(predId)} ${pct}%` : ''));
  return { kind, record, inputLabels: labels(ids), outputLabels, predPos, predId, charSpacing };
}

/**
 * The first step of any prompt over any weights, including prompts the run layer refuses (empty,
 * longer than S): the scene builder's edge cases. An empty prompt predicts from row S − 1; a
 * prompt of S or more characters is the final step only, with empty output labels.
 */
export function promptStepInput(weights: Weights, prompt: string, temperature: number, kind: SceneKind): SceneInput {
  const S = weights.config.seqLen;
  const kept = cleanText(prompt).kept.slice(0, S);
  const ids = encode(kept, S);
  const record = forward(weights, ids, { temperature });
  if (kept.length >= S) {
    return { kind, record, inputLabels: labels(ids), outputLabels: Array.from({ length: S }, () => ''), predPos: S - 1 };
  }
  const predPos = kept.length - 1;
  const row = predPos < 0 ? S - 1 : predPos;
  const predId = record.predictedIds![row]!;
  const pct = Math.round(100 * record.probs!.data[row * record.probs!.cols + predId]!);
  const outputLabels = Array.from({ length: S }, (_, r) => (r === row ? `${tokenLabel(predId)} ${pct}%` : ''));
  return { kind, record, inputLabels: labels(ids), outputLabels, predPos, predId };
}

const scratches = new WeakMap<SceneCore, FrameScratch>();
/** The test's own frame scratch for scene `s` (one per scene, made on first use). */
export function scratchFor(s: SceneCore): FrameScratch {
  let sc = scratches.get(s);
  if (sc === undefined) {
    sc = createFrameScratch(s);
    scratches.set(s, sc);
  }
  return sc;
}

/** The test's own state scratch for scene `s` (see scratchFor). */
export function stateFor(s: SceneCore): SceneState {
  return scratchFor(s).state;
}
