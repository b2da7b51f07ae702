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
 * of its index. Not here: visibility and wiring (the scene).
 */
import type { FrameDesc } from '../frame.js';
import { pushInstance } from '../frame.js';
import { ease, smooth } from '../animation/easing.js';
import { noiseAt } from '../animation/noise.js';
import { noiseWarp, wave } from '../animation/wave.js';
import { drawAppear, drawAtRest, pushCell } from './visual-common.js';
import { BS, SP } from './visual-types.js';
import type { MatmulVisual, VisualState } from './visual-types.js';

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

function drawAppearMatmul(out: FrameDesc, v: MatmulVisual, s: VisualState, noise: Float32Array): void {
  const va = s.alpha;
  const A = v.a;
  const B = v.b;
  if (v.sliceSources !== undefined) {
    for (const sl of v.sliceSources) {
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
  } else {
    drawAppear(out, A, A.colors, v.sourceA, v.seamlessA, s.appearT, va, noise);
  }
  const k = B.rows;
  const n = B.cols;
  const src = v.sourceB;
  if (src === undefined) {
    if (s.appearT <= 0.3) return;
    const base = smooth(0.3, 1, s.appearT);
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < n; c++) {
        const b = wave(base, r, c, k, n, 0.2);
        pushCell(out, B.colors, r * n + c, B.anchor[0] - c * SP, B.anchor[1] - r * SP, B.anchor[2],
          va * 0.9 * b, BS * (0.3 + 0.7 * b));
      }
    }
    return;
  }
  const seamless = v.seamlessB;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const b = wave(s.appearT, r, c, k, n, 0.2);
      const f = noiseWarp(b, noiseAt(noise, r, c));
      // Source element (r, c), or (c, r) for the transpose flight (Kᵀ from K).
      const fx = src[0] - (v.transposeFlyB ? r : c) * SP;
      const fy = src[1] - (v.transposeFlyB ? c : r) * SP;
      const fz = src[2];
      const x = fx + (B.anchor[0] - c * SP - fx) * f;
      const y = fy + (B.anchor[1] - r * SP - fy) * f;
      const z = fz + (B.anchor[2] - fz) * f;
      if (seamless) pushCell(out, B.colors, r * n + c, x, y, z, va * (1 - 0.1 * b), BS);
      else pushCell(out, B.colors, r * n + c, x, y, z, va * 0.9 * b, BS * (0.3 + 0.7 * b));
    }
  }
}

/** Push a B-coloured copy of element `bi` (elongated in z). */
function pushCopy(out: FrameDesc, bc: Float32Array, bi: number, x: number, y: number, z: number, a: number, sxy: number): void {
  const o = bi * 4;
  pushInstance(out, x, y, z, bc[o], bc[o + 1], bc[o + 2], a * bc[o + 3], sxy, sxy, COPY_Z);
}

/** Active column j at window sub-progress u ∈ (0, 1]. */
function drawActiveColumn(out: FrameDesc, v: MatmulVisual, j: number, u: number, va: number, mult: number, noise: Float32Array): void {
  const A = v.a;
  const B = v.b;
  const C = v.c;
  const m = A.rows;
  const k = A.cols;
  const n = B.cols;
  const ax = A.anchor[0];
  const ay = A.anchor[1];
  const az = A.anchor[2];
  const bc = B.colors;
  if (u < U_DESCEND) {
    const base = u / U_DESCEND;
    for (let p = 0; p < k; p++) {
      const f = wave(base, p, 0, k, 1, 0.3);
      const w = noiseWarp(f, noiseAt(noise, p, j));
      const fx = B.anchor[0] - j * SP;
      const fy = B.anchor[1] - p * SP;
      const fz = B.anchor[2];
      pushCopy(out, bc, p * n + j, fx + (ax - p * SP - fx) * w, fy + (ay - fy) * w, fz + (az - fz) * w,
        va * (0.5 + 0.5 * f), BS + (COPY_XY * BS - BS) * f);
    }
  } else if (u < U_STEP) {
    const q = (u - U_DESCEND) / (U_STEP - U_DESCEND);
    const steps = Math.max(m - 1, 1);
    const staggerTotal = Math.min(0.3, 0.025 * (k - 1));
    const portion = Math.max(1 - staggerTotal, 0.3);
    for (let p = 0; p < k; p++) {
      const delay = k > 1 ? (p / (k - 1)) * staggerTotal : 0;
      let pp = (q - delay) / portion;
      pp = pp < 0 ? 0 : pp > 1 ? 1 : pp;
      const f = pp * steps;
      const i0 = Math.min(Math.floor(f), steps - 1);
      const frac = Math.min(f - i0, 1);
      const x = ax - p * SP;
      const y0 = ay - i0 * SP;
      const bi = p * n + j;
      if (frac < DWELL) {
        const pulse = Math.sin((Math.PI * frac) / DWELL);
        pushCopy(out, bc, bi, x, y0, az, va * 0.95, COPY_XY * BS * (1 + 0.15 * pulse));
        const g = 1.05 * BS;
        pushInstance(out, x, y0, az, 1, 1, 1, va * 0.2 * pulse, g, g, g);
      } else {
        const e = ease((frac - DWELL) / (1 - DWELL));
        const y1 = ay - Math.min(i0 + 1, m - 1) * SP;
        pushCopy(out, bc, bi, x, y0 + (y1 - y0) * e, az, va * 0.9, COPY_XY * BS);
      }
      for (let i = 0; i < i0; i++) pushCopy(out, bc, bi, x, ay - i * SP, az, va * 0.45, 0.6 * BS);
    }
  } else if (u < U_DISSOLVE) {
    const sd = ease((u - U_STEP) / (U_DISSOLVE - U_STEP));
    const a = va * 0.7 * (1 - sd);
    const sxy = Math.max(0.01, COPY_XY * BS * (1 - 0.8 * sd));
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) pushCopy(out, bc, p * n + j, ax - p * SP, ay - i * SP, az, a, sxy);
    }
  } else if (mult > 0.01) {
    const base = (u - U_DISSOLVE) / (1 - U_DISSOLVE);
    const fx = ax - ((k - 1) * SP) / 2;
    for (let i = 0; i < m; i++) {
      const e = wave(base, i, 0, m, 1, 0.3);
      const w = noiseWarp(e, noiseAt(noise, i, j));
      const fy = ay - i * SP;
      pushCell(out, C.colors, i * n + j, fx + (C.anchor[0] - j * SP - fx) * w, fy + (C.anchor[1] - i * SP - fy) * w,
        az + (C.anchor[2] - az) * w, va * (0.3 + 0.7 * e) * mult, BS * (0.3 + 0.7 * e));
    }
  }
}

/** Draw a matmul. */
export function drawMatmul(out: FrameDesc, v: MatmulVisual, s: VisualState, noise: Float32Array): void {
  if (s.appearT < 1 && s.t <= 0) {
    drawAppearMatmul(out, v, s, noise);
    return;
  }
  const va = s.alpha;
  const mult = s.outputMult;
  const t = s.t;
  const B = v.b;
  const C = v.c;
  const k = B.rows;
  const n = B.cols;
  const m = C.rows;
  const w = Math.min(3 / n, 0.5);
  const stride = n > 1 ? (1 - w) / (n - 1) : 0;
  drawAtRest(out, v.a, v.a.colors, va);
  for (let j = 0; j < n; j++) {
    const start = j * stride;
    const x = B.anchor[0] - j * SP;
    if (!(t > start)) {
      // Not begun: B column waiting at its anchor.
      for (let p = 0; p < k; p++) pushCell(out, B.colors, p * n + j, x, B.anchor[1] - p * SP, B.anchor[2], va * 0.9, BS);
      continue;
    }
    const u = (t - start) / w;
    if (u < 0.25) {
      const l = u / 0.25;
      const a = va * 0.8 * (1 - l);
      const size = BS * (1 - 0.6 * l);
      for (let p = 0; p < k; p++) pushCell(out, B.colors, p * n + j, x, B.anchor[1] - p * SP, B.anchor[2], a, size);
    }
    // t ≥ 1 means every column is finished (exact rest, whatever the rounding of start + w).
    if (u <= 1 && t < 1) drawActiveColumn(out, v, j, u, va, mult, noise);
    else {
      const cx = C.anchor[0] - j * SP;
      const a = va * mult;
      for (let i = 0; i < m; i++) pushCell(out, C.colors, i * n + j, cx, C.anchor[1] - i * SP, C.anchor[2], a, BS);
    }
  }
}
