/**
 * Scene-level visibility rules, applied after the group state machine every frame (spec §5.6
 * rules 2–5, Appendix A step 3): in-place takeover inside multi-group stages, fading of finished
 * stages, the return-phase fade and the hidden character placeholder.
 *
 * What it is: allocation-free functions over the caller's scratch state (SceneState). What it is not: the
 * per-stage phase machine (stage-state.ts) or label fades (labels.ts).
 */
import type { SceneStage, SceneState, SceneVisual } from './scene-types.js';
import { PHASE_APPEAR, PHASE_COMPUTE, PHASE_DONE, PHASE_SETTLE, segEnd, segStart } from './stage-state.js';

const EPS = 1e-6;

/**
 * Rule 2 — in-place takeover: once group G > 0 has started, every visual of a lower group
 * loses its result (output mult 0); statics vanish with their labels; matmul/add inputs fade
 * over the first 20 % of the next group (or vanish) and their labels fade with them.
 */
export function applyTakeover(stage: SceneStage, si: number, visuals: readonly SceneVisual[], st: SceneState): void {
  if (stage.groups < 2) return;
  const phase = st.phase[si]!;
  if (phase !== PHASE_COMPUTE && phase !== PHASE_SETTLE && phase !== PHASE_DONE) return;
  const local = st.local[si]!;
  let G = stage.groups - 1;
  if (phase === PHASE_COMPUTE) {
    G = 0;
    for (let g = 1; g < stage.groups; g++) if (local >= segStart(stage, g)) G = g;
  }
  if (G === 0) return;
  const v1 = stage.firstVisual + stage.visualCount;
  for (let vi = stage.firstVisual; vi < v1; vi++) {
    const sv = visuals[vi]!;
    const g = sv.group;
    if (g >= G) continue;
    st.outputMult[vi] = 0;
    const kind = sv.visual.kind;
    if (kind === 'activation') continue;
    if (kind === 'static') {
      st.alpha[vi] = 0;
      st.labelFade[vi] = 0;
      continue;
    }
    if (phase === PHASE_COMPUTE) {
      const s0 = segStart(stage, g + 1);
      const s1 = segEnd(stage, g + 1);
      const lam = Math.min(Math.max((local - s0) / Math.max(s1 - s0, EPS), 0), 1);
      const fade = 1 - Math.min(lam / 0.2, 1);
      st.alpha[vi] = sv.fadeInputsOnTakeover ? Math.min(st.alpha[vi]!, fade) : 0;
      st.labelFade[vi] = fade;
    } else {
      st.alpha[vi] = 0;
      st.labelFade[vi] = 0;
    }
  }
}

/** Total duration of a stage (appear + compute + settle). */
function duration(s: SceneStage): number {
  return s.timing.appear + s.timing.compute + s.timing.settle;
}

/**
 * Rule 3 — a finished stage before the current one stays visible only during the first quarter
 * of the next non-zero stage's appear (fade 1 − 4a); its outputs vanish at once and its statics
 * immediately.
 */
export function applyFinishedFade(stages: readonly SceneStage[], visuals: readonly SceneVisual[], current: number, st: SceneState): void {
  for (let si = 0; si < current; si++) {
    if (st.phase[si] !== PHASE_DONE) continue;
    let fade = 0;
    for (let nj = si + 1; nj < stages.length; nj++) {
      if (duration(stages[nj]!) <= 0) continue;
      if (st.phase[nj] === PHASE_APPEAR) fade = Math.max(0, 1 - 4 * st.local[nj]!);
      break;
    }
    st.stageAlpha[si] = fade;
    const stage = stages[si]!;
    const v1 = stage.firstVisual + stage.visualCount;
    for (let vi = stage.firstVisual; vi < v1; vi++) {
      const sv = visuals[vi]!;
      if (sv.isStageOutput) st.outputMult[vi] = 0;
      if (sv.visual.kind === 'static') st.alpha[vi] = 0;
      else st.alpha[vi] = Math.min(st.alpha[vi]!, fade);
    }
  }
}

/**
 * Rule 4 — return phase (t > total, return > 0): r = (t − total)/return, every stage and visual
 * alpha × max(0, 1 − 2r), the token-probability stage × max(0, 1 − 5r) when a predicted
 * character flies back.
 */
export function applyReturnFade(
  stages: readonly SceneStage[], total: number, returnDuration: number, fastStage: number, t: number, st: SceneState,
): void {
  if (!(t > total) || returnDuration <= 0) return;
  const r = Math.min((t - total) / returnDuration, 1);
  const slow = Math.max(0, 1 - 2 * r);
  const fast = Math.max(0, 1 - 5 * r);
  for (let si = 0; si < stages.length; si++) {
    const fade = si === fastStage ? fast : slow;
    st.stageAlpha[si] = st.stageAlpha[si]! * fade;
    const stage = stages[si]!;
    const v1 = stage.firstVisual + stage.visualCount;
    for (let vi = stage.firstVisual; vi < v1; vi++) st.alpha[vi] = st.alpha[vi]! * fade;
  }
}

/** Rule 5 — the character-display placeholder never draws. */
export function hidePlaceholders(visuals: readonly SceneVisual[], st: SceneState): void {
  for (let vi = 0; vi < visuals.length; vi++) if (!visuals[vi]!.drawn) st.outputMult[vi] = 0;
}
