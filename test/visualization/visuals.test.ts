// The four visual primitives (spec §5.4): instance counts and chosen positions / alphas / sizes at
// appear start, mid-appear, compute start, each matmul sub-phase and the end, against the spec's
// formulas; purity (same state twice → identical buffers).
import test from 'ava';
import { clearFrame } from '../../src/frame.js';
import { ease, easeOut, smooth } from '../../src/animation/easing.js';
import { noiseAt, noiseTable } from '../../src/animation/noise.js';
import { noiseWarp, wave } from '../../src/animation/wave.js';
import { columnWindow } from '../../src/visualization/matmul-visual.js';
import { drawVisual, visualBoxes } from '../../src/visualization/visuals.js';
import { BS, SP } from '../../src/visualization/visual-types.js';
import type { AddVisual, MatmulVisual, StaticVisual, ActivationVisual, Visual, VisualState } from '../../src/visualization/visual-types.js';
import { at, frame, instances, placed, state, written } from './visual-helpers.js';
import type { Inst } from './visual-helpers.js';

const N = noiseTable();
const near = (a: number, b: number, eps = 1e-5): boolean => Math.abs(a - b) < eps;

function draw(v: Visual, s: VisualState): Inst[] {
  const f = frame();
  clearFrame(f);
  drawVisual(f, v, s, N);
  return instances(f);
}

// ─── static ───────────────────────────────────────────────────────────────────────────────────
const SRC: [number, number, number] = [20, 5, -10];
const stat = (seamless: boolean, source?: [number, number, number]): StaticVisual =>
  ({ kind: 'static', m: placed(3, 4, [1, 2, 3]), source, seamless });

test('static: appear start — in place nothing is visible; seamless sits on the source at full size', (t) => {
  t.is(draw(stat(false), state(1, 0, 0)).length, 0);
  const list = draw(stat(true, SRC), state(1, 0, 0));
  t.is(list.length, 12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const hit = at(list, SRC[0] - c * SP, SRC[1] - r * SP, SRC[2]);
      t.is(hit.length, 1);
      t.true(near(hit[0].sx, BS) && near(hit[0].a, 1));
    }
  }
});

test('static: mid-appear element positions follow wave + noise-warped lerp; non-seamless fades and grows', (t) => {
  const v = stat(false, SRC);
  const list = draw(v, state(0.8, 0.5, 0));
  for (const [r, c] of [[0, 0], [1, 2], [2, 3]]) {
    const w = wave(0.5, r, c, 3, 4, 0.3);
    if (w * 0.8 < 0.004) continue;
    const k = noiseWarp(w, noiseAt(N, r, c));
    const x = SRC[0] - c * SP + (1 - SRC[0]) * k;
    const y = SRC[1] - r * SP + (2 - SRC[1]) * k;
    const z = SRC[2] + (3 - SRC[2]) * k;
    const hit = at(list, x, y, z);
    t.is(hit.length, 1, `element ${r},${c}`);
    t.true(near(hit[0].a, 0.8 * w), `alpha ${hit[0].a} vs ${0.8 * w}`);
    t.true(near(hit[0].sx, BS * (0.3 + 0.7 * w)));
  }
});

test('static: rest after appear, hidden by output mult < 0.01 or alpha < 0.01', (t) => {
  const list = draw(stat(true, SRC), state(0.5, 1, 0));
  t.is(list.length, 12);
  t.is(at(list, 1 - 3 * SP, 2 - 2 * SP, 3).length, 1);
  t.true(list.every((i) => near(i.a, 0.5) && near(i.sx, BS)));
  t.is(draw(stat(true, SRC), state(1, 1, 0, 0.005)).length, 0);
  t.is(draw(stat(true, SRC), state(0.009, 1, 0)).length, 0);
});

// ─── activation ───────────────────────────────────────────────────────────────────────────────
const pre = placed(3, 3, [0, 0, 0], 2);
const post = placed(3, 3, [0, 0, 0], 3).colors.slice();
for (let i = 3; i < post.length; i += 8) post[i] = 0; // some post colours transparent (fading rows)
const act: ActivationVisual = { kind: 'activation', pre, post, seamless: true, source: [0, 0, 0] };

test('activation: compute colour lerps pre → post by wave(t, stagger 0.4), with the size pulse', (t) => {
  const tt = 0.5;
  const list = draw(act, state(1, 1, tt));
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const e = wave(tt, r, c, 3, 3, 0.4);
      const o = (r * 3 + c) * 4;
      const a = pre.colors[o + 3] + (post[o + 3] - pre.colors[o + 3]) * e;
      const hit = at(list, -c * SP, -r * SP, 0);
      if (a < 0.004) { t.is(hit.length, 0); continue; }
      t.is(hit.length, 1);
      t.true(near(hit[0].r, pre.colors[o] + (post[o] - pre.colors[o]) * e));
      t.true(near(hit[0].a, a));
      const size = e > 0.05 && e < 0.95 ? BS * (1 + 0.2 * Math.sin(Math.PI * e)) : BS;
      t.true(near(hit[0].sx, size), `size ${hit[0].sx} vs ${size} at e=${e}`);
    }
  }
  // t = 1: exactly the post colours.
  const end = draw(act, state(1, 1, 1));
  t.is(at(end, 0, 0, 0).length, 0); // element 0's post alpha is 0: it has faded out
  const hit = at(end, -SP, 0, 0)[0];
  t.deepEqual([hit.r, hit.g, hit.b, hit.a].map((x) => x.toFixed(5)), [post[4], post[5], post[6], post[7]].map((x) => x.toFixed(5)));
  t.true(end.every((i) => near(i.sx, BS)));
});

test('activation: appear uses the pre colours; hidden when output mult < 0.01', (t) => {
  const list = draw(act, state(1, 0.5, 0));
  t.is(list.length, 9);
  const hit = at(list, 0, 0, 0)[0];
  t.true(near(hit.r, pre.colors[0]) && near(hit.g, pre.colors[1]));
  t.is(draw(act, state(1, 1, 0.5, 0)).length, 0);
});

// ─── add ──────────────────────────────────────────────────────────────────────────────────────
const A0: [number, number, number] = [9.5, 2, 70];
const B0: [number, number, number] = [-2.5, 2, 70];
const C0: [number, number, number] = [3.5, 2, 76];
const add: AddVisual = {
  kind: 'add', a: placed(2, 3, A0, 4), b: placed(2, 3, B0, 5), c: placed(2, 3, C0, 6),
  sourceA: [3.5, 2, 0], sourceB: [-2.5, 2, 63], seamlessA: false, seamlessB: true,
};

test('add: appear — A flies from the skip source fading in, B starts 15 % later, no C', (t) => {
  t.is(draw(add, state(1, 0, 0)).length, 6); // A invisible (alpha 0), B at its source, alpha 1
  const list = draw(add, state(1, 0.5, 0));
  const b = wave((0.5 - 0.15) / 0.85, 0, 0, 2, 3, 0.3);
  const k = noiseWarp(b, noiseAt(N, 0, 0));
  const hit = at(list, -2.5, 2, 63 + 7 * k);
  t.is(hit.length, 1);
  t.true(near(hit[0].a, 1 - 0.2 * b) && near(hit[0].sx, BS));
  const a = wave(0.5, 0, 0, 2, 3, 0.3);
  const ka = noiseWarp(a, noiseAt(N, 0, 0));
  const ha = at(list, 3.5 + 6 * ka, 2, 70 * ka);
  t.is(ha.length, 1);
  t.true(near(ha[0].a, a) && near(ha[0].sx, BS * (0.3 + 0.7 * a)));
  t.is(list.length, 12);
});

test('add: compute phases hover → merge → travel for element (0, 0)', (t) => {
  // hover: e = 0.15
  let list = draw(add, state(1, 1, 0.15));
  const k = easeOut(0.5);
  let hit = at(list, B0[0] + (A0[0] - B0[0]) * k, 2 + 0.4 * k, 70 + 0.3 * k);
  t.is(hit.length, 1);
  t.true(near(hit[0].a, 0.8));
  t.is(at(list, A0[0], 2, 70)[0].a, 1);
  // merge: e = 0.45 → m = 0.5
  list = draw(add, state(1, 1, 0.45, 0.5));
  const onA = at(list, A0[0], 2, 70);
  const ca = smooth(0.3, 1, 0.5) * 0.5;
  t.is(onA.length, 2); // A shrinking + the emerging C
  t.true(onA.some((i) => near(i.a, 0.7) && near(i.sx, BS * 0.8)));
  t.true(onA.some((i) => near(i.a, ca) && near(i.sx, BS * (0.5 + 0.5 * ca))));
  hit = at(list, A0[0], 2 + 0.2, 70 + 0.15);
  t.true(near(hit[0].a, 0.8 * 0.6) && near(hit[0].sx, BS * 0.7));
  // travel: e = 0.8
  list = draw(add, state(1, 1, 0.8));
  const w = noiseWarp(ease(0.5), noiseAt(N, 0, 0));
  hit = at(list, A0[0] + (C0[0] - A0[0]) * w, 2, 70 + 6 * w);
  t.is(hit.length, 1);
  t.true(near(hit[0].a, 1) && near(hit[0].sx, BS));
  // end: only C at rest
  list = draw(add, state(1, 1, 1));
  t.is(list.length, 6);
  t.is(at(list, C0[0] - 2 * SP, 2 - SP, 76).length, 1);
});

// ─── matmul ───────────────────────────────────────────────────────────────────────────────────
const MA: [number, number, number] = [3.5, 0, 42];
const MB: [number, number, number] = [9.5, 0, 48];
const MC: [number, number, number] = [-2.5, 0, 45];
// A 3×4, B 4×2, C 3×2: window 0.5, stride 0.5 → column 0 on [0, 0.5], column 1 on [0.5, 1].
const mm = (extra: Partial<MatmulVisual> = {}): MatmulVisual => ({
  kind: 'matmul', a: placed(3, 4, MA, 7), b: placed(4, 2, MB, 8), c: placed(3, 2, MC, 9),
  seamlessA: false, seamlessB: true, transposeFlyB: false, ...extra,
});

test('matmul windows match Appendix B', (t) => {
  const cases: [number, number, number][] = [[16, 0.1875, 0.0541667], [4, 0.5, 0.166667], [32, 0.09375, 0.0292339], [128, 0.0234375, 0.00768947]];
  for (const [n, w, s] of cases) {
    const [ww, ss] = columnWindow(n);
    t.true(near(ww, w) && near(ss, s, 1e-6), `n=${n}`);
  }
  t.deepEqual(columnWindow(1), [0.5, 0]);
});

test('matmul appear: start shows nothing; B without source waits for 30 %, then fades in; no C', (t) => {
  t.is(draw(mm(), state(1, 0, 0)).length, 0);
  t.is(draw(mm(), state(1, 0.3, 0)).filter((i) => i.z === MB[2]).length, 0);
  const list = draw(mm(), state(1, 0.9, 0));
  const bs = list.filter((i) => i.z === MB[2]);
  t.is(bs.length, 8);
  const b = wave(smooth(0.3, 1, 0.9), 0, 0, 4, 2, 0.2);
  const hit = at(bs, MB[0], MB[1], MB[2])[0];
  t.true(near(hit.a, 0.9 * b) && near(hit.sx, BS * (0.3 + 0.7 * b)));
  t.is(list.filter((i) => i.z === MC[2]).length, 0);
});

test('matmul appear: Kᵀ transpose flight starts each element at (c, r) of the source; slices fly into columns', (t) => {
  const src: [number, number, number] = [-2.5, -12, 21];
  const v = mm({ sourceB: src, transposeFlyB: true, sliceSources: [{ colStart: 0, colEnd: 2, source: [30, 0, 10] }, { colStart: 2, colEnd: 4, source: [40, 0, 10] }] });
  const list = draw(v, state(1, 0, 0));
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) {
      const hit = at(list, src[0] - r * SP, src[1] - c * SP, src[2]);
      t.is(hit.length, 1, `B(${r},${c})`);
      t.true(near(hit[0].a, 1) && near(hit[0].sx, BS));
    }
  }
  // Slice 1 element (row 2, local col 1) starts at its slice source.
  t.is(at(list, 40 - SP, -2 * SP, 10).length, 1);
  t.is(list.length, 12 + 8);
  // End of appear: slice elements at their A columns.
  const end = draw(v, state(1, 0.999999, 0));
  t.is(at(end, MA[0] - 3 * SP, -2 * SP, MA[2]).length, 1);
});

test('matmul compute start equals the end of the appear: A at rest, all of B waiting at 0.9', (t) => {
  const list = draw(mm(), state(1, 1, 0));
  t.is(list.length, 12 + 8);
  t.true(list.filter((i) => i.z === MB[2]).every((i) => near(i.a, 0.9) && near(i.sx, BS)));
  t.true(list.filter((i) => i.z === MA[2]).every((i) => i.a === 1));
});

test('matmul descend (u < 0.2): column 0 shrinks in B while its copies fly onto A row 0', (t) => {
  const u = 0.1;
  const list = draw(mm(), state(1, 1, u * 0.5));
  t.is(list.length, 12 + 4 + 4 + 4);
  const l = u / 0.25;
  const cell = at(list, MB[0], MB[1] - SP, MB[2]).find((i) => near(i.sz, BS * (1 - 0.6 * l)));
  t.truthy(cell);
  t.true(near(cell!.a, 0.8 * (1 - l)));
  for (let p = 0; p < 4; p++) {
    const f = wave(u / 0.2, p, 0, 4, 1, 0.3);
    const w = noiseWarp(f, noiseAt(N, p, 0));
    const fx = MB[0];
    const fy = MB[1] - p * SP;
    const hit = at(list, fx + (MA[0] - p * SP - fx) * w, fy + (MA[1] - fy) * w, MB[2] + (MA[2] - MB[2]) * w)
      .filter((i) => near(i.sz, 1.3 * BS));
    t.is(hit.length, 1, `copy ${p}`);
    t.true(near(hit[0].a, 0.5 + 0.5 * f) && near(hit[0].sx, BS + (0.75 * BS - BS) * f));
  }
});

test('matmul step (0.2 ≤ u < 0.55): dwell pulse + white glow on row 1, stamp left on row 0', (t) => {
  const u = 0.375; // q = 0.5
  const list = draw(mm(), state(1, 1, u * 0.5));
  const st = Math.min(0.3, 0.025 * 3);
  const pp = 0.5 / Math.max(1 - st, 0.3);
  const f = pp * 2;
  t.is(Math.floor(f), 1);
  const d = (f - 1) / 0.45;
  const onA = at(list, MA[0], MA[1] - SP, MA[2]);
  const copy = onA.find((i) => near(i.sz, 1.3 * BS));
  t.truthy(copy);
  t.true(near(copy!.a, 0.95) && near(copy!.sx, 0.75 * BS * (1 + 0.15 * Math.sin(Math.PI * d))));
  const glow = onA.find((i) => i.r === 1 && i.g === 1 && i.b === 1 && near(i.sx, 1.05 * BS));
  t.truthy(glow);
  t.true(near(glow!.a, 0.2 * Math.sin(Math.PI * d)));
  const stamp = at(list, MA[0], MA[1], MA[2]).find((i) => near(i.sx, 0.6 * BS));
  t.truthy(stamp);
  t.true(near(stamp!.a, 0.45) && near(stamp!.sz, 1.3 * BS));
  // Later elements (p = 3) lag by the stagger.
  const f3 = Math.min(Math.max((0.5 - st) / Math.max(1 - st, 0.3), 0), 1) * 2;
  t.true(f3 < f);
});

test('matmul moving between rows: linear, alpha 0.9, size 0.75·bs', (t) => {
  const q = 0.3; // pp = 0.3243, f = 0.6486 → moving from row 0 to row 1
  const list = draw(mm(), state(1, 1, (0.2 + 0.35 * q) * 0.5));
  const f = (q / (1 - 0.075)) * 2;
  const e = ease((f - 0.45) / 0.55);
  const hit = at(list, MA[0], MA[1] - SP * e, MA[2]).filter((i) => near(i.sz, 1.3 * BS));
  t.is(hit.length, 1);
  t.true(near(hit[0].a, 0.9) && near(hit[0].sx, 0.75 * BS));
});

test('matmul dissolve (0.55 ≤ u < 0.65): a B-coloured copy on every A cell', (t) => {
  const list = draw(mm(), state(1, 1, 0.6 * 0.5));
  const s = ease(0.5);
  const copies = list.filter((i) => near(i.sz, 1.3 * BS));
  t.is(copies.length, 12);
  t.true(copies.every((i) => near(i.a, 0.7 * (1 - s)) && near(i.sx, 0.75 * BS * (1 - 0.8 * s))));
  t.is(list.length, 12 + 12 + 8 - 4); // A, copies, B (column 0 consumed)
});

test('matmul collapse (u ≥ 0.65): C elements fly from the centre of A rows to column 0 of C', (t) => {
  const u = 0.825;
  const list = draw(mm(), state(1, 1, u * 0.5, 0.5));
  for (let i = 0; i < 3; i++) {
    const e = wave(0.5, i, 0, 3, 1, 0.3);
    const w = noiseWarp(e, noiseAt(N, i, 0));
    const fx = MA[0] - (3 * SP) / 2;
    const fy = MA[1] - i * SP;
    const hit = at(list, fx + (MC[0] - fx) * w, fy + (MC[1] - i * SP - fy) * w, MA[2] + (MC[2] - MA[2]) * w);
    t.is(hit.length, 1, `row ${i}`);
    t.true(near(hit[0].a, (0.3 + 0.7 * e) * 0.5) && near(hit[0].sx, BS * (0.3 + 0.7 * e)));
  }
  t.is(draw(mm(), state(1, 1, u * 0.5, 0)).length, 12 + 4);
});

test('matmul end (t = 1): A and all of C at rest; output mult hides only C', (t) => {
  const list = draw(mm(), state(1, 1, 1));
  t.is(list.length, 12 + 6);
  t.is(at(list, MC[0] - SP, MC[1] - 2 * SP, MC[2]).length, 1);
  const hidden = draw(mm(), state(1, 1, 1, 0));
  t.is(hidden.length, 12);
  t.true(hidden.every((i) => i.z === MA[2]));
  t.is(draw(mm(), state(0.005, 1, 1)).length, 0);
});

test('purity: the same state twice gives identical buffers, whatever was drawn in between', (t) => {
  const visuals: Visual[] = [stat(true, SRC), act, add, mm({ sourceB: [0, 0, 0], transposeFlyB: true })];
  const states = [state(1, 0.4, 0), state(1, 1, 0.37, 0.7), state(0.6, 1, 0.81)];
  for (const v of visuals) {
    for (const s of states) {
      const f = frame();
      drawVisual(f, v, s, N);
      const first = written(f);
      clearFrame(f);
      drawVisual(f, v, state(1, 1, 0.93), N);
      clearFrame(f);
      drawVisual(f, v, s, N);
      t.deepEqual(written(f), first);
    }
  }
});

test('visualBoxes: one box per matrix, cube centres ± bs/2', (t) => {
  const boxes = visualBoxes(mm());
  t.is(boxes.length, 3);
  const b = boxes[1];
  t.deepEqual(b.min.map((x) => +x.toFixed(6)), [MB[0] - SP - BS / 2, MB[1] - 3 * SP - BS / 2, MB[2] - BS / 2]);
  t.deepEqual(b.max.map((x) => +x.toFixed(6)), [MB[0] + BS / 2, MB[1] + BS / 2, MB[2] + BS / 2]);
  t.is(visualBoxes(act).length, 1);
  t.is(visualBoxes(add).length, 3);
});

test('legibility: no two cubes share a centre and a face size at any sampled moment (no z-fighting)', (t) => {
  const visuals: Visual[] = [stat(true, SRC), act, add, mm({ sourceB: [0, 0, 0], transposeFlyB: true }), mm()];
  let checked = 0;
  for (const v of visuals) {
    for (let i = 0; i <= 40; i++) {
      for (const s of [state(1, i / 40, 0), state(1, 1, i / 40 + 0.0013)]) {
        // In the Kᵀ transpose flight elements (r, c) and (c, r) swap places and pass through
        // each other for an instant mid-flight; that crossing is the motion itself.
        if (v.kind === 'matmul' && v.transposeFlyB && s.t === 0) continue;
        const list = draw(v, s);
        const seen = new Map<string, Inst[]>();
        for (const c of list) {
          const key = `${c.x.toFixed(4)},${c.y.toFixed(4)},${c.z.toFixed(4)}`;
          const same = seen.get(key) ?? [];
          for (const o of same) {
            const face = near(o.sx, c.sx, 1e-4) || near(o.sy, c.sy, 1e-4) || near(o.sz, c.sz, 1e-4);
            t.false(face, `${v.kind} at appear ${s.appearT} t ${s.t}: coplanar cubes at ${key}`);
            checked++;
          }
          same.push(c);
          seen.set(key, same);
        }
      }
    }
  }
  t.true(checked > 100); // the visuals do stack cubes on one cell (copies, glows, stamps), just never coplanar
});
