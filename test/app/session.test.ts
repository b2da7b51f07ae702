/**
 * session.ts: what the window adds to the one playback machine — keys and mouse reach the
 * playback functions (checked field by field against calling them directly), the speed flash and
 * the orbit/zoom view count down in real time (also while paused), help and quit toggle, and the
 * steady-state tick allocates nothing. The playback rules themselves: test/animation/playback.test.ts.
 */
import test from 'ava';
import type { Playback } from '../../src/animation/playback.js';
import {
  FRAME_STEP_S, createPlayback, frameStep, nextStage, prevStage, reset, seek, slowDown, speedUp, stageIndex, togglePlay,
} from '../../src/animation/playback.js';
import { phaseAt } from '../../src/animation/timeline.js';
import { INITIAL_VIEW } from '../../src/animation/view-state.js';
import type { Action } from '../../src/app/input.js';
import type { SessionState } from '../../src/app/session.js';
import { applyAction, createSession, formatSpeed, speedFlashAlpha, tickSession } from '../../src/app/session.js';
import { FINAL, FULL, GEN, LOOP } from '../helpers/timelines.js';


const act = (s: SessionState, kind: Action['kind'], plan = LOOP): SessionState => applyAction(s, plan, { kind } as Action);
const playbackOf = (s: SessionState): Playback => ({
  step: s.step, time: s.time, playing: s.playing, speed: s.speed, completed: s.completed, seeks: s.seeks,
});

test('keys drive the playback functions themselves (same fields as calling them directly)', (t) => {
  const cases: [Action['kind'], (p: Playback) => Playback][] = [
    ['toggle-play', (p) => togglePlay(p)], ['next-stage', (p) => nextStage(p, GEN)], ['prev-stage', (p) => prevStage(p, GEN)],
    ['speed-up', (p) => speedUp(p)], ['slow-down', (p) => slowDown(p)], ['reset', (p) => reset(p)],
    ['frame-forward', (p) => frameStep(p, GEN, 1)], ['frame-back', (p) => frameStep(p, GEN, -1)],
    ['step-start', (p) => seek(p, GEN, 0)], ['step-end', (p) => seek(p, GEN, GEN.timelines[p.step]!.duration)],
  ];
  for (const [kind, fn] of cases) {
    for (const [step, time] of [[0, 0], [0, 50], [1, 0], [3, FINAL.duration]] as const) {
      const s = Object.assign(createSession({ speed: 1.5 }), { step, time });
      const p = Object.assign(createPlayback({ speed: 1.5 }), { step, time });
      t.deepEqual(playbackOf(act(s, kind, GEN)), fn(p), `${kind} at step ${step}, t = ${time}`);
    }
  }
  t.deepEqual(playbackOf(createSession({ speed: 9 })), createPlayback({ speed: 9 }));
});

test('speed changes flash the speed for a moment (real time, also while paused)', (t) => {
  const s = createSession();
  t.is(speedFlashAlpha(s), 0);
  act(s, 'speed-up');
  act(s, 'toggle-play');
  t.is(speedFlashAlpha(s), 1);
  for (let i = 0; i < 60; i++) tickSession(s, LOOP, 0.02);
  t.true(speedFlashAlpha(s) > 0 && speedFlashAlpha(s) < 1, 'fading');
  for (let i = 0; i < 30; i++) tickSession(s, LOOP, 0.02);
  t.is(speedFlashAlpha(s), 0);
  t.is(s.time, 0, 'paused: the timeline did not move');
  t.is(formatSpeed(1.25), '1.25×');
});

test('the session tick is the playback tick: dt clamped to MAX_DT, negative dt counts as zero', (t) => {
  const s = createSession();
  tickSession(s, LOOP, 10);
  t.is(s.time, 0.05);
  tickSession(s, LOOP, -1);
  t.is(s.time, 0.05);
  s.time = FULL.duration - 0.001;
  tickSession(s, GEN, 0.01);
  t.is(s.step, 1, 'the next generation step starts');
});

test('drag and scroll set a view offset that returns to the path in real time', (t) => {
  const s = createSession();
  act(s, 'toggle-play');
  applyAction(s, LOOP, { kind: 'drag', dx: 100, dy: 0 });
  applyAction(s, LOOP, { kind: 'scroll', amount: 2 });
  t.true(Math.abs(s.view.yaw - 0.3) < 1e-12);
  t.true(Math.abs(s.view.zoom - 0.2) < 1e-12);
  for (let i = 0; i < 250; i++) tickSession(s, LOOP, 0.02);
  t.true(Math.abs(s.view.yaw - 0.3) < 1e-12, 'while paused the camera stays where the user put it (issue 17)');
  act(s, 'toggle-play');
  for (let i = 0; i < 250; i++) tickSession(s, LOOP, 0.02);
  t.is(s.view, INITIAL_VIEW, 'back on the path after the hold and the ease, while playing');
});

test('C eases the camera back to its path, also while paused', (t) => {
  const s = createSession();
  act(s, 'toggle-play');
  applyAction(s, LOOP, { kind: 'drag', dx: 100, dy: 0 });
  act(s, 'reset-view');
  for (let i = 0; i < 50; i++) tickSession(s, LOOP, 0.02);
  t.is(s.view, INITIAL_VIEW);
  t.false(s.playing);
});

test('Space then → holds still on the next stage, landed where its content is fully shown (issue 17)', (t) => {
  const s = createSession();
  act(s, 'toggle-play', GEN);
  for (let k = 0; k < 6; k++) {
    act(s, 'next-stage', GEN);
    t.false(s.playing, '→ keeps the pause');
    const i = stageIndex(s, GEN);
    const time = s.time;
    t.not(phaseAt(FULL.stages[i]!, time).kind, 'appear', `stage ${FULL.stages[i]!.name} is not in its appear phase`);
    for (let f = 0; f < 60; f++) tickSession(s, GEN, 1 / 60);
    t.is(s.time, time, 'the picture holds still');
  }
  act(s, 'prev-stage', GEN);
  t.false(s.playing, '← keeps the pause too');
});

test(', and . step one frame and pause; Home and End go to the ends of the step; seek is exact and clamped', (t) => {
  const s = createSession();
  s.time = 10;
  const seeks = s.seeks;
  act(s, 'frame-forward', GEN);
  t.false(s.playing);
  t.is(s.time, 10 + FRAME_STEP_S);
  act(s, 'frame-back', GEN);
  act(s, 'frame-back', GEN);
  t.is(s.time, 10 + FRAME_STEP_S - 2 * FRAME_STEP_S);
  act(s, 'step-end', GEN);
  t.is(s.time, FULL.duration);
  act(s, 'step-start', GEN);
  t.is(s.time, 0);
  act(s, 'frame-back', GEN);
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
  act(s, 'toggle-help');
  t.true(s.help);
  act(s, 'toggle-help');
  t.false(s.help);
  act(s, 'quit');
  t.true(s.quit);
});

test('the steady-state tick allocates no new view or state objects', (t) => {
  const s = createSession();
  const view = s.view;
  for (let i = 0; i < 100; i++) t.is(tickSession(s, GEN, 0.016), s);
  t.is(s.view, view);
});
