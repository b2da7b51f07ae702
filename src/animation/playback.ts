/**
 * Playback state and its pure reducers (spec §4.5, §8.1; STYLE.md §12: clock ≠ timeline). The
 * interactive loop feeds real dt through `advance`; the recorder sets `time` directly; keys map to
 * `togglePlay`, `nextStage`/`prevStage`, `speedUp`/`slowDown`, `reset`. Every reducer returns a new
 * frozen state (or the same object when nothing changes) and never mutates its input.
 *
 * Deliberate differences from the reference (spec §11.3 #7): stage jumps skip zero-length stages, so
 * ← from QKV in a generation scene reaches the character display; → on the last stage does not
 * restart it. For multi-step generation, `nextStageTarget` / `prevStageTarget` say when a jump runs
 * past the last stage or before the first, so the app can move to the next / previous step.
 *
 * Not here: what a time looks like (visualization/), the camera (camera-path.ts).
 */
import { LOGITS_ONLY_RATE } from './speeds.js';
import { currentStageIndex } from './timeline.js';
import type { Timeline } from './timeline.js';

export interface PlaybackState {
  /** Timeline seconds, in [0, timeline.duration]. */
  readonly time: number;
  readonly playing: boolean;
  /** The user's speed multiplier, 0.25 … 5. */
  readonly speed: number;
  readonly loop: boolean;
  /** Set when a non-looping timeline reaches its end (playing then stops). */
  readonly completed: boolean;
}

/** Largest real dt one `advance` accepts, seconds (spec §8.3). */
export const MAX_DT = 0.05;
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 5.0;
export const SPEED_STEP = 0.25;

/**
 * A fresh state: t = 0, playing, speed 1 unless given, loop unless disabled.
 * @example initialPlayback({loop: false}) // → {time: 0, playing: true, speed: 1, loop: false, completed: false}
 */
export function initialPlayback(options: { speed?: number; loop?: boolean } = {}): PlaybackState {
  return Object.freeze({
    time: 0,
    playing: true,
    speed: clampSpeed(options.speed ?? 1, 1),
    loop: options.loop ?? true,
    completed: false,
  });
}

function patch(s: PlaybackState, changes: Partial<PlaybackState>): PlaybackState {
  return Object.freeze({ ...s, ...changes });
}

function clampSpeed(v: number, fallback: number): number {
  if (Number.isNaN(v)) return fallback;
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, v));
}

/**
 * The scene's own rate factor on top of the user's speed: LOGITS_ONLY_RATE (3×) for logits-only
 * scenes, 1 otherwise (spec §4.5). Keeping it separate lets the user's speed survive scene changes.
 * @example timelineRate(buildTimeline('logits', {hasCharDisplay: true})) // → 3
 */
export function timelineRate(tl: Timeline): number {
  return tl.kind === 'logits' ? LOGITS_ONLY_RATE : 1;
}

/**
 * Advance by a real-time step: dt is clamped to [0, MAX_DT], time += dt·speed·timelineRate. Past
 * the end a looping state wraps modulo the duration; otherwise time clamps to the duration,
 * `completed` is set and playing stops. Paused states are returned unchanged.
 *
 * @example advance(initialPlayback(), tl, 0.02).time // → 0.02
 */
export function advance(state: PlaybackState, tl: Timeline, dtReal: number): PlaybackState {
  if (!state.playing) return state;
  const dt = dtReal > 0 ? Math.min(dtReal, MAX_DT) : 0;
  if (dt === 0) return state;
  const time = state.time + dt * state.speed * timelineRate(tl);
  const d = tl.duration;
  if (time <= d) return patch(state, { time });
  if (state.loop && d > 0) return patch(state, { time: time % d, completed: false });
  return patch(state, { time: d, playing: false, completed: true });
}

/**
 * Set the time directly (recording, seeking), clamped to [0, duration]; clears `completed` and
 * leaves playing/speed/loop alone.
 * @example seek(s, tl, 12).time // → 12
 */
export function seek(state: PlaybackState, tl: Timeline, time: number): PlaybackState {
  const t = Math.min(tl.duration, Math.max(0, Number.isNaN(time) ? 0 : time));
  return patch(state, { time: t, completed: false });
}

/** Flip play/pause (spec §8.1 Space). */
export function togglePlay(state: PlaybackState): PlaybackState {
  return patch(state, { playing: !state.playing });
}

/**
 * Set the user's speed, clamped to [MIN_SPEED, MAX_SPEED] (NaN leaves it unchanged).
 * @example setSpeed(s, 9).speed // → 5
 */
export function setSpeed(state: PlaybackState, speed: number): PlaybackState {
  const v = clampSpeed(speed, state.speed);
  return v === state.speed ? state : patch(state, { speed: v });
}

/** speed + 0.25, at most 5 (spec §8.1 `+`). */
export function speedUp(state: PlaybackState): PlaybackState {
  return setSpeed(state, state.speed + SPEED_STEP);
}

/** speed − 0.25, at least 0.25 (spec §8.1 `−`). */
export function slowDown(state: PlaybackState): PlaybackState {
  return setSpeed(state, state.speed - SPEED_STEP);
}

/** Back to t = 0 and play (spec §8.1 R); speed and loop are kept. */
export function reset(state: PlaybackState): PlaybackState {
  return patch(state, { time: 0, playing: true, completed: false });
}

/**
 * Jump to the start of stage k (clamped to the stage range) and play (spec §4.5).
 * @example jumpToStage(s, tl, 2).time // → tl.stages[2].start
 */
export function jumpToStage(state: PlaybackState, tl: Timeline, k: number): PlaybackState {
  const n = tl.stages.length;
  if (n === 0) return patch(state, { time: 0, playing: true, completed: false });
  const i = Math.min(n - 1, Math.max(0, Math.trunc(k)));
  return patch(state, { time: tl.stages[i].start, playing: true, completed: false });
}

/** Where a stage jump lands: a stage index, or past the last / before the first stage. */
export type StageTarget =
  | { readonly kind: 'stage'; readonly index: number }
  | { readonly kind: 'after-last' }
  | { readonly kind: 'before-first' };

const AFTER_LAST: StageTarget = Object.freeze({ kind: 'after-last' });
const BEFORE_FIRST: StageTarget = Object.freeze({ kind: 'before-first' });

function hasLength(tl: Timeline, i: number): boolean {
  const s = tl.stages[i];
  return s.end > s.start;
}

/**
 * The stage → would jump to at time t: the next stage after the current one (§4.5) that has
 * non-zero length, or 'after-last' when there is none (the app then moves to the next step).
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
 * length, or 'before-first' when there is none (the app then moves to the previous step).
 *
 * @example prevStageTarget(tl, tl.stages[2].start) // → {kind: 'stage', index: 0} (char_display)
 */
export function prevStageTarget(tl: Timeline, t: number): StageTarget {
  const cur = currentStageIndex(tl, t);
  for (let i = cur - 1; i >= 0; i--) if (hasLength(tl, i)) return { kind: 'stage', index: i };
  return BEFORE_FIRST;
}

/**
 * → within one scene: jump to the next non-empty stage and play. Past the last stage a looping
 * state wraps to the first stage; a non-looping one goes to the end and completes (so a generation
 * loop that watches `completed` moves on).
 */
export function nextStage(state: PlaybackState, tl: Timeline): PlaybackState {
  const target = nextStageTarget(tl, state.time);
  switch (target.kind) {
    case 'stage':
      return jumpToStage(state, tl, target.index);
    case 'after-last':
    case 'before-first':
      return state.loop ? jumpToStage(state, tl, 0) : patch(state, { time: tl.duration, playing: false, completed: true });
  }
}

/** ← within one scene: jump to the previous non-empty stage and play; at the first stage restart it. */
export function prevStage(state: PlaybackState, tl: Timeline): PlaybackState {
  const target = prevStageTarget(tl, state.time);
  switch (target.kind) {
    case 'stage':
      return jumpToStage(state, tl, target.index);
    case 'after-last':
    case 'before-first':
      return jumpToStage(state, tl, 0);
  }
}

/**
 * Start of the last non-empty stage (where ← from the next generation step should land), or 0.
 * @example lastStageStart(tl) // → tl.stages[tl.stages.length - 1].start
 */
export function lastStageStart(tl: Timeline): number {
  for (let i = tl.stages.length - 1; i >= 0; i--) if (hasLength(tl, i)) return tl.stages[i].start;
  return 0;
}
