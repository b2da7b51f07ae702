/**
 * session.ts: the per-frame tick agrees with animation/playback.ts `advance` step by step; the
 * multi-step rules (next step at the end, final display stays, random mode loops); → / ← across
 * steps; R resets the generation; the user's speed survives step changes; views and the speed
 * flash count down in real time, also while paused.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { advance, initialPlayback, lastStageStart, MAX_DT } from '../../src/animation/playback.js';
import type { PlaybackState } from '../../src/animation/playback.js';
import { buildTimeline } from '../../src/animation/timeline.js';
import type { Timeline } from '../../src/animation/timeline.js';
import { INITIAL_VIEW } from '../../src/animation/view-state.js';
import type { Action } from '../../src/app/input.js';
import {
  FRAME_STEP_S, applyAction, createSession, formatSpeed, landing, sessionPlan, speedFlashAlpha, stageIndex, tickSession, timeScale,
} from '../../src/app/session.js';
import { currentStageIndex, phaseAt } from '../../src/animation/timeline.js';
import type { SessionPlan, SessionState } from '../../src/app/session.js';

const FULL = buildTimeline('full', { hasCharDisplay: true });
const LOGITS = buildTimeline('logits', { hasCharDisplay: true });
const FINAL = buildTimeline('final', { hasCharDisplay: true });
const RANDOM = buildTimeline('random', { hasCharDisplay: false });
/** A 4-step generation: full, logits, logits, final. */
const GEN = sessionPlan([FULL, LOGITS, LOGITS, FINAL]);
const LOOP = sessionPlan([RANDOM]);

const act = (s: SessionState, plan: SessionPlan, kind: Action['kind']): SessionState =>
  applyAction(s, plan, { kind } as Action);

/** A deterministic pseudo-random dt sequence around 60 fps with spikes past MAX_DT. */
function dts(n: number): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const u = x / 2147483648;
    out.push(u < 0.05 ? 0.2 : u < 0.1 ? 0 : 0.004 + 0.03 * u);
  }
  return out;
}

function agreeWithAdvance(t: ExecutionContext, tl: Timeline, loop: boolean, speed: number): void {
  // sessionPlan([tl]) always loops; a hand-made one-step plan without loop is the last step of a generation.
  const usePlan: SessionPlan = { timelines: [tl], loop };
  let p: PlaybackState = initialPlayback({ loop, speed });
  const s = createSession({ speed });
  let divergence: string | null = null;
  let compared = 0;
  for (const dt of dts(4000)) {
    p = advance(p, tl, dt);
    tickSession(s, usePlan, dt);
    compared++;
    if (Math.abs(p.time - s.time) > 1e-9 || p.playing !== s.playing || p.completed !== s.completed) {
      divergence = `diverged at frame ${compared}: advance ${JSON.stringify(p)} vs session t=${s.time} playing=${s.playing}`;
      break;
    }
  }
  t.is(divergence, null);
  t.is(compared, 4000);
  t.true(s.time > 0);
}

test('tick agrees with playback.advance (looping random timeline, speed 1.75)', (t) => agreeWithAdvance(t, RANDOM, true, 1.75));
test('tick agrees with playback.advance (non-looping logits-only timeline at its 3× rate)', (t) => agreeWithAdvance(t, LOGITS, false, 5));

test('dt is clamped to MAX_DT and negative dt counts as zero', (t) => {
  const s = createSession();
  tickSession(s, LOOP, 10);
  t.is(s.time, MAX_DT);
  tickSession(s, LOOP, -1);
  t.is(s.time, MAX_DT);
});

test('random mode loops forever', (t) => {
  const s = createSession();
  s.time = RANDOM.duration - 0.01;
  tickSession(s, LOOP, 0.03);
  t.is(s.step, 0);
  t.true(s.playing);
  t.false(s.completed);
  t.true(Math.abs(s.time - 0.02) < 1e-9);
});

test('generation: at the end of a step the next starts at t = 0; the final display stays', (t) => {
  const s = createSession();
  s.time = FULL.duration - 0.001;
  tickSession(s, GEN, 0.01);
  t.is(s.step, 1);
  t.is(s.time, 0);
  t.true(s.playing);
  s.step = 3;
  s.time = FINAL.duration - 0.001;
  tickSession(s, GEN, 0.01);
  t.is(s.step, 3);
  t.is(s.time, FINAL.duration);
  t.false(s.playing);
  t.true(s.completed);
  for (let i = 0; i < 10; i++) tickSession(s, GEN, 0.02);
  t.is(s.time, FINAL.duration, 'stays on the finished text');
});

test('logits-only steps play at 3× the user speed, which survives step changes', (t) => {
  const s = createSession();
  act(s, GEN, 'speed-up');
  act(s, GEN, 'speed-up');
  t.is(s.speed, 1.5);
  t.is(timeScale(s, GEN), 1.5);
  s.time = FULL.duration;
  tickSession(s, GEN, 0.02);
  t.is(s.step, 1);
  t.is(s.speed, 1.5, 'kept across the step change (the reference resets it)');
  t.is(timeScale(s, GEN), 4.5);
  tickSession(s, GEN, 0.02);
  t.true(Math.abs(s.time - 0.09) < 1e-12);
});

test('+ four times doubles the speed; limits 0.25 and 5', (t) => {
  const s = createSession();
  for (let i = 0; i < 4; i++) act(s, LOOP, 'speed-up');
  t.is(s.speed, 2);
  for (let i = 0; i < 30; i++) act(s, LOOP, 'speed-up');
  t.is(s.speed, 5);
  for (let i = 0; i < 30; i++) act(s, LOOP, 'slow-down');
  t.is(s.speed, 0.25);
  t.is(createSession({ speed: 9 }).speed, 5);
  t.is(createSession({ speed: 0.05 }).speed, 0.25);
});

test('speed changes flash the speed for a moment (real time, also while paused)', (t) => {
  const s = createSession();
  t.is(speedFlashAlpha(s), 0);
  act(s, LOOP, 'speed-up');
  act(s, LOOP, 'toggle-play');
  t.is(speedFlashAlpha(s), 1);
  for (let i = 0; i < 60; i++) tickSession(s, LOOP, 0.02);
  t.true(speedFlashAlpha(s) > 0 && speedFlashAlpha(s) < 1, 'fading');
  for (let i = 0; i < 30; i++) tickSession(s, LOOP, 0.02);
  t.is(speedFlashAlpha(s), 0);
  t.is(s.time, 0, 'paused: the timeline did not move');
  t.is(formatSpeed(1.25), '1.25×');
});

test('Space pauses and resumes', (t) => {
  const s = createSession();
  tickSession(s, LOOP, 0.02);
  act(s, LOOP, 'toggle-play');
  const at = s.time;
  for (let i = 0; i < 10; i++) tickSession(s, LOOP, 0.02);
  t.is(s.time, at);
  act(s, LOOP, 'toggle-play');
  tickSession(s, LOOP, 0.02);
  t.true(s.time > at);
});

test('→ walks the non-empty stages of a step, then goes to the next step', (t) => {
  const s = createSession();
  const seen: number[] = [stageIndex(s, GEN)];
  while (s.step === 0) {
    act(s, GEN, 'next-stage');
    if (s.step === 0) seen.push(stageIndex(s, GEN));
  }
  const nonEmpty = FULL.stages.filter((st) => st.end > st.start).map((st) => st.index);
  t.deepEqual(seen, nonEmpty, 'every non-empty stage once, in order (the zero-length input stage skipped)');
  t.is(s.step, 1);
  const first = LOGITS.stages.findIndex((st) => st.end > st.start);
  t.is(s.time, landing(LOGITS, first), 'the next step lands on its first stage\'s content');
  t.true(s.playing, 'playing stays playing');
});

test('→ through the whole generation ends on the final display, which stays', (t) => {
  const s = createSession();
  let presses = 0;
  while (!s.completed && presses < 200) {
    act(s, GEN, 'next-stage');
    presses++;
  }
  t.is(s.step, 3);
  t.true(s.completed);
  t.is(s.time, FINAL.duration);
  act(s, GEN, 'next-stage');
  t.is(s.step, 3, '→ at the very end stays');
});

test('← before the first stage goes back to the previous step\'s last stage; at the very start it restarts', (t) => {
  const s = createSession();
  s.step = 1;
  s.time = 0;
  act(s, GEN, 'prev-stage');
  t.is(s.step, 0);
  t.is(s.time, landing(FULL, currentStageIndex(FULL, lastStageStart(FULL))));
  act(s, GEN, 'prev-stage');
  t.is(s.step, 0);
  t.true(s.time < lastStageStart(FULL));
  s.time = 0;
  act(s, GEN, 'prev-stage');
  t.is(s.step, 0);
  t.is(s.time, 0);
});

test('→ at the last stage of a looping scene wraps to its start', (t) => {
  const s = createSession();
  s.time = lastStageStart(RANDOM) + 0.5;
  act(s, LOOP, 'next-stage');
  t.is(s.step, 0);
  t.is(s.time, 0);
});

test('R resets the whole generation and plays, keeping speed; every jump counts as a seek', (t) => {
  const s = createSession();
  act(s, GEN, 'speed-up');
  s.step = 2;
  s.time = 1;
  s.playing = false;
  const seeks = s.seeks;
  act(s, GEN, 'reset');
  t.is(s.step, 0);
  t.is(s.time, 0);
  t.true(s.playing);
  t.is(s.speed, 1.25);
  t.is(s.seeks, seeks + 1);
  act(s, GEN, 'next-stage');
  t.is(s.seeks, seeks + 2);
});

test('drag and scroll set a view offset that returns to the path in real time', (t) => {
  const s = createSession();
  act(s, LOOP, 'toggle-play');
  applyAction(s, LOOP, { kind: 'drag', dx: 100, dy: 0 });
  applyAction(s, LOOP, { kind: 'scroll', amount: 2 });
  t.true(Math.abs(s.view.yaw - 0.3) < 1e-12);
  t.true(Math.abs(s.view.zoom - 0.2) < 1e-12);
  for (let i = 0; i < 250; i++) tickSession(s, LOOP, 0.02);
  t.true(Math.abs(s.view.yaw - 0.3) < 1e-12, 'while paused the camera stays where the user put it (issue 17)');
  act(s, LOOP, 'toggle-play');
  for (let i = 0; i < 250; i++) tickSession(s, LOOP, 0.02);
  t.is(s.view, INITIAL_VIEW, 'back on the path after the hold and the ease, while playing');
});

test('C eases the camera back to its path, also while paused', (t) => {
  const s = createSession();
  act(s, LOOP, 'toggle-play');
  applyAction(s, LOOP, { kind: 'drag', dx: 100, dy: 0 });
  act(s, LOOP, 'reset-view');
  for (let i = 0; i < 50; i++) tickSession(s, LOOP, 0.02);
  t.is(s.view, INITIAL_VIEW);
  t.false(s.playing);
});

test('Space then → holds still on the next stage, landed where its content is fully shown (issue 17)', (t) => {
  const s = createSession();
  act(s, GEN, 'toggle-play');
  for (let k = 0; k < 6; k++) {
    act(s, GEN, 'next-stage');
    t.false(s.playing, '→ keeps the pause');
    const i = stageIndex(s, GEN);
    const time = s.time;
    t.not(phaseAt(FULL.stages[i]!, time).kind, 'appear', `stage ${FULL.stages[i]!.name} is not in its appear phase`);
    for (let f = 0; f < 60; f++) tickSession(s, GEN, 1 / 60);
    t.is(s.time, time, 'the picture holds still');
  }
  act(s, GEN, 'prev-stage');
  t.false(s.playing, '← keeps the pause too');
});

test(', and . step one frame and pause; Home and End go to the ends of the step; seek is exact and clamped', (t) => {
  const s = createSession();
  s.time = 10;
  const seeks = s.seeks;
  act(s, GEN, 'frame-forward');
  t.false(s.playing);
  t.is(s.time, 10 + FRAME_STEP_S);
  act(s, GEN, 'frame-back');
  act(s, GEN, 'frame-back');
  t.is(s.time, 10 + FRAME_STEP_S - 2 * FRAME_STEP_S);
  act(s, GEN, 'step-end');
  t.is(s.time, FULL.duration);
  act(s, GEN, 'step-start');
  t.is(s.time, 0);
  act(s, GEN, 'frame-back');
  t.is(s.time, 0, 'clamped at the start');
  applyAction(s, GEN, { kind: 'seek', time: 42.125 });
  t.is(s.time, 42.125);
  applyAction(s, GEN, { kind: 'seek', time: 1e9 });
  t.is(s.time, FULL.duration);
  t.is(s.step, 0);
  t.is(s.seeks, seeks + 8);
});

test('H toggles help, Esc quits', (t) => {
  const s = createSession();
  act(s, LOOP, 'toggle-help');
  t.true(s.help);
  act(s, LOOP, 'toggle-help');
  t.false(s.help);
  act(s, LOOP, 'quit');
  t.true(s.quit);
});

test('the steady-state tick allocates no new view or state objects', (t) => {
  const s = createSession();
  const view = s.view;
  for (let i = 0; i < 100; i++) t.is(tickSession(s, GEN, 0.016), s);
  t.is(s.view, view);
});

test('an empty plan is a programming error', (t) => {
  t.throws(() => sessionPlan([]), { instanceOf: RangeError });
});
