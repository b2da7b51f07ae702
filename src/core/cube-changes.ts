/**
 * What changed between two frames drawn into a kept picture (issue 15; renderer.ts keepFrames and
 * drawChanges): the renderer repaints only where something changed, so it needs to know where.
 *
 * - The globals: what the whole picture depends on besides its cubes and text (the matrices, the
 *   camera position the lighting uses, the clear colour, the size). Any change: a whole frame.
 * - The cubes after the first `k` (those a cached layer does not hold; all of them, k = 0):
 *   compared by index with the last frame's, each that differs marked where it is and where it
 *   was (screen-rects.ts bounds). An inserted cube shifts every later index: all of those are
 *   marked, which is more than needed and never less.
 * - Which of this frame's cubes touch the repainted tiles: only those are drawn again, in order.
 *
 * CPU only, allocation-free per frame once grown. What it is not: no GL (renderer.ts draws), no
 * text (text-renderer.ts compares its own layout).
 */
import type { mat4 } from 'gl-matrix';
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS } from '../frame.js';
import type { ScreenRects } from './screen-rects.js';
import { instanceBounds } from './screen-rects.js';

/** viewProj and pixelProj (16 each), camera position (3), clear colour (4), width, height, pixel ratio. */
const GLOBALS = 16 + 16 + 3 + 4 + 3;

export class CubeChanges {
  /** The last frame's cubes after the first k (opaque, then transparent), and how many. */
  private last = new Float32Array(0);
  private lastCount = 0;
  /** This frame's (addChanged), then the cubes touching a mask (touching). */
  private scratch = new Float32Array(0);
  private readonly keptGlobals = new Float64Array(GLOBALS);
  private readonly globals = new Float64Array(GLOBALS);
  /** After touching(): the opaque and the transparent cubes selected, packed in `selected`. */
  opaque = 0;
  transparent = 0;

  /** The selected cubes (touching), INSTANCE_FLOATS each: `opaque` then `transparent`. */
  get selected(): Float32Array {
    return this.scratch;
  }

  /** True when these globals are the ones keepGlobals remembered. */
  sameGlobals(
    viewProj: mat4, pixelProj: mat4, cameraPos: Float32Array, clear: Float32Array, width: number, height: number, pixelRatio: number,
  ): boolean {
    const g = globalsInto(this.globals, viewProj, pixelProj, cameraPos, clear, width, height, pixelRatio);
    for (let k = 0; k < GLOBALS; k++) if (g[k] !== this.keptGlobals[k]) return false;
    return true;
  }

  /** Remember these globals (what sameGlobals compares with). */
  keepGlobals(
    viewProj: mat4, pixelProj: mat4, cameraPos: Float32Array, clear: Float32Array, width: number, height: number, pixelRatio: number,
  ): void {
    globalsInto(this.keptGlobals, viewProj, pixelProj, cameraPos, clear, width, height, pixelRatio);
  }

  /** Remember the cubes of `frame` after the first `k` as the last ones. */
  remember(frame: FrameDesc, k: number): void {
    this.lastCount = this.copyCubes(frame, k, 'last');
  }

  /**
   * Mark in `out` the bounds, in this frame and the last, of the cubes after the first `k` that
   * differ from the last frame's (by index) under the affine `viewProj`; then remember these.
   */
  addChanged(out: ScreenRects, frame: FrameDesc, k: number, viewProj: mat4, width: number, height: number): void {
    const F = INSTANCE_FLOATS;
    const n = this.copyCubes(frame, k, 'scratch');
    const cur = this.scratch;
    const last = this.last;
    const m = this.lastCount;
    const mark = (data: Float32Array, i: number): void => {
      const b = instanceBounds(data, i, viewProj, width, height);
      out.add(b[0]!, b[1]!, b[2]!, b[3]!);
    };
    for (let i = 0; i < Math.max(n, m); i++) {
      let same = i < n && i < m;
      for (let j = 0; same && j < F; j++) same = cur[i * F + j] === last[i * F + j];
      if (same) continue;
      if (i < n) mark(cur, i);
      if (i < m) mark(last, i);
    }
    this.scratch = last;
    this.last = cur;
    this.lastCount = n;
  }

  /**
   * Select the cubes of `frame` after the first `k` whose bounds touch a tile marked in `mask`
   * (the others draw nothing inside it), in order, into `selected`: `opaque`, then `transparent`.
   */
  touching(frame: FrameDesc, k: number, mask: ScreenRects, viewProj: mat4, width: number, height: number): void {
    const F = INSTANCE_FLOATS;
    const oc = frame.opaqueCount;
    const tc = frame.transparentCount;
    const d = frame.instances;
    this.grow('scratch', oc - k + tc);
    const out = this.scratch;
    const touches = (i: number): boolean => {
      const b = instanceBounds(d, i, viewProj, width, height);
      return mask.touches(b[0]!, b[1]!, b[2]!, b[3]!);
    };
    let no = 0;
    for (let i = k; i < oc; i++) if (touches(i)) out.set(d.subarray(i * F, i * F + F), no++ * F);
    let nt = 0;
    for (let i = frame.capacity - tc; i < frame.capacity; i++) if (touches(i)) out.set(d.subarray(i * F, i * F + F), (no + nt++) * F);
    this.opaque = no;
    this.transparent = nt;
  }

  /** The cubes of `frame` after the first `k`, opaque then transparent, into `which`; returns how many. */
  private copyCubes(frame: FrameDesc, k: number, which: 'last' | 'scratch'): number {
    const F = INSTANCE_FLOATS;
    const oc = frame.opaqueCount;
    const tc = frame.transparentCount;
    const a = this.grow(which, oc - k + tc);
    a.set(frame.instances.subarray(k * F, oc * F));
    a.set(frame.instances.subarray((frame.capacity - tc) * F, frame.capacity * F), (oc - k) * F);
    return oc - k + tc;
  }

  /** `which` with room for n cubes (doubled when it grows). */
  private grow(which: 'last' | 'scratch', n: number): Float32Array {
    if (this[which].length < n * INSTANCE_FLOATS) this[which] = new Float32Array(2 * n * INSTANCE_FLOATS);
    return this[which];
  }
}

/** The globals, in the order GLOBALS counts them, into `out`. */
function globalsInto(
  out: Float64Array, viewProj: mat4, pixelProj: mat4, cameraPos: Float32Array, clear: Float32Array, width: number, height: number, pixelRatio: number,
): Float64Array {
  out.set(viewProj, 0);
  out.set(pixelProj, 16);
  out.set(cameraPos, 32);
  out.set(clear, 35);
  out[39] = width;
  out[40] = height;
  out[41] = pixelRatio;
  return out;
}
