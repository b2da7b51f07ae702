/**
 * Stage phases and the compute-group state machine (spec §4.1, §5.5, §5.6 rule 1).
 *
 * What it is: closed-form, allocation-free functions of timeline time that write the phase of
 * every stage and the (alpha, appear_t, t) of every visual into the caller's scratch state (SceneState).
 * What it is not: the scene-level visibility rules that run afterwards (visibility.ts) or any
 * drawing. Phases are numeric codes so the hot path allocates nothing; `phaseCodeAt` agrees with
 * the animation module's `phaseAt` (tested).
 */
import type { PhaseOut, Stage } from '../animation/timeline.js';
import { writePhase } from '../animation/timeline.js';
import type { SceneStage, SceneState, SceneVisual } from './scene-types.js';

export const PHASE_INACTIVE = 0;
export const PHASE_APPEAR = 1;
export const PHASE_COMPUTE = 2;
export const PHASE_SETTLE = 3;
export const PHASE_DONE = 4;

const EPS = 1e-6;
const PHASE_SCRATCH: PhaseOut = { kind: 'inactive', local: 0 };

/**
 * Phase code of a stage at time t (spec §4.1, via the timeline's own `writePhase`); writes the
 * local progress into `local[i]`.
 * @example a zero-length stage at exactly its start is in settle with local 0.
 */
export function phaseCodeAt(s: Stage, t: number, local: Float64Array, i: number): number {
  writePhase(PHASE_SCRATCH, s, t);
  local[i] = PHASE_SCRATCH.local;
  switch (PHASE_SCRATCH.kind) {
    case 'inactive': return PHASE_INACTIVE;
    case 'appear': return PHASE_APPEAR;
    case 'compute': return PHASE_COMPUTE;
    case 'settle': return PHASE_SETTLE;
    case 'done': return PHASE_DONE;
  }
}

/** Segment start of group g of a stage (timeline segments, else equal splits; spec §5.5). */
export function segStart(st: SceneStage, g: number): number {
  const seg = st.timing.segments[g];
  return seg !== undefined ? seg[0] : g / st.groups;
}

/** Segment end of group g. */
export function segEnd(st: SceneStage, g: number): number {
  const seg = st.timing.segments[g];
  return seg !== undefined ? seg[1] : (g + 1) / st.groups;
}

/**
 * Phases of all stages at t, with the input stage driven by the character display while one
 * exists (spec §5.6 rule 1): its compute → input `appear` at the same progress, its settle →
 * input `settle`.
 */
export function computePhases(stages: readonly SceneStage[], charIdx: number, inputIdx: number, t: number, st: SceneState): void {
  for (let i = 0; i < stages.length; i++) st.phase[i] = phaseCodeAt(stages[i]!.timing, t, st.local, i);
  if (charIdx >= 0 && inputIdx >= 0) {
    const p = st.phase[charIdx]!;
    if (p === PHASE_COMPUTE) {
      st.phase[inputIdx] = PHASE_APPEAR;
      st.local[inputIdx] = st.local[charIdx]!;
    } else if (p === PHASE_SETTLE) {
      st.phase[inputIdx] = PHASE_SETTLE;
      st.local[inputIdx] = st.local[charIdx]!;
    }
  }
}

/**
 * The §5.5 state of every visual of stage `si` from its phase; also resets output multipliers
 * and label-fade multipliers to 1 (the start of spec §5.6).
 */
export function groupState(stage: SceneStage, si: number, visuals: readonly SceneVisual[], st: SceneState): void {
  const phase = st.phase[si]!;
  const local = st.local[si]!;
  st.stageAlpha[si] = phase === PHASE_INACTIVE ? 0 : 1;
  const v1 = stage.firstVisual + stage.visualCount;
  for (let vi = stage.firstVisual; vi < v1; vi++) {
    const g = visuals[vi]!.group;
    st.outputMult[vi] = 1;
    st.labelFade[vi] = 1;
    let alpha = 1;
    let appearT = 1;
    let t = 1;
    if (phase === PHASE_INACTIVE) {
      alpha = 0; appearT = 0; t = 0;
    } else if (phase === PHASE_APPEAR) {
      t = 0;
      if (g === 0) appearT = local;
      else { alpha = 0; appearT = 0; }
    } else if (phase === PHASE_COMPUTE) {
      const s0 = segStart(stage, g);
      const s1 = segEnd(stage, g);
      if (local < s0) {
        t = 0;
        if (g !== 0) { alpha = 0; appearT = 0; }
      } else if (local < s1) {
        const lam = (local - s0) / Math.max(s1 - s0, EPS);
        if (g === 0) t = lam;
        else if (lam < 0.2) { appearT = lam / 0.2; t = 0; }
        else t = (lam - 0.2) / 0.8;
      }
    }
    st.alpha[vi] = alpha;
    st.appearT[vi] = appearT;
    st.t[vi] = t;
  }
}

/**
 * Current stage index (spec §4.5): the first stage whose end is strictly greater than t, else
 * the last (zero-length stages are never current).
 */
export function currentStageIndexAt(stages: readonly SceneStage[], t: number): number {
  for (let i = 0; i < stages.length; i++) if (stages[i]!.timing.end > t) return i;
  return stages.length - 1;
}
