/**
 * Matmul visual C = A·B, "descend, dissolve, collapse" (spec §5.4.4). A is m × k, B is k × n,
 * C is m × n.
 *
 * Appear: A flies in (whole, or as column slices for the concat), B flies in (optionally
 * transposing itself, Kᵀ) or fades in after 30 % of the appear. Compute: B's columns are processed
 * in overlapping windows (w = min(3/n, 0.5), stride (1 − w)/(n − 1)); within its window, column j
 * (sub-progress u) descends onto A's first row (u < 0.20), walks down A row by row with a pulse
 * and a white glow per dot product, leaving stamps (u < 0.55), dissolves over all of A (u < 0.65)
 * and collapses row by row into C's column j (u ≥ 0.65). Finished columns rest in C.
 *
 * A column's window begins strictly after its start (t > j·stride) so the first compute frame
 * equals the last appear frame. Pure and allocation-free: every element's stagger is a formula
 * of its index. Each per-element loop is its own small function with one push site, taking only
 * objects and integer indices (the VisualState carries the doubles; u is recomputed from s.t and
 * j), so V8 neither boxes arguments nor runs out of inlining budget (visual-common.ts). Not here:
 * visibility and wiring (the scene).
 */
import type { FrameDesc } from '../frame.js';
import { pushInstance } from '../frame.js';
import { ease, smooth } from '../animation/easing.js';
import { noiseAt } from '../animation/noise.js';
import { noiseWarp, wave } from '../animation/wave.js';
import { registerLoop, runLoop } from './cell-loop.js';
import { drawAppear, drawAtRest, pushCell } from './visual-common.js';
import { BS as SHARED_BS, SP as SHARED_SP } from './visual-types.js';
import type { ColumnSlice, MatmulVisual, Vec3, VisualState } from './visual-types.js';

// Module-local copies of the shared sizes: TurboFan folds a module's own constants but not
// imported bindings, and an unfolded one flowing into a phi (`e ? BS * k : BS`) makes it box the
// double on every element (≈ 0.6 KB per visual per frame, measured).
const BS = SHARED_BS;
const SP = SHARED_SP;

/** Sub-phase boundaries of a column's window (fractions of u). */
const U_DESCEND = 0.2;
const U_STEP = 0.55;
const U_DISSOLVE = 0.65;
/** Fraction of a row-step spent dwelling (pulsing) on a row. */
const DWELL = 0.45;
/** Size of the moving copies: x/y fraction of BS, z fraction (slightly elongated in depth). */
const COPY_XY = 0.75;
const COPY_Z = 1.3 * BS;

/** Column window of a matmul with n output columns: [w, stride] (spec §5.4.4). */
export function columnWindow(n: number): readonly [number, number] {
  const w = Math.min(3 / n, 0.5);
  return [w, n > 1 ? (1 - w) / (n - 1) : 0];
}


/** Appear of A as column slices, each flying from its own source (the concat). */
function appearSlices(out: FrameDesc, v: MatmulVisual, _j: number, s: VisualState, noise: Float32Array): void {
  const slices: readonly ColumnSlice[] = v.sliceSources ?? [];
  const va = s.alpha;
  const A = v.a;
  for (let q = 0; q < slices.length; q++) {
    const sl = slices[q]!;
    const width = sl.colEnd - sl.colStart;
    for (let i = 0; i < A.rows; i++) {
      for (let p = 0; p < width; p++) {
        const col = sl.colStart + p;
        const k = noiseWarp(wave(s.appearT, i, p, A.rows, width, 0.3), noiseAt(noise, i, col));
        const fx = sl.source[0] - p * SP;
        const fy = sl.source[1] - i * SP;
        const fz = sl.source[2];
        pushCell(out, A.colors, i * A.cols + col, fx + (A.anchor[0] - col * SP - fx) * k,
          fy + (A.anchor[1] - i * SP - fy) * k, fz + (A.anchor[2] - fz) * k, va, BS);
      }
    }
  }
}

/** Appear of B without a source: fades and grows in place after 30 % of the appear. */
function appearFadeB(out: FrameDesc, v: MatmulVisual, _j: number, s: VisualState, _noise: Float32Array): void {
  if (s.appearT <= 0.3) return;
  const va = s.alpha;
  const B = v.b;
  const k = B.rows;
  const n = B.cols;
  const base = smooth(0.3, 1, s.appearT);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const b = wave(base, r, c, k, n, 0.2);
      pushCell(out, B.colors, r * n + c, B.anchor[0] - c * SP, B.anchor[1] - r * SP, B.anchor[2],
        va * 0.9 * b, BS * (0.3 + 0.7 * b));
    }
  }
}

/** Appear of B flying from its source (optionally transposing itself, Kᵀ from K). */
function appearFlyB(out: FrameDesc, v: MatmulVisual, _j: number, s: VisualState, noise: Float32Array): void {
  const src: Vec3 = v.sourceB ?? v.b.anchor;
  const va = s.alpha;
  const B = v.b;
  const k = B.rows;
  const n = B.cols;
  const seamless = v.seamlessB;
  const transpose = v.transposeFlyB;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const b = wave(s.appearT, r, c, k, n, 0.2);
      const f = noiseWarp(b, noiseAt(noise, r, c));
      // Source element (r, c), or (c, r) for the transpose flight (Kᵀ from K).
      const fx = src[0] - (transpose ? r : c) * SP;
      const fy = src[1] - (transpose ? c : r) * SP;
      const fz = src[2];
      const x = fx + (B.anchor[0] - c * SP - fx) * f;
      const y = fy + (B.anchor[1] - r * SP - fy) * f;
      const z = fz + (B.anchor[2] - fz) * f;
      pushCell(out, B.colors, r * n + c, x, y, z,
        seamless ? va * (1 - 0.1 * b) : va * 0.9 * b, seamless ? BS : BS * (0.3 + 0.7 * b));
    }
  }
}

/** Appear of A as a whole (the shared appear rule). */
function appearA(out: FrameDesc, v: MatmulVisual, _j: number, s: VisualState, noise: Float32Array): void {
  drawAppear(out, v.a, v.sourceA, v.seamlessA, s, noise);
}

/** A at rest during the compute. */
function restA(out: FrameDesc, v: MatmulVisual, _j: number, s: VisualState, _noise: Float32Array): void {
  drawAtRest(out, v.a, s);
}

function drawAppearMatmul(out: FrameDesc, v: MatmulVisual, s: VisualState, noise: Float32Array): void {
  runLoop(v.sliceSources !== undefined ? APPEAR_SLICES : APPEAR_A, out, v, 0, s, noise);
  runLoop(v.sourceB === undefined ? APPEAR_FADE_B : APPEAR_FLY_B, out, v, 0, s, noise);
}

/** Push a B-coloured copy of element `bi` (elongated in z). */
function pushCopy(out: FrameDesc, bc: Float32Array, bi: number, x: number, y: number, z: number, a: number, sxy: number): void {
  const o = bi * 4;
  pushInstance(out, x, y, z, bc[o], bc[o + 1], bc[o + 2], a * bc[o + 3], sxy, sxy, COPY_Z);
}

/**
 * The column being drawn, set by drawMatmul before it calls the column loops: [0] its window
 * sub-progress u = (t − j·stride)/w, [1] begun (1/0), [2] active (1/0). A scratch slot rather than
 * arguments, because V8 boxes a double crossing a call it does not inline (cell-loop.ts).
 */
const COLUMN_U = new Float64Array(3);

/** u < 0.20: column j of B descends onto A's first row, turning as it goes. */
function descendColumn(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, noise: Float32Array): void {
  const A = v.a;
  const B = v.b;
  const k = A.cols;
  const n = B.cols;
  const va = s.alpha;
  const base = COLUMN_U[0]! / U_DESCEND;
  for (let p = 0; p < k; p++) {
    const f = wave(base, p, 0, k, 1, 0.3);
    const w = noiseWarp(f, noiseAt(noise, p, j));
    const fx = B.anchor[0] - j * SP;
    const fy = B.anchor[1] - p * SP;
    const fz = B.anchor[2];
    pushCopy(out, B.colors, p * n + j, fx + (A.anchor[0] - p * SP - fx) * w, fy + (A.anchor[1] - fy) * w,
      fz + (A.anchor[2] - fz) * w, va * (0.5 + 0.5 * f), BS + (COPY_XY * BS - BS) * f);
  }
}

/** Row index reached by element p of the walking column at walk progress q (spec §5.4.4). */
function walkPosition(q: number, p: number, k: number, steps: number): number {
  const staggerTotal = Math.min(0.3, 0.025 * (k - 1));
  const portion = Math.max(1 - staggerTotal, 0.3);
  const delay = k > 1 ? (p / (k - 1)) * staggerTotal : 0;
  let pp = (q - delay) / portion;
  pp = pp < 0 ? 0 : pp > 1 ? 1 : pp;
  return pp * steps;
}

/**
 * u < 0.55: the column walks down A row by row, pulsing with a white glow on each dot product and
 * leaving stamps on the rows it passed. Per element p, cell q = 0 is the moving copy, then the
 * glow (while dwelling), then the stamps on rows 0 … i0 − 1 — all through one push site.
 */
function walkColumn(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, _noise: Float32Array): void {
  const A = v.a;
  const m = A.rows;
  const k = A.cols;
  const n = v.b.cols;
  const ax = A.anchor[0];
  const ay = A.anchor[1];
  const az = A.anchor[2];
  const bc = v.b.colors;
  const va = s.alpha;
  const q = (COLUMN_U[0]! - U_DESCEND) / (U_STEP - U_DESCEND);
  const steps = Math.max(m - 1, 1);
  const g = 1.05 * BS;
  for (let p = 0; p < k; p++) {
    const f = walkPosition(q, p, k, steps);
    const i0 = Math.min(Math.floor(f), steps - 1);
    const frac = Math.min(f - i0, 1);
    const x = ax - p * SP;
    const y0 = ay - i0 * SP;
    const o = (p * n + j) * 4;
    const dwell = frac < DWELL;
    const pulse = dwell ? Math.sin((Math.PI * frac) / DWELL) : 0;
    const e = dwell ? 0 : ease((frac - DWELL) / (1 - DWELL));
    const y1 = ay - Math.min(i0 + 1, m - 1) * SP;
    const glow = dwell ? 1 : 0;
    const cells = 1 + glow + i0;
    for (let c = 0; c < cells; c++) {
      const white = c === 1 && dwell;
      // Stamp on row i (c ≥ 1 + glow).
      const i = c - 1 - glow;
      const y = c === 0 ? (dwell ? y0 : y0 + (y1 - y0) * e) : white ? y0 : ay - i * SP;
      const a = c === 0 ? (dwell ? va * 0.95 : va * 0.9) : white ? va * 0.2 * pulse : va * 0.45;
      const sxy = c === 0 ? (dwell ? COPY_XY * BS * (1 + 0.15 * pulse) : COPY_XY * BS) : white ? g : 0.6 * BS;
      pushInstance(out, x, y, az, white ? 1 : bc[o], white ? 1 : bc[o + 1], white ? 1 : bc[o + 2],
        white ? a : a * bc[o + 3], sxy, sxy, white ? g : COPY_Z);
    }
  }
}

/** u < 0.65: the copies dissolve over all of A. */
function dissolveColumn(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, _noise: Float32Array): void {
  const A = v.a;
  const m = A.rows;
  const k = A.cols;
  const n = v.b.cols;
  const bc = v.b.colors;
  const sd = ease((COLUMN_U[0]! - U_STEP) / (U_DISSOLVE - U_STEP));
  const a = s.alpha * 0.7 * (1 - sd);
  const sxy = Math.max(0.01, COPY_XY * BS * (1 - 0.8 * sd));
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) pushCopy(out, bc, p * n + j, A.anchor[0] - p * SP, A.anchor[1] - i * SP, A.anchor[2], a, sxy);
  }
}

/** u ≥ 0.65: the result collapses row by row into C's column j. */
function collapseColumn(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, noise: Float32Array): void {
  const A = v.a;
  const C = v.c;
  const m = A.rows;
  const k = A.cols;
  const n = v.b.cols;
  const ay = A.anchor[1];
  const az = A.anchor[2];
  const base = (COLUMN_U[0]! - U_DISSOLVE) / (1 - U_DISSOLVE);
  const fx = A.anchor[0] - ((k - 1) * SP) / 2;
  const am = s.alpha;
  const mult = s.outputMult;
  for (let i = 0; i < m; i++) {
    const e = wave(base, i, 0, m, 1, 0.3);
    const w = noiseWarp(e, noiseAt(noise, i, j));
    const fy = ay - i * SP;
    pushCell(out, C.colors, i * n + j, fx + (C.anchor[0] - j * SP - fx) * w, fy + (C.anchor[1] - i * SP - fy) * w,
      az + (C.anchor[2] - az) * w, am * (0.3 + 0.7 * e) * mult, BS * (0.3 + 0.7 * e));
  }
}

/** Active column j (its window sub-progress u ∈ (0, 1]). */
function drawActiveColumn(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, noise: Float32Array): void {
  const u = COLUMN_U[0]!;
  if (u < U_DESCEND) runLoop(DESCEND, out, v, j, s, noise);
  else if (u < U_STEP) runLoop(WALK, out, v, j, s, noise);
  else if (u < U_DISSOLVE) runLoop(DISSOLVE, out, v, j, s, noise);
  else if (s.outputMult > 0.01) runLoop(COLLAPSE, out, v, j, s, noise);
}

/** Draw a matmul. */
export function drawMatmul(out: FrameDesc, v: MatmulVisual, s: VisualState, noise: Float32Array): void {
  if (s.appearT < 1 && s.t <= 0) {
    drawAppearMatmul(out, v, s, noise);
    return;
  }
  const t = s.t;
  const n = v.b.cols;
  const w = Math.min(3 / n, 0.5);
  const stride = n > 1 ? (1 - w) / (n - 1) : 0;
  runLoop(REST_A, out, v, 0, s, noise);
  for (let j = 0; j < n; j++) {
    const begun = t > j * stride;
    const u = (t - j * stride) / w;
    // t ≥ 1 means every column is finished (exact rest, whatever the rounding of start + w).
    const active = begun && u <= 1 && t < 1;
    COLUMN_U[0] = u;
    COLUMN_U[1] = begun ? 1 : 0;
    COLUMN_U[2] = active ? 1 : 0;
    runLoop(COLUMN_PARTS, out, v, j, s, noise);
    if (active) drawActiveColumn(out, v, j, s, noise);
  }
}

/**
 * Columns at their anchors, through one push site: part 0 = B's column j, waiting (not begun:
 * alpha 0.9·va, size BS) or fading and shrinking away in the first quarter of its window;
 * part 1 = C's column j at rest once finished (alpha va·outputMult).
 */
function columnParts(out: FrameDesc, v: MatmulVisual, j: number, s: VisualState, _noise: Float32Array): void {
  const u = COLUMN_U[0]!;
  const begun = COLUMN_U[1] === 1;
  const active = COLUMN_U[2] === 1;
  const va = s.alpha;
  const n = v.b.cols;
  for (let part = 0; part < 2; part++) {
    const l = u / 0.25;
    if (part === 0 ? begun && !(l < 1) : !begun || active) continue;
    const P = part === 0 ? v.b : v.c;
    const a = part === 1 ? va * s.outputMult : begun ? va * 0.8 * (1 - l) : va * 0.9;
    const size = part === 0 && begun ? BS * (1 - 0.6 * l) : BS;
    const x = P.anchor[0] - j * SP;
    const ay = P.anchor[1];
    const az = P.anchor[2] + 0;
    for (let p = 0; p < P.rows; p++) pushCell(out, P.colors, p * n + j, x, ay - p * SP, az, a, size);
  }
}

const APPEAR_A = registerLoop(appearA);
const APPEAR_SLICES = registerLoop(appearSlices);
const APPEAR_FADE_B = registerLoop(appearFadeB);
const APPEAR_FLY_B = registerLoop(appearFlyB);
const REST_A = registerLoop(restA);
const COLUMN_PARTS = registerLoop(columnParts);
const DESCEND = registerLoop(descendColumn);
const WALK = registerLoop(walkColumn);
const DISSOLVE = registerLoop(dissolveColumn);
const COLLAPSE = registerLoop(collapseColumn);
