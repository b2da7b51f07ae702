/**
 * The camera path (spec §6.1–6.4): the fixed viewing direction, orthographic framing of a set of
 * matrix boxes or of the big characters, waypoints on the timeline (`buildWaypoints`, spec §6.3)
 * evaluated with smoothstep (`cameraAt`), and the user's orbit/zoom offset as explicit view state
 * (`ViewState` + pure reducers `drag`, `scroll`, `tickView`; `applyView` puts it on a pose).
 *
 * Deliberate difference from the reference (spec §11.3 #7): after 3 s without input the orbit/zoom
 * offsets EASE back to the path over VIEW_RETURN_S (smoothstep) instead of snapping.
 *
 * Not here: which boxes make up a stage (visualization/ layout), view/projection matrices
 * (core/camera.ts). Vectors are world units, times timeline seconds (waypoints) or real seconds
 * (ViewState).
 */
import type { CameraPose } from '../frame.js';
import { smooth } from './easing.js';
import type { Timeline } from './timeline.js';

// The orbit/zoom offset lives in its own module; re-exported so the camera API is one import.
export { INITIAL_VIEW, applyView, drag, scroll, tickView, viewWeight } from './view-state.js';
export type { ViewState } from './view-state.js';

export type Vec3 = readonly [number, number, number];

/** Azimuth and elevation of the fixed view (spec §6.1), radians. */
export const VIEW_AZIMUTH = Math.PI / 4;
export const VIEW_ELEVATION = Math.PI / 4;

function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Direction from target to camera: (−0.5, 0.70711, −0.5). */
export const VIEW_OFFSET: Vec3 = normalise([
  -Math.sin(VIEW_AZIMUTH) * Math.cos(VIEW_ELEVATION),
  Math.sin(VIEW_ELEVATION),
  -Math.cos(VIEW_AZIMUTH) * Math.cos(VIEW_ELEVATION),
]);
/** Viewing direction f = −offset: (0.5, −0.70711, 0.5). */
export const VIEW_FORWARD: Vec3 = [-VIEW_OFFSET[0], -VIEW_OFFSET[1], -VIEW_OFFSET[2]];
/** Screen-right in world space: normalise(f × (0,1,0)) = (−0.70711, 0, 0.70711). */
export const VIEW_RIGHT: Vec3 = normalise(cross(VIEW_FORWARD, [0, 1, 0]));
/** Screen-up in world space: right × f = (0.5, 0.70711, 0.5). */
export const VIEW_UP: Vec3 = cross(VIEW_RIGHT, VIEW_FORWARD);
/** Camera distance from its target, world units. */
export const CAMERA_DISTANCE = 200;
/** Constant framing margin added on every side, world units (spec §6.2). */
export const FRAMING_MARGIN = 3.5;
/** Half-extent given to character framings (spec §6.2), world units. */
export const CHARACTER_HALF = 4.0;

/** An axis-aligned box in world units. `anchor` (optional) is the point whose depth the reference uses. */
export interface Box {
  readonly min: Vec3;
  readonly max: Vec3;
  /**
   * Depth reference (spec §6.2 uses the matrix anchor = centre of element (0,0)); defaults to the box
   * centre. Only moves the target along the view direction, which an orthographic view cannot see.
   */
  readonly anchor?: Vec3;
}

/** A framing: where the camera looks, from where, and how much it shows (ortho half-height). */
export interface CameraKey {
  readonly target: Vec3;
  readonly position: Vec3;
  readonly orthoSize: number;
}

/** Alias of CameraKey (the name the visualisation code uses). */
export type Framing = CameraKey;

/** A camera key at a timeline time. */
export interface Waypoint extends CameraKey {
  readonly time: number;
}

function keyFrom(vcx: number, vcy: number, depth: number, orthoSize: number): CameraKey {
  const target: Vec3 = [
    vcx * VIEW_RIGHT[0] + vcy * VIEW_UP[0] + depth * VIEW_FORWARD[0],
    vcx * VIEW_RIGHT[1] + vcy * VIEW_UP[1] + depth * VIEW_FORWARD[1],
    vcx * VIEW_RIGHT[2] + vcy * VIEW_UP[2] + depth * VIEW_FORWARD[2],
  ];
  return Object.freeze({ target, position: positionFor(target), orthoSize });
}

/** target + CAMERA_DISTANCE·offset. */
function positionFor(target: Vec3): Vec3 {
  return [
    target[0] + CAMERA_DISTANCE * VIEW_OFFSET[0],
    target[1] + CAMERA_DISTANCE * VIEW_OFFSET[1],
    target[2] + CAMERA_DISTANCE * VIEW_OFFSET[2],
  ];
}

function checkAspect(aspect: number): void {
  if (!(aspect > 0) || !Number.isFinite(aspect)) throw new RangeError(`aspect must be positive (got ${aspect})`);
}

/**
 * Frame a set of boxes (spec §6.2): project the 8 corners of each on right/up, centre on the
 * projected extent, depth = mean of the boxes' anchors (or centres)·f, and
 * orthoSize = max(halfHeight + 3.5, (halfWidth + 3.5)/aspect).
 *
 * @example
 * // the 16×16 input matrix X, anchor (3.5, 2, 0), element pitch 0.5, box 0.4, at 16:9:
 * frameBoxes([{min: [-4.2, -5.7, -0.2], max: [3.7, 2.2, 0.2], anchor: [3.5, 2, 0]}], 16 / 9)
 * // → {target: [-0.638, -1.201, -0.388], orthoSize: 8.3681, position: target + 200·offset}
 */
export function frameBoxes(boxes: readonly Box[], aspect: number): CameraKey {
  if (boxes.length === 0) throw new RangeError('frameBoxes needs at least one box');
  checkAspect(aspect);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  let depth = 0;
  for (const b of boxes) {
    for (let k = 0; k < 8; k++) {
      const p: Vec3 = [(k & 1) === 0 ? b.min[0] : b.max[0], (k & 2) === 0 ? b.min[1] : b.max[1], (k & 4) === 0 ? b.min[2] : b.max[2]];
      const vx = dot(p, VIEW_RIGHT);
      const vy = dot(p, VIEW_UP);
      if (vx < x0) x0 = vx;
      if (vx > x1) x1 = vx;
      if (vy < y0) y0 = vy;
      if (vy > y1) y1 = vy;
    }
    const a: Vec3 = b.anchor ?? [(b.min[0] + b.max[0]) / 2, (b.min[1] + b.max[1]) / 2, (b.min[2] + b.max[2]) / 2];
    depth += dot(a, VIEW_FORWARD);
  }
  depth /= boxes.length;
  const ortho = Math.max((y1 - y0) / 2 + FRAMING_MARGIN, ((x1 - x0) / 2 + FRAMING_MARGIN) / aspect);
  return keyFrom((x0 + x1) / 2, (y0 + y1) / 2, depth, ortho);
}

/**
 * Frame the big characters (spec §6.2): target = mean of the positions; half-width = half the spread
 * of their projections on `right` + 4, half-height 4; orthoSize = max(4 + 3.5, halfWidth/aspect + 3.5).
 *
 * @example characterFraming([[7.5,2,-2],[3.75,2,-2],[0,2,-2],[-3.75,2,-2],[-7.5,2,-2]], 16/9)
 * // → {target: [0, 2, -2], orthoSize: 8.7331, …}
 */
export function characterFraming(positions: readonly Vec3[], aspect: number): CameraKey {
  if (positions.length === 0) throw new RangeError('characterFraming needs at least one position');
  checkAspect(aspect);
  let cx = 0;
  let cy = 0;
  let cz = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of positions) {
    cx += p[0];
    cy += p[1];
    cz += p[2];
    const v = dot(p, VIEW_RIGHT);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const n = positions.length;
  const target: Vec3 = [cx / n, cy / n, cz / n];
  const halfX = (hi - lo) / 2 + CHARACTER_HALF;
  const ortho = Math.max(CHARACTER_HALF + FRAMING_MARGIN, halfX / aspect + FRAMING_MARGIN);
  return Object.freeze({ target, position: positionFor(target), orthoSize: ortho });
}

/** Attach a time to a key. */
export function waypoint(time: number, key: CameraKey): Waypoint {
  return Object.freeze({ time, target: key.target, position: key.position, orthoSize: key.orthoSize });
}

/** The framings `buildWaypoints` asks for, by stage index into `timeline.stages`. */
export interface PathFramings {
  /** Character framing of the character display (needed when the timeline has one). */
  readonly characters?: CameraKey;
  /** Framing of a whole stage (single-group stages, the input stage). */
  stage(index: number): CameraKey;
  /** Framing of compute group g of a multi-group stage. */
  group(index: number, g: number): CameraKey;
  /** Replaces the loop-end waypoint (the next step's character framing, spec §5.11.3). */
  readonly loopEnd?: CameraKey;
}

/**
 * The waypoint schedule of spec §6.3 for a timeline, sorted by time (stable). Stages of zero length
 * get none. Multi-group stage: (S + A/2, group 0), then per group g with segment (s₀, s₁) of the
 * compute duration Cd starting at T = S + A: (T + s₀·Cd + min(0.3·(s₁ − s₀)·Cd, 0.8), g) and
 * (T + s₁·Cd, g); finally (E, last group). Loop end at total + return.
 *
 * @example buildWaypoints(tl, {characters, stage: (i) => …, group: (i, g) => …})[0].time // → 0.5
 */
export function buildWaypoints(tl: Timeline, f: PathFramings): Waypoint[] {
  const out: Waypoint[] = [];
  const st = tl.stages;
  const inputIndex = st.findIndex((s) => s.name === 'input');
  const chars = (): CameraKey => {
    if (f.characters === undefined) throw new RangeError('buildWaypoints: a character display needs `characters`');
    return f.characters;
  };
  for (const s of st) {
    if (!(s.end > s.start)) continue;
    const S = s.start;
    const A = s.appear;
    const E = s.end;
    if (s.name === 'char_display') {
      out.push(waypoint(S + 0.5 * A, chars()));
      if (inputIndex >= 0) {
        out.push(waypoint(S + A + 0.3, chars()), waypoint(E, f.stage(inputIndex)));
      } else {
        out.push(waypoint(E, chars()));
      }
    } else if (s.segments.length <= 1) {
      const k = f.stage(s.index);
      out.push(waypoint(S + 0.5 * A, k), waypoint(E, k));
    } else {
      const T = S + A;
      const Cd = s.compute;
      out.push(waypoint(S + 0.5 * A, f.group(s.index, 0)));
      s.segments.forEach(([s0, s1], g) => {
        const k = f.group(s.index, g);
        out.push(waypoint(T + s0 * Cd + Math.min(0.3 * (s1 - s0) * Cd, 0.8), k), waypoint(T + s1 * Cd, k));
      });
      out.push(waypoint(E, f.group(s.index, s.segments.length - 1)));
    }
  }
  if (st.length > 0) {
    const first = st[0].name === 'char_display' ? chars() : f.stage(0);
    out.push(waypoint(tl.duration, f.loopEnd ?? first));
  }
  // Array.prototype.sort is stable (ES2019).
  return out.sort((a, b) => a.time - b.time);
}

function writeKey(out: CameraPose, k: CameraKey): CameraPose {
  out.position[0] = k.position[0];
  out.position[1] = k.position[1];
  out.position[2] = k.position[2];
  out.target[0] = k.target[0];
  out.target[1] = k.target[1];
  out.target[2] = k.target[2];
  out.orthoSize = k.orthoSize;
  return out;
}

/**
 * The camera at timeline time t (spec §6.3), written into `out` (no allocation): before the first
 * waypoint → first, after the last → last, else the first pair (wᵢ, wᵢ₊₁) with tᵢ ≤ t ≤ tᵢ₊₁ is
 * blended with σ = smooth(0, 1, (t − tᵢ)/(tᵢ₊₁ − tᵢ)); a zero-length pair snaps to the later one.
 *
 * @example cameraAt(waypoints, 12.3, frame.camera)
 */
export function cameraAt(waypoints: readonly Waypoint[], t: number, out: CameraPose): CameraPose {
  const n = waypoints.length;
  if (n === 0) throw new RangeError('cameraAt needs at least one waypoint');
  if (!(t > waypoints[0].time)) return writeKey(out, waypoints[0]);
  if (t >= waypoints[n - 1].time) return writeKey(out, waypoints[n - 1]);
  let i = 0;
  while (i < n - 2 && !(waypoints[i].time <= t && t <= waypoints[i + 1].time)) i++;
  const a = waypoints[i];
  const b = waypoints[i + 1];
  const span = b.time - a.time;
  const s = span > 0 ? smooth(0, 1, (t - a.time) / span) : 1;
  for (let k = 0; k < 3; k++) {
    out.position[k] = a.position[k] + (b.position[k] - a.position[k]) * s;
    out.target[k] = a.target[k] + (b.target[k] - a.target[k]) * s;
  }
  out.orthoSize = a.orthoSize + (b.orthoSize - a.orthoSize) * s;
  return out;
}
