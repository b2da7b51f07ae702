/**
 * Playback reducer tests (spec §4.5, §8.1, §11.3 #7): advance with clamped dt, loop and completion,
 * frame-rate independence, speed limits, stage jumps that skip zero-length stages, step targets.
 */
import test from 'ava';
import {
  MAX_DT, advance, initialPlayback, jumpToStage, lastStageStart, nextStage, nextStageTarget, prevStage,
  prevStageTarget, reset, seek, setSpeed, slowDown, speedUp, timelineRate, togglePlay,
} from '../../src/animation/playback.js';
import type { PlaybackState } from '../../src/animation/playback.js';
import { buildTimeline, stageIndex } from '../../src/animation/timeline.js';

const full = buildTimeline('full', { hasCharDisplay: true });
const random = buildTimeline('random', { hasCharDisplay: false });
const logits = buildTimeline('logits', { hasCharDisplay: true });
const final = buildTimeline('final', { hasCharDisplay: true });

test('initial state', (t) => {
  t.deepEqual({ ...initialPlayback() }, { time: 0, playing: true, speed: 1, loop: true, completed: false });
  t.is(initialPlayback({ speed: 20 }).speed, 5);
  t.false(initialPlayback({ loop: false }).loop);
  t.true(Object.isFrozen(initialPlayback()));
});

test('advance: dt × speed, dt clamped to 0.05, paused does nothing, input not mutated', (t) => {
  const s0 = initialPlayback();
  t.is(advance(s0, full, 0.02).time, 0.02);
  t.is(advance(s0, full, 1.0).time, MAX_DT);
  t.is(advance(s0, full, -1), s0);
  t.is(advance(setSpeed(s0, 2), full, 0.01).time, 0.02);
  const paused = togglePlay(s0);
  t.is(advance(paused, full, 0.02), paused);
  t.is(s0.time, 0);
  // logits-only scenes run at 3× the user's speed
  t.is(timelineRate(logits), 3);
  t.is(timelineRate(full), 1);
  t.true(Math.abs(advance(s0, logits, 0.02).time - 0.06) < 1e-12);
});

test('advance: loop wraps modulo duration, no loop completes and stops', (t) => {
  const near = seek(initialPlayback(), random, random.duration - 0.01);
  const wrapped = advance(near, random, 0.05);
  t.true(Math.abs(wrapped.time - 0.04) < 1e-9);
  t.true(wrapped.playing);
  t.false(wrapped.completed);
  const once = seek(initialPlayback({ loop: false }), final, final.duration - 0.01);
  const done = advance(once, final, 0.05);
  t.is(done.time, final.duration);
  t.true(done.completed);
  t.false(done.playing);
  t.is(advance(done, final, 0.05), done);
  t.is(final.returnDuration, 0);
});

test('frame-rate independence: 24 fps and 60 fps reach the same time', (t) => {
  let a: PlaybackState = setSpeed(initialPlayback(), 1.75);
  let b: PlaybackState = a;
  for (let i = 0; i < 24 * 10; i++) a = advance(a, full, 1 / 24);
  for (let i = 0; i < 60 * 10; i++) b = advance(b, full, 1 / 60);
  t.true(Math.abs(a.time - 17.5) < 1e-9, `${a.time}`);
  t.true(Math.abs(a.time - b.time) < 1e-9, `${a.time} vs ${b.time}`);
  // across the loop point too
  let c = seek(initialPlayback(), random, 80);
  let d = c;
  for (let i = 0; i < 24 * 10; i++) c = advance(c, random, 1 / 24);
  for (let i = 0; i < 60 * 10; i++) d = advance(d, random, 1 / 60);
  t.true(Math.abs(c.time - (90 - random.duration)) < 1e-9 && Math.abs(c.time - d.time) < 1e-9);
});

test('speed: ±0.25 within 0.25 … 5', (t) => {
  let s = initialPlayback();
  s = speedUp(s);
  t.is(s.speed, 1.25);
  for (let i = 0; i < 30; i++) s = speedUp(s);
  t.is(s.speed, 5);
  for (let i = 0; i < 30; i++) s = slowDown(s);
  t.is(s.speed, 0.25);
  t.is(setSpeed(s, Number.NaN), s);
  t.is(setSpeed(s, 0).speed, 0.25);
});

test('toggle, reset, seek, jumpToStage', (t) => {
  const s = togglePlay(seek(initialPlayback(), full, 40));
  t.false(s.playing);
  t.true(togglePlay(s).playing);
  const r = reset(setSpeed(s, 2));
  t.deepEqual({ ...r }, { time: 0, playing: true, speed: 2, loop: true, completed: false });
  t.is(seek(s, full, -3).time, 0);
  t.is(seek(s, full, 1e9).time, full.duration);
  const j = jumpToStage(s, full, 3);
  t.is(j.time, full.stages[3].start);
  t.true(j.playing);
  t.is(jumpToStage(s, full, 99).time, full.stages[full.stages.length - 1].start);
  t.is(jumpToStage(s, full, -5).time, 0);
});

test('← from QKV reaches the character display (zero-length input skipped; spec §11.3 #7 fixed)', (t) => {
  const qkv = stageIndex(full, 'qkv_projection');
  const atQkv = jumpToStage(initialPlayback(), full, qkv);
  t.deepEqual(prevStageTarget(full, atQkv.time), { kind: 'stage', index: 0 });
  t.is(prevStage(atQkv, full).time, 0);
  t.deepEqual(nextStageTarget(full, 0), { kind: 'stage', index: qkv });
  t.is(nextStage(initialPlayback(), full).time, full.stages[qkv].start);
  // mid-FFN → res2 / res1
  const mid = seek(initialPlayback(), full, 50);
  t.is(nextStage(mid, full).time, full.stages[stageIndex(full, 'residual_ln2')].start);
  t.is(prevStage(mid, full).time, full.stages[stageIndex(full, 'residual_ln1')].start);
});

test('past the last / before the first stage', (t) => {
  const last = full.stages.length - 1;
  const atLast = jumpToStage(initialPlayback({ loop: false }), full, last);
  t.deepEqual(nextStageTarget(full, atLast.time), { kind: 'after-last' });
  t.deepEqual(nextStageTarget(full, full.total + 0.5), { kind: 'after-last' });
  t.deepEqual(prevStageTarget(full, 0.5), { kind: 'before-first' });
  // within a scene: no loop → complete at the end; loop → wrap to the start
  const end = nextStage(atLast, full);
  t.true(end.completed);
  t.is(end.time, full.duration);
  t.is(nextStage(jumpToStage(initialPlayback(), random, 99), random).time, 0);
  t.is(prevStage(seek(initialPlayback(), full, 1), full).time, 0);
  t.is(lastStageStart(full), full.stages[last].start);
  // logits-only: block_1 … have length, input does not
  t.deepEqual(nextStageTarget(logits, 0), { kind: 'stage', index: stageIndex(logits, 'block_1') });
});
