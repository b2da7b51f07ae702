/**
 * Visual types: the data shapes shared by the four visual primitives (spec §5.4) and the scene
 * that places them (VIZ-B). A matrix on screen is a `Placed`: its shape, its world anchor and its
 * precomputed RGBA colours; element (r, c) sits at anchor + (−c·SP, −r·SP, 0).
 *
 * This file is types and two constants only; drawing lives in visuals.ts, colours in colormap.ts,
 * positions in layout.ts. Spec §5.1 (pitch and box size), §5.4 (visual kinds).
 */

export type Vec3 = readonly [number, number, number];

/** Element pitch in world units (spec §5.1). */
export const SP = 0.5;
/** Box edge in world units (spec §5.1). */
export const BS = 0.4;

/** A matrix placed in the world: element (r, c) at anchor + (−c·SP, −r·SP, 0). */
export interface Placed {
  readonly rows: number;
  readonly cols: number;
  readonly anchor: Vec3;
  /** rows·cols·4 RGBA, precomputed once at scene build. */
  readonly colors: Float32Array;
}

/** Per-frame state of one visual, from the stage phase (spec §5.4 / §6.1). */
export interface VisualState {
  /** Overall opacity 0…1 (fades, takeover). */
  alpha: number;
  /** Appear progress 0…1. */
  appearT: number;
  /** Compute progress 0…1. */
  t: number;
  /** Multiplier on the result part only (hides C while a later stage is focused). */
  outputMult: number;
}

export interface StaticVisual {
  readonly kind: 'static';
  readonly m: Placed;
  readonly source?: Vec3;
  readonly seamless: boolean;
}

export interface ActivationVisual {
  readonly kind: 'activation';
  readonly pre: Placed;
  /** Post-activation colours, same shape as `pre`. */
  readonly post: Float32Array;
  readonly source?: Vec3;
  readonly seamless: boolean;
}

export interface AddVisual {
  readonly kind: 'add';
  readonly a: Placed;
  readonly b: Placed;
  readonly c: Placed;
  readonly sourceA?: Vec3;
  readonly sourceB?: Vec3;
  readonly seamlessA: boolean;
  readonly seamlessB: boolean;
}

export interface ColumnSlice {
  readonly colStart: number;
  readonly colEnd: number;
  /** Anchor of the slice's source matrix. */
  readonly source: Vec3;
}

export interface MatmulVisual {
  readonly kind: 'matmul';
  readonly a: Placed;
  readonly b: Placed;
  readonly c: Placed;
  readonly sourceA?: Vec3;
  readonly sliceSources?: readonly ColumnSlice[];
  readonly sourceB?: Vec3;
  readonly seamlessA: boolean;
  readonly seamlessB: boolean;
  readonly transposeFlyB: boolean;
}

export type Visual = StaticVisual | ActivationVisual | AddVisual | MatmulVisual;

/** Axis-aligned world box (camera framing, spec §6.2 step 1). */
export interface Box {
  readonly min: Vec3;
  readonly max: Vec3;
}
