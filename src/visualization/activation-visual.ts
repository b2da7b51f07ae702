/**
 * Activation visual (spec §5.4.2): an in-place element-wise transform (softmax, LayerNorm, ReLU,
 * block transitions, probability steps). It appears like a static matrix in its *pre* colours,
 * then a diagonal wave (stagger 0.4) turns each element's RGBA from pre to post with a small
 * size pulse as it changes.
 *
 * Pure and allocation-free. Not here: which colour maps pre/post use (the scene chooses them).
 */
import type { FrameDesc } from '../frame.js';
import { pushInstance } from '../frame.js';
import { wave } from '../animation/wave.js';
import { registerLoop, runLoop } from './cell-loop.js';
import { drawAppear } from './visual-common.js';
import { BS as SHARED_BS, SP as SHARED_SP } from './visual-types.js';
import type { ActivationVisual, VisualState } from './visual-types.js';

// Module-local copies of the shared sizes: TurboFan folds a module's own constants but not
// imported bindings, and an unfolded one flowing into a phi (`e ? BS * k : BS`) makes it box the
// double on every element (≈ 0.6 KB per visual per frame, measured).
const BS = SHARED_BS;
const SP = SHARED_SP;

/** Wave stagger of the colour change (spec §5.4.2). */
const STAGGER = 0.4;

/** Draw an activation; hidden entirely when outputMult < 0.01. */
export function drawActivation(out: FrameDesc, v: ActivationVisual, s: VisualState, noise: Float32Array): void {
  if (s.outputMult < 0.01) return;
  runLoop(s.appearT < 1 && s.t <= 0 ? APPEAR : COLOUR_CHANGE, out, v, 0, s, noise);
}

function appear(out: FrameDesc, v: ActivationVisual, _j: number, s: VisualState, noise: Float32Array): void {
  drawAppear(out, v.pre, v.source, v.seamless, s, noise);
}

/** The compute: the pre → post colour wave (its own function: one push site per optimised loop). */
function drawColourChange(out: FrameDesc, v: ActivationVisual, _j: number, s: VisualState, _noise: Float32Array): void {
  const pre = v.pre;
  const a0 = pre.colors;
  const a1 = v.post;
  const R = pre.rows;
  const C = pre.cols;
  const ax = pre.anchor[0];
  const ay = pre.anchor[1];
  const az = pre.anchor[2];
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const e = wave(s.t, r, c, R, C, STAGGER);
      const o = (r * C + c) * 4;
      const size = e > 0.05 && e < 0.95 ? BS * (1 + 0.2 * Math.sin(Math.PI * e)) : BS;
      pushInstance(
        out, ax - c * SP, ay - r * SP, az,
        a0[o] + (a1[o] - a0[o]) * e,
        a0[o + 1] + (a1[o + 1] - a0[o + 1]) * e,
        a0[o + 2] + (a1[o + 2] - a0[o + 2]) * e,
        (a0[o + 3] + (a1[o + 3] - a0[o + 3]) * e) * s.alpha,
        size, size, size,
      );
    }
  }
}

// Each per-element loop runs behind the shared call site of cell-loop.ts (never inlined here).
const APPEAR = registerLoop(appear);
const COLOUR_CHANGE = registerLoop(drawColourChange);
