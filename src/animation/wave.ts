/**
 * Per-element motion formulas (spec §5.3, STYLE.md §9): the anti-diagonal wave stagger and the
 * noise-warped straight-line flight. Formulas of the element index — never per-element state.
 * The noise value n comes from noise.ts (`noiseAt`); this module does not read the table itself.
 */
import { clamp01, ease } from './easing.js';

/**
 * Delay of element (r, c) of an R × C matrix along the anti-diagonal: (r + c)/max(R + C − 2, 1) · stagger.
 * @example diagDelay(15, 15, 16, 16, 0.3) // → 0.3
 */
export function diagDelay(r: number, c: number, R: number, C: number, stagger: number): number {
  return ((r + c) / Math.max(R + C - 2, 1)) * stagger;
}

/**
 * Staggered progress of element (r, c) for an overall progress `base` ∈ [0, 1]: top-left first,
 * bottom-right last. raw = clamp((base − delay)/max(1 − stagger, 0.1)), eased. Element (0,0)
 * finishes at base = 1 − stagger, the last element exactly at base = 1.
 *
 * @example wave(0.7, 0, 0, 16, 16) // → 1
 * @example wave(1, 15, 15, 16, 16) // → 1
 */
export function wave(base: number, r: number, c: number, R: number, C: number, stagger = 0.3): number {
  return ease((base - diagDelay(r, c, R, C, stagger)) / Math.max(1 - stagger, 0.1));
}

/**
 * Noise-warped progress: w = clamp(t + 0.2·n·4t(1 − t)). Start and end are unchanged (w(0) = 0,
 * w(1) = 1); mid-flight each element runs slightly ahead or behind by its noise value n.
 * @example noiseWarp(0.5, 0.3) // → 0.56
 */
export function noiseWarp(t: number, n: number): number {
  return clamp01(t + 0.2 * n * 4 * t * (1 - t));
}

/**
 * Noise-warped straight-line interpolation a + (b − a)·noiseWarp(t, n) (spec §5.3 — the reference
 * calls it "bezier" but it is a line). Apply per coordinate.
 * @example noiseLerp(0, 10, 0.5, 0) // → 5
 */
export function noiseLerp(a: number, b: number, t: number, n: number): number {
  return a + (b - a) * noiseWarp(t, n);
}
