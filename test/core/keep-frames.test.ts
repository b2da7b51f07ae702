/**
 * Renderer.keepFrames (issue 14): the training window keeps its back buffer from frame to frame
 * and repaints only the cubes whose colour changed and where text and the other cubes are or were
 * (core/cube-cache.ts repaint). Every frame must equal the same frame drawn whole, and what the X
 * server shows after copying the kept back buffer must equal it — checked on the screen itself
 * (Xvfb -fbdir), through few and many colour changes, a moving label over the cubes, new
 * status text and a turned camera.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/view-state.js';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import type { FrameDesc } from '../../src/frame.js';
import { createFrame, pushLabel } from '../../src/frame.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { TrainHistory } from '../../src/visualization/train-history.js';
import { buildTrainLayout } from '../../src/visualization/train-layout.js';
import { createTrainScratch, statusLine, trainFrame } from '../../src/visualization/train-view.js';
import { backBuffer, differingPixels, shownOnScreen } from '../helpers/screen.js';
import { startScreenXvfb } from '../helpers/xvfb.js';

const [W, H] = [1600, 900];
let xvfb: Awaited<ReturnType<typeof startScreenXvfb>>;
let ctx: GlContext | undefined;

test.before(async () => {
  xvfb = await startScreenXvfb(W, H);
  process.env.DISPLAY = xvfb.name;
});

test.after.always(() => {
  ctx?.close();
  xvfb?.stop();
});

const LAYOUT = buildTrainLayout(DEFAULT_CONFIG);

interface Shot {
  readonly params: Float32Array;
  readonly step: number;
  readonly yaw: number;
  /** The user's zoom (ViewState.zoom; 0: none). */
  readonly zoom?: number;
  /** A label over the cubes at this world x (none: undefined). */
  readonly labelX?: number;
}

function frameOf(s: Shot): FrameDesc {
  const h = new TrainHistory({ epochs: 4, batches: 10, lr: 3e-3, lrMin: 1e-4, prompt: 'hello' });
  for (let k = 2; k <= s.step; k += 2) h.addProgress(k, 3.4 - k * 0.03, 1000 * k);
  h.addEpoch({ epoch: 1, step: 10, trainLoss: 3, valLoss: 3.1, valAcc: 10, sample: 'hello world' });
  const f = createFrame();
  const view = s.yaw === 0 && s.zoom === undefined ? INITIAL_VIEW : { ...INITIAL_VIEW, yaw: s.yaw, zoom: s.zoom ?? 0, overrideTimer: 0 };
  trainFrame(LAYOUT, { params: s.params, step: s.step, history: h, view, aspect: W / H, help: false, paused: false },
    statusLine(h, s.step, false), createTrainScratch(), f);
  if (s.labelX !== undefined) pushLabel(f, 'OVER THE CUBES', s.labelX, f.instances[1]!, 0.5, 6, 0.5, 0.5, 1, true);
  return f;
}

/** `p` with `count` weights (spread over the model) moved far enough to change their colour. */
function nudged(p: Float32Array, count: number, seed: number): Float32Array {
  const q = Float32Array.from(p);
  for (let i = 0; i < count; i++) {
    const k = (seed * 7919 + i * 104729) % q.length;
    q[k] = q[k]! > 0 ? -0.5 : 0.5;
  }
  return q;
}

test.serial('a repainted frame equals the frame drawn whole, and the screen shows it once copied', (t) => {
  ctx = openContext({ width: W, height: H, title: 'gptviz keep-frames test', visible: true, vsync: false, samples: 0 });
  const r = ctx.renderer;
  r.windowAntialias = false;
  r.cacheCubes = true;
  r.setSize(W, H, 1);
  const copy = ctx.window.rectCopier();
  t.truthy(copy, 'Mesa under Xvfb offers GLX_MESA_copy_sub_buffer');

  const p0 = initWeights(DEFAULT_CONFIG).flat;
  const p1 = nudged(p0, 60, 1);
  const p2 = nudged(p1, 60, 2);
  const p3 = p2.map((x, i) => x * (1 + 0.5 * Math.sin(i)));
  const p4 = nudged(p3, 30, 3);
  const p5 = nudged(p4, 40, 4);
  const p6 = nudged(p5, 400, 5);
  const x0 = -20;
  const shots: { shot: Shot; repaint: boolean; why: string }[] = [
    { shot: { params: p0, step: 12, yaw: 0 }, repaint: false, why: 'the first frame' },
    { shot: { params: p1, step: 12, yaw: 0, labelX: x0 }, repaint: true, why: 'few colours, a label over the cubes' },
    { shot: { params: p2, step: 14, yaw: 0, labelX: x0 - 15 }, repaint: true, why: 'few colours, the label moved, new status and curve' },
    { shot: { params: p2, step: 14, yaw: 0 }, repaint: true, why: 'no colour changed, the label gone' },
    { shot: { params: p3, step: 16, yaw: 0 }, repaint: false, why: 'most colours changed' },
    { shot: { params: p4, step: 16, yaw: 0 }, repaint: true, why: 'few colours after many' },
    { shot: { params: p4, step: 16, yaw: 0.3 }, repaint: false, why: 'a turned camera' },
    { shot: { params: p5, step: 18, yaw: 0.3, labelX: x0 }, repaint: true, why: 'few colours under the turned camera' },
    { shot: { params: p5, step: 18, yaw: 0.1, zoom: 2.5 }, repaint: false, why: 'zoomed in: cubes of ≈ 20 pixels, many cut by the frame\'s edges' },
    { shot: { params: p6, step: 18, yaw: 0.1, zoom: 2.5, labelX: x0 }, repaint: true, why: 'few colours, zoomed in' },
  ];
  const frames = shots.map((s) => frameOf(s.shot));
  // The references: each frame drawn whole (from the same cached layer).
  r.keepFrames = false;
  const whole = frames.map((f) => {
    r.render(f);
    return backBuffer(ctx!, W, H);
  });
  t.true(differingPixels(whole[0]!, whole[1]!) > 100, 'the frames differ');

  r.keepFrames = true;
  r.render(frames[0]!); // what the window showed before: the first frame comes after something else
  r.keepFrames = false;
  r.render(frames[4]!);
  r.keepFrames = true;
  for (let i = 0; i < frames.length; i++) {
    const { repaint, why } = shots[i]!;
    r.render(frames[i]!);
    t.is(r.repainted, repaint, `frame ${i} (${why}): ${r.repainted ? 'repainted' : 'drawn whole'}`);
    const drawn = backBuffer(ctx, W, H);
    t.is(differingPixels(drawn, whole[i]!), 0, `frame ${i} (${why}) equals the frame drawn whole`);
    copy!(Int32Array.of(0, 0, W, H), 1);
    t.is(differingPixels(shownOnScreen(ctx, () => xvfb.screen(), W, H), drawn), 0, `frame ${i} (${why}): the screen shows it`);
  }
});
