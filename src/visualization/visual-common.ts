/**
 * Shared drawing helpers of the four visual primitives (spec §5.3, §5.4): element cells and the
 * "fly in / fade in" appear rule that the static matrix, the activation, the add and the matmul
 * operands all use (flights use the noise-warped lerp of animation/wave.ts).
 *
 * Pure and allocation-free: every helper writes cube instances straight into the FrameDesc and
 * keeps no state. Allocation-free also means: no number arguments that are not small integers
 * across the per-visual calls (V8 boxes a double passed to a call it does not inline, one
 * HeapNumber each), so these helpers take the VisualState and read alpha/appearT from it; and
 * each per-element loop has a single push site, so that TurboFan's inlining budget (≈ 920
 * bytecode bytes per optimised function) covers the whole loop body. Not here: what a visual *is* (visual-types.ts), the per-kind motion
 * (static-visual.ts, add-visual.ts, matmul-visual.ts).
 */
import { pushInstance } from '../frame.js';
import type { FrameDesc } from '../frame.js';
import { noiseAt } from '../animation/noise.js';
import { noiseWarp, wave } from '../animation/wave.js';
import { BS as SHARED_BS, SP as SHARED_SP } from './visual-types.js';
import type { Placed, Vec3, VisualState } from './visual-types.js';

// Module-local copies of the shared sizes: TurboFan folds a module's own constants but not
// imported bindings, and an unfolded one flowing into a phi (`e ? BS * k : BS`) makes it box the
// double on every element (≈ 0.6 KB per visual per frame, measured).
const BS = SHARED_BS;
const SP = SHARED_SP;

/** Push element i of `colors` at (x, y, z) with alpha `a` (× the colour's own alpha) and size s·(1,1,1). */
export function pushCell(
  out: FrameDesc, colors: Float32Array, i: number,
  x: number, y: number, z: number, a: number, s: number,
): void {
  const o = i * 4;
  pushInstance(out, x, y, z, colors[o], colors[o + 1], colors[o + 2], a * colors[o + 3], s, s, s);
}

/** Every element of `p` at rest in its own colours with alpha s.alpha (× colour alpha), size BS. */
export function drawAtRest(out: FrameDesc, p: Placed, s: VisualState): void {
  const a = s.alpha;
  const colors = p.colors;
  const ax = p.anchor[0];
  const ay = p.anchor[1];
  const az = p.anchor[2];
  for (let r = 0; r < p.rows; r++) {
    const y = ay - r * SP;
    const row = r * p.cols;
    for (let c = 0; c < p.cols; c++) pushCell(out, colors, row + c, ax - c * SP, y, az, a, BS);
  }
}

/**
 * The shared appear rule (spec §5.4 intro, §5.4.1), in p's own colours: element (r, c) at progress
 * w = wave(s.appearT, r, c, R, C, stagger) moves by noise-warped lerp from the same element of
 * `source` (or stays at its own cell when there is none) to its own cell. Seamless (a source is
 * wired and the visual is flagged seamless): alpha a = s.alpha, size BS all the way. Otherwise it
 * fades and grows in: alpha a·w, size BS·(0.3 + 0.7·w).
 */
export function drawAppear(
  out: FrameDesc, p: Placed, source: Vec3 | undefined, seamless: boolean, s: VisualState, noise: Float32Array,
): void {
  const colors = p.colors;
  const appearT = s.appearT;
  const a = s.alpha;
  const ax = p.anchor[0];
  const ay = p.anchor[1];
  const az = p.anchor[2];
  const sx = source === undefined ? ax : source[0];
  const sy = source === undefined ? ay : source[1];
  const sz = source === undefined ? az : source[2];
  const full = seamless && source !== undefined;
  const R = p.rows;
  const C = p.cols;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const w = wave(appearT, r, c, R, C, 0.3);
      const k = noiseWarp(w, noiseAt(noise, r, c));
      const dx = c * SP;
      const dy = r * SP;
      const x = sx - dx + (ax - sx) * k;
      const y = sy - dy + (ay - sy) * k;
      const z = sz + (az - sz) * k;
      pushCell(out, colors, r * C + c, x, y, z, full ? a : a * w, full ? BS : BS * (0.3 + 0.7 * w));
    }
  }
}
