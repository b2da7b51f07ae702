/**
 * The interactive session's playback state across generation steps (spec §3.3, §4.5, §8.1, §6.4;
 * issue 7): which step is on screen, its timeline time, playing/paused, the user's speed, the
 * orbit/zoom ViewState, the speed flash and the help toggle — and the reducers the window loop
 * calls: `tickSession` once per frame with the real dt, `applyAction` per key/mouse action.
 *
 * Out-first and allocation-free on the per-frame path (STYLE.md §20): the state is one mutable
 * record updated in place, because a frozen copy per frame is exactly the steady-state garbage the
 * issue forbids. The per-frame arithmetic is the one of animation/playback.ts `advance` (the tests
 * check they agree step by step); key actions use playback.ts's stage-target queries, so the
 * rules for stage jumps live in one place.
 *
 * Multi-step rules: a generation with ≥ 2 steps plays each step once; at the end of a step's
 * timeline the next step starts at t = 0; the final display stays on its last frame. Random mode
 * and single-step generation loop. → past the last stage goes to the next step, ← before the first
 * goes back to the previous step's last stage, R restarts the whole generation.
 *
 * Deliberate differences from the reference (spec §11.3 #7): the user's speed is kept across steps
 * (logits-only steps still play 3× faster, as the timeline's own rate); the orbit/zoom offset is kept
 * across a step change and eases back by itself instead of being cleared.
 *
 * What it is not: no GLFW, no pictures (frameAt), no audio — the audio player follows `time`,
 * `playing`, the rate and `seeks` from outside.
 */
import { currentStageIndex } from '../animation/timeline.js';
import type { Timeline } from '../animation/timeline.js';
import {
  MAX_DT, MAX_SPEED, MIN_SPEED, SPEED_STEP, lastStageStart, nextStageTarget, prevStageTarget, timelineRate,
} from '../animation/playback.js';
import type { ViewState } from '../animation/view-state.js';
import { INITIAL_VIEW, drag, releaseView, scroll, tickView } from '../animation/view-state.js';
import type { Action } from './input.js';

/** Real seconds the speed is shown after a change. */
export const SPEED_FLASH_S = 1.5;
/** Timeline seconds of one `,` / `.` frame step (issue 17). */
export const FRAME_STEP_S = 1 / 30;

/** The steps of a session: one timeline per generation step (one for random mode). */
export interface SessionPlan {
  readonly timelines: readonly Timeline[];
  /** True for random mode and single-step generation: the one timeline loops forever. */
  readonly loop: boolean;
}

/** The mutable session state (one per window). */
export interface SessionState {
  /** Index of the step on screen, 0 … n−1. */
  step: number;
  /** Timeline seconds within the step, in [0, duration]. */
  time: number;
  playing: boolean;
  /** The user's speed multiplier, MIN_SPEED … MAX_SPEED (kept across steps). */
  speed: number;
  /** The last step's timeline reached its end (a non-looping session then stays there). */
  completed: boolean;
  view: ViewState;
  /** Real seconds the speed overlay stays visible (≤ 0: hidden). */
  speedFlash: number;
  /** The help line is on screen. */
  help: boolean;
  /** Esc or window close was requested. */
  quit: boolean;
  /** Counts discontinuous time changes (stage jumps, step jumps, reset), for followers such as audio. */
  seeks: number;
}

/**
 * A session plan for n timelines; loops when there is exactly one.
 * @example sessionPlan([tl]).loop // → true
 */
export function sessionPlan(timelines: readonly Timeline[]): SessionPlan {
  if (timelines.length === 0) throw new RangeError('sessionPlan: no timelines');
  return Object.freeze({ timelines: Object.freeze([...timelines]), loop: timelines.length === 1 });
}

const clampSpeed = (v: number): number => Math.min(MAX_SPEED, Math.max(MIN_SPEED, v));

/**
 * The state at the start: step 0, t = 0, playing, the given speed (clamped to 0.25–5), no view offset.
 * @example createSession({speed: 2}).speed // → 2
 */
export function createSession(options: { speed?: number } = {}): SessionState {
  const sp = options.speed;
  return {
    step: 0, time: 0, playing: true, speed: sp === undefined || Number.isNaN(sp) ? 1 : clampSpeed(sp),
    completed: false, view: INITIAL_VIEW, speedFlash: 0, help: false, quit: false, seeks: 0,
  };
}

/** The timeline of the step on screen. */
export function currentTimeline(s: SessionState, plan: SessionPlan): Timeline {
  return plan.timelines[s.step]!;
}

/** Timeline seconds per real second right now: the user's speed × the step's own rate (3 for logits-only). */
export function timeScale(s: SessionState, plan: SessionPlan): number {
  return s.speed * timelineRate(currentTimeline(s, plan));
}

/** Index of the current stage of the step on screen (spec §4.5). */
export function stageIndex(s: SessionState, plan: SessionPlan): number {
  return currentStageIndex(currentTimeline(s, plan), s.time);
}

/**
 * A jump (stage keys, Home/End, frame steps, seeking): playing or paused stays as it was (issue 17:
 * ← / → while paused hold still on the new stage).
 */
function jumpTo(s: SessionState, step: number, time: number): void {
  s.step = step;
  s.time = time;
  s.completed = false;
  s.seeks++;
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

/**
 * One frame: dtReal real seconds passed (clamped to [0, MAX_DT], spec §8.3). Advances the
 * timeline by dt·speed·rate when playing (wrap when looping; else the next step starts, or the
 * last step completes and stays), counts the view override and the speed flash down (also while
 * paused). Allocation-free unless a view override is easing. Returns `s`.
 *
 * @example tickSession(s, plan, 1 / 60)
 */
export function tickSession(s: SessionState, plan: SessionPlan, dtReal: number): SessionState {
  const dt = dtReal > 0 ? Math.min(dtReal, MAX_DT) : 0;
  // The camera stays where the user put it while paused (issue 17); it eases back only while
  // playing, or once a return has begun (C).
  if (s.playing || s.view.overrideTimer <= 0) s.view = tickView(s.view, dt);
  if (s.speedFlash > 0) s.speedFlash -= dt;
  if (!s.playing || dt === 0) return s;
  const tl = currentTimeline(s, plan);
  const d = tl.duration;
  const time = s.time + dt * s.speed * timelineRate(tl);
  if (time <= d) {
    s.time = time;
  } else if (plan.loop && d > 0) {
    s.time = time % d;
  } else if (s.step < plan.timelines.length - 1) {
    s.step++;
    s.time = 0;
  } else {
    s.time = d;
    s.playing = false;
    s.completed = true;
  }
  return s;
}

function nextStage(s: SessionState, plan: SessionPlan): void {
  const tl = currentTimeline(s, plan);
  const target = nextStageTarget(tl, s.time);
  switch (target.kind) {
    case 'stage':
      jumpTo(s, s.step, landing(tl, target.index));
      return;
    case 'after-last':
    case 'before-first':
      if (s.step < plan.timelines.length - 1) jumpTo(s, s.step + 1, firstLanding(plan.timelines[s.step + 1]!));
      else if (plan.loop) jumpTo(s, s.step, 0);
      else {
        // The last step: go to its end and stay there (the finished text).
        jumpTo(s, s.step, tl.duration);
        s.playing = false;
        s.completed = true;
      }
  }
}

function prevStage(s: SessionState, plan: SessionPlan): void {
  const tl = currentTimeline(s, plan);
  const target = prevStageTarget(tl, s.time);
  switch (target.kind) {
    case 'stage':
      jumpTo(s, s.step, landing(tl, target.index));
      return;
    case 'before-first':
    case 'after-last':
      if (s.step > 0) {
        const prev = plan.timelines[s.step - 1]!;
        jumpTo(s, s.step - 1, landing(prev, Math.max(0, currentStageIndex(prev, lastStageStart(prev)))));
      } else jumpTo(s, 0, 0);
  }
}

/** Landing of a step's first stage with any length (0 when there is none). */
function firstLanding(tl: Timeline): number {
  for (let i = 0; i < tl.stages.length; i++) if (tl.stages[i]!.end > tl.stages[i]!.start) return landing(tl, i);
  return 0;
}

/** Seek within the step on screen, clamped to [0, duration]. */
function seekTo(s: SessionState, plan: SessionPlan, time: number): void {
  const d = currentTimeline(s, plan).duration;
  jumpTo(s, s.step, Math.min(d, Math.max(0, Number.isFinite(time) ? time : 0)));
}

/**
 * Apply one user action in place (spec §8.1, §8.2; issue 7 controls); returns `s`.
 *
 * @example applyAction(s, plan, keyAction(KEY_SPACE, ACTION_PRESS)!) // pauses
 */
export function applyAction(s: SessionState, plan: SessionPlan, a: Action): SessionState {
  switch (a.kind) {
    case 'toggle-play':
      s.playing = !s.playing;
      break;
    case 'next-stage':
      nextStage(s, plan);
      break;
    case 'prev-stage':
      prevStage(s, plan);
      break;
    case 'speed-up':
      s.speed = clampSpeed(s.speed + SPEED_STEP);
      s.speedFlash = SPEED_FLASH_S;
      break;
    case 'slow-down':
      s.speed = clampSpeed(s.speed - SPEED_STEP);
      s.speedFlash = SPEED_FLASH_S;
      break;
    case 'reset':
      jumpTo(s, 0, 0);
      s.playing = true;
      break;
    case 'frame-forward':
    case 'frame-back':
      s.playing = false;
      seekTo(s, plan, s.time + (a.kind === 'frame-forward' ? FRAME_STEP_S : -FRAME_STEP_S));
      break;
    case 'step-start':
      seekTo(s, plan, 0);
      break;
    case 'step-end':
      seekTo(s, plan, currentTimeline(s, plan).duration);
      break;
    case 'seek':
      seekTo(s, plan, a.time);
      break;
    case 'reset-view':
      s.view = releaseView(s.view);
      break;
    case 'toggle-help':
      s.help = !s.help;
      break;
    case 'quit':
      s.quit = true;
      break;
    case 'drag':
      s.view = drag(s.view, a.dx, a.dy);
      break;
    case 'scroll':
      s.view = scroll(s.view, a.amount);
      break;
  }
  return s;
}

/**
 * Alpha of the speed overlay: 1 while shown, fading out over its last 0.4 s.
 * @example speedFlashAlpha({...s, speedFlash: 1}) // → 1
 */
export function speedFlashAlpha(s: SessionState): number {
  const f = s.speedFlash;
  return f <= 0 ? 0 : f >= 0.4 ? 1 : f / 0.4;
}

/**
 * The speed as shown: `1.25×`.
 * @example formatSpeed(0.25) // → '0.25×'
 */
export function formatSpeed(speed: number): string {
  return `${speed.toFixed(2)}×`;
}
