import test from 'ava';
import { valueToFreq, vmaxOf } from '../../src/audio/events.js';
import type { SoundEvent } from '../../src/audio/events.js';
import { buildSceneSound } from '../../src/audio/sonification.js';
import { hello, sceneSound, timeline } from './scenes.js';

const EPS = 1e-9;

function between(events: readonly SoundEvent[], a: number, b: number): SoundEvent[] {
  return events.filter((e) => e.time >= a - EPS && e.time < b - EPS);
}

function stageOf(kind: Parameters<typeof timeline>[0], name: string) {
  const s = timeline(kind).stages.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stage ${name}`);
  return s;
}

test('events are sorted by time and none sounds in the return phase', (t) => {
  for (const kind of ['full', 'random', 'logits', 'final'] as const) {
    const s = sceneSound(kind);
    const tl = timeline(kind);
    t.true(s.events.length > 0, kind);
    for (let i = 1; i < s.events.length; i++) t.true(s.events[i]!.time >= s.events[i - 1]!.time);
    t.true(s.events.every((e) => e.time >= 0 && e.time < tl.total), kind);
    t.is(s.duration, tl.total + tl.returnDuration);
    t.is(s.peak, kind === 'logits' ? 0.3 : 0.85);
  }
});

test('QKV projection: first appear event at start + 0.42·appear, first walk at compute start + 0.2·w·compute', (t) => {
  const s = sceneSound('full');
  const q = stageOf('full', 'qkv_projection');
  const inStage = between(s.events, q.start, q.end);
  t.true(Math.abs(inStage[0]!.time - (q.start + 0.42 * q.appear)) < 1e-9);
  t.true(Math.abs(inStage[0]!.time - 3.5067) < 1e-3); // spec §4.4: start 2.6667, appear 2
  const c0 = q.start + q.appear;
  const walk = between(s.events, c0, q.end);
  const w = Math.min(3 / 16, 0.5);
  t.true(Math.abs(walk[0]!.time - (c0 + q.compute * 0.2 * w)) < 1e-9);
  t.true(Math.abs(walk[0]!.time - 4.8229) < 1e-3);
  // 3 matmuls × 16 columns × (16 rows × 4 walkers + 16 emerge) compute events, 256 appear events
  t.is(walk.length, 3 * 16 * 80);
  t.is(inStage.length - walk.length, 256);
});

test('character display sounds the first row of X in the 42–72 % band of its appear', (t) => {
  const s = sceneSound('full');
  const cd = stageOf('full', 'char_display');
  const ev = between(s.events, cd.start, cd.end);
  t.is(ev.length, 16);
  t.true(ev.every((e) => e.time >= 0.42 * cd.appear - EPS && e.time <= 0.72 * cd.appear + EPS));
  // the input stage (zero length) adds nothing
  t.is(between(s.events, cd.end, stageOf('full', 'qkv_projection').start).length, 0);
});

test('FFN: ×W2 sounds only in the last 80 % of group 2; ReLU only for killed elements', (t) => {
  const s = sceneSound('full');
  const f = stageOf('full', 'ffn');
  const c0 = f.start + f.appear;
  const [g2a, g2b] = f.segments[2]!;
  const g2start = c0 + g2a * f.compute;
  const g2len = (g2b - g2a) * f.compute;
  t.is(between(s.events, g2start, g2start + 0.2 * g2len).length, 0);
  t.is(between(s.events, g2start + 0.2 * g2len, f.end).length, 16 * (16 * 4 + 16));
  const b0 = hello().blocks[0]!;
  let killed = 0;
  for (let i = 0; i < b0.ffn_pre_relu.data.length; i++) if (b0.ffn_pre_relu.data[i]! < 0 && b0.ffn_hidden.data[i] === 0) killed++;
  const [g1a, g1b] = f.segments[1]!;
  t.is(between(s.events, c0 + g1a * f.compute, c0 + g1b * f.compute).length, killed);
});

test('the output stage sounds block 1 output (what is drawn; fix of spec §11.3 #4)', (t) => {
  const s = sceneSound('full');
  const o = stageOf('full', 'output');
  const ev = between(s.events, o.start, o.end);
  const out1 = hello().blocks[0]!.output;
  t.is(ev.length, out1.data.length);
  const vmax = vmaxOf(out1);
  const expected = new Set(Array.from(out1.data, (v) => valueToFreq(v, vmax).toFixed(6)));
  t.true(ev.every((e) => expected.has(e.freq.toFixed(6))));
  // and not the last block's output
  const last = hello().output;
  const lastSet = new Set(Array.from(last.data, (v) => valueToFreq(v, vmaxOf(last)).toFixed(6)));
  t.false(ev.every((e) => lastSet.has(e.freq.toFixed(6))));
});

test('token probabilities: row select and argmax scan the prediction row left to right', (t) => {
  const s = sceneSound('full', 0, 4);
  const tp = stageOf('full', 'token_probs');
  const c0 = tp.start + tp.appear;
  const [a2, b2] = tp.segments[2]!;
  const argmax = between(s.events, c0 + a2 * tp.compute, c0 + b2 * tp.compute + EPS);
  const probs = hello().probs!;
  const row = Array.from(probs.data.subarray(4 * 32, 5 * 32));
  t.is(argmax.length, row.filter((p) => p >= 0.005).length);
  for (const e of argmax) t.true(e.freq >= 300 && e.freq <= 4300);
  // predPos −1 (an entirely filtered prompt) uses the last row
  const rec = hello();
  const last = buildSceneSound({ kind: 'full', timeline: timeline('full'), record: rec, predPos: -1 });
  const lastRow = Array.from(probs.data.subarray(15 * 32, 16 * 32));
  t.is(between(last.events, c0 + a2 * tp.compute, c0 + b2 * tp.compute + EPS).length, lastRow.filter((p) => p >= 0.005).length);
});

test('logits-only and final scenes: blocks hop with their own outputs, final display only has the characters', (t) => {
  const l = sceneSound('logits');
  const b1 = stageOf('logits', 'block_1');
  const ev = between(l.events, b1.start, b1.end);
  t.is(ev.length, 256);
  const out1 = hello().blocks[0]!.output;
  const vmax = vmaxOf(out1);
  const expected = new Set(Array.from(out1.data, (v) => valueToFreq(v, vmax).toFixed(6)));
  t.true(ev.every((e) => expected.has(e.freq.toFixed(6))));
  t.is(sceneSound('final').events.length, 16);
});

test('random-weights scene has no LM-head stages but sounds blocks 2–4', (t) => {
  const s = sceneSound('random');
  const b4 = stageOf('random', 'block_4');
  t.true(between(s.events, b4.start, b4.end).length === 2 * 256);
  t.true(s.events.every((e) => e.time < timeline('random').total));
});

test('deterministic: the same scene gives the same events; another scene index another stream', (t) => {
  t.deepEqual(sceneSound('full', 3).events, sceneSound('full', 3).events);
  const a = sceneSound('logits', 1).events.map((e) => e.kind).join();
  const b = sceneSound('logits', 2).events.map((e) => e.kind).join();
  t.not(a, b);
  // times do not depend on the random stream
  t.deepEqual(sceneSound('logits', 1).events.map((e) => e.time), sceneSound('logits', 2).events.map((e) => e.time));
});
