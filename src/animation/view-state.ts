/**
 * The user's orbit/zoom offset on top of the camera path (spec §6.4, STYLE.md §13): a small
 * immutable `ViewState` changed only by pure reducers — `drag` (left-button cursor moves), `scroll`
 * (wheel), `tickView` (real time passing, also while paused) — and applied to a path pose by
 * `applyView`. Re-exported by camera-path.ts.
 *
 * Deliberate difference from the reference (spec §11.3 #7): when the 3 s override timeout runs
 * out, the offsets ease back to the path over VIEW_RETURN_S with smoothstep instead of snapping.
 * Encoding: `overrideTimer` > 0 holds the offsets fully; from 0 down to −VIEW_RETURN_S they are
 * weighted by 1 − smooth(0, 1, −overrideTimer/VIEW_RETURN_S); after that they are cleared. The
 * weight is a closed-form function of the state, so a frame is still a pure function of its inputs.
 *
 * Not here: the path itself (camera-path.ts), GLFW input (app/).
 */
import type { CameraPose } from '../frame.js';
import { smooth } from './easing.js';

export interface ViewState {
  /** Yaw offset, radians (dragging right increases it). */
  readonly yaw: number;
  /** Pitch offset, radians, within ±VIEW_PITCH_LIMIT (dragging down raises the camera). */
  readonly pitch: number;
  /** Zoom offset: ortho size × 2^(−zoom) (scrolling up zooms in). */
  readonly zoom: number;
  /** Real seconds of override left; ≤ 0 while easing back (see header). */
  readonly overrideTimer: number;
}

/** Radians per cursor pixel. */
export const ORBIT_PER_PIXEL = 0.003;
/** Zoom offset per scroll unit. */
export const ZOOM_PER_SCROLL = 0.1;
/** Pitch limit (offset and resulting pitch), radians. */
export const VIEW_PITCH_LIMIT = 1.2;
/** Real seconds without input before the view starts returning to the path. */
export const VIEW_HOLD_S = 3.0;
/** Real seconds the return to the path takes. */
export const VIEW_RETURN_S = 0.6;

/** No offset: the pure camera path. */
export const INITIAL_VIEW: ViewState = Object.freeze({ yaw: 0, pitch: 0, zoom: 0, overrideTimer: -VIEW_RETURN_S });

const clampPitch = (p: number): number => Math.min(VIEW_PITCH_LIMIT, Math.max(-VIEW_PITCH_LIMIT, p));

/**
 * How much of the stored offsets is applied now: 1 while holding, easing to 0 over VIEW_RETURN_S.
 * @example viewWeight({...v, overrideTimer: 2}) // → 1
 */
export function viewWeight(view: ViewState): number {
  if (view.overrideTimer > 0) return 1;
  if (view.overrideTimer <= -VIEW_RETURN_S) return 0;
  return 1 - smooth(0, 1, -view.overrideTimer / VIEW_RETURN_S);
}

/** The offsets as currently applied (folding the return weight in), with a fresh hold timer. */
function held(view: ViewState): { yaw: number; pitch: number; zoom: number } {
  const w = viewWeight(view);
  return { yaw: view.yaw * w, pitch: view.pitch * w, zoom: view.zoom * w };
}

/**
 * A cursor move of (dx, dy) window pixels with the left button down.
 * @example drag(INITIAL_VIEW, 100, 0).yaw // → 0.3
 */
export function drag(view: ViewState, dx: number, dy: number): ViewState {
  const h = held(view);
  return Object.freeze({
    yaw: h.yaw + ORBIT_PER_PIXEL * dx,
    pitch: clampPitch(h.pitch + ORBIT_PER_PIXEL * dy),
    zoom: h.zoom,
    overrideTimer: VIEW_HOLD_S,
  });
}

/**
 * A scroll of `amount` units (positive = up = zoom in).
 * @example scroll(INITIAL_VIEW, 1).zoom // → 0.1
 */
export function scroll(view: ViewState, amount: number): ViewState {
  const h = held(view);
  return Object.freeze({ yaw: h.yaw, pitch: h.pitch, zoom: h.zoom + ZOOM_PER_SCROLL * amount, overrideTimer: VIEW_HOLD_S });
}

/**
 * Let dtReal real seconds pass (dt < 0 counts as 0). Returns the same object once fully returned.
 * @example tickView(drag(INITIAL_VIEW, 10, 0), 3.6) // → INITIAL_VIEW
 */
export function tickView(view: ViewState, dtReal: number): ViewState {
  if (view.overrideTimer <= -VIEW_RETURN_S) return view;
  const timer = view.overrideTimer - Math.max(0, dtReal);
  if (timer <= -VIEW_RETURN_S) return INITIAL_VIEW;
  return Object.freeze({ yaw: view.yaw, pitch: view.pitch, zoom: view.zoom, overrideTimer: timer });
}

/**
 * Start easing back to the path now (the C key, issue 17): the offsets return over VIEW_RETURN_S.
 * @example viewWeight(releaseView(drag(INITIAL_VIEW, 10, 0))) // → 1, then tickView eases it to 0
 */
export function releaseView(view: ViewState): ViewState {
  if (view.overrideTimer <= 0) return view;
  return Object.freeze({ yaw: view.yaw, pitch: view.pitch, zoom: view.zoom, overrideTimer: 0 });
}

/**
 * Apply the view offsets to a pose from the path, in place (spec §6.4): orbit the position around
 * the target keeping its distance — yaw = atan2(d.x, d.z) + yaw offset, pitch = clamp(asin(d.y/|d|)
 * + pitch offset, ±1.2) — and scale orthoSize by 2^(−zoom). A pose without effective offset is left
 * untouched.
 *
 * @example applyView(frame.camera, view)
 */
export function applyView(pose: CameraPose, view: ViewState): CameraPose {
  const w = viewWeight(view);
  const yawOff = view.yaw * w;
  const pitchOff = view.pitch * w;
  const zoomOff = view.zoom * w;
  if (yawOff === 0 && pitchOff === 0 && zoomOff === 0) return pose;
  const p = pose.position;
  const c = pose.target;
  const dx = p[0] - c[0];
  const dy = p[1] - c[1];
  const dz = p[2] - c[2];
  const dist = Math.hypot(dx, dy, dz);
  if (dist > 0) {
    const yaw = Math.atan2(dx, dz) + yawOff;
    const pitch = clampPitch(Math.asin(Math.min(1, Math.max(-1, dy / dist))) + pitchOff);
    p[0] = c[0] + dist * Math.sin(yaw) * Math.cos(pitch);
    p[1] = c[1] + dist * Math.sin(pitch);
    p[2] = c[2] + dist * Math.cos(yaw) * Math.cos(pitch);
  }
  pose.orthoSize *= 2 ** -zoomOff;
  return pose;
}
