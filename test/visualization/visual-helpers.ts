// Test helpers for the visual primitives: small placed matrices and reading instances back.
import { createFrame, INSTANCE_FLOATS } from '../../src/frame.js';
import type { FrameDesc } from '../../src/frame.js';
import { matrixFrom } from '../../src/transformer/tensor.js';
import { place } from '../../src/visualization/visuals.js';
import type { Placed, Vec3, VisualState } from '../../src/visualization/visual-types.js';

export interface Inst { x: number; y: number; z: number; r: number; g: number; b: number; a: number; sx: number; sy: number; sz: number }

/** A rows × cols matrix with distinct values (−1 … 1) placed at `anchor`. */
export function placed(rows: number, cols: number, anchor: Vec3, seed = 1): Placed {
  const n = rows * cols;
  return place(matrixFrom(rows, cols, Array.from({ length: n }, (_, i) => Math.sin(seed * 7.3 + i * 1.7))), anchor);
}

export function state(alpha: number, appearT: number, t: number, outputMult = 1): VisualState {
  return { alpha, appearT, t, outputMult };
}

/** All instances of a frame (opaque ones first, then transparent ones in push order). */
export function instances(f: FrameDesc): Inst[] {
  const out: Inst[] = [];
  const read = (i: number): void => {
    const d = f.instances.subarray(i * INSTANCE_FLOATS, (i + 1) * INSTANCE_FLOATS);
    out.push({ x: d[0], y: d[1], z: d[2], r: d[3], g: d[4], b: d[5], a: d[6], sx: d[7], sy: d[8], sz: d[9] });
  };
  for (let i = 0; i < f.opaqueCount; i++) read(i);
  for (let k = 0; k < f.transparentCount; k++) read(f.capacity - 1 - k);
  return out;
}

/** Instances whose centre is at (x, y, z) (within 1e-4). */
export function at(list: Inst[], x: number, y: number, z: number): Inst[] {
  return list.filter((i) => Math.abs(i.x - x) < 1e-4 && Math.abs(i.y - y) < 1e-4 && Math.abs(i.z - z) < 1e-4);
}

export function frame(): FrameDesc {
  return createFrame(1024);
}

/** The instance-buffer content actually written (opaque and transparent ranges), for purity checks. */
export function written(f: FrameDesc): number[] {
  return [
    f.opaqueCount, f.transparentCount,
    ...f.instances.subarray(0, f.opaqueCount * INSTANCE_FLOATS),
    ...f.instances.subarray((f.capacity - f.transparentCount) * INSTANCE_FLOATS),
  ];
}
