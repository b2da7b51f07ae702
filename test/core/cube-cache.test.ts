/**
 * The training view's cached cube layer (core/cube-cache.ts, issue 14): a window drawing its
 * cubes from the layer shows exactly the pixels of drawing them, when the colours change (the
 * layer is not drawn again) and when the geometry changes (it is), and hides what lies behind
 * its cubes as they would (its depth). Under Xvfb.
 */
import test from 'ava';
import { INITIAL_VIEW } from '../../src/animation/view-state.js';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import { PixelReader } from '../../src/core/readback.js';
import type { FrameDesc } from '../../src/frame.js';
import { INSTANCE_FLOATS, createFrame, pushLabel } from '../../src/frame.js';
import { DEFAULT_CONFIG } from '../../src/transformer/config.js';
import { initWeights } from '../../src/transformer/init.js';
import { TrainHistory } from '../../src/visualization/train-history.js';
import { buildTrainLayout } from '../../src/visualization/train-layout.js';
import { createTrainScratch, statusLine, trainFrame } from '../../src/visualization/train-view.js';
import type { Display } from '../helpers/xvfb.js';
import { differingPixels } from '../helpers/screen.js';
import { ensureDisplay } from '../helpers/xvfb.js';

const [W, H] = [1600, 900];
let display: Display;
let ctx: GlContext;

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: W, height: H, title: 'gptviz cube cache test', visible: true, vsync: false, samples: 0 });
  ctx.renderer.windowAntialias = false;
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
});

const LAYOUT = buildTrainLayout(DEFAULT_CONFIG);
/**
 * The index pass's vertex shader computes the cubes' positions with the same code as
 * box_instanced.vert, but llvmpipe compiles the two programs separately, and at a few points
 * where two cube faces meet the pixel goes to the other face (measured: 4 of 1,440,000 pixels).
 */
const MAX_EDGE_PIXELS = 40;

function frameOf(params: Float32Array, yaw = 0): FrameDesc {
  const h = new TrainHistory({ epochs: 4, batches: 10, lr: 3e-3, lrMin: 1e-4, prompt: 'hello' });
  for (let s = 2; s <= 20; s += 2) h.addProgress(s, 3.4 - s * 0.03, 1000 * s);
  h.addEpoch({ epoch: 1, step: 10, trainLoss: 3, valLoss: 3.1, valAcc: 10, sample: 'hello world' });
  const f = createFrame();
  trainFrame(LAYOUT, { params, step: 20, history: h, view: yaw === 0 ? INITIAL_VIEW : { ...INITIAL_VIEW, yaw, overrideTimer: 0 }, aspect: W / H, help: false, paused: false },
    statusLine(h, 20, false), createTrainScratch(), f);
  return f;
}

function shot(frame: FrameDesc, cached: boolean): Buffer {
  const r = ctx.renderer;
  const reader = new PixelReader(ctx.gl, r.state);
  try {
    r.cacheCubes = cached;
    r.setSize(W, H);
    r.render(frame);
    reader.begin(0, W, H, 'rgb');
    return Buffer.from(reader.finish()!);
  } finally {
    r.cacheCubes = false;
    reader.dispose();
  }
}

test.serial('cubes from the cached layer: the same pixels as drawing them, through colour and geometry changes', (t) => {
  const w0 = initWeights(DEFAULT_CONFIG).flat;
  const w1 = w0.map((x, i) => x * (1 + 0.5 * Math.sin(i)));
  const f0 = frameOf(w0);
  t.true(f0.opaqueCount > 20000 && f0.transparentCount === 0, `${f0.opaqueCount} opaque cubes`);
  t.true(f0.labelCount > 0, 'labels, depth-tested against the layer');
  const redraws = (): number => (ctx.renderer as unknown as { cubeCache: { redraws: number } | null }).cubeCache?.redraws ?? 0;
  const a = shot(f0, true);
  const d0 = differingPixels(a, shot(f0, false));
  t.true(d0 <= MAX_EDGE_PIXELS, `first frame (layer drawn): ${d0} pixels differ`);
  t.is(redraws(), 1);
  const f1 = frameOf(w1);
  const b = shot(f1, true);
  t.true(differingPixels(a, b) > 10000, 'the colours changed');
  const d1 = differingPixels(b, shot(f1, false));
  t.true(d1 <= MAX_EDGE_PIXELS, `new colours, the same layer: ${d1} pixels differ`);
  t.is(redraws(), 1, 'colours alone do not draw the layer again');
  const f2 = frameOf(w1, 0.3);
  const c = shot(f2, true);
  const d2 = differingPixels(c, shot(f2, false));
  t.true(d2 <= MAX_EDGE_PIXELS, `turned camera: ${d2} pixels differ`);
  t.is(redraws(), 2, 'a turned camera draws the layer again');
  t.log(`pixels differing of ${W * H}: ${d0}, ${d1}, ${d2}`);
});

test.serial('a label behind the cached cubes stays hidden where they are, as when drawing them (the layer\'s depth)', (t) => {
  const f = frameOf(initWeights(DEFAULT_CONFIG).flat);
  const without = shot(f, false);
  // A large label just behind the first cube (away from the camera), over the first matrices.
  const i = f.instances;
  const p = f.camera.position;
  const c = [i[0]!, i[1]!, i[2]!];
  const away = [c[0]! - p[0]!, c[1]! - p[1]!, c[2]! - p[2]!];
  const len = Math.hypot(away[0]!, away[1]!, away[2]!);
  const back = 3 * i[INSTANCE_FLOATS - 1]! + 2;
  pushLabel(f, 'HIDDEN BEHIND', c[0]! + (back * away[0]!) / len, c[1]! + (back * away[1]!) / len, c[2]! + (back * away[2]!) / len, 8, 0.5, 0.5, 1, true);
  const direct = shot(f, false);
  const cached = shot(f, true);
  const shown = differingPixels(direct, without);
  t.true(shown > 0, 'the label shows between the cubes');
  const d = differingPixels(cached, direct);
  t.true(d <= MAX_EDGE_PIXELS, `${d} pixels differ from drawing the cubes (the label shows through the layer without its depth)`);
  t.log(`label pixels shown: ${shown}; differing: ${d}`);
});
