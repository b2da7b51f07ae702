/**
 * The scenes of a run (spec §3.3, §9.1): random-weights mode → the single random scene;
 * generation → one scene per precomputed step, first = full pipeline, middle = logits-only,
 * last = final display (a single step is a full scene), each receiving the previous scene's
 * character spacing. Each scene comes with its sonification event list (what the live player
 * plays and the soundtrack mixes) and its own playback rate (3× for logits-only, in the window
 * and in the video alike).
 *
 * What it is not: no generation (transformer/generation.ts), no timing of a recording
 * (record/plan.ts), no drawing (frameAt), no audio rendering (audio/soundtrack.ts).
 */
import type { SceneKind } from '../animation/stages.js';
import { timelineRate } from '../animation/playback.js';
import { buildSceneSound } from '../audio/sonification.js';
import type { SceneSound } from '../audio/sonification.js';
import type { ForwardRecord } from '../transformer/activations.js';
import { buildScene } from '../visualization/scene.js';
import type { Scene, SceneInput } from '../visualization/scene.js';

/** One scene of a run with what the window, the recorder and the soundtrack need. */
export interface RunScene {
  readonly kind: SceneKind;
  readonly scene: Scene;
  readonly sound: SceneSound;
  /** One play-through in timeline seconds (total + return). */
  readonly duration: number;
  /** The scene's own playback rate on top of the user's speed (3 for logits-only, else 1). */
  readonly rate: number;
  /** Generation mode: the text fed to the model at this step; undefined in random mode. */
  readonly text?: string;
  /** Generation mode: the prediction label (`e 85%`, '' when nothing is predicted). */
  readonly prediction?: string;
}

/** What a scene needs of one precomputed generation step (transformer/generation.ts). */
export interface StepLike {
  readonly text: string;
  readonly record: ForwardRecord;
  readonly predPos: number;
  readonly predId?: number;
  readonly inputLabels: readonly string[];
  readonly outputLabels: readonly string[];
}

/**
 * Scene kind of step `i` of `n` (spec §3.3): a single step is full; otherwise first full, last
 * final, the rest logits-only.
 *
 * @example [0, 1, 2].map((i) => sceneKind(i, 3)) // → ['full', 'logits', 'final']
 */
export function sceneKind(i: number, n: number): SceneKind {
  if (n <= 1 || i === 0) return 'full';
  return i === n - 1 ? 'final' : 'logits';
}

/**
 * The scene input of step `i` of `n` (`result`: the whole generated text, for the final display).
 * A prompt that fills the context (or whose first prediction is PAD) has only the final step: shown as a full scene with empty output labels and no
 * returning character (spec §3.2 edge case).
 */
export function stepSceneInput(st: StepLike, i: number, n: number, charSpacing?: number, result?: string): SceneInput {
  const predicts = n > 1;
  const kind = sceneKind(i, n);
  return {
    kind, record: st.record, inputLabels: st.inputLabels, outputLabels: st.outputLabels,
    predPos: predicts ? st.predPos : undefined, predId: predicts ? st.predId : undefined, charSpacing,
    fullText: kind === 'final' ? result : undefined,
  };
}

/**
 * The scene with its sound, built when first read (≈ 50 ms for a full scene): the window draws its
 * first frame before its audio asks for it (issue 15), and --snapshot never does.
 */
function withSound(
  scene: Scene, record: ForwardRecord, predPos: number, sceneIndex: number, step?: Pick<RunScene, 'text' | 'prediction'>,
): RunScene {
  const kind = scene.kind;
  let sound: SceneSound | undefined;
  return {
    kind, scene, duration: scene.timeline.duration, rate: timelineRate(scene.timeline), ...step,
    get sound(): SceneSound {
      return (sound ??= buildSceneSound({ kind, timeline: scene.timeline, record, predPos, sceneIndex }));
    },
  };
}

/** The random-weights scene (spec §1.9) with its sound. */
export function randomScene(record: ForwardRecord): RunScene {
  return withSound(buildScene({ kind: 'random', record }), record, -1, 0);
}

/**
 * Scene `i` of `n` generation steps with its sound, its text and its prediction label;
 * `charSpacing` is the previous scene's `nextCharSpacing` (spec §5.11.3), undefined for i = 0;
 * `result` (the whole generated text) goes to the final display (issue 13).
 */
export function stepScene(st: StepLike, i: number, n: number, charSpacing?: number, result?: string): RunScene {
  const scene = buildScene(stepSceneInput(st, i, n, charSpacing, result));
  return withSound(scene, st.record, st.predPos, i, { text: st.text, prediction: st.outputLabels[st.predPos] ?? '' });
}
