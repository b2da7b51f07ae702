/**
 * The scenes a recording plays (spec §3.3, §9.1): random-weights mode → the single random scene,
 * played once; generation → one scene per precomputed step, first = full pipeline, middle =
 * logits-only, last = final display (a single step is a full scene), each receiving the previous
 * scene's character spacing. Each scene comes with its sonification event list (the same list
 * the live player plays) and its own playback rate (3× for logits-only, as in the window).
 *
 * What it is not: no timing (plan.ts), no drawing (frameAt), no audio rendering (audio/soundtrack.ts).
 */
import type { SceneKind } from '../animation/stages.js';
import { timelineRate } from '../animation/playback.js';
import { buildSceneSound } from '../audio/sonification.js';
import type { SceneSound } from '../audio/sonification.js';
import { DEFAULT_CONFIG } from '../transformer/config.js';
import type { ForwardRecord } from '../transformer/activations.js';
import { randomModeForward } from '../transformer/model.js';
import { buildScene } from '../visualization/scene.js';
import type { Scene } from '../visualization/scene.js';
import type { PlanScene } from './plan.js';

/** One scene of the recording with what the plan and the soundtrack need. */
export interface RecordingScene extends PlanScene {
  readonly kind: SceneKind;
  readonly scene: Scene;
  readonly sound: SceneSound;
}

/** What the recorder needs of one precomputed generation step (transformer/generation.ts). */
export interface StepLike {
  readonly record: ForwardRecord;
  readonly predPos: number;
  readonly predId?: number;
  readonly inputLabels: readonly string[];
  readonly outputLabels: readonly string[];
}

/**
 * Scene kind of step `i` of `n` for a recording (spec §3.3): a single step is full; otherwise
 * first full, last final, the rest logits-only.
 *
 * @example [0, 1, 2].map((i) => recordingKind(i, 3)) // → ['full', 'logits', 'final']
 */
export function recordingKind(i: number, n: number): SceneKind {
  if (n <= 1 || i === 0) return 'full';
  return i === n - 1 ? 'final' : 'logits';
}

function withSound(kind: SceneKind, scene: Scene, record: ForwardRecord, predPos: number, sceneIndex: number): RecordingScene {
  const sound = buildSceneSound({ kind, timeline: scene.timeline, record, predPos, sceneIndex });
  return { kind, scene, sound, duration: scene.timeline.duration, rate: timelineRate(scene.timeline) };
}

/** The random-weights scene (spec §1.9), recorded for one loop. */
export function randomScenes(config = DEFAULT_CONFIG): RecordingScene[] {
  const record = randomModeForward(config);
  return [withSound('random', buildScene({ kind: 'random', record }), record, -1, 0)];
}

/**
 * One scene per generation step, chaining the character spacing (spec §5.11.3); `result` (the
 * whole generated text) goes to the final display.
 */
export function generationScenes(steps: readonly StepLike[], result?: string): RecordingScene[] {
  const out: RecordingScene[] = [];
  let spacing: number | undefined;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    const kind = recordingKind(i, steps.length);
    // A prompt that fills the context has only the final step: shown as a full scene with empty
    // output labels and no returning character (spec §3.2 edge case), as --snapshot shows it.
    const predicts = steps.length > 1;
    const scene = buildScene({
      kind, record: st.record, inputLabels: st.inputLabels, outputLabels: st.outputLabels,
      predPos: predicts ? st.predPos : undefined, predId: predicts ? st.predId : undefined, charSpacing: spacing,
      fullText: kind === 'final' ? result : undefined,
    });
    spacing = scene.nextCharSpacing;
    out.push(withSound(kind, scene, st.record, st.predPos, i));
  }
  return out;
}
