/**
 * The window's first frame shown by copying only its text's rectangles onto a window the X server
 * paints black (issue 15, first frame first: app/presenter.ts, core/glfw.ts
 * showBlack). Checked on what the X server shows — its screen kept in a file (Xvfb -fbdir) — not
 * on what GL drew: the screen must equal the back buffer after the first frame's copy and after
 * the next frame's swap.
 */
import test from 'ava';
import type { GlContext } from '../../src/core/context.js';
import { contextFor } from '../../src/core/context.js';
import { isSoftwareRenderer } from '../../src/core/gl.js';
import { Window } from '../../src/core/glfw.js';
import { Presenter } from '../../src/app/presenter.js';
import { createFrame, pushOverlay } from '../../src/frame.js';
import { backBuffer, differingPixels, shownOnScreen } from '../helpers/screen.js';
import { startScreenXvfb } from '../helpers/xvfb.js';

const W = 480;
const H = 270;
let xvfb: Awaited<ReturnType<typeof startScreenXvfb>>;
let ctx: GlContext | undefined;

test.before(async () => {
  xvfb = await startScreenXvfb(640, 400);
  process.env.DISPLAY = xvfb.name;
});

test.after.always(() => {
  ctx?.close();
  xvfb?.stop();
});

test.serial('the first frame, its text copied onto a black window, shows exactly what was drawn; so does the next, swapped', async (t) => {
  const win = await Window.open({ width: W, height: H, title: 'gptviz presenter test', visible: false, vsync: false, samples: 0, depth: false });
  ctx = contextFor(win);
  t.true(isSoftwareRenderer(ctx.info), `this test runs on Mesa's llvmpipe: ${ctx.info.renderer}`);
  const presenter = new Presenter(ctx);
  const frame = createFrame();
  pushOverlay(frame, 'first frame', 'top-left', 0, 'small', 1);
  pushOverlay(frame, 'Input Embeddings', 'bottom-right', 0, 'large', 1);
  ctx.renderer.setSize(W, H, 1);
  presenter.show();
  ctx.renderer.render(frame);
  const rects = ctx.renderer.flatRects;
  t.truthy(rects, 'a frame of text only has its rectangles');
  const covered = Array.from({ length: rects!.count }, (_, i) => {
    const r = rects!.xyxy.subarray(4 * i, 4 * i + 4);
    return (r[2]! - r[0]!) * (r[3]! - r[1]!);
  }).reduce((a, b) => a + b, 0);
  t.true(covered > 0 && covered < (W * H) / 2, `the text's rectangles cover ${covered} of ${W * H} pixels`);
  const drawn = backBuffer(ctx, W, H);
  presenter.present();
  const first = shownOnScreen(ctx, () => xvfb.screen(), W, H);
  t.true(drawn.some((v) => v > 128), 'the frame has bright text');
  t.is(differingPixels(first, drawn), 0, 'the screen after the first frame');

  // The next frame moves the text: the swap must replace the whole window, old text included.
  frame.overlayCount = 0;
  pushOverlay(frame, 'second frame', 'bottom-left', 0, 'large', 1);
  ctx.renderer.render(frame);
  const drawn2 = backBuffer(ctx, W, H);
  presenter.present();
  t.true(differingPixels(drawn2, drawn) > 100, 'the second frame differs from the first');
  t.is(differingPixels(shownOnScreen(ctx, () => xvfb.screen(), W, H), drawn2), 0, 'the screen after the second frame');
});

test.serial('showBlack shows the window black and copies just the rectangles asked for', async (t) => {
  ctx?.close();
  const win = await Window.open({ width: W, height: H, title: 'gptviz showBlack test', visible: false, vsync: false, samples: 0, depth: false });
  ctx = contextFor(win);
  const gl = ctx.gl;
  gl.glClearColor(1, 1, 1, 1);
  gl.glClear(0x4000);
  const copy = win.showBlack();
  t.truthy(copy, 'Mesa under Xvfb offers GLX_MESA_copy_sub_buffer');
  copy!(Int32Array.of(10, 20, 110, 70), 1); // x 10–110, y 20–70 from the bottom
  const px = shownOnScreen(ctx, () => xvfb.screen(), W, H);
  const at = (x: number, yTop: number): number => px[3 * (yTop * W + x)]!;
  t.is(at(10, H - 21), 255, 'inside the rectangle: the back buffer (white)');
  t.is(at(109, H - 70), 255);
  t.is(at(9, H - 21), 0, 'outside: the window background (black)');
  t.is(at(110, H - 21), 0);
  t.is(at(10, H - 71), 0);
  t.is(at(W - 1, 0), 0);
});
