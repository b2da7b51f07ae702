/**
 * The one playback machine (spec §3.3, §4.5, §8.1, §11.3 #7) — the functions the window runs:
 * tick with clamped dt, loop and completion, frame-rate independence, speed limits, stage jumps
 * that skip zero-length stages and keep play or pause (issue 17), frame steps and seeks, the multi-step rules (next step at the end, the final display
 * stays, random mode loops), → / ← across steps, R, and seeks for followers.
 */
import test from 'ava';
import {
  FRAME_STEP_S, MAX_DT, createPlayback, frameStep, landing, lastStageStart, nextStage, nextStageTarget, playbackPlan, prevStage, prevStageTarget,
  reset, seek, slowDown, speedUp, stageIndex, tickPlayback, timeScale, timelineRate, togglePlay,
} from '../../src/animation/playback.js';
import type { Playback, PlaybackPlan } from '../../src/animation/playback.js';
import { currentStageIndex, phaseAt, stageIndex as stageNamed } from '../../src/animation/timeline.js';
import type { Timeline } from '../../src/animation/timeline.js';
import { FINAL, FULL, GEN, LOGITS, LOOP, RANDOM } from '../helpers/timelines.js';

/** One step that does not loop: the last step of a generation, alone. */
const once = (tl: Timeline): PlaybackPlan => ({ timelines: [tl], loop: false });
const at = (step: number, time: number, speed?: number): Playback => Object.assign(createPlayback({ speed }), { step, time });

/** A deterministic pseudo-random dt sequence around 60 fps with spikes past MAX_DT and zeros. */
function dts(n: number): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const u = x / 2147483648;
    out.push(u < 0.05 ? 0.2 : u < 0.1 ? 0 : u < 0.12 ? -0.01 : 0.004 + 0.03 * u);
  }
  return out;
}

test('the start: step 0, t = 0, playing, speed 1 unless given (clamped; NaN → 1)', (t) => {
  t.deepEqual(createPlayback(), { step: 0, time: 0, playing: true, speed: 1, completed: false, seeks: 0 });
  t.is(createPlayback({ speed: 2 }).speed, 2);
  t.is(createPlayback({ speed: 20 }).speed, 5);
  t.is(createPlayback({ speed: 0.05 }).speed, 0.25);
  t.is(createPlayback({ speed: Number.NaN }).speed, 1);
});

test('tick: dt × speed × the timeline rate, dt clamped to 0.05, negative dt and paused do nothing', (t) => {
  t.is(tickPlayback(createPlayback(), LOOP, 0.02).time, 0.02);
  t.is(tickPlayback(createPlayback(), LOOP, 1.0).time, MAX_DT);
  t.is(tickPlayback(createPlayback(), LOOP, -1).time, 0);
  t.is(tickPlayback(createPlayback({ speed: 2 }), LOOP, 0.01).time, 0.02);
  const paused = togglePlay(createPlayback());
  t.is(tickPlayback(paused, LOOP, 0.02).time, 0);
  const p = createPlayback();
  t.is(tickPlayback(p, LOOP, 0.02), p, 'in place, no new object');
  // logits-only scenes run at 3× the user's speed
  t.is(timelineRate(LOGITS), 3);
  t.is(timelineRate(FULL), 1);
  t.true(Math.abs(tickPlayback(createPlayback(), once(LOGITS), 0.02).time - 0.06) < 1e-12);
});

test('tick over 4,000 irregular frames is the clamped sum: wrapped when looping, completed at the end otherwise', (t) => {
  const speed = 3.5;
  const p = createPlayback({ speed });
  let sum = 0;
  for (const dt of dts(4000)) {
    tickPlayback(p, LOOP, dt);
    sum += (dt > 0 ? Math.min(dt, MAX_DT) : 0) * speed;
  }
  t.true(sum > 2 * RANDOM.duration, 'wrapped at least twice');
  t.true(Math.abs(p.time - (sum % RANDOM.duration)) < 1e-7, `${p.time} vs ${sum % RANDOM.duration}`);
  t.true(p.playing);
  t.false(p.completed);
  const q = createPlayback({ speed: 5 });
  let reached = -1;
  const seq = dts(4000);
  for (let i = 0; i < seq.length; i++) {
    tickPlayback(q, once(LOGITS), seq[i]!);
    if (q.completed && reached < 0) reached = i;
  }
  t.true(reached > 0);
  t.is(q.time, LOGITS.duration);
  t.false(q.playing);
});

test('frame-rate independence: 24 fps and 60 fps reach the same time, across the loop point too', (t) => {
  const a = createPlayback({ speed: 1.75 });
  const b = createPlayback({ speed: 1.75 });
  for (let i = 0; i < 24 * 10; i++) tickPlayback(a, once(FULL), 1 / 24);
  for (let i = 0; i < 60 * 10; i++) tickPlayback(b, once(FULL), 1 / 60);
  t.true(Math.abs(a.time - 17.5) < 1e-9, `${a.time}`);
  t.true(Math.abs(a.time - b.time) < 1e-9, `${a.time} vs ${b.time}`);
  const c = at(0, 80);
  const d = at(0, 80);
  for (let i = 0; i < 24 * 10; i++) tickPlayback(c, LOOP, 1 / 24);
  for (let i = 0; i < 60 * 10; i++) tickPlayback(d, LOOP, 1 / 60);
  t.true(Math.abs(c.time - (90 - RANDOM.duration)) < 1e-9 && Math.abs(c.time - d.time) < 1e-9);
});

test('random mode loops forever', (t) => {
  const p = at(0, RANDOM.duration - 0.01);
  tickPlayback(p, LOOP, 0.03);
  t.is(p.step, 0);
  t.true(p.playing);
  t.false(p.completed);
  t.true(Math.abs(p.time - 0.02) < 1e-9);
});

test('generation: at the end of a step the next starts at t = 0; the final display stays', (t) => {
  const p = at(0, FULL.duration - 0.001);
  tickPlayback(p, GEN, 0.01);
  t.is(p.step, 1);
  t.is(p.time, 0);
  t.true(p.playing);
  p.step = 3;
  p.time = FINAL.duration - 0.001;
  tickPlayback(p, GEN, 0.01);
  t.is(p.step, 3);
  t.is(p.time, FINAL.duration);
  t.false(p.playing);
  t.true(p.completed);
  for (let i = 0; i < 10; i++) tickPlayback(p, GEN, 0.02);
  t.is(p.time, FINAL.duration, 'stays on the finished text');
  t.is(FINAL.returnDuration, 0);
});

test('logits-only steps play at 3× the user speed, which survives step changes', (t) => {
  const p = speedUp(speedUp(createPlayback()));
  t.is(p.speed, 1.5);
  t.is(timeScale(p, GEN), 1.5);
  p.time = FULL.duration;
  tickPlayback(p, GEN, 0.02);
  t.is(p.step, 1);
  t.is(p.speed, 1.5, 'kept across the step change (the reference resets it)');
  t.is(timeScale(p, GEN), 4.5);
  tickPlayback(p, GEN, 0.02);
  t.true(Math.abs(p.time - 0.09) < 1e-12);
});

test('speed: ±0.25 within 0.25 … 5; + four times doubles it', (t) => {
  const p = createPlayback();
  for (let i = 0; i < 4; i++) speedUp(p);
  t.is(p.speed, 2);
  for (let i = 0; i < 30; i++) speedUp(p);
  t.is(p.speed, 5);
  for (let i = 0; i < 30; i++) slowDown(p);
  t.is(p.speed, 0.25);
});

test('Space pauses and resumes', (t) => {
  const p = tickPlayback(createPlayback(), LOOP, 0.02);
  togglePlay(p);
  t.false(p.playing);
  for (let i = 0; i < 10; i++) tickPlayback(p, LOOP, 0.02);
  t.is(p.time, 0.02);
  togglePlay(p);
  tickPlayback(p, LOOP, 0.02);
  t.true(p.time > 0.02);
});

test('← from QKV reaches the character display (zero-length input skipped; spec §11.3 #7 fixed)', (t) => {
  const qkv = stageNamed(FULL, 'qkv_projection');
  t.deepEqual(prevStageTarget(FULL, FULL.stages[qkv]!.start), { kind: 'stage', index: 0 });
  t.is(prevStage(at(0, FULL.stages[qkv]!.start), GEN).time, landing(FULL, 0));
  t.deepEqual(nextStageTarget(FULL, 0), { kind: 'stage', index: qkv });
  t.is(nextStage(createPlayback(), GEN).time, landing(FULL, qkv));
  // mid-FFN → res2 / res1 (issue 17: landing at the start of their compute)
  t.is(nextStage(at(0, 50), GEN).time, landing(FULL, stageNamed(FULL, 'residual_ln2')));
  t.is(prevStage(at(0, 50), GEN).time, landing(FULL, stageNamed(FULL, 'residual_ln1')));
});

test('stage targets past the last / before the first stage', (t) => {
  const last = FULL.stages.length - 1;
  t.deepEqual(nextStageTarget(FULL, FULL.stages[last]!.start), { kind: 'after-last' });
  t.deepEqual(nextStageTarget(FULL, FULL.total + 0.5), { kind: 'after-last' });
  t.deepEqual(prevStageTarget(FULL, 0.5), { kind: 'before-first' });
  t.is(lastStageStart(FULL), FULL.stages[last]!.start);
  // logits-only: block_1 … have length, input does not
  t.deepEqual(nextStageTarget(LOGITS, 0), { kind: 'stage', index: stageNamed(LOGITS, 'block_1') });
});

test('→ walks the non-empty stages of a step, then goes to the next step', (t) => {
  const p = createPlayback();
  const seen: number[] = [stageIndex(p, GEN)];
  while (p.step === 0) {
    nextStage(p, GEN);
    if (p.step === 0) seen.push(stageIndex(p, GEN));
  }
  const nonEmpty = FULL.stages.filter((st) => st.end > st.start).map((st) => st.index);
  t.deepEqual(seen, nonEmpty, 'every non-empty stage once, in order (the zero-length input stage skipped)');
  t.is(p.step, 1);
  const first = LOGITS.stages.findIndex((st) => st.end > st.start);
  t.is(p.time, landing(LOGITS, first), 'the next step lands on its first stage\'s content');
  t.true(p.playing, 'playing stays playing');
});

test('jumps keep play or pause (issue 17) and land in compute, never in an empty appear', (t) => {
  const p = togglePlay(createPlayback());
  for (let k = 0; k < 6; k++) {
    nextStage(p, GEN);
    t.false(p.playing, '→ keeps the pause');
    const i = stageIndex(p, GEN);
    t.not(phaseAt(FULL.stages[i]!, p.time).kind, 'appear', FULL.stages[i]!.name);
  }
  prevStage(p, GEN);
  t.false(p.playing, '← keeps the pause');
  seek(p, GEN, 12.5);
  t.false(p.playing, 'seeking keeps the pause');
  t.is(p.time, 12.5);
  togglePlay(p);
  frameStep(p, GEN, 1);
  t.false(p.playing, 'a frame step pauses');
  t.is(p.time, 12.5 + FRAME_STEP_S);
});

test('→ through the whole generation ends on the final display, which stays', (t) => {
  const p = createPlayback();
  let presses = 0;
  while (!p.completed && presses < 200) {
    nextStage(p, GEN);
    presses++;
  }
  t.is(p.step, 3);
  t.true(p.completed);
  t.false(p.playing);
  t.is(p.time, FINAL.duration);
  nextStage(p, GEN);
  t.is(p.step, 3, '→ at the very end stays');
  t.true(p.completed);
});

test('← before the first stage goes back to the previous step\'s last stage; at the very start it restarts', (t) => {
  const p = at(1, 0);
  prevStage(p, GEN);
  t.is(p.step, 0);
  t.is(p.time, landing(FULL, currentStageIndex(FULL, lastStageStart(FULL))));
  prevStage(p, GEN);
  t.is(p.step, 0);
  t.true(p.time < lastStageStart(FULL));
  p.time = 1;
  prevStage(p, GEN);
  t.is(p.step, 0);
  t.is(p.time, 0);
});

test('→ at the last stage of a looping scene wraps to its start', (t) => {
  const p = at(0, lastStageStart(RANDOM) + 0.5);
  nextStage(p, LOOP);
  t.is(p.step, 0);
  t.is(p.time, 0);
});

test('R resets the whole generation and plays, keeping speed; every jump counts as a seek', (t) => {
  const p = speedUp(at(2, 1));
  p.playing = false;
  p.completed = true;
  reset(p);
  t.deepEqual(p, { step: 0, time: 0, playing: true, speed: 1.25, completed: false, seeks: 1 });
  nextStage(p, GEN);
  prevStage(p, GEN);
  t.is(p.seeks, 3);
  togglePlay(p);
  speedUp(p);
  tickPlayback(p, GEN, 0.02);
  t.is(p.seeks, 3, 'pausing, speed and ticking are not seeks');
});

test('an empty plan is a programming error; a plan loops only with one timeline', (t) => {
  t.throws(() => playbackPlan([]), { instanceOf: RangeError });
  t.true(LOOP.loop);
  t.false(GEN.loop);
  t.true(Object.isFrozen(GEN) && Object.isFrozen(GEN.timelines));
});
