/**
 * The recording plan (record/plan.ts, spec §9.2, issue 9): one output clock, logits-only scenes
 * at their 3× rate, --max-duration raising the speed, frame → (scene, time) mapping, and the
 * printed plan. Pure; no GL, no ffmpeg.
 */
import test from 'ava';
import { buildTimeline } from '../../src/animation/timeline.js';
import { timelineRate } from '../../src/animation/playback.js';
import type { FrameTime, PlanScene } from '../../src/record/plan.js';
import { buildPlan, clock, describePlan, frameTimeInto } from '../../src/record/plan.js';
import { sceneKind } from '../../src/run/scenes.js';

const ft = (): FrameTime => ({ scene: 0, time: 0, outputTime: 0 });

/** The scenes of "hello" with S = 16: full, 10 logits-only, final (spec §9.2 example). */
function helloScenes(): PlanScene[] {
  const kinds = Array.from({ length: 12 }, (_, i) => sceneKind(i, 12));
  return kinds.map((kind) => {
    const tl = buildTimeline(kind, { hasCharDisplay: true });
    return { kind, duration: tl.duration, rate: timelineRate(tl) };
  });
}

test('scene kinds: first full, middle logits-only, last final; one step is full', (t) => {
  t.deepEqual([0, 1, 2, 3].map((i) => sceneKind(i, 4)), ['full', 'logits', 'logits', 'final']);
  t.is(sceneKind(0, 1), 'full');
  t.deepEqual([0, 1].map((i) => sceneKind(i, 2)), ['full', 'final']);
});

test('random mode, no cap: one loop at speed 1 is ⌈84.974 · fps⌉ frames', (t) => {
  const tl = buildTimeline('random', { hasCharDisplay: false });
  const p = buildPlan([{ kind: 'random', duration: tl.duration, rate: 1 }], { fps: 30, speed: 1, maxDuration: 0 });
  t.is(p.frames, Math.ceil(tl.duration * 30));
  t.is(p.autoScaled, false);
  t.is(p.speed, 1);
  t.is(p.seconds, p.frames / 30);
  // Frame i shows timeline time i·speed/fps.
  t.is(frameTimeInto(p, 45, ft()).time, 45 / 30);
  const p2 = buildPlan([{ kind: 'random', duration: tl.duration, rate: 1 }], { fps: 24, speed: 2, maxDuration: 0 });
  t.true(Math.abs(frameTimeInto(p2, 45, ft()).time - (45 * 2) / 24) < 1e-12);
});

test('logits-only scenes play at 3× in the video too (fix of spec §11.3 #5)', (t) => {
  const p = buildPlan(helloScenes(), { fps: 30, speed: 1, maxDuration: 0 });
  const full = 100.3907;
  const logits = 9.2167;
  const expected = full + (10 * logits) / 3 + 2.6667;
  t.true(Math.abs(p.seconds - expected) < 1 / 30, `${p.seconds}`);
  t.true(Math.abs(p.scenes[1]!.outputDuration - logits / 3) < 1e-3);
  t.is(p.scenes[1]!.timeScale, 3);
  // A frame inside step 2 advances the timeline 3× as fast as the output clock.
  const a = frameTimeInto(p, p.scenes[1]!.firstFrame + 1, ft());
  const b = frameTimeInto(p, p.scenes[1]!.firstFrame + 4, ft());
  t.is(a.scene, 1);
  t.true(Math.abs(b.time - a.time - 3 * (3 / 30)) < 1e-9);
});

test('--max-duration raises the speed so the video is exactly the cap, never lowers it', (t) => {
  const scenes = helloScenes();
  const p = buildPlan(scenes, { fps: 30, speed: 1, maxDuration: 60 });
  t.true(p.autoScaled);
  t.true(Math.abs(p.seconds - 60) <= 1 / 30);
  t.true(Math.abs(p.speed - p.timelineSeconds / 60) < 1e-12);
  const fast = buildPlan(scenes, { fps: 30, speed: 5, maxDuration: 60 });
  t.false(fast.autoScaled);
  t.is(fast.speed, 5);
  const off = buildPlan(scenes, { fps: 30, speed: 1, maxDuration: 0 });
  t.false(off.autoScaled);
  t.true(off.seconds > 130);
});

test('every frame belongs to exactly one scene; frame counts add up; times stay in range', (t) => {
  const p = buildPlan(helloScenes(), { fps: 30, speed: 1.7, maxDuration: 0 });
  let sum = 0;
  for (const s of p.scenes) {
    t.is(s.firstFrame, sum, `scene ${s.index}`);
    sum += s.frameCount;
  }
  t.is(sum, p.frames);
  const out = ft();
  let prevScene = 0;
  for (let i = 0; i < p.frames; i++) {
    frameTimeInto(p, i, out);
    t.true(out.scene >= prevScene);
    prevScene = out.scene;
    const s = p.scenes[out.scene]!;
    if (!(i >= s.firstFrame && i < s.firstFrame + s.frameCount)) t.fail(`frame ${i} outside scene ${out.scene}`);
    if (!(out.time >= 0 && out.time <= s.duration)) t.fail(`frame ${i}: time ${out.time}`);
    // One clock: the frame's output time minus its scene's start, scaled by the scene's speed.
    if (Math.abs(out.time - Math.min(s.duration, (i / 30 - s.start) * s.timeScale)) > 1e-9) t.fail(`frame ${i}`);
  }
  t.is(prevScene, p.scenes.length - 1);
});

test('scene starts on the output clock are cumulative (the soundtrack uses the same starts)', (t) => {
  const p = buildPlan(helloScenes(), { fps: 25, speed: 1, maxDuration: 0 });
  let start = 0;
  for (const s of p.scenes) {
    t.true(Math.abs(s.start - start) < 1e-9);
    start += s.duration / s.timeScale;
    // The first frame of a scene is the first frame at or after its start, less than a frame later.
    t.true(s.firstFrame / 25 >= s.start - 1e-9 && s.firstFrame / 25 < s.start + 1 / 25);
  }
});

test('bad plan inputs are rejected', (t) => {
  const s = [{ kind: 'random', duration: 10, rate: 1 }];
  t.throws(() => buildPlan([], { fps: 30, speed: 1, maxDuration: 0 }));
  t.throws(() => buildPlan(s, { fps: 0, speed: 1, maxDuration: 0 }));
  t.throws(() => buildPlan(s, { fps: 29.97, speed: 1, maxDuration: 0 }));
  t.throws(() => buildPlan(s, { fps: 30, speed: 0, maxDuration: 0 }));
  t.throws(() => buildPlan([{ kind: 'x', duration: 1, rate: 0 }], { fps: 30, speed: 1, maxDuration: 0 }));
});

test('the printed plan names frames, fps, speed, the auto-scaling and every step', (t) => {
  const p = buildPlan(helloScenes(), { fps: 30, speed: 1, maxDuration: 60 });
  const lines = describePlan(p, 1920, 1080, 60);
  t.regex(lines[0]!, new RegExp(`^=== Recording: ${p.frames} frames @ 30fps \\(speed=\\d+\\.\\d\\dx\\) ===$`));
  t.regex(lines[1]!, /--max-duration 60: speed raised from 1x to/);
  t.is(lines.filter((l) => /^ {2}step \d+:/.test(l)).length, 12);
  t.regex(lines.find((l) => l.includes('step 2:'))!, /logits .*3× scene rate/);
  t.is(clock(0), '0:00');
  t.is(clock(61.4), '1:01');
  t.is(clock(3725), '1:02:05');
});
