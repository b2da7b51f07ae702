/**
 * The per-element loops of the visuals run behind one shared, megamorphic call site, so each loop
 * is its own optimised function (issue 6: frameAt allocation-free in the steady state).
 *
 * Why: V8 boxes every double that crosses a call it does not inline (one HeapNumber per argument
 * or return value), and TurboFan inlines greedily into a budget of ≈ 920 bytecode bytes per
 * optimised function. When a visual's orchestrating function (drawMatmul, …) inlined a per-element
 * loop but ran out of budget before that loop's own pushCell / wave / noise calls, every element
 * paid several boxed doubles — 1–11 KB per frame depending on compilation order. A loop called
 * through `runLoop` is never inlined (the call site sees many targets, and the target is read
 * from an array, so it is not a constant either); its own small helpers then always fit its
 * budget. The arguments crossing this call are objects and a small integer, never doubles.
 *
 * Kept because it was measured (bench/frame-jitter-probe.ts, three interleaved runs per variant on
 * the shared 2-core machine, medians): on Node 20, with the loops called directly instead, tick +
 * frameAt's p99 CPU per frame over a whole loop rose from 327 to 345 µs (random mode) and from 308
 * to 359 µs (the "hello" step), and one run in three made 8 scavenges in a loop instead of 0–1.
 * On Node 24 the two were equal (≈ 170 µs either way), so this is a Node 20 measure.
 *
 * What it is not: a scheduler or a registry of visuals; the loops are pure drawing functions
 * registered once at module load (registration order is irrelevant).
 */
import type { FrameDesc } from '../frame.js';
import type { Visual, VisualState } from './visual-types.js';

/** A per-element loop: writes part `j` (a column, a part index or 0) of visual `v` into `out`. */
export type CellLoop<V extends Visual> = (out: FrameDesc, v: V, j: number, s: VisualState, noise: Float32Array) => void;

// Mutable on purpose: TurboFan would constant-fold the elements of a frozen array and inline.
const LOOPS: CellLoop<Visual>[] = [];

/** Register a loop once (at module load); returns its id for runLoop. */
export function registerLoop<V extends Visual>(loop: CellLoop<V>): number {
  LOOPS.push(loop as CellLoop<Visual>);
  return LOOPS.length - 1;
}

/** Run loop `id` (from registerLoop) on visual `v`, part `j`. */
export function runLoop(id: number, out: FrameDesc, v: Visual, j: number, s: VisualState, noise: Float32Array): void {
  LOOPS[id]!(out, v, j, s, noise);
}
