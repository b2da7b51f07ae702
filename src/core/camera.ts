/**
 * Camera maths (spec §6), pure and allocation-free (gl-matrix, out-first):
 * - view matrix: right-handed look-at from CameraPose (position, target), world up (0, 1, 0),
 *   helper up (1, 0, 0) when the view direction is parallel to it;
 * - projection: symmetric orthographic, half-height max(0.1, orthoSize), half-width
 *   half-height × aspect, near 0.1, far 1000 (OpenGL depth convention);
 * - framing of an axis-aligned box seen from the fixed direction with the 3.5-unit margin (§6.2);
 * - waypoint interpolation with smoothstep (§6.3) and the user orbit/zoom offset (§6.4).
 *
 * What it is not: no GL, no scene knowledge (which boxes to frame is the caller's business),
 * no time-keeping. The animated camera path (animation/) may build on these helpers.
 */
import { mat4, vec3, vec4 } from 'gl-matrix';
import type { CameraPose } from '../frame.js';

export const CAMERA_DISTANCE = 200;
export const NEAR = 0.1;
export const FAR = 1000;
export const FRAME_MARGIN = 3.5;
const S2 = Math.SQRT1_2;
/** Unit offset from target to camera: (−sin α cos ε, sin ε, −cos α cos ε), α = ε = π/4. */
export const VIEW_OFFSET: readonly [number, number, number] = [-0.5, S2, -0.5];
/** Screen-right and screen-up directions in world space for the fixed view. */
export const VIEW_RIGHT: readonly [number, number, number] = [-S2, 0, S2];
export const VIEW_UP: readonly [number, number, number] = [0.5, S2, 0.5];
/** Viewing direction (from camera to target). */
export const VIEW_FORWARD: readonly [number, number, number] = [0.5, -S2, 0.5];

const eye = vec3.create();
const center = vec3.create();
const up = vec3.create();
const dir = vec3.create();
const tmp4 = vec4.create();

/** Unit vector from the camera toward its target, written to `out`. */
export function cameraForward(out: vec3, pose: CameraPose): vec3 {
  // Component writes rather than vec3.set/scale: V8 boxes numbers passed to calls it does not
  // inline, and this runs every frame (same arithmetic as gl-matrix, so the same float32 results).
  out[0] = pose.target[0]! - pose.position[0]!;
  out[1] = pose.target[1]! - pose.position[1]!;
  out[2] = pose.target[2]! - pose.position[2]!;
  const x = out[0];
  const y = out[1];
  const z = out[2];
  const len = Math.sqrt(x * x + y * y + z * z);
  if (len < 1e-12) {
    out[0] = VIEW_FORWARD[0];
    out[1] = VIEW_FORWARD[1];
    out[2] = VIEW_FORWARD[2];
    return out;
  }
  const inv = 1 / len;
  out[0] = x * inv;
  out[1] = y * inv;
  out[2] = z * inv;
  return out;
}

/** Right-handed look-at view matrix for the pose. */
export function viewMatrix(out: mat4, pose: CameraPose): mat4 {
  eye[0] = pose.position[0]!; eye[1] = pose.position[1]!; eye[2] = pose.position[2]!;
  center[0] = pose.target[0]!; center[1] = pose.target[1]!; center[2] = pose.target[2]!;
  cameraForward(dir, pose);
  const side = Math.abs(dir[1]) > 0.999999;
  up[0] = side ? 1 : 0; up[1] = side ? 0 : 1; up[2] = 0;
  const dx = center[0] - eye[0];
  const dy = center[1] - eye[1];
  const dz = center[2] - eye[2];
  if (dx * dx + dy * dy + dz * dz < 1e-24) vec3.subtract(eye, center, dir);
  return mat4.lookAt(out, eye, center, up);
}

/** Orthographic projection: half-height max(0.1, orthoSize), half-width × aspect (aspect = w/h). */
export function projectionMatrix(out: mat4, pose: CameraPose, aspect: number): mat4 {
  const h = Math.max(0.1, pose.orthoSize);
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
  return mat4.ortho(out, -h * a, h * a, -h, h, NEAR, FAR);
}

/**
 * projectionMatrix for a width × height framebuffer (aspect = width / height), written without a
 * call that takes numbers (mat4.ortho's arithmetic, inlined), for the per-frame path.
 */
export function projectionForSize(out: mat4, pose: CameraPose, width: number, height: number): mat4 {
  const aspect = width / height;
  const h = Math.max(0.1, pose.orthoSize);
  const a = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
  const left = -h * a;
  const right = h * a;
  const bottom = -h;
  const top = h;
  const lr = 1 / (left - right);
  const bt = 1 / (bottom - top);
  const nf = 1 / (NEAR - FAR);
  out[0] = -2 * lr; out[1] = 0; out[2] = 0; out[3] = 0;
  out[4] = 0; out[5] = -2 * bt; out[6] = 0; out[7] = 0;
  out[8] = 0; out[9] = 0; out[10] = 2 * nf; out[11] = 0;
  out[12] = (left + right) * lr;
  out[13] = (top + bottom) * bt;
  out[14] = (FAR + NEAR) * nf;
  out[15] = 1;
  return out;
}

/**
 * Project a world point to framebuffer pixels (origin top-left, y down) through `viewProj`.
 * Writes [x, y, depth in 0..1] to out.
 */
export function projectToPixel(out: vec3, viewProj: mat4, x: number, y: number, z: number, width: number, height: number): vec3 {
  vec4.set(tmp4, x, y, z, 1);
  vec4.transformMat4(tmp4, tmp4, viewProj);
  const w = tmp4[3] !== 0 ? tmp4[3] : 1;
  const nx = tmp4[0] / w;
  const ny = tmp4[1] / w;
  const nz = tmp4[2] / w;
  return vec3.set(out, (nx * 0.5 + 0.5) * width, (0.5 - ny * 0.5) * height, nz * 0.5 + 0.5);
}

/**
 * Frame the axis-aligned box [min, max] from the fixed viewing direction (spec §6.2): project its
 * 8 corners on VIEW_RIGHT/VIEW_UP; the target is the view-space centre at the box centre's depth,
 * the camera sits CAMERA_DISTANCE back along VIEW_OFFSET, and orthoSize leaves `margin` world units
 * on each side at the given aspect.
 */
export function frameBox(
  out: CameraPose, minX: number, minY: number, minZ: number, maxX: number, maxY: number, maxZ: number,
  aspect: number, margin = FRAME_MARGIN,
): CameraPose {
  let rx0 = Infinity, rx1 = -Infinity, uy0 = Infinity, uy1 = -Infinity;
  for (let i = 0; i < 8; i++) {
    const x = i & 1 ? maxX : minX;
    const y = i & 2 ? maxY : minY;
    const z = i & 4 ? maxZ : minZ;
    const r = x * VIEW_RIGHT[0] + y * VIEW_RIGHT[1] + z * VIEW_RIGHT[2];
    const u = x * VIEW_UP[0] + y * VIEW_UP[1] + z * VIEW_UP[2];
    if (r < rx0) rx0 = r;
    if (r > rx1) rx1 = r;
    if (u < uy0) uy0 = u;
    if (u > uy1) uy1 = u;
  }
  const vcx = (rx0 + rx1) / 2;
  const vcy = (uy0 + uy1) / 2;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2, cz = (minZ + maxZ) / 2;
  const depth = cx * VIEW_FORWARD[0] + cy * VIEW_FORWARD[1] + cz * VIEW_FORWARD[2];
  for (let k = 0; k < 3; k++) {
    const t = vcx * VIEW_RIGHT[k]! + vcy * VIEW_UP[k]! + depth * VIEW_FORWARD[k]!;
    out.target[k] = t;
    out.position[k] = t + CAMERA_DISTANCE * VIEW_OFFSET[k]!;
  }
  const a = aspect > 0 ? aspect : 1;
  out.orthoSize = Math.max((uy1 - uy0) / 2 + margin, ((rx1 - rx0) / 2 + margin) / a);
  return out;
}

/** smoothstep(0, 1, x), clamped. */
export function smoothstep01(x: number): number {
  const t = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return t * t * (3 - 2 * t);
}

/** out = lerp(a, b, s) for position, target and orthoSize. `out` may alias `a` or `b`. */
export function lerpPose(out: CameraPose, a: CameraPose, b: CameraPose, s: number): CameraPose {
  for (let k = 0; k < 3; k++) {
    out.position[k] = a.position[k]! + (b.position[k]! - a.position[k]!) * s;
    out.target[k] = a.target[k]! + (b.target[k]! - a.target[k]!) * s;
  }
  out.orthoSize = a.orthoSize + (b.orthoSize - a.orthoSize) * s;
  return out;
}

export interface Waypoint {
  readonly time: number;
  readonly pose: CameraPose;
}

/**
 * Camera pose at time t along waypoints sorted by time (spec §6.3): before the first → first,
 * after the last → last, otherwise smoothstep between the first pair with tᵢ ≤ t ≤ tᵢ₊₁
 * (a zero-length pair snaps to the later one).
 */
export function poseAt(out: CameraPose, waypoints: readonly Waypoint[], t: number): CameraPose {
  const n = waypoints.length;
  if (n === 0) return out;
  if (t <= waypoints[0]!.time) return lerpPose(out, waypoints[0]!.pose, waypoints[0]!.pose, 0);
  if (t >= waypoints[n - 1]!.time) return lerpPose(out, waypoints[n - 1]!.pose, waypoints[n - 1]!.pose, 0);
  for (let i = 0; i < n - 1; i++) {
    const a = waypoints[i]!;
    const b = waypoints[i + 1]!;
    if (a.time <= t && t <= b.time) {
      const span = b.time - a.time;
      const s = span > 0 ? smoothstep01((t - a.time) / span) : 1;
      return lerpPose(out, a.pose, b.pose, s);
    }
  }
  return out;
}

/**
 * Apply the user's orbit and zoom offsets on top of a path pose (spec §6.4), in place: yaw/pitch
 * around the target at the same distance (pitch clamped to ±1.2), orthoSize × 2^(−zoom).
 */
export function applyOrbit(pose: CameraPose, yawOffset: number, pitchOffset: number, zoomOffset: number): CameraPose {
  const dx = pose.position[0]! - pose.target[0]!;
  const dy = pose.position[1]! - pose.target[1]!;
  const dz = pose.position[2]! - pose.target[2]!;
  const dist = Math.hypot(dx, dy, dz);
  if (dist > 0) {
    const yaw = Math.atan2(dx, dz) + yawOffset;
    const basePitch = Math.asin(Math.min(1, Math.max(-1, dy / dist)));
    const pitch = Math.min(1.2, Math.max(-1.2, basePitch + pitchOffset));
    pose.position[0] = pose.target[0]! + dist * Math.sin(yaw) * Math.cos(pitch);
    pose.position[1] = pose.target[1]! + dist * Math.sin(pitch);
    pose.position[2] = pose.target[2]! + dist * Math.cos(yaw) * Math.cos(pitch);
  }
  pose.orthoSize *= Math.pow(2, -zoomOffset);
  return pose;
}

/**
 * Keep the scene clear of the window's overlays (issue 17): shrink the picture into the band
 * between `topPx` and `bottomPx` of a `heightPx`-tall framebuffer — orthoSize grows by
 * H / (H − top − bottom) and the camera slides along its screen-up axis so the band's centre is
 * the old picture's centre. In place; allocation-free.
 */
export function reserveMargins(pose: CameraPose, heightPx: number, topPx: number, bottomPx: number): CameraPose {
  const band = heightPx - topPx - bottomPx;
  if (!(band > heightPx * 0.3)) return pose;
  const h = pose.orthoSize * (heightPx / band);
  // World units per pixel after the change; the band's centre sits (bottom − top)/2 px above the middle.
  const shift = ((bottomPx - topPx) / 2) * ((2 * h) / heightPx);
  cameraForward(dir, pose);
  const side = Math.abs(dir[1]) > 0.999999;
  // screen-up = forward × (up × forward) normalised, as lookAt builds it.
  const ux = side ? 1 : 0, uy = side ? 0 : 1;
  const rx = dir[1] * 0 - dir[2] * uy, ry = dir[2] * ux - dir[0] * 0, rz = dir[0] * uy - dir[1] * ux;
  let yx = ry * dir[2] - rz * dir[1], yy = rz * dir[0] - rx * dir[2], yz = rx * dir[1] - ry * dir[0];
  const yl = Math.hypot(yx, yy, yz) || 1;
  yx /= yl; yy /= yl; yz /= yl;
  // Moving the camera down (−up) moves the picture up on screen.
  pose.position[0] -= yx * shift; pose.position[1] -= yy * shift; pose.position[2] -= yz * shift;
  pose.target[0] -= yx * shift; pose.target[1] -= yy * shift; pose.target[2] -= yz * shift;
  pose.orthoSize = h;
  return pose;
}

/**
 * Map clip-space y of an orthographic projection into [−1 + 2c, 1]: y' = k·y + c (k = 1 − c here),
 * so the picture fills the part of the viewport above a band of the bottom c/2 of its height.
 */
export function squeezeY(m: mat4, k: number, c: number): void {
  m[1]! *= k; m[5]! *= k; m[9]! *= k;
  m[13] = m[13]! * k + c * m[15]!;
}
