/**
 * The one playback machine (spec §3.3, §4.5, §8.1; STYLE.md §12: clock ≠ timeline): which
 * generation step is on screen, its timeline time, playing/paused, the user's speed — and the
 * operations that change them. The window runs exactly this (app/session.ts wires GLFW actions to
 * it); the tests exercise exactly this. The recorder does not play: it sets times from its own
 * frame clock (record/plan.ts) and uses only `timelineRate`.
 *
 * Out-first and allocation-free on the per-frame path (STYLE.md §20): a `Playback` is one mutable
 * record changed in place, because a frozen copy per frame is exactly the steady-state garbage
 * the window must not make. Every operation takes the record and the `PlaybackPlan` and returns
 * the record.
 *
 * Multi-step rules: a generation with ≥ 2 steps plays each step once; at the end of a step's
 * timeline the next step starts at t = 0; the final display stays on its last frame. Random mode
 * and single-step generation loop. → past the last stage goes to the next step, ← before the first
 * goes back to the previous step's last stage, R restarts the whole generation. Issue 17 (stop and
 * study): jumps, seeks and frame steps keep play or pause (R and the frame steps set it), and a
 * stage jump lands at the start of the stage's compute, never in its empty appear phase.
 *
 * Deliberate differences from the reference (spec §11.3 #7): stage jumps skip zero-length stages,
 * so ← from QKV in a generation scene reaches the character display; the user's speed is kept
 * across steps (logits-only steps still play 3× faster, as the timeline's own rate).
 *
 * Not here: what a time looks like (visualization/), the camera and the orbit/zoom offset
 * (camera-path.ts, view-state.ts), GLFW input and the overlays (app/).
 */
import { LOGITS_ONLY_RATE } from './speeds.js';
import { currentStageIndex } from './timeline.js';
import type { Timeline } from './timeline.js';

/** Largest real dt one `tickPlayback` accepts, seconds (spec §8.3). */
export const MAX_DT = 0.05;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 5.0;
export const SPEED_STEP = 0.25;
/** Timeline seconds of one `,` / `.` frame step (issue 17). */
export const FRAME_STEP_S = 1 / 30;

/** The steps to play: one timeline per generation step (one for random mode). */
export interface PlaybackPlan {
  readonly timelines: readonly Timeline[];
  /** True for random mode and single-step generation: the one timeline loops forever. */
  readonly loop: boolean;
}

/** The mutable playback record (one per window). */
export interface Playback {
  /** Index of the step on screen, 0 … n−1. */
  step: number;
  /** Timeline seconds within the step, in [0, duration]. */
  time: number;
  playing: boolean;
  /** The user's speed multiplier, MIN_SPEED … MAX_SPEED (kept across steps). */
  speed: number;
  /** The last step's timeline reached its end (a non-looping plan then stays there). */
  completed: boolean;
  /** Counts discontinuous time changes (stage jumps, step jumps, reset), for followers such as audio. */
  seeks: number;
}

/**
 * A plan for n timelines; loops when there is exactly one.
 * @example playbackPlan([tl]).loop // → true
 */
export function playbackPlan(timelines: readonly Timeline[]): PlaybackPlan {
  if (timelines.length === 0) throw new RangeError('playbackPlan: no timelines');
  return Object.freeze({ timelines: Object.freeze([...timelines]), loop: timelines.length === 1 });
}

const clampSpeed = (v: number): number => Math.min(MAX_SPEED, Math.max(MIN_SPEED, v));

/**
 * The start: step 0, t = 0, playing, the given speed (clamped to 0.25–5; NaN or none: 1).
 * @example createPlayback({speed: 2}).speed // → 2
 */
export function createPlayback(options: { speed?: number } = {}): Playback {
  const sp = options.speed;
  return { step: 0, time: 0, playing: true, speed: sp === undefined || Number.isNaN(sp) ? 1 : clampSpeed(sp), completed: false, seeks: 0 };
}

/**
 * The scene's own rate factor on top of the user's speed: LOGITS_ONLY_RATE (3×) for logits-only
 * scenes, 1 otherwise (spec §4.5). Keeping it separate lets the user's speed survive scene changes.
 * @example timelineRate(buildTimeline('logits', {hasCharDisplay: true})) // → 3
 */
export function timelineRate(tl: Timeline): number {
  return tl.kind === 'logits' ? LOGITS_ONLY_RATE : 1;
}

/** The timeline of the step on screen. */
export function currentTimeline(p: Playback, plan: PlaybackPlan): Timeline {
  return plan.timelines[p.step]!;
}

/** Timeline seconds per real second right now: the user's speed × the step's own rate (3 for logits-only). */
export function timeScale(p: Playback, plan: PlaybackPlan): number {
  return p.speed * timelineRate(currentTimeline(p, plan));
}

/** Index of the current stage of the step on screen (spec §4.5). */
export function stageIndex(p: Playback, plan: PlaybackPlan): number {
  return currentStageIndex(currentTimeline(p, plan), p.time);
}

/**
 * Let dtReal real seconds pass (clamped to [0, MAX_DT], spec §8.3): when playing, time +=
 * dt·speed·rate; past the end a looping plan wraps modulo the duration, else the next step starts
 * at 0, or the last step stays at its end, completed and paused. Allocation-free. Returns `p`.
 *
 * @example tickPlayback(p, plan, 1 / 60)
 */
export function tickPlayback(p: Playback, plan: PlaybackPlan, dtReal: number): Playback {
  const dt = dtReal > 0 ? Math.min(dtReal, MAX_DT) : 0;
  if (!p.playing || dt === 0) return p;
  const tl = currentTimeline(p, plan);
  const d = tl.duration;
  const time = p.time + dt * p.speed * timelineRate(tl);
  if (time <= d) {
    p.time = time;
  } else if (plan.loop && d > 0) {
    p.time = time % d;
  } else if (p.step < plan.timelines.length - 1) {
    p.step++;
    p.time = 0;
  } else {
    p.time = d;
    p.playing = false;
    p.completed = true;
  }
  return p;
}

/** Flip play/pause (spec §8.1 Space). */
export function togglePlay(p: Playback): Playback {
  p.playing = !p.playing;
  return p;
}

/** speed + 0.25, at most 5 (spec §8.1 `+`). */
export function speedUp(p: Playback): Playback {
  p.speed = clampSpeed(p.speed + SPEED_STEP);
  return p;
}

/** speed − 0.25, at least 0.25 (spec §8.1 `−`). */
export function slowDown(p: Playback): Playback {
  p.speed = clampSpeed(p.speed - SPEED_STEP);
  return p;
}

/**
 * A jump (stage keys, Home/End, frame steps, seeking): playing or paused stays as it was (issue 17:
 * ← / → while paused hold still on the new stage).
 */
function jumpTo(p: Playback, step: number, time: number): Playback {
  p.step = step;
  p.time = time;
  p.completed = false;
  p.seeks++;
  return p;
}

/** Back to step 0, t = 0, and play (spec §8.1 R); the speed is kept; counts as a seek. */
export function reset(p: Playback): Playback {
  jumpTo(p, 0, 0);
  p.playing = true;
  return p;
}

/**
 * Seek within the step on screen to `time`, clamped to [0, duration] (the timeline bar, Home/End;
 * issue 17); playing or paused stays as it was.
 * @example seek(p, plan, 3.5).time // → 3.5
 */
export function seek(p: Playback, plan: PlaybackPlan, time: number): Playback {
  const d = currentTimeline(p, plan).duration;
  return jumpTo(p, p.step, Math.min(d, Math.max(0, Number.isFinite(time) ? time : 0)));
}

/**
 * `,` / `.` (issue 17): one frame (FRAME_STEP_S) back (dir −1) or forward (+1) within the step, and pause.
 * @example frameStep(p, plan, 1).playing // → false
 */
export function frameStep(p: Playback, plan: PlaybackPlan, dir: -1 | 1): Playback {
  p.playing = false;
  return seek(p, plan, p.time + dir * FRAME_STEP_S);
}

/**
 * Where a stage jump lands (issue 17): the start of the stage's compute, where its inputs are
 * fully on screen — never in the empty appear phase; stages without a compute land on their end
 * of appear too (settled content).
 * @example landing(tl, 2) // → tl.stages[2].start + tl.stages[2].appear
 */
export function landing(tl: Timeline, i: number): number {
  const st = tl.stages[i]!;
  const t = st.start + st.appear;
  // (start + appear) − start can round below appear; land just past it so the phase is compute.
  return Math.min(st.end, t - st.start < st.appear ? t + 1e-9 : t);
}

/** Landing of a step's first stage with any length (0 when there is none). */
function firstLanding(tl: Timeline): number {
  for (let i = 0; i < tl.stages.length; i++) if (hasLength(tl, i)) return landing(tl, i);
  return 0;
}

/** Where a stage jump lands: a stage index, or past the last / before the first stage. */
export type StageTarget =
  | { readonly kind: 'stage'; readonly index: number }
  | { readonly kind: 'after-last' }
  | { readonly kind: 'before-first' };

const AFTER_LAST: StageTarget = Object.freeze({ kind: 'after-last' });
const BEFORE_FIRST: StageTarget = Object.freeze({ kind: 'before-first' });

function hasLength(tl: Timeline, i: number): boolean {
  const s = tl.stages[i]!;
  return s.end > s.start;
}

/**
 * The stage → would jump to at time t: the next stage after the current one (§4.5) that has
 * non-zero length, or 'after-last' when there is none.
 *
 * @example nextStageTarget(tl, 0) // → {kind: 'stage', index: 2} in a generation scene (input skipped)
 */
export function nextStageTarget(tl: Timeline, t: number): StageTarget {
  const cur = currentStageIndex(tl, t);
  for (let i = cur + 1; i < tl.stages.length; i++) if (hasLength(tl, i)) return { kind: 'stage', index: i };
  return AFTER_LAST;
}

/**
 * The stage ← would jump to at time t: the previous stage before the current one with non-zero
 * length, or 'before-first' when there is none.
 *
 * @example prevStageTarget(tl, tl.stages[2].start) // → {kind: 'stage', index: 0} (char_display)
 */
export function prevStageTarget(tl: Timeline, t: number): StageTarget {
  const cur = currentStageIndex(tl, t);
  for (let i = cur - 1; i >= 0; i--) if (hasLength(tl, i)) return { kind: 'stage', index: i };
  return BEFORE_FIRST;
}

/**
 * Start of the last non-empty stage (where ← from the next generation step lands), or 0.
 * @example lastStageStart(tl) // → tl.stages[tl.stages.length - 1].start
 */
export function lastStageStart(tl: Timeline): number {
  for (let i = tl.stages.length - 1; i >= 0; i--) if (hasLength(tl, i)) return tl.stages[i]!.start;
  return 0;
}

/**
 * → (spec §8.1; issue 17): jump to the next non-empty stage's landing, keeping play or pause; past
 * the last stage go to the next step's first landing, or wrap to the start of a looping plan, or
 * end on the last step's final frame, completed.
 */
export function nextStage(p: Playback, plan: PlaybackPlan): Playback {
  const tl = currentTimeline(p, plan);
  const target = nextStageTarget(tl, p.time);
  if (target.kind === 'stage') return jumpTo(p, p.step, landing(tl, target.index));
  if (p.step < plan.timelines.length - 1) return jumpTo(p, p.step + 1, firstLanding(plan.timelines[p.step + 1]!));
  if (plan.loop) return jumpTo(p, p.step, 0);
  // The last step: go to its end and stay there (the finished text).
  jumpTo(p, p.step, tl.duration);
  p.playing = false;
  p.completed = true;
  return p;
}

/**
 * ← (spec §8.1; issue 17): jump to the previous non-empty stage's landing, keeping play or pause;
 * before the first stage go back to the previous step's last stage, or restart the first step.
 */
export function prevStage(p: Playback, plan: PlaybackPlan): Playback {
  const tl = currentTimeline(p, plan);
  const target = prevStageTarget(tl, p.time);
  if (target.kind === 'stage') return jumpTo(p, p.step, landing(tl, target.index));
  if (p.step > 0) {
    const prev = plan.timelines[p.step - 1]!;
    return jumpTo(p, p.step - 1, landing(prev, Math.max(0, currentStageIndex(prev, lastStageStart(prev)))));
  }
  return jumpTo(p, 0, 0);
}
