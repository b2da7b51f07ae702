/**
 * yuv420p readback (core/readback.ts, core/offscreen.ts; issue 15): the frame the video encoder
 * gets is the whole RGBA frame converted (core/yuv420.ts), although only the screen rectangles a
 * frame drew are read and converted — over a sequence of random-mode frames into reused buffers
 * (so the refill of the rectangles a buffer held before is exercised), with a change of clear
 * colour, at two sizes; and a target resolves only when read, so a frame drawn over an unread one
 * is the one read.
 *
 * Frames drawn as changes (core/renderer.ts drawChanges, Offscreen.keepFrames, the reader's kept
 * frame): a recording's target keeps its frames, and a frame that differs from the last only in
 * places is drawn, resolved, read and converted only there. The yuv420p frames must be the ones
 * whole frames give, byte for byte: over runs of random-mode frames a thirtieth of a second apart
 * (small changes), repeated frames (none), jumps (the camera moves: whole frames), a change of
 * clear colour, read pipelined as the recording reads them (draw i, finish i − 1, read i) into a
 * rotating pool. Under Xvfb.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import { imageToYuv420, yuv420Bytes } from '../../src/core/yuv420.js';
import type { FrameDesc } from '../../src/frame.js';
import { createFrame } from '../../src/frame.js';
import type { Run } from '../../src/run/run.js';
import { buildRun } from '../../src/run/run.js';
import { applyCaption } from '../../src/visualization/captions.js';
import { createFrameScratch, frameAt } from '../../src/visualization/frame-at.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

let display: Display;
let ctx: GlContext;
let random: Run;

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: 64, height: 64, title: 'gptviz yuv readback test', visible: false, vsync: false });
  random = buildRun({ text: undefined, weights: undefined, temperature: 0.3, seed: undefined });
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
});

/** The random mode's frame at time t (with its caption band) at width × height. */
function frameAtTime(t: number, width: number, height: number, out: FrameDesc): FrameDesc {
  const scene = random.scene(0).scene;
  frameAt(scene, t, INITIAL_VIEW, width / height, out, createFrameScratch(scene));
  applyCaption(out, scene.captions, scene.timeline, t);
  return out;
}

for (const [w, h] of [[1920, 1080], [640, 360]] as const) {
  test.serial(`${w}×${h}: each yuv420p read equals the whole RGBA frame converted`, (t) => {
    const off = ctx.createOffscreen(w, h);
    const r = ctx.renderer;
    const frame = createFrame();
    const pool = [Buffer.alloc(yuv420Bytes(w, h)), Buffer.alloc(yuv420Bytes(w, h))];
    const expected = Buffer.alloc(yuv420Bytes(w, h));
    const duration = random.scene(0).scene.timeline.duration;
    const differing: number[] = [];
    const shares: number[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        frameAtTime((((i * 7) % 10) + 0.5) * duration / 10, w, h, frame);
        // Frames 4 and 5 on another background: every buffer is refilled whole once.
        if (i === 4 || i === 5) frame.clearColor.set([0.2, 0.3, 0.1, 1]);
        r.render(frame, off);
        shares.push(r.stats.pixels / (w * h));
        const got = off.readPixels('yuv420p', pool[i % 2]);
        imageToYuv420(off.readPixels('rgba'), w, h, expected);
        let n = 0;
        for (let k = 0; k < expected.length; k++) if (got[k] !== expected[k]) n++;
        differing.push(n);
      }
    } finally {
      off.dispose();
    }
    t.deepEqual(differing, differing.map(() => 0));
    // It means something only if the reads left most of the frame out.
    t.true(shares.every((s) => s < 0.6), shares.map((s) => s.toFixed(2)).join(', '));
  });
}

test.serial('a target resolves when read: of two frames drawn without a read between, the second is read', (t) => {
  const [w, h] = [320, 180];
  const off = ctx.createOffscreen(w, h);
  const other = ctx.createOffscreen(w, h);
  const r = ctx.renderer;
  const frame = createFrame();
  const duration = random.scene(0).scene.timeline.duration;
  const [a, b] = [duration * 0.3, duration * 0.7];
  try {
    // The reference pictures: whole frames, each read right after it was drawn.
    r.wholeFrames = true;
    r.render(frameAtTime(a, w, h, frame), other);
    const first = Buffer.from(other.readPixels('rgba'));
    r.render(frameAtTime(b, w, h, frame), other);
    const second = Buffer.from(other.readPixels('rgba'));
    r.wholeFrames = false;
    // A picture, not the clear colour or an unwritten buffer.
    const clear = [...frame.clearColor].map((c) => Math.round(c * 255));
    let drawn = 0;
    for (let i = 0; i < second.length; i += 4) if (second[i + 3] === 255 && [0, 1, 2].some((k) => second[i + k] !== clear[k])) drawn++;
    t.true(drawn > w * h * 0.02, `${drawn} pixels drawn`);
    t.notDeepEqual(first, second);
    r.render(frameAtTime(a, w, h, frame), off);
    r.render(frameAtTime(b, w, h, frame), off);
    t.deepEqual(off.readPixels('rgba'), second);
    off.beginRead('rgba');
    r.render(frameAtTime(a, w, h, frame), off);
    t.deepEqual(off.finishRead(), second, 'a read begun before the next frame keeps its frame');
    t.deepEqual(off.readPixels('rgba'), first);
  } finally {
    r.wholeFrames = false;
    off.dispose();
    other.dispose();
  }
});

/** Times: runs of frames 1/30 s apart at a few places of the timeline, each place visited twice, some frames repeated. */
function times(duration: number): number[] {
  const out: number[] = [];
  for (const at of [0.12, 0.31, 0.5, 0.12, 0.77, 0.93]) {
    for (let k = 0; k < 8; k++) out.push(at * duration + k / 30);
    out.push(out[out.length - 1]!);
  }
  return out;
}

test.serial('640×360: frames drawn as changes give the yuv420p frames whole frames give', (t) => {
  const [w, h] = [640, 360];
  const kept = ctx.createOffscreen(w, h);
  const whole = ctx.createOffscreen(w, h);
  kept.keepFrames = true;
  const r = ctx.renderer;
  const frame = createFrame();
  const bytes = yuv420Bytes(w, h);
  const pool = [Buffer.alloc(bytes), Buffer.alloc(bytes), Buffer.alloc(bytes)];
  const expected: Buffer[] = [];
  const got: Buffer[] = [];
  const drawn: ('whole' | 'changes' | 'none')[] = [];
  const ts = times(random.scene(0).scene.timeline.duration);
  try {
    for (let i = 0; i < ts.length; i++) {
      frameAtTime(ts[i]!, w, h, frame);
      // From frame 20 on another background (0.3 × 255 = 76.5: GL's rounding): a whole frame, then changes on it.
      if (i === 20) frame.clearColor.set([0.2, 0.3, 0.1, 1]);
      r.render(frame, whole);
      expected.push(Buffer.from(whole.readPixels('yuv420p')));
      r.render(frame, kept);
      drawn.push(!r.drewChanges ? 'whole' : r.stats.pixels === 0 ? 'none' : 'changes');
      if (i > 0) got.push(Buffer.from(kept.finishRead(pool[(i - 1) % 3])!));
      kept.beginRead('yuv420p');
    }
    got.push(Buffer.from(kept.finishRead(pool[(ts.length - 1) % 3])!));
  } finally {
    kept.dispose();
    whole.dispose();
  }
  const differing = got.map((g, i) => {
    let n = 0;
    for (let k = 0; k < bytes; k++) if (g[k] !== expected[i]![k]) n++;
    return n;
  });
  t.deepEqual(differing, differing.map(() => 0), differing.map((n, i) => (n > 0 ? `${i} (${drawn[i]})` : '')).filter(Boolean).join(', '));
  // It means something only if most frames were drawn as changes, and some were no change at all.
  const count = (d: string): number => drawn.filter((x) => x === d).length;
  t.true(count('changes') >= ts.length / 2, drawn.join(' '));
  t.true(count('none') >= 5, drawn.join(' '));
  t.true(count('whole') >= 6, drawn.join(' '));
});

test.serial('a frame read as RGBA from a target that keeps its frames makes the next frame whole', (t) => {
  const [w, h] = [320, 180];
  const off = ctx.createOffscreen(w, h);
  off.keepFrames = true;
  const r = ctx.renderer;
  const frame = createFrame();
  const duration = random.scene(0).scene.timeline.duration;
  try {
    frameAtTime(0.5 * duration, w, h, frame);
    r.render(frame, off);
    off.readPixels('yuv420p');
    frameAtTime(0.5 * duration + 1 / 30, w, h, frame);
    r.render(frame, off);
    t.true(r.drewChanges);
    t.throws(() => off.readPixels('rgba'), { message: /drawn as changes is read as yuv420p/ });
    r.render(frame, off);
    off.readPixels('rgba');
    frameAtTime(0.5 * duration + 2 / 30, w, h, frame);
    r.render(frame, off);
    t.false(r.drewChanges);
  } finally {
    off.dispose();
  }
});
