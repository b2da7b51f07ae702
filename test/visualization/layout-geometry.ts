// Test helpers for layout checks: the matrices of each stage as world boxes and their screen
// projections under the fixed camera (spec §6.1), with a separating-axis overlap test.
import type { Layout } from '../../src/visualization/layout.js';
import { BS, SP } from '../../src/visualization/visual-types.js';
import type { Vec3 } from '../../src/visualization/visual-types.js';

export interface Mat { name: string; anchor: Vec3; rows: number; cols: number }
export interface Box3 { min: number[]; max: number[] }

export function box(m: Mat): Box3 {
  const h = BS / 2;
  return {
    min: [m.anchor[0] - (m.cols - 1) * SP - h, m.anchor[1] - (m.rows - 1) * SP - h, m.anchor[2] - h],
    max: [m.anchor[0] + h, m.anchor[1] + h, m.anchor[2] + h],
  };
}

/** Overlap depth of two boxes (negative: separated by that much on some axis). */
export function boxOverlap(a: Box3, b: Box3): number {
  let o = Infinity;
  for (let k = 0; k < 3; k++) o = Math.min(o, Math.min(a.max[k], b.max[k]) - Math.max(a.min[k], b.min[k]));
  return o;
}

const RIGHT = [-Math.SQRT1_2, 0, Math.SQRT1_2];
const UP = [0.5, Math.SQRT1_2, 0.5];

/** The 8 corners of a box projected onto the camera's (right, up) plane. */
export function project(b: Box3): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i < 8; i++) {
    const p = [(i & 1) ? b.max[0] : b.min[0], (i & 2) ? b.max[1] : b.min[1], (i & 4) ? b.max[2] : b.min[2]];
    pts.push([p[0] * RIGHT[0] + p[2] * RIGHT[2], p[0] * UP[0] + p[1] * UP[1] + p[2] * UP[2]]);
  }
  return pts;
}

/** Convex hull (monotone chain). */
function hull(pts: [number, number][]): [number, number][] {
  const p = pts.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const q of p) { while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop(); lower.push(q); }
  const upper: [number, number][] = [];
  for (const q of p.reverse()) { while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop(); upper.push(q); }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Screen overlap depth of two boxes' projections (SAT; negative = separated by that gap). */
export function screenOverlap(a: Box3, b: Box3): number {
  const ha = hull(project(a));
  const hb = hull(project(b));
  let best = Infinity;
  for (const h of [ha, hb]) {
    for (let i = 0; i < h.length; i++) {
      const p = h[i];
      const q = h[(i + 1) % h.length];
      const nx = -(q[1] - p[1]);
      const ny = q[0] - p[0];
      const len = Math.hypot(nx, ny);
      const proj = (pts: [number, number][]): [number, number] => {
        let lo = Infinity; let hi = -Infinity;
        for (const s of pts) { const d = (s[0] * nx + s[1] * ny) / len; lo = Math.min(lo, d); hi = Math.max(hi, d); }
        return [lo, hi];
      };
      const [a0, a1] = proj(ha);
      const [b0, b1] = proj(hb);
      best = Math.min(best, Math.min(a1, b1) - Math.max(a0, b0));
    }
  }
  return best;
}

/** The matrices that are on screen together (per stage or compute group), for a layout. */
export function stageMatrices(L: Layout): Record<string, Mat[]> {
  const { seqLen: S, dModel: D, dK: dk, dFF: F, vocabSize: V } = L.config;
  const mm = (p: string, a: { a: Vec3; b: Vec3; c: Vec3 }, [m, k, n]: number[]): Mat[] => [
    { name: `${p}.a`, anchor: a.a, rows: m, cols: k },
    { name: `${p}.b`, anchor: a.b, rows: k, cols: n },
    { name: `${p}.c`, anchor: a.c, rows: m, cols: n },
  ];
  return {
    input: [{ name: 'input', anchor: L.input, rows: S, cols: D }],
    qkv: L.qkv.flatMap((q, i) => mm(`qkv${i}`, q, [S, D, D])),
    // Attention: group 0 (Q_h, K_hᵀ, scores) and group 2 (weights, V_h, out_h) are on screen at different times.
    mha0: L.mha.flatMap((h, i) => [
      { name: `h${i}.q`, anchor: h.q, rows: S, cols: dk },
      { name: `h${i}.kT`, anchor: h.kT, rows: dk, cols: S },
      { name: `h${i}.scores`, anchor: h.scores, rows: S, cols: S },
    ]),
    mha2: L.mha.flatMap((h, i) => [
      { name: `h${i}.weights`, anchor: h.scores, rows: S, cols: S },
      { name: `h${i}.v`, anchor: h.v, rows: S, cols: dk },
      { name: `h${i}.out`, anchor: h.out, rows: S, cols: dk },
    ]),
    concat: mm('concat', L.concat, [S, D, D]),
    res1: mm('res1', L.res1, [S, D, D]),
    // FFN: W1 and W2 are never on screen together (W1 fades out during the ReLU group).
    ffn0: [
      { name: 'ln1', anchor: L.ffn.ln1, rows: S, cols: D },
      { name: 'w1', anchor: L.ffn.w1, rows: D, cols: F },
      { name: 'pre', anchor: L.ffn.pre, rows: S, cols: F },
    ],
    ffn2: [
      { name: 'hidden', anchor: L.ffn.pre, rows: S, cols: F },
      { name: 'w2', anchor: L.ffn.w2, rows: F, cols: D },
      { name: 'out', anchor: L.ffn.out, rows: S, cols: D },
    ],
    res2: mm('res2', L.res2, [S, D, D]),
    blocks: L.blocks.map((b, i) => ({ name: `block${i + 1}`, anchor: b, rows: S, cols: D })),
    outProj: mm('outProj', L.outProj, [S, D, V]),
    probs: [{ name: 'probs', anchor: L.probs, rows: S, cols: V }],
  };
}
