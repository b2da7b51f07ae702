/**
 * Inspector (issue 17): pick a cube on screen (through the same ray maths the window uses, at the
 * pixel where the cell's centre projects), identify it and compare what the inspector reports —
 * the fixtures' key, block, head, stored [row, col] and the value — with the golden fixtures of the
 * Python reference. Several cells per matrix, including transposed (Kᵀ, Embedᵀ), masked and
 * per-head ones, and formulas recomputed from their operands.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mat4, vec3 } from 'gl-matrix';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import { projectionMatrix, projectToPixel, viewMatrix } from '../../src/core/camera.js';
import { createFrame } from '../../src/frame.js';
import type { FrameDesc } from '../../src/frame.js';
import { createFrameScratch, frameAt } from '../../src/visualization/frame-at.js';
import { describe, fmt, inspectionJson, plainText } from '../../src/visualization/inspect.js';
import type { Inspection } from '../../src/visualization/inspect.js';
import { drawInspection } from '../../src/visualization/inspect-draw.js';
import { pickAt } from '../../src/visualization/pick.js';
import { buildScene } from '../../src/visualization/scene.js';
import type { Scene } from '../../src/visualization/scene.js';
import { segEnd } from '../../src/visualization/stage-state.js';
import { SP } from '../../src/visualization/visual-types.js';
import { HELLO, RANDOM, loadFixture } from '../helpers/fixtures.js';
import { randomInput, stepInput } from './scene-fixtures.js';

const W = 1600;
const H = 900;
const random = buildScene(randomInput());
const hello0 = buildScene(stepInput('hello world', 'full', 0));
const hello3 = buildScene(stepInput('hello world', 'full', 0.3));
const RND = loadFixture(RANDOM);
const HW = loadFixture(HELLO);

/** Timeline time at fraction `frac` of compute group g of stage `name` (end of group by default). */
function timeIn(s: Scene, name: string, g: number, frac = 0.98): number {
  const st = s.stages.find((x) => x.name === name)!;
  const tm = st.timing;
  const a = g > 0 ? segEnd(st, g - 1) : 0;
  return tm.start + tm.appear + tm.compute * (a + (segEnd(st, g) - a) * frac);
}

/** The pixel where drawn cell (r, c) of part p of visual vi projects in `f`. */
function pixelOf(s: Scene, f: FrameDesc, vi: number, p: number, r: number, c: number): [number, number] {
  const pl = s.parts[vi]![p]!.placed;
  const vp = mat4.multiply(mat4.create(), projectionMatrix(mat4.create(), f.camera, W / H), viewMatrix(mat4.create(), f.camera));
  const px = projectToPixel(vec3.create(), vp, pl.anchor[0] - c * SP, pl.anchor[1] - r * SP, pl.anchor[2], W, H);
  return [px[0], px[1]];
}

/** Visual index and part index whose ref has `key` (and `head`), in stage `stage`. */
function partOf(s: Scene, stage: string, key: string, head: number | null = null, nth = 0): [number, number] {
  let n = 0;
  for (let vi = 0; vi < s.visuals.length; vi++) {
    if (s.stages[s.visuals[vi]!.stage]!.name !== stage) continue;
    const parts = s.parts[vi]!;
    for (let p = 0; p < parts.length; p++) {
      if (parts[p]!.ref.key === key && parts[p]!.ref.head === head && n++ === nth) return [vi, p];
    }
  }
  throw new Error(`no part ${key} head ${head} in ${stage}`);
}

/** Inspect drawn cell (r, c) of `key` in `stage` at time t, by pointing at it. */
function inspect(s: Scene, t: number, stage: string, key: string, head: number | null, r: number, c: number, nth = 0): Inspection | null {
  const scratch = createFrameScratch(s);
  const f = frameAt(s, t, INITIAL_VIEW, W / H, createFrame(), scratch);
  const [vi, p] = partOf(s, stage, key, head, nth);
  const [x, y] = pixelOf(s, f, vi, p, r, c);
  const hit = pickAt(s, scratch.state, f, x, y, W, H, { visual: 0, part: 0, row: 0, col: 0 });
  return hit === null ? null : describe(s, hit);
}

/** Fixture array element: data[h][row][col] (h ignored when the array is 2-D). */
function fx(arr: { shape: number[]; data: number[] }, row: number, col: number, h = 0): number {
  const [rows, cols] = arr.shape.slice(-2) as [number, number];
  return arr.data[h * rows * cols + row * cols + col]!;
}

function check(
  t: ExecutionContext, i: Inspection | null,
  want: { matrix: string; block: number | null; head: number | null; row: number; col: number; value: number },
): void {
  if (i === null) {
    t.fail(`nothing picked for ${want.matrix}[${want.row},${want.col}]`);
    return;
  }
  t.like(i, { matrix: want.matrix, block: want.block, head: want.head, row: want.row, col: want.col }, `${want.matrix}[${want.row},${want.col}]`);
  t.true(Math.abs(i.value - want.value) <= 1e-6 * Math.max(1, Math.abs(want.value)), `${want.matrix}[${want.row},${want.col}] = ${i.value}, fixture ${want.value}`);
}

const B0 = (): Record<string, { shape: number[]; data: number[] }> => RND.forward.blocks[0];

test('Q, K, V and W_Q cells of the QKV projection are the fixture values (random mode)', (t) => {
  const tm = timeIn(random, 'qkv_projection', 0, 1.2);
  for (const [key, r, c] of [['Q', 0, 0], ['Q', 5, 11], ['K', 15, 3], ['V', 9, 14]] as const) {
    check(t, inspect(random, tm, 'qkv_projection', key, null, r, c), { matrix: key, block: 1, head: null, row: r, col: c, value: fx(B0()[key]!, r, c) });
  }
  // B operands are consumed column by column during the compute: look at them as it starts.
  const w = inspect(random, timeIn(random, 'qkv_projection', 0, 0.001), 'qkv_projection', 'W_Q', null, 3, 7);
  check(t, w, { matrix: 'W_Q', block: 1, head: null, row: 3, col: 7, value: fx(RND.weights.blocks[0].W_Q, 3, 7) });
  t.is(w!.formula, null, 'a weight has no formula');
});

test('the matmul formula names its operands and its sum is the value', (t) => {
  const i = inspect(random, timeIn(random, 'qkv_projection', 0, 1.2), 'qkv_projection', 'Q', null, 5, 11)!;
  t.regex(i.formula!, /^Q\[5,11\] = Σ_k X\[5,k\]·W_Q\[k,11\] = /);
  let sum = 0;
  for (let k = 0; k < 16; k++) sum += fx(RND.forward.blocks[0].input, 5, k) * fx(RND.weights.blocks[0].W_Q, k, 11);
  t.true(i.formula!.includes(`Σ = ${fmt(sum)}`), i.formula!);
  t.true(Math.abs(sum - i.value) < 1e-5);
});

test('per-head Q, transposed Kᵀ and scores (masked and unmasked) of the attention', (t) => {
  const tm = timeIn(random, 'multi_head_attn', 0);
  const dk = 4;
  for (const h of [1, 3, 4]) {
    // Q_h drawn (r, c) = Q[r, (h−1)·dk + c]
    check(t, inspect(random, tm, 'multi_head_attn', 'Q', h, 7, 2), { matrix: 'Q', block: 1, head: h, row: 7, col: (h - 1) * dk + 2, value: fx(B0().Q!, 7, (h - 1) * dk + 2) });
    // K_hᵀ drawn (r, c) = K[c, (h−1)·dk + r]
    check(t, inspect(random, timeIn(random, 'multi_head_attn', 0, 0.001), 'multi_head_attn', 'K', h, 1, 9), { matrix: 'K', block: 1, head: h, row: 9, col: (h - 1) * dk + 1, value: fx(B0().K!, 9, (h - 1) * dk + 1) });
    check(t, inspect(random, tm, 'multi_head_attn', 'attention_scores', h, 9, 2),
      { matrix: 'attention_scores', block: 1, head: h, row: 9, col: 2, value: fx(B0().attention_scores!, 9, 2, h - 1) });
  }
  const masked = inspect(random, tm, 'multi_head_attn', 'attention_scores', 2, 2, 9)!;
  check(t, masked, { matrix: 'attention_scores', block: 1, head: 2, row: 2, col: 9, value: fx(B0().attention_scores!, 2, 9, 1) });
  t.regex(masked.formula!, /masked: column 9 comes after row 2/);
});

test('softmax weights: fixture values, masked zeros, and the formula row sum', (t) => {
  const tm = timeIn(random, 'multi_head_attn', 1, 1.1);
  const w = inspect(random, tm, 'multi_head_attn', 'attention_weights', 3, 6, 4, 0)!;
  check(t, w, { matrix: 'attention_weights', block: 1, head: 3, row: 6, col: 4, value: fx(B0().attention_weights!, 6, 4, 2) });
  t.regex(w.formula!, /exp\(Scores_h3\[6,4\] − max\) \/ Σ_j≤6/);
  const z = inspect(random, tm, 'multi_head_attn', 'attention_weights', 3, 1, 12, 0)!;
  t.is(z.value, 0);
  t.regex(z.formula!, /masked/);
});

test('FFN: W1, ReLU hidden (with its pre-activation) and the FFN output', (t) => {
  const relu = inspect(random, timeIn(random, 'ffn', 1, 1.05), 'ffn', 'ffn_hidden', null, 3, 100);
  check(t, relu, { matrix: 'ffn_hidden', block: 1, head: null, row: 3, col: 100, value: fx(B0().ffn_hidden!, 3, 100) });
  t.regex(relu!.formula!, new RegExp(`max\\(0, ${fmt(fx(B0().ffn_pre_relu!, 3, 100)).replace(/[.()-]/g, '\\$&')}\\)`));
  const tOut = timeIn(random, 'ffn', 2, 1.05);
  check(t, inspect(random, tOut, 'ffn', 'ffn_output', null, 12, 5), { matrix: 'ffn_output', block: 1, head: null, row: 12, col: 5, value: fx(B0().ffn_output!, 12, 5) });
  // W2 fades in at the start of its group; its last column is consumed last.
  check(t, inspect(random, timeIn(random, 'ffn', 2, 0.5), 'ffn', 'W2', null, 40, 15), { matrix: 'W2', block: 1, head: null, row: 40, col: 15, value: fx(RND.weights.blocks[0].W2, 40, 15) });
});

test('LayerNorm and residual cells, with μ and σ of the row', (t) => {
  const ln = inspect(random, timeIn(random, 'residual_ln1', 1, 1.05), 'residual_ln1', 'layernorm1', null, 4, 6)!;
  check(t, ln, { matrix: 'layernorm1', block: 1, head: null, row: 4, col: 6, value: fx(B0().layernorm1!, 4, 6) });
  t.regex(ln.formula!, /μ = .*σ = /);
});

test('X rows carry their token; logits use the transposed embedding; probabilities at T = 0 and 0.3', (t) => {
  const F = HW.forward;
  const x = inspect(hello0, timeIn(hello0, 'qkv_projection', 0, 1.2), 'qkv_projection', 'input', null, 4, 2)!;
  check(t, x, { matrix: 'input', block: 1, head: null, row: 4, col: 2, value: fx(F.block_input, 4, 2) });
  t.is(x.token, 'o', '"hello world"[4]');
  const tl = timeIn(hello0, 'output_projection', 0, 1.2);
  const lg = inspect(hello0, tl, 'output_projection', 'logits', null, 5, 27)!;
  check(t, lg, { matrix: 'logits', block: null, head: null, row: 5, col: 27, value: fx(F.logits, 5, 27) });
  t.is(lg.token, ' ');
  const e = inspect(hello0, timeIn(hello0, 'output_projection', 0, 0.001), 'output_projection', 'embedding', null, 3, 20)!;
  check(t, e, { matrix: 'embedding', block: null, head: null, row: 20, col: 3, value: fx(HW.weights.embedding, 20, 3) });
  const tp = timeIn(hello0, 'token_probs', 0, 1.05);
  check(t, inspect(hello0, tp, 'token_probs', 'probs', null, 10, 9), { matrix: 'probs', block: null, head: null, row: 10, col: 9, value: fx(F.probs, 10, 9) });
  const p3 = inspect(hello3, tp, 'token_probs', 'probs', null, 10, 9)!;
  check(t, p3, { matrix: 'probs', block: null, head: null, row: 10, col: 9, value: fx(HW.sampling.cases[0].probs, 10, 9) });
  t.regex(p3.formula!, /T = 0\.3 \(temperature\)/);
});

test('over nothing the pointer inspects nothing; the JSON line has the issue\'s keys', (t) => {
  const scratch = createFrameScratch(random);
  const f = frameAt(random, 14.4, INITIAL_VIEW, W / H, createFrame(), scratch);
  t.is(pickAt(random, scratch.state, f, 2, 2, W, H, { visual: 0, part: 0, row: 0, col: 0 }), null);
  t.is(inspectionJson(null), null);
  const i = inspect(random, timeIn(random, 'qkv_projection', 0, 1.2), 'qkv_projection', 'Q', null, 1, 1)!;
  t.deepEqual(Object.keys(inspectionJson(i)!), ['matrix', 'label', 'block', 'head', 'row', 'col', 'token', 'colToken', 'value', 'formula']);
});

test('drawing an inspection dims other cubes, keeps the operands lit and adds tooltip lines', (t) => {
  const tm = timeIn(random, 'qkv_projection', 0, 1.2);
  const f = frameAt(random, tm, INITIAL_VIEW, W / H, createFrame(), createFrameScratch(random));
  const before = f.instances.slice();
  const opaque = f.opaqueCount;
  const i = inspect(random, tm, 'qkv_projection', 'Q', null, 2, 3)!;
  drawInspection(f, i, 800, 450);
  let dimmed = 0;
  let kept = 0;
  for (let k = 0; k < opaque; k++) {
    if (f.instances[k * 10 + 3]! < before[k * 10 + 3]! - 1e-6) dimmed++;
    else kept++;
  }
  t.true(dimmed > 500, `${dimmed} dimmed`);
  // Q's cell and X's row 2 (16 cubes) stay lit (W_Q's column 3 is consumed by now).
  t.true(kept >= 17 && kept < 40, `${kept} kept`);
  const tips = f.overlays.slice(0, f.overlayCount).filter((o) => o.corner === 'pointer');
  t.is(tips.length, i.lines.length);
  t.is(plainText(tips[0]!.text).startsWith('Q'), true);
});
