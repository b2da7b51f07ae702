/**
 * The window's session (spec §8.1, §8.2, §6.4; issue 7): the one playback machine of
 * animation/playback.ts plus what only the window has — the orbit/zoom ViewState, the speed flash,
 * the help toggle and the quit request — and the wiring from input Actions to them:
 * `tickSession` once per frame with the real dt, `applyAction` per key/mouse action.
 *
 * The playback rules (steps, loops, stage jumps, speed limits) are not here: a SessionState *is* a
 * Playback, changed in place by playback.ts, so the window runs exactly what
 * test/animation/playback.test.ts tests. Allocation-free on the per-frame path unless a view
 * override is easing (STYLE.md §20).
 *
 * Deliberate difference from the reference (spec §11.3 #7): the orbit/zoom offset is kept across a
 * step change and eases back by itself instead of being cleared.
 *
 * What it is not: no GLFW (input.ts turns events into Actions), no pictures (frameAt), no audio —
 * the audio player follows `time`, `playing`, the rate and `seeks` from outside.
 */
import type { Playback, PlaybackPlan } from '../animation/playback.js';
import {
  MAX_DT, createPlayback, currentTimeline, frameStep, nextStage, prevStage, reset, seek, slowDown, speedUp, tickPlayback,
  togglePlay,
} from '../animation/playback.js';
import type { ViewState } from '../animation/view-state.js';
import { INITIAL_VIEW, drag, releaseView, scroll, tickView } from '../animation/view-state.js';
import type { Action } from './input.js';

/** Real seconds the speed is shown after a change. */
export const SPEED_FLASH_S = 1.5;

/** The mutable session state (one per window): the playback record and the window's own state. */
export interface SessionState extends Playback {
  view: ViewState;
  /** Real seconds the speed overlay stays visible (≤ 0: hidden). */
  speedFlash: number;
  /** The help line is on screen. */
  help: boolean;
  /** Esc or window close was requested. */
  quit: boolean;
}

/**
 * The state at the start: createPlayback's (step 0, t = 0, playing, the given speed), no view offset.
 * @example createSession({speed: 2}).speed // → 2
 */
export function createSession(options: { speed?: number } = {}): SessionState {
  return { ...createPlayback(options), view: INITIAL_VIEW, speedFlash: 0, help: false, quit: false };
}

/**
 * One frame: dtReal real seconds passed. The speed flash counts down (also while paused; dt
 * clamped to [0, MAX_DT] like the playback), then tickPlayback. The camera stays where the user
 * put it while paused (issue 17): the view override eases back only while playing, or once a
 * return has begun (C). Returns `s`.
 *
 * @example tickSession(s, plan, 1 / 60)
 */
export function tickSession(s: SessionState, plan: PlaybackPlan, dtReal: number): SessionState {
  const dt = dtReal > 0 ? Math.min(dtReal, MAX_DT) : 0;
  if (s.playing || s.view.overrideTimer <= 0) s.view = tickView(s.view, dt);
  if (s.speedFlash > 0) s.speedFlash -= dt;
  tickPlayback(s, plan, dt);
  return s;
}

/**
 * Apply one user action in place (spec §8.1, §8.2; issue 7 controls); returns `s`.
 *
 * @example applyAction(s, plan, keyAction(KEY_SPACE, ACTION_PRESS)!) // pauses
 */
export function applyAction(s: SessionState, plan: PlaybackPlan, a: Action): SessionState {
  switch (a.kind) {
    case 'toggle-play':
      togglePlay(s);
      break;
    case 'next-stage':
      nextStage(s, plan);
      break;
    case 'prev-stage':
      prevStage(s, plan);
      break;
    case 'speed-up':
      speedUp(s);
      s.speedFlash = SPEED_FLASH_S;
      break;
    case 'slow-down':
      slowDown(s);
      s.speedFlash = SPEED_FLASH_S;
      break;
    case 'reset':
      reset(s);
      break;
    case 'frame-forward':
      frameStep(s, plan, 1);
      break;
    case 'frame-back':
      frameStep(s, plan, -1);
      break;
    case 'step-start':
      seek(s, plan, 0);
      break;
    case 'step-end':
      seek(s, plan, currentTimeline(s, plan).duration);
      break;
    case 'seek':
      seek(s, plan, a.time);
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
