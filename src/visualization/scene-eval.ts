/**
 * Per-frame state evaluation in the order of spec Appendix A step 3: phases (with the input-stage
 * override) → §5.5 group state → §5.6 takeover → finished-stage fading → return fade →
 * placeholder hidden. Closed-form in t: the caller's scratch state is overwritten completely, so the
 * result depends on t alone, never on earlier calls.
 *
 * What it is not: drawing, labels or camera (frame-at.ts).
 */
import type { SceneCore, SceneState } from './scene-types.js';
import { computePhases, currentStageIndexAt, groupState } from './stage-state.js';
import { applyFinishedFade, applyReturnFade, applyTakeover, hidePlaceholders } from './visibility.js';

/** A zeroed state for a scene with `nStages` stages and `nVisuals` visuals. */
export function createState(nStages: number, nVisuals: number): SceneState {
  return {
    phase: new Uint8Array(nStages),
    local: new Float64Array(nStages),
    stageAlpha: new Float64Array(nStages),
    alpha: new Float64Array(nVisuals),
    appearT: new Float64Array(nVisuals),
    t: new Float64Array(nVisuals),
    outputMult: new Float64Array(nVisuals),
    labelFade: new Float64Array(nVisuals),
  };
}

/** Fill `st` (from createState for this scene) for timeline time t; returns the current stage index (spec §4.5). */
export function evaluateState(scene: SceneCore, t: number, st: SceneState): number {
  const { stages, visuals } = scene;
  computePhases(stages, scene.charIdx, scene.inputIdx, t, st);
  for (let si = 0; si < stages.length; si++) groupState(stages[si]!, si, visuals, st);
  for (let si = 0; si < stages.length; si++) applyTakeover(stages[si]!, si, visuals, st);
  const current = currentStageIndexAt(stages, t);
  applyFinishedFade(stages, visuals, current, st);
  applyReturnFade(stages, scene.total, scene.returnDuration, scene.fastFadeIdx, t, st);
  hidePlaceholders(visuals, st);
  return current;
}
