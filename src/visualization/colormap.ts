/**
 * Colour maps: matrix values → RGBA colours, computed once per visual (spec §5.2, §5.7.3).
 *
 * - `diverging`: −vmax → blue (0,0,1), 0 → white, +vmax → red (1,0,0); the default for every matrix.
 * - `sequential`: dark purple (0.05,0,0.15) → blue (0.2,0.4,0.9) → yellow (1,0.95,0.3); probabilities.
 * - per-row and "fading" variants for the token-probability steps (§5.9.13).
 *
 * Every function returns a new rows·cols·4 Float32Array (linear RGB, alpha separately) and is
 * meant to run at scene build, never per frame. This module knows nothing about positions or time.
 */
import type { Matrix } from '../transformer/tensor.js';

/** Smallest normalisation limit (keeps an all-zero matrix white / dark purple). */
const MIN_VMAX = 0.01;
/** |value| below which the fading maps make an element (or row) transparent. */
const FADE_EPS = 1e-8;

/** |values| at or above this are sentinels (the causal mask's −1e9), not data: they never set the scale. */
const SENTINEL = 1e8;
/** Robust scale (issue 17): the percentile used, and how far the largest |value| may exceed it before it counts as an outlier. */
const ROBUST_Q = 0.95;
const OUTLIER_RATIO = 2;
const ROBUST_HEADROOM = 1.25;
const ROBUST_MIN_COUNT = 20;

/**
 * Diverging normalisation limit of a matrix, robust to outliers (issue 17): the largest |value|
 * (at least 0.01), ignoring mask sentinels (|v| ≥ 1e8, which then show full blue); but when that
 * largest value is more than twice the 95th percentile of |value| — one very negative column, as
 * the PAD column of the logits — 1.25 × the 95th percentile instead, so the outliers saturate and
 * the rest keeps its contrast.
 *
 * @example vmaxOf(matrixFrom(1, 2, [-3, 2])) === 3
 */
export function vmaxOf(m: Matrix): number {
  const d = m.data;
  const abs: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const a = Math.abs(d[i]);
    if (a < SENTINEL) abs.push(a);
  }
  if (abs.length === 0) return MIN_VMAX;
  abs.sort((x, y) => x - y);
  const max = abs[abs.length - 1]!;
  const q = abs[Math.floor(ROBUST_Q * (abs.length - 1))]!;
  // A percentile means little for a handful of values: small matrices keep their max.
  const v = abs.length >= ROBUST_MIN_COUNT && max > OUTLIER_RATIO * q ? ROBUST_HEADROOM * q : max;
  return Math.max(MIN_VMAX, v);
}

/**
 * Write the diverging colour of `v` (limit `vmax`) at out[o … o+3]. `levelStep` > 0: each channel
 * as `out` stores it rounded to a multiple of levelStep / 255, on the levels a screen shows
 * (visualization/train-view.ts); 0: not rounded.
 */
export function divergingAt(out: Float32Array, o: number, v: number, vmax: number, levelStep = 0): void {
  let t = (v + vmax) / (2 * vmax + 1e-8);
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const lo = t < 0.5;
  let s = lo ? 2 * t : 1 - 2 * (t - 0.5);
  // floor(x + ½), not Math.round: the same for x ≥ 0, in a third of the time (V8), and the
  // training view colours ≈ 22,000 cubes a frame.
  if (levelStep > 0) s = Math.min(255, levelStep * Math.floor((Math.fround(s) * 255) / levelStep + 0.5)) / 255;
  if (lo) {
    out[o] = s; out[o + 1] = s; out[o + 2] = 1;
  } else {
    out[o] = 1; out[o + 1] = s; out[o + 2] = s;
  }
  out[o + 3] = 1;
}

/** Write the sequential colour of `v` (limits vmin … vmax) at out[o … o+3]. */
export function sequentialAt(out: Float32Array, o: number, v: number, vmin: number, vmax: number): void {
  let t = (v - vmin) / (vmax - vmin + 1e-8);
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  if (t < 0.5) {
    const s = 2 * t;
    out[o] = 0.05 + 0.15 * s; out[o + 1] = 0.4 * s; out[o + 2] = 0.15 + 0.75 * s;
  } else {
    const s = 2 * (t - 0.5);
    out[o] = 0.2 + 0.8 * s; out[o + 1] = 0.4 + 0.55 * s; out[o + 2] = 0.9 - 0.6 * s;
  }
  out[o + 3] = 1;
}

/**
 * Diverging colours (blue − / white 0 / red +), limit `vmax` (default `vmaxOf(m)`).
 *
 * @example diverging(matrixFrom(1, 3, [-1, 0, 1])) // blue, white, red
 */
export function diverging(m: Matrix, vmax: number = vmaxOf(m)): Float32Array {
  const d = m.data;
  const out = new Float32Array(d.length * 4);
  for (let i = 0; i < d.length; i++) divergingAt(out, i * 4, d[i], vmax);
  return out;
}

/** Largest value of the matrix, at least 0.01. */
function maxOf(d: Float32Array, from: number, to: number): number {
  let v = MIN_VMAX;
  for (let i = from; i < to; i++) if (d[i] > v) v = d[i];
  return v;
}

/**
 * Sequential colours, limits vmin (default 0) … vmax (default max(matrix max, 0.01)).
 *
 * @example sequential(matrixFrom(1, 2, [0, 1])) // dark purple, yellow
 */
export function sequential(m: Matrix, vmin = 0, vmax: number = maxOf(m.data, 0, m.data.length)): Float32Array {
  const d = m.data;
  const out = new Float32Array(d.length * 4);
  for (let i = 0; i < d.length; i++) sequentialAt(out, i * 4, d[i], vmin, vmax);
  return out;
}

/**
 * Sequential colours per row: vmin 0, vmax = max(row max, 0.01), so each row's maximum is yellow
 * and zero stays dark purple.
 */
export function sequentialPerRow(m: Matrix): Float32Array {
  const d = m.data;
  const out = new Float32Array(d.length * 4);
  for (let r = 0; r < m.rows; r++) {
    const from = r * m.cols;
    const vmax = maxOf(d, from, from + m.cols);
    for (let i = from; i < from + m.cols; i++) sequentialAt(out, i * 4, d[i], 0, vmax);
  }
  return out;
}

/** Per-row sequential colours; every row whose max |value| < 1e-8 gets alpha 0. */
export function sequentialPerRowFading(m: Matrix): Float32Array {
  const out = sequentialPerRow(m);
  const d = m.data;
  for (let r = 0; r < m.rows; r++) {
    const from = r * m.cols;
    let big = 0;
    for (let i = from; i < from + m.cols; i++) big = Math.max(big, Math.abs(d[i]));
    if (big < FADE_EPS) for (let i = from; i < from + m.cols; i++) out[i * 4 + 3] = 0;
  }
  return out;
}

/** Whole-matrix sequential colours (vmax = matrix max); elements with |value| < 1e-8 get alpha 0. */
export function sequentialFading(m: Matrix): Float32Array {
  const out = sequential(m);
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) < FADE_EPS) out[i * 4 + 3] = 0;
  return out;
}
