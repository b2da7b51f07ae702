/**
 * frameAt (spec Appendix A, STYLE.md §6/§31): instance counts and positions at stage boundaries
 * (appear start, appear end, zero-length stage, settle end), purity (shuffled call order gives
 * identical frames), frame-rate independence, the chosen-token agreement of the probability stage
 * (§11.3 #1 fixed), the predicted-character return geometry (§5.11.3), the abbreviated scenes and
 * another model configuration.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import type { FrameDesc } from '../../src/frame.js';
import { createFrame, INSTANCE_FLOATS, transparentStart } from '../../src/frame.js';
import { makeConfig } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { randomModeForward } from '../../src/transformer/model.js';
import { tokenLabel } from '../../src/transformer/vocab.js';
import { createFrameScratch, frameAt } from '../../src/visualization/frame-at.js';
import { buildScene } from '../../src/visualization/scene.js';
import type { Scene } from '../../src/visualization/scene.js';
import { SP } from '../../src/visualization/visual-types.js';
import { promptStepInput, randomInput, scratchFor, stepInput } from './scene-fixtures.js';

const random = buildScene(randomInput());
const fullInput = stepInput('hello', 'full');
const full = buildScene(fullInput);
const ASPECT = 16 / 9;

function frame(s: Scene, t: number): FrameDesc {
  return frameAt(s, t, INITIAL_VIEW, ASPECT, createFrame(1024), scratchFor(s));
}
function count(f: FrameDesc): number {
  return f.opaqueCount + f.transparentCount;
}
/** Every live instance as [x, y, z, r, g, b, a, sx, sy, sz]. */
function instances(f: FrameDesc): number[][] {
  const out: number[][] = [];
  const push = (i: number): void => {
    out.push(Array.from(f.instances.subarray(i * INSTANCE_FLOATS, (i + 1) * INSTANCE_FLOATS)));
  };
  for (let i = 0; i < f.opaqueCount; i++) push(i);
  for (let i = transparentStart(f); i < f.capacity; i++) push(i);
  return out;
}
function labelTexts(f: FrameDesc): string[] {
  return f.labels.slice(0, f.labelCount).map((l) => l.text);
}
function stageOf(s: Scene, name: string): Scene['stages'][number] {
  return s.stages.find((x) => x.name === name)!;
}
/** Snapshot of everything frameAt produced, for equality checks. */
function dump(f: FrameDesc): unknown {
  return {
    inst: instances(f),
    labels: f.labels.slice(0, f.labelCount).map((l) => ({ ...l })),
    overlays: f.overlays.slice(0, f.overlayCount).map((o) => ({ ...o })),
    cam: [...f.camera.position, ...f.camera.target, f.camera.orthoSize],
  };
}

test('input appear start: nothing yet; appear end: the S×D matrix at rest on its cells', (t) => {
  const f0 = frame(random, 0);
  t.is(count(f0), 0);
  t.deepEqual(labelTexts(f0), []);
  t.is(f0.overlays[0]!.text, 'Input Embeddings');
  const f1 = frame(random, 2.0);
  t.is(f1.opaqueCount, 256);
  const [ax, ay, az] = random.layout.input;
  const cells = new Set(instances(f1).map(([x, y, z]) => `${Math.round((ax - x!) / SP)},${Math.round((ay - y!) / SP)},${z}`));
  t.is(cells.size, 256);
  for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) t.true(cells.has(`${c},${r},${az}`));
  for (const [, , , , , , , sx] of instances(f1)) t.true(Math.abs(sx! - 0.4) < 1e-6);
});

test('QKV appear start: three copies of X leave exactly from the input matrix (seamless)', (t) => {
  const qkv = stageOf(random, 'qkv_projection').timing;
  const f = frame(random, qkv.start);
  t.is(count(f), 4 * 256, 'X plus three copies; the W matrices are not visible before 30 % of the appear');
  const key = (i: number[]): string => i.slice(0, 3).map((v) => v.toFixed(4)).join();
  const keys = instances(f).map(key);
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  t.is(counts.size, 256);
  for (const c of counts.values()) t.is(c, 4);
});

test('zero-length input stage of a generation step: at its start the matrix is at rest and the characters are gone', (t) => {
  const input = stageOf(full, 'input').timing;
  t.is(input.end - input.start, 0);
  const f = frame(full, input.start);
  t.is(count(f), 4 * 256);
  t.is(f.labels.slice(0, f.labelCount).filter((l) => l.z === -2).length, 0, 'no big characters left');
  t.is(f.overlays[0]!.text, 'QKV Projection');
  // The input row labels are fully shown at the hand-over.
  const h = f.labels.slice(0, f.labelCount).find((l) => l.text === 'h');
  t.truthy(h);
  t.true(h!.alpha > 0.99);
});

test('QKV settle end = attention appear start: every product finished, inputs consumed', (t) => {
  const mha = stageOf(random, 'multi_head_attn').timing;
  const before = frame(random, mha.start - 1e-6);
  // A (S×D) + C (S×D) per matmul: W's columns were all consumed.
  t.is(count(before), 3 * 2 * 256);
  const f = frame(random, mha.start);
  // QKV still fully visible at local 0 of the next appear, plus Q_h and K_hᵀ of every head (4 × 64 each).
  t.is(count(f), 3 * 2 * 256 + 4 * 64 * 2);
});

test('frameAt is pure: the same times in shuffled order give identical frames', (t) => {
  const times = [0, 0.5, 1.3, 2.6667, 3.1, 8.1, 14.4, 16.9, 20, 26.8, 32.3, 44.9, 57.4, 72, 73.3, 82.2, 87.5, 94.8, 98, 99.5, 100.3];
  const inOrder = times.map((x) => dump(frame(full, x)));
  const shared = createFrame(64);
  const order = times.map((_, i) => i).sort((a, b) => ((a * 7919) % 23) - ((b * 7919) % 23));
  for (const i of order) t.deepEqual(dump(frameAt(full, times[i]!, INITIAL_VIEW, ASPECT, shared, scratchFor(full))), inOrder[i], `t = ${times[i]}`);
});

test('24 fps and 60 fps playback reach the same frame', (t) => {
  const a = createFrame(64);
  const b = createFrame(64);
  for (let i = 0; i <= 24 * 20; i++) frameAt(full, i / 24, INITIAL_VIEW, ASPECT, a, scratchFor(full));
  for (let i = 0; i <= 60 * 20; i++) frameAt(full, i / 60, INITIAL_VIEW, ASPECT, b, scratchFor(full));
  t.deepEqual(dump(a), dump(b));
});

test('the probability stage highlights the chosen token; label and returning character agree (§11.3 #1)', (t) => {
  const { predPos, predId } = fullInput;
  const f = frame(full, full.total - 1e-3);
  const [px, py] = full.layout.probs;
  const bright = instances(f).filter((i) => i[6]! > 0.5);
  t.is(bright.length, 1);
  t.is(Math.round((px - bright[0]![0]!) / SP), predId!);
  t.is(Math.round((py - bright[0]![1]!) / SP), predPos!);
  const label = labelTexts(f).find((s) => s.includes('%'));
  t.is(label!.split(' ')[0], tokenLabel(predId!));
  t.is(full.characters.ret!.text, tokenLabel(predId!));
});

test('predicted-character return: flies from the prediction label to the empty slot of the next layout (§5.11.3)', (t) => {
  const ret = full.characters.ret!;
  const n2 = 4 + 2;
  const cs2 = Math.max(2, 4.5 - 0.15 * n2);
  t.is(full.nextCharSpacing, cs2);
  t.deepEqual(ret.end, [(n2 - 1) * cs2 / 2 - (n2 - 1) * cs2, 2, -2]);
  ret.existing.forEach((c, i) => t.deepEqual(c.start, [(n2 - 1) * cs2 / 2 - i * cs2, 2, -2]));
  const start = frame(full, full.total + 1e-9);
  const fly0 = start.labels.slice(0, start.labelCount).find((l) => l.text === ret.text && l.alignX < 0.01)!;
  t.true(Math.abs(fly0.x - ret.start[0]) < 1e-3 && Math.abs(fly0.z - ret.start[2]) < 1e-3);
  const end = frame(full, full.total + full.returnDuration);
  const big = end.labels.slice(0, end.labelCount).filter((l) => Math.abs(l.z + 2) < 1e-9);
  t.is(big.length, 6, 'h e l l o + the predicted character');
  const landed = big[big.length - 1]!;
  t.deepEqual([landed.x, landed.y, landed.z].map((v) => +v.toFixed(9)), [...ret.end]);
  t.true(Math.abs(landed.alignX - 0.5) < 1e-6);
  t.true(Math.abs(landed.height - Math.min(4 * end.camera.orthoSize / 10, cs2 * 1.4)) < 1e-9);
  // The percentage is gone after a quarter of the return.
  const q = frame(full, full.total + 0.3 * full.returnDuration);
  t.false(labelTexts(q).includes(ret.pct));
});

test('logits-only and final scenes: persistent characters, static hops, only big characters at the end', (t) => {
  const logits = buildScene(stepInput('hellow', 'logits', 0.3, full.nextCharSpacing));
  t.is(logits.total.toFixed(4), '7.9167');
  const f0 = frame(logits, 0);
  t.deepEqual(labelTexts(f0).slice(0, 6), ['h', 'e', 'l', 'l', 'o', 'w']);
  t.true(f0.labels.slice(0, 6).every((l) => l.alpha === 1), 'already on screen from the previous return');
  t.is(f0.labels[0]!.x, full.characters.ret!.existing[0]!.start[0]);
  const hop = frame(logits, 3.0);
  t.is(count(hop), 256);
  t.true(labelTexts(hop).includes('Block 1'));
  const final = buildScene(stepInput('hellous the', 'final'));
  t.is(final.returnDuration, 0);
  const ff = frame(final, 2.0);
  t.is(count(ff), 0);
  t.deepEqual(labelTexts(ff), [...'hellousthe']);
});

test('another configuration (d_model 32, 8 heads, seq_len 12) builds and draws finite frames', (t) => {
  const cfg = makeConfig({ dModel: 32, numHeads: 8, seqLen: 12 });
  const s = buildScene({ kind: 'random', record: randomModeForward(cfg) });
  for (let time = 0; time < s.total + s.returnDuration; time += 1.7) {
    const f = frame(s, time);
    for (const inst of instances(f)) t.true(inst.every(Number.isFinite));
    t.true(Number.isFinite(f.camera.orthoSize) && f.camera.orthoSize > 0);
  }
  // In the tall 8-head stack the titles stop growing with the zoom before they reach the head above.
  const mha = stageOf(s, 'multi_head_attn').timing;
  const fm = frame(s, mha.start + mha.appear + 0.1 * mha.compute);
  const pitch = s.layout.mha[0]!.scores[1] - s.layout.mha[1]!.scores[1];
  const scores = fm.labels.slice(0, fm.labelCount).filter((l) => l.text === 'Scores');
  t.is(scores.length, 8);
  for (const l of scores) t.true(l.height + 1.2 <= pitch - 12 * SP, `title height ${l.height}`);
  t.true(scores[0]!.height < 0.75 * fm.camera.orthoSize / 10, 'capped below the zoom-constant size');
  const settle = frame(s, stageOf(s, 'input').timing.end - 1e-6);
  t.is(count(settle), 12 * 32);
});

test('generation steps of other shapes (S, B, H, D, F) and edge prompts build and draw finite frames', (t) => {
  const cases: [Parameters<typeof makeConfig>[0], string, 'full' | 'logits'][] = [
    [{ seqLen: 12 }, 'hello', 'full'], [{ numBlocks: 2 }, 'hi', 'full'], [{ numHeads: 1 }, 'abc', 'logits'],
    [{ dModel: 8, numHeads: 2, dFF: 16 }, 'x', 'full'], [{ seqLen: 4 }, 'abcdefgh', 'full'], [{}, '', 'full'],
  ];
  const f = createFrame(256);
  for (const [cfg, prompt, kind] of cases) {
    const config = makeConfig(cfg);
    const s = buildScene(promptStepInput(initWeights(config), prompt, 0.3, kind));
    t.is(s.stages.filter((x) => /^block_\d+$/.test(x.name)).length, kind === 'logits' ? config.numBlocks : config.numBlocks - 1);
    t.is(s.charIdx >= 0, prompt !== '', 'character display only with real characters');
    for (let time = -1; time < s.total + s.returnDuration + 1; time += 0.61) {
      frameAt(s, time, INITIAL_VIEW, 1.5, f, scratchFor(s));
      for (const inst of instances(f)) t.true(inst.every(Number.isFinite));
      t.true(Number.isFinite(f.camera.orthoSize));
    }
  }
});

test('compute start of the QKV matmuls: A at rest, W waiting at 0.9; then column 0 starts to descend (§5.4.4)', (t) => {
  const qkv = stageOf(random, 'qkv_projection').timing;
  const at0 = frame(random, qkv.start + qkv.appear);
  t.is(at0.opaqueCount, 3 * 256, 'the three copies of X, opaque');
  const alphas = (f: FrameDesc): number[] => instances(f).map((i) => +i[6]!.toFixed(3)).filter((a) => a < 1);
  t.deepEqual([...new Set(alphas(at0))], [0.9]);
  t.is(alphas(at0).length, 3 * 256);
  const after = frame(random, qkv.start + qkv.appear + 1e-3);
  const a = alphas(after);
  t.is(a.filter((x) => x === 0.9).length, 3 * (256 - 16), 'W columns 1…15 still waiting');
  t.is(a.filter((x) => x > 0.79 && x < 0.8).length, 3 * 16, 'W column 0 shrinking and fading');
  t.is(a.filter((x) => Math.abs(x - 0.5) < 0.01).length, 3 * 16, 'its copies descending onto A');
});

/**
 * Freeze every object reachable from `root` (typed arrays cannot be frozen: they are collected
 * instead, for a before/after comparison); returns the typed arrays and the number of Maps/Sets seen.
 * Not `skip`: a scene's label fade scan, the one part it fills as frames ask (up to the time shown,
 * append-only, the same switches whatever the order: labels.test.ts); its result is reached
 * through `fades` and frozen with the rest.
 */
function deepFreeze(root: unknown, skip: ReadonlySet<PropertyKey> = new Set(['fadeScan'])): { arrays: ArrayBufferView[]; collections: number } {
  const arrays: ArrayBufferView[] = [];
  let collections = 0;
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      arrays.push(v);
      return;
    }
    if (v instanceof Map || v instanceof Set) collections++;
    for (const k of Reflect.ownKeys(v)) if (!skip.has(k)) walk((v as Record<PropertyKey, unknown>)[k]);
    Object.freeze(v);
  };
  walk(root);
  return { arrays, collections };
}

test('frameAt never writes the Scene: deep-frozen, its typed arrays unchanged over every stage, two aspects', (t) => {
  for (const s of [buildScene(stepInput('hello', 'full')), buildScene(randomInput())]) {
    const { arrays, collections } = deepFreeze(s);
    t.is(collections, 0, 'no Map or Set (a cache) inside the scene');
    const copies = arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
    const f = createFrame(256);
    const sc = createFrameScratch(s);
    const end = s.total + s.returnDuration;
    let drawn = 0;
    for (const aspect of [16 / 9, 1]) {
      for (let time = 0; time <= end; time += 0.37) drawn += count(frameAt(s, time, INITIAL_VIEW, aspect, f, sc)) + f.labelCount;
    }
    t.true(drawn > 0);
    t.true(arrays.length > 0);
    arrays.forEach((a, i) => t.deepEqual(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), copies[i]!, `typed array ${i}`));
  }
});
