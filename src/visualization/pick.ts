/**
 * Picking (issue 17): which matrix cell is under a pointer, computed on the CPU from the frame's
 * own cube instances and its orthographic camera — no GL read-back. The pointer becomes a ray
 * (origin on the near plane, direction = the camera's forward); every instance is a box
 * (centre, edge lengths) tested with the slab method; the hits, nearest first, are then identified:
 * a cube *is* element (r, c) of a visible visual's part when it sits exactly on that part's grid
 * cell (anchor − (c·SP, r·SP, 0)) and wears that part's colour there (the closest colour wins, so a
 * cell half-way through an activation's colour change still resolves). Moving cubes (flights,
 * the matmul's walking copies, glows) sit off the grid and are looked through, so the first
 * identified hit is the cell one sees behind them.
 *
 * Cost: one pass over the instances (≈ 20 flops each) plus a few grid tests per hit; allocation-free
 * in the steady state (scratch arrays grow only when a ray crosses more cubes than ever before).
 * What it is not: wording or formulas (inspect.ts), drawing the highlight (inspect-draw.ts).
 */
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS, transparentStart } from '../frame.js';
import type { InspectPart } from './inspect-refs.js';
import type { Scene } from './scene.js';
import type { SceneState } from './scene-types.js';
import { SP } from './visual-types.js';

/** An identified cell: part `part` of visual `visual`, drawn element (row, col). */
export interface PickHit {
  visual: number;
  part: number;
  row: number;
  col: number;
}

/** Cubes fainter than this are looked through (fading ghosts, glows). */
const MIN_PICK_ALPHA = 0.1;
/** A cube is on a grid cell when each coordinate is within this of it (float32 positions). */
const GRID_EPS = 2e-3;
/** Colour distance (sum of |ΔRGB|) under which a cube wears a part's colour. */
const COLOUR_EPS = 0.25;

/** Scratch: hit depths and instance indices (grown on demand). */
let hitT = new Float64Array(64);
let hitI = new Int32Array(64);
const RAY = new Float64Array(6);

/** Visual `vi` is on screen in the frame whose evaluated state is `st` (the frame scratch's). */
function visible(scene: Scene, st: SceneState, vi: number): boolean {
  const sv = scene.visuals[vi]!;
  return sv.drawn && st.stageAlpha[sv.stage]! >= 0.01 && st.alpha[vi]! > 0.01;
}

/**
 * The ray under pixel (px, py) of a width × height picture (origin top-left): RAY = origin xyz,
 * direction xyz. Same basis as core/camera.ts viewMatrix (look-at with world up, or +X when
 * looking straight down).
 */
function rayAt(frame: FrameDesc, px: number, py: number, width: number, height: number): void {
  const p = frame.camera.position;
  const c = frame.camera.target;
  let zx = p[0]! - c[0]!, zy = p[1]! - c[1]!, zz = p[2]! - c[2]!;
  const zl = Math.hypot(zx, zy, zz) || 1;
  zx /= zl; zy /= zl; zz /= zl;
  const side = Math.abs(zy) > 0.999999;
  const ux = side ? 1 : 0, uy = side ? 0 : 1;
  // x = up × z, y = z × x
  let xx = uy * zz, xy = -ux * zz, xz = ux * zy - uy * zx;
  const xl = Math.hypot(xx, xy, xz) || 1;
  xx /= xl; xy /= xl; xz /= xl;
  const yx = zy * xz - zz * xy, yy = zz * xx - zx * xz, yz = zx * xy - zy * xx;
  const h = Math.max(0.1, frame.camera.orthoSize);
  const a = width / height;
  const nx = (2 * (px + 0.5)) / width - 1;
  const ny = 1 - (2 * (py + 0.5)) / height;
  RAY[0] = p[0]! + xx * nx * h * a + yx * ny * h;
  RAY[1] = p[1]! + xy * nx * h * a + yy * ny * h;
  RAY[2] = p[2]! + xz * nx * h * a + yz * ny * h;
  RAY[3] = -zx; RAY[4] = -zy; RAY[5] = -zz;
}

/** Entry depth of the ray into the box of instance i, or −1 when it misses. */
function hitDepth(d: Float32Array, i: number): number {
  const o = i * INSTANCE_FLOATS;
  let t0 = -Infinity;
  let t1 = Infinity;
  for (let k = 0; k < 3; k++) {
    const c = d[o + k]!;
    const h = d[o + 7 + k]! / 2;
    const ro = RAY[k]!;
    const rd = RAY[3 + k]!;
    if (Math.abs(rd) < 1e-12) {
      if (ro < c - h || ro > c + h) return -1;
      continue;
    }
    let a = (c - h - ro) / rd;
    let b = (c + h - ro) / rd;
    if (a > b) { const s = a; a = b; b = s; }
    if (a > t0) t0 = a;
    if (b < t1) t1 = b;
    if (t0 > t1) return -1;
  }
  return t1 < 0 ? -1 : Math.max(t0, 0);
}

let hitCount = 0;

function addHit(t: number, i: number): void {
  if (hitCount === hitT.length) {
    const nt = new Float64Array(hitT.length * 2);
    nt.set(hitT);
    hitT = nt;
    const ni = new Int32Array(hitI.length * 2);
    ni.set(hitI);
    hitI = ni;
  }
  // Insertion keeps the list sorted by depth (rays cross a handful of cubes).
  let k = hitCount++;
  while (k > 0 && hitT[k - 1]! > t) {
    hitT[k] = hitT[k - 1]!;
    hitI[k] = hitI[k - 1]!;
    k--;
  }
  hitT[k] = t;
  hitI[k] = i;
}

/** Drawn (row, col) of `p` at world (x, y, z), or −1 when the point is off its grid. Row·cols + col. */
export function gridCell(p: InspectPart['placed'], x: number, y: number, z: number): number {
  if (Math.abs(z - p.anchor[2]) > GRID_EPS) return -1;
  const cf = (p.anchor[0] - x) / SP;
  const rf = (p.anchor[1] - y) / SP;
  const c = Math.round(cf);
  const r = Math.round(rf);
  if (c < 0 || r < 0 || c >= p.cols || r >= p.rows) return -1;
  if (Math.abs(cf - c) * SP > GRID_EPS || Math.abs(rf - r) * SP > GRID_EPS) return -1;
  return r * p.cols + c;
}

/** Identify instance i as a cell of a visible visual's part, writing `out`; false when it is none. */
function identify(scene: Scene, st: SceneState, d: Float32Array, i: number, out: PickHit): boolean {
  const o = i * INSTANCE_FLOATS;
  const x = d[o]!, y = d[o + 1]!, z = d[o + 2]!;
  const r = d[o + 3]!, g = d[o + 4]!, b = d[o + 5]!;
  let best = COLOUR_EPS;
  let found = false;
  for (let vi = 0; vi < scene.visuals.length; vi++) {
    const parts = scene.parts[vi]!;
    if (parts.length === 0 || !visible(scene, st, vi)) continue;
    for (let pi = 0; pi < parts.length; pi++) {
      const pt = parts[pi]!;
      const cell = gridCell(pt.placed, x, y, z);
      if (cell < 0) continue;
      const co = cell * 4;
      const dist = Math.abs(pt.colors[co]! - r) + Math.abs(pt.colors[co + 1]! - g) + Math.abs(pt.colors[co + 2]! - b);
      // Later visuals win ties (the stage further on shows the newer meaning of the same cubes).
      if (dist <= best) {
        best = dist;
        found = true;
        out.visual = vi;
        out.part = pi;
        out.row = Math.floor(cell / pt.placed.cols);
        out.col = cell % pt.placed.cols;
      }
    }
  }
  return found;
}

/**
 * The cell under pixel (px, py) of a width × height picture of `frame` (origin top-left), written
 * into `out`; returns `out`, or null over nothing. `st` must be the state of the frameAt call that
 * filled `frame` (its scratch's `state`, which frameAt leaves so).
 *
 * @example pickAt(scene, scratch.state, frame, 800, 450, 1600, 900, {visual: 0, part: 0, row: 0, col: 0})
 */
export function pickAt(
  scene: Scene, st: SceneState, frame: FrameDesc, px: number, py: number, width: number, height: number, out: PickHit,
): PickHit | null {
  if (!(width > 0 && height > 0)) return null;
  rayAt(frame, px, py, width, height);
  hitCount = 0;
  const d = frame.instances;
  for (let i = 0; i < frame.opaqueCount; i++) {
    const t = hitDepth(d, i);
    if (t >= 0) addHit(t, i);
  }
  for (let i = transparentStart(frame); i < frame.capacity; i++) {
    if (d[i * INSTANCE_FLOATS + 6]! < MIN_PICK_ALPHA) continue;
    const t = hitDepth(d, i);
    if (t >= 0) addHit(t, i);
  }
  for (let k = 0; k < hitCount; k++) {
    if (identify(scene, st, d, hitI[k]!, out)) return out;
  }
  return null;
}
