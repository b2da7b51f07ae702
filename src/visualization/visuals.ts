/**
 * The four visual primitives behind one entry point (spec §5.4): `drawVisual` writes a visual's
 * cube instances for its current state into the FrameDesc; `visualBoxes` gives the world extents
 * used for camera framing (spec §6.2 step 1); `place` builds a `Placed` matrix.
 *
 * Pure: same visual + state → same instances; allocation-free per frame. The motion of each kind
 * lives in static-visual.ts, activation-visual.ts, add-visual.ts and matmul-visual.ts. Not here:
 * the stage/group state machine and the visibility rules that produce the VisualState (VIZ-B).
 */
import type { FrameDesc } from '../frame.js';
import type { Matrix } from '../transformer/tensor.js';
import { drawActivation } from './activation-visual.js';
import { drawAdd } from './add-visual.js';
import { diverging } from './colormap.js';
import { drawMatmul } from './matmul-visual.js';
import { drawStatic } from './static-visual.js';
import { BS, SP } from './visual-types.js';
import type { Box, Placed, Vec3, Visual, VisualState } from './visual-types.js';

/** Visuals below this alpha draw nothing (spec §5.4). */
export const MIN_VISUAL_ALPHA = 0.01;

/**
 * Place matrix `m` with element (0, 0) at `anchor`, coloured by `colors` (default: diverging with
 * the matrix's own vmax). Colours are computed here, once.
 *
 * @example place(matrixFrom(1, 2, [-1, 1]), [3.5, 2, 0]).colors // blue, red
 */
export function place(m: Matrix, anchor: Vec3, colors: Float32Array = diverging(m)): Placed {
  if (colors.length !== m.rows * m.cols * 4) {
    throw new Error(`place: ${colors.length / 4} colours for a ${m.rows}×${m.cols} matrix`);
  }
  return Object.freeze({ rows: m.rows, cols: m.cols, anchor, colors });
}

/**
 * Write the instances of visual `v` in state `s` into `out` (spec §5.4). Skips visuals with
 * alpha < 0.01. `noise` is the 128×128 row-major table of animation/noise.ts.
 */
export function drawVisual(out: FrameDesc, v: Visual, s: VisualState, noise: Float32Array): void {
  if (s.alpha < MIN_VISUAL_ALPHA) return;
  switch (v.kind) {
    case 'static': drawStatic(out, v, s, noise); return;
    case 'activation': drawActivation(out, v, s, noise); return;
    case 'add': drawAdd(out, v, s, noise); return;
    case 'matmul': drawMatmul(out, v, s, noise); return;
  }
}

/** World box of a placed matrix (spec §6.2 step 1): cube centres ± BS/2. */
export function placedBox(p: Placed): Box {
  const [x, y, z] = p.anchor;
  const h = BS / 2;
  return Object.freeze({
    min: [x - (p.cols - 1) * SP - h, y - (p.rows - 1) * SP - h, z - h] as const,
    max: [x + h, y + h, z + h] as const,
  });
}

/** The matrix extents of a visual for camera framing: static/activation 1, add/matmul 3 (A, B, C). */
export function visualBoxes(v: Visual): Box[] {
  switch (v.kind) {
    case 'static': return [placedBox(v.m)];
    case 'activation': return [placedBox(v.pre)];
    case 'add':
    case 'matmul': return [placedBox(v.a), placedBox(v.b), placedBox(v.c)];
  }
}
