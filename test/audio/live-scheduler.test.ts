import test from 'ava';
import { highPassInPlace, lowPassInPlace } from '../../src/audio/chain.js';
import { BLOCK_S, LiveScheduler, LOOK_AHEAD_S, prepareLiveSound } from '../../src/audio/live-scheduler.js';
import type { LiveBlock, LiveSound } from '../../src/audio/live-scheduler.js';
import { mixEvents, sceneSamples } from '../../src/audio/render.js';
import { peak } from './signal.js';
import { sceneSound } from './scenes.js';

const live = prepareLiveSound(sceneSound('logits'));
const FRAME = 1 / 60;

/** Output time at which a block plays timeline time x (x inside the block). */
function playsAt(b: LiveBlock, x: number, speed: number): number {
  return b.when + (x - b.from) / speed;
}

test('continuous play: every event is queued once, blocks abut, and sound meets the picture', (t) => {
  const s = new LiveScheduler();
  s.setScene(live);
  const speed = 1.5;
  const t0 = 2.5;
  const blocks: LiveBlock[] = [];
  let frames = 0;
  for (let now = 10; now < 14; now += FRAME, frames++) {
    const step = s.update(now, t0 + (now - 10) * speed, true, speed);
    if (frames > 0) t.false(step.cancel);
    for (const b of step.blocks) {
      t.true(b.when >= now - 1e-9 && b.when <= now + LOOK_AHEAD_S + 1e-9);
      blocks.push(b);
    }
  }
  for (let i = 1; i < blocks.length; i++) t.true(blocks[i]!.from >= blocks[i - 1]!.to - 1e-9);
  const last = blocks[blocks.length - 1]!;
  const expected = live.sound.events.filter((e) => e.time >= t0 && e.time < last.to).length;
  t.is(blocks.reduce((n, b) => n + b.events, 0), expected);
  // the picture shows timeline time x at now = 10 + (x − t0)/speed; the block plays x then too
  for (const b of blocks) t.true(Math.abs(playsAt(b, b.from, speed) - (10 + (b.from - t0) / speed)) < FRAME);
  t.true(blocks.every((b) => b.left.length === b.right.length && b.left.length > BLOCK_S * 44100));
});

test('pause cancels and queues nothing; resume continues from the picture', (t) => {
  const s = new LiveScheduler();
  s.setScene(live);
  t.true(s.update(0, 6, true, 1).blocks.length > 0);
  const paused = s.update(0.1, 6.1, false, 1);
  t.true(paused.cancel);
  t.is(paused.blocks.length, 0);
  t.false(s.update(5, 6.1, false, 1).cancel); // stays paused quietly
  const resumed = s.update(9, 6.1, true, 1);
  t.true(resumed.blocks.length > 0);
  t.true(Math.abs(resumed.blocks[0]!.when - 9) < 1e-9);
  t.true(Math.abs(resumed.blocks[0]!.from - 6.1) < 1e-9);
});

/** The block starts a whole number of blocks after `start` (it was laid from `start`). */
function laidFrom(b: LiveBlock, start: number, speed = 1): boolean {
  const k = (b.from - start) / (BLOCK_S * speed);
  return k > -1e-9 && Math.abs(k - Math.round(k)) < 1e-6;
}

test('seek, loop and speed changes cancel the queue and restart from the new time', (t) => {
  const s = new LiveScheduler();
  s.setScene(live);
  s.update(0, 6.5, true, 1);
  s.update(FRAME, 6.5 + FRAME, true, 1);
  const back = s.update(2 * FRAME, 6.0, true, 1); // ← or loop wrap
  t.true(back.cancel);
  t.true(laidFrom(back.blocks[0]!, 6.0));
  const fwd = s.update(3 * FRAME, 7.2, true, 1); // → past the queue
  t.true(fwd.cancel);
  t.true(laidFrom(fwd.blocks[0]!, 7.2));
  const faster = s.update(4 * FRAME, 7.2 + FRAME, true, 3);
  t.true(faster.cancel);
  t.true(laidFrom(faster.blocks[0]!, 7.2 + FRAME, 3));
  // at 3×, a block covers 3 × BLOCK_S of timeline but still BLOCK_S of output
  const b = faster.blocks[0]!;
  t.true(Math.abs(b.to - b.from - 3 * BLOCK_S) < 1e-9);
  // a new scene cancels too
  s.setScene(prepareLiveSound(sceneSound('final')));
  t.true(s.update(5 * FRAME, 0, true, 1).cancel);
});

test('no drift: a context clock running 0.5 % fast for 2 minutes stays within a frame of the picture', (t) => {
  const s = new LiveScheduler();
  s.setScene(live);
  const dur = live.sound.duration;
  let worst = 0;
  let tl = 0;
  for (let k = 0; k < 120 * 60; k++) {
    const real = k * FRAME;
    const ctxNow = 1.005 * real; // the audio clock runs ahead of the picture's clock
    tl = (tl + FRAME) % dur; // the picture loops its scene
    for (const b of s.update(ctxNow, tl, true, 1).blocks) {
      // when will the picture show b.from? (in real time, then in context time)
      const picReal = real + (b.from - tl);
      worst = Math.max(worst, Math.abs(b.when - 1.005 * picReal));
    }
  }
  t.true(worst < FRAME, `worst offset ${worst}`);
});

test('live blocks add up to the offline signal: the same events on the same sample grid', (t) => {
  // With unit gains (compressor and normalisation left out), the blocks of a continuous play
  // summed at their start samples equal the offline render's mix → high-pass → low-pass.
  const sound = live.sound;
  const ones: LiveSound = { sound, gains: new Float32Array(sound.events.length).fill(1) };
  const s = new LiveScheduler();
  s.setScene(ones);
  const n = sceneSamples(sound, 1);
  const assembled = new Float32Array(n + 8192);
  for (let now = 0; now < sound.duration; now += FRAME) {
    for (const b of s.update(now, now, true, 1).blocks) {
      t.true(Math.abs(b.when - b.startSample / 44100) < 1e-9);
      for (let i = 0; i < b.left.length; i++) assembled[b.startSample + i]! += b.left[i]!;
    }
  }
  const offline = new Float32Array(n);
  mixEvents(offline, sound, 1);
  highPassInPlace(offline);
  lowPassInPlace(offline);
  const p = peak(offline);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(assembled[i]! - offline[i]!));
  t.true(worst < 1e-4 * p, `worst ${worst} of peak ${p}`); // float rounding and the 46 ms tail cut
});
