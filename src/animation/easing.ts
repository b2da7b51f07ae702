/**
 * Easing / rate functions (spec §5.3, STYLE.md §10): one-line pure functions, each clamped to its
 * domain, tested at 0, ½ and 1. Not here: per-element stagger (wave.ts) or phase progress
 * (timeline.ts `progress`).
 */

/**
 * Clamp to [0, 1] (NaN → 0).
 * @example clamp01(1.7) // → 1
 */
export function clamp01(x: number): number {
  return x > 0 ? (x < 1 ? x : 1) : 0;
}

/**
 * Linear interpolation a + (b − a)·t (t not clamped).
 * @example lerp(2, 4, 0.25) // → 2.5
 */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/**
 * Cubic ease-in-out, t clamped to [0, 1]: 4t³ below ½, else 1 − (2 − 2t)³/2.
 * @example ease(0.5) // → 0.5
 */
export function ease(t: number): number {
  const x = clamp01(t);
  return x < 0.5 ? 4 * x * x * x : 1 - ((2 - 2 * x) ** 3) / 2;
}

/**
 * Cubic ease-out 1 − (1 − t)³, t clamped.
 * @example easeOut(0.5) // → 0.875
 */
export function easeOut(t: number): number {
  return 1 - (1 - clamp01(t)) ** 3;
}

/**
 * Smoothstep: u = clamp((x − e0)/(e1 − e0 + 1e-8)), u²(3 − 2u). The camera uses smooth(0, 1, x).
 * @example smooth(0, 1, 0.5) // → 0.5
 */
export function smooth(e0: number, e1: number, x: number): number {
  const u = clamp01((x - e0) / (e1 - e0 + 1e-8));
  return u * u * (3 - 2 * u);
}
