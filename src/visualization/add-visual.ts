/**
 * Residual-add visual C = A + B (spec §5.4.3): A and B fly in side by side (B 15 % later); then,
 * per element with a small anti-diagonal delay, B hovers over A (0.4 up, 0.3 behind), sinks into
 * it while both shrink, the sum emerges on A's cell and finally travels to its own cell behind.
 *
 * Phases of the per-element progress e: [0, 0.30) hover, [0.30, 0.60) merge, [0.60, 1] travel.
 * Pure and allocation-free: per element, the up to three cells (A, B, the emerging sum) go
 * through one push site in a small loop, and per-visual calls pass the VisualState rather than
 * numbers (see visual-common.ts for why). Not here: wiring and visibility (the scene).
 */
import type { FrameDesc } from '../frame.js';
import { ease, easeOut, smooth } from '../animation/easing.js';
import { noiseAt } from '../animation/noise.js';
import { noiseWarp, wave } from '../animation/wave.js';
import { registerLoop, runLoop } from './cell-loop.js';
import { pushCell } from './visual-common.js';
import { BS as SHARED_BS, SP as SHARED_SP } from './visual-types.js';
import type { AddVisual, Placed, Vec3, VisualState } from './visual-types.js';

// Module-local copies of the shared sizes: TurboFan folds a module's own constants but not
// imported bindings, and an unfolded one flowing into a phi (`e ? BS * k : BS`) makes it box the
// double on every element (≈ 0.6 KB per visual per frame, measured).
const BS = SHARED_BS;
const SP = SHARED_SP;

/** End of the hover phase and of the merge phase (fractions of e). */
const P1 = 0.3;
const P2 = 0.6;
/** Max per-element start delay of the compute (fraction of t). */
const DELAY = 0.15;
/** B's hover offset above (+Y) and behind (+Z) its A cell. */
const HOVER_Y = 0.4;
const HOVER_Z = 0.3;

/** Appear of one operand: wave, flight from `src`, seamless or fading (spec §5.4.3 appear). */
function appearOperand(
  out: FrameDesc, p: Placed, src: Vec3 | undefined, full: boolean, isB: boolean, s: VisualState, noise: Float32Array,
): void {
  const R = p.rows;
  const C = p.cols;
  const appearT = s.appearT;
  const a = s.alpha;
  const base = isB ? Math.max(0, (appearT - 0.15) / 0.85) : appearT;
  const ax = p.anchor[0];
  const ay = p.anchor[1];
  const az = p.anchor[2];
  const sx = src === undefined ? ax : src[0];
  const sy = src === undefined ? ay : src[1];
  const sz = src === undefined ? az : src[2];
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const w = wave(base, r, c, R, C, 0.3);
      const k = noiseWarp(w, noiseAt(noise, r, c));
      const x = sx - c * SP + (ax - sx) * k;
      const y = sy - r * SP + (ay - sy) * k;
      const z = sz + (az - sz) * k;
      let alpha: number;
      let size = BS;
      if (full) alpha = isB ? 1 - 0.2 * w : 1;
      else {
        alpha = isB ? 0.8 * w : w;
        size = BS * (0.3 + 0.7 * w);
      }
      pushCell(out, p.colors, r * C + c, x, y, z, a * alpha, size);
    }
  }
}

/** Draw a residual add. */
export function drawAdd(out: FrameDesc, v: AddVisual, s: VisualState, noise: Float32Array): void {
  if (s.appearT < 1 && s.t <= 0) {
    runLoop(APPEAR_A, out, v, 0, s, noise);
    runLoop(APPEAR_B, out, v, 0, s, noise);
    return;
  }
  runLoop(COMPUTE, out, v, 0, s, noise);
}

function appearA(out: FrameDesc, v: AddVisual, _j: number, s: VisualState, noise: Float32Array): void {
  appearOperand(out, v.a, v.sourceA, v.seamlessA && v.sourceA !== undefined, false, s, noise);
}

function appearB(out: FrameDesc, v: AddVisual, _j: number, s: VisualState, noise: Float32Array): void {
  appearOperand(out, v.b, v.sourceB, v.seamlessB && v.sourceB !== undefined, true, s, noise);
}

/**
 * The compute. Per element, cell q = 0, 1, 2 in this order: hover — A at rest, B moving over it;
 * merge — A and B shrinking into each other, then the sum emerging (m > 0.3); travel — the sum
 * alone, flying to C's cell.
 */
function drawAddCompute(out: FrameDesc, v: AddVisual, _j: number, s: VisualState, noise: Float32Array): void {
  const va = s.alpha;
  const R = v.a.rows;
  const C = v.a.cols;
  const diag = Math.max(R + C - 2, 1);
  const t = s.t;
  const mult = s.outputMult;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      const delay = ((r + c) / diag) * DELAY;
      let e = (t - delay) / Math.max(1 - delay, 0.1);
      e = e < 0 ? 0 : e > 1 ? 1 : e;
      // A's cell of element (r, c); B's and C's cells are computed where needed.
      const ax = v.a.anchor[0] - c * SP;
      const ay = v.a.anchor[1] - r * SP;
      // `+ 0` makes z a double here: a raw anchor load (a tagged number) meeting computed
      // doubles in the `z` phi below would make V8 box every computed z.
      const az = v.a.anchor[2] + 0;
      const phase = e < P1 ? 0 : e < P2 ? 1 : 2;
      const m = (e - P1) / (P2 - P1);
      const cells = phase === 0 ? 2 : phase === 1 ? (m > 0.3 ? 3 : 2) : 1;
      for (let q = 0; q < cells; q++) {
        let colors = v.c.colors;
        let x = ax;
        let y = ay;
        let z = az;
        let a = 0;
        let size = BS;
        if (phase === 0) {
          if (q === 0) {
            colors = v.a.colors;
            a = va;
          } else {
            const bx = v.b.anchor[0] - c * SP;
            const by = v.b.anchor[1] - r * SP;
            const bz = v.b.anchor[2];
            const k = easeOut(e / P1);
            colors = v.b.colors;
            x = bx + (ax - bx) * k;
            y = by + (ay + HOVER_Y - by) * k;
            z = bz + (az + HOVER_Z - bz) * k;
            a = 0.8 * va;
          }
        } else if (phase === 1) {
          if (q === 0) {
            colors = v.a.colors;
            a = va * (1 - 0.6 * m);
            size = BS * (1 - 0.4 * m);
          } else if (q === 1) {
            colors = v.b.colors;
            y = ay + HOVER_Y * (1 - m);
            z = az + HOVER_Z * (1 - m);
            a = va * 0.8 * (1 - 0.8 * m);
            size = BS * (1 - 0.6 * m);
          } else {
            const ca = smooth(0.3, 1, m) * mult;
            a = va * ca;
            size = BS * (0.5 + 0.5 * ca);
          }
        } else {
          const k = noiseWarp(ease((e - P2) / (1 - P2)), noiseAt(noise, r, c));
          const cx = v.c.anchor[0] - c * SP;
          const cy = v.c.anchor[1] - r * SP;
          const cz = v.c.anchor[2];
          x = ax + (cx - ax) * k;
          y = ay + (cy - ay) * k;
          z = az + (cz - az) * k;
          a = va * mult;
        }
        pushCell(out, colors, i, x, y, z, a, size);
      }
    }
  }
}

// Each per-element loop runs behind the shared call site of cell-loop.ts (never inlined here).
const APPEAR_A = registerLoop(appearA);
const APPEAR_B = registerLoop(appearB);
const COMPUTE = registerLoop(drawAddCompute);
