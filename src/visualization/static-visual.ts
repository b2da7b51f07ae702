/**
 * Static matrix visual (spec §5.4.1): one matrix in its own colours that flies in from its source
 * (or fades and grows in place) with the anti-diagonal wave, then rests.
 *
 * Pure and allocation-free; positions and colours come from the `Placed` matrix, time from the
 * VisualState; the two loops run behind cell-loop.ts's call site. Not here: when it is visible (stage-state.ts / visibility.ts).
 */
import type { FrameDesc } from '../frame.js';
import { registerLoop, runLoop } from './cell-loop.js';
import { drawAppear, drawAtRest } from './visual-common.js';
import type { StaticVisual, VisualState } from './visual-types.js';

/** Draw a static matrix; hidden entirely when outputMult < 0.01. */
export function drawStatic(out: FrameDesc, v: StaticVisual, s: VisualState, noise: Float32Array): void {
  if (s.outputMult < 0.01) return;
  runLoop(s.appearT < 1 ? APPEAR : REST, out, v, 0, s, noise);
}

function appear(out: FrameDesc, v: StaticVisual, _j: number, s: VisualState, noise: Float32Array): void {
  drawAppear(out, v.m, v.source, v.seamless, s, noise);
}

function rest(out: FrameDesc, v: StaticVisual, _j: number, s: VisualState, _noise: Float32Array): void {
  drawAtRest(out, v.m, s);
}

// Each per-element loop runs behind the shared call site of cell-loop.ts (never inlined here).
const APPEAR = registerLoop(appear);
const REST = registerLoop(rest);
