/**
 * Renderer pixels under Xvfb (issue 5): one hidden window/context for the whole file, known
 * instances rendered into a small 4× MSAA offscreen target, colours asserted at projected points.
 */
import test from 'ava';
import { vec3 } from 'gl-matrix';
import { projectToPixel } from '../../src/core/camera.js';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import { loadGl, parseGlVersion } from '../../src/core/gl.js';
import { GL_ARRAY_BUFFER } from '../../src/core/gl-enums.js';
import type { Offscreen } from '../../src/core/offscreen.js';
import { PixelReader } from '../../src/core/readback.js';
import { Renderer } from '../../src/core/renderer.js';
import { ShaderError, readShader } from '../../src/core/shader.js';
import type { FrameDesc } from '../../src/frame.js';
import { clearFrame, createFrame, pushInstance, pushLabel, pushOverlay } from '../../src/frame.js';
import type { Image } from '../helpers/images.js';
import { countBright, meanAround } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

const W = 200;
const H = 150;
let display: Display;
let ctx: GlContext;
let off: Offscreen;
const frame = createFrame(1024);
const p = vec3.create();

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: 64, height: 64, title: 'gptviz test', visible: false, vsync: false });
  off = ctx.createOffscreen(W, H);
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
});

/** Fixed view (spec §6.1) looking at the origin with half-height `ortho`. */
function resetFrame(f: FrameDesc, ortho = 2): void {
  clearFrame(f);
  f.camera.target.set([0, 0, 0]);
  f.camera.position.set([-100, 100 * Math.SQRT2, -100]);
  f.camera.orthoSize = ortho;
  f.clearColor.set([0, 0, 0, 1]);
}

function draw(f: FrameDesc): Image {
  ctx.renderer.render(f, off);
  return { width: W, height: H, channels: 4, data: off.readPixels('rgba') };
}

/** Pixel of a world point in the last render. */
function at(x: number, y: number, z: number): [number, number] {
  projectToPixel(p, ctx.renderer.lastViewProjection, x, y, z, W, H);
  return [p[0], p[1]];
}

test.serial('context is OpenGL ≥ 4.1 core and the offscreen target uses 4 samples', (t) => {
  t.true(ctx.info.major > 4 || (ctx.info.major === 4 && ctx.info.minor >= 1), ctx.info.version);
  t.is(off.samples(), 4);
});

test.serial('an empty frame is the clear colour everywhere', (t) => {
  resetFrame(frame);
  const img = draw(frame);
  t.deepEqual(meanAround(img, W / 2, H / 2, 3), [0, 0, 0]);
  t.is(countBright(img, 0, 0, W, H, 1), 0);
  frame.clearColor.set([0.2, 0.4, 0.6, 1]);
  const img2 = draw(frame);
  const c = meanAround(img2, 10, 10, 2);
  t.true(Math.abs(c[0] - 51) <= 1 && Math.abs(c[1] - 102) <= 1 && Math.abs(c[2] - 153) <= 1, String(c));
});

test.serial('a red cube reads red and a blue cube blue at their projected centres, left/right/up as in world space', (t) => {
  resetFrame(frame, 3);
  pushInstance(frame, 1.2, 0, 0, 1, 0, 0, 1, 1, 1, 1); // world +X = screen-left
  pushInstance(frame, -1.2, 0, 0, 0, 0, 1, 1, 1, 1, 1);
  const img = draw(frame);
  const [rx, ry] = at(1.2, 0.5, 0);
  const [bx, by] = at(-1.2, 0.5, 0);
  t.true(rx < W / 2 && bx > W / 2, `red at ${rx}, blue at ${bx}`);
  const red = meanAround(img, rx, ry);
  const blue = meanAround(img, bx, by);
  t.true(red[0] > 150 && red[1] < 30 && red[2] < 30, `red reads ${red}`);
  t.true(blue[2] > 150 && blue[0] < 30 && blue[1] < 30, `blue reads ${blue}`);
  // Vertical orientation: a cube above the origin lands in the upper half of the image.
  resetFrame(frame, 3);
  pushInstance(frame, 0, 2, 0, 1, 1, 1, 1, 0.6, 0.6, 0.6);
  const up = draw(frame);
  t.true(countBright(up, 0, 0, W, H / 2, 100) > 50);
  t.is(countBright(up, 0, H / 2 + 10, W, H, 100), 0);
});

test.serial('lit faces differ: top ≈ 0.775, −X ≈ 0.447, −Z = 0.25 of the base colour (spec §6.5), hidden faces culled', (t) => {
  resetFrame(frame, 1.5);
  pushInstance(frame, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
  const img = draw(frame);
  const top = meanAround(img, ...at(0, 0.5, 0))[0];
  const side = meanAround(img, ...at(-0.5, 0, 0))[0];
  const front = meanAround(img, ...at(0, 0, -0.5))[0];
  t.true(Math.abs(top - 0.775 * 255) < 14, `top ${top}`);
  t.true(Math.abs(side - 0.447 * 255) < 14, `−X ${side}`);
  t.true(Math.abs(front - 0.25 * 255) < 14, `−Z ${front}`);
  t.true(top > side && side > front);
});

test.serial('a half-transparent cube blends over what is behind it and writes no depth', (t) => {
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 3, 0, 0, 1, 1, 14, 14, 0.2); // opaque blue plate behind (camera looks toward +Z)
  pushInstance(frame, 0, 0, 0, 1, 0, 0, 0.5, 1, 1, 1); // 50 % red cube in front
  t.is(frame.opaqueCount, 1);
  t.is(frame.transparentCount, 1);
  const img = draw(frame);
  const c = meanAround(img, ...at(0, 0.5, 0));
  t.true(c[0] > 0.5 * 0.775 * 255 - 15 && c[0] < 0.5 * 0.775 * 255 + 15, `red ${c}`);
  t.true(c[2] > 0.5 * 0.25 * 255 - 12 && c[2] < 0.5 * 0.25 * 255 + 15, `blue ${c}`);
  // Fully transparent instances are not drawn at all.
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1);
  t.is(countBright(draw(frame), 0, 0, W, H, 1), 0);
});

test.serial('a label draws bright glyph pixels where its text is; the overlay sits bottom-right', (t) => {
  resetFrame(frame, 3);
  pushLabel(frame, 'HHHH', 0, 0, 0, 1, 0.5, 0.5, 1, false);
  const img = draw(frame);
  const [cx, cy] = at(0, 0, 0);
  const bright = countBright(img, cx - 30, cy - 25, cx + 30, cy + 25, 150);
  t.true(bright > 40, `bright pixels near the label: ${bright}`);
  t.is(countBright(img, 0, 0, 30, 30, 60), 0);
  t.is(ctx.renderer.stats.textQuads, 4);
  resetFrame(frame, 3);
  pushLabel(frame, 'HHHH', 0, 0, 0, 1, 0.5, 0.5, 0, false);
  t.is(countBright(draw(frame), 0, 0, W, H, 1), 0, 'alpha 0 draws nothing');
  resetFrame(frame, 3);
  pushOverlay(frame, 'Stage', 'bottom-right', 0, 'small', 1);
  const o = draw(frame);
  t.true(countBright(o, W / 2, H / 2, W, H, 150) > 30);
  t.is(countBright(o, 0, 0, W / 2, H / 2, 60), 0);
});

test.serial('a label background box is drawn behind the glyphs', (t) => {
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 2, 1, 1, 1, 1, 8, 8, 0.2); // white plate behind
  const plain = draw(frame);
  pushLabel(frame, '....', 0, 0, 0, 1, 0.5, 0.5, 1, true);
  const boxed = draw(frame);
  const [cx, cy] = at(0, 0.2, 0);
  t.true(meanAround(boxed, cx, cy, 1)[0] < meanAround(plain, cx, cy, 1)[0] * 0.3);
});

test.serial('a 0×0 framebuffer (minimised window) draws nothing and does not throw', (t) => {
  resetFrame(frame);
  pushInstance(frame, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
  ctx.renderer.setSize(0, 0);
  t.notThrows(() => ctx.renderer.render(frame));
  t.is(ctx.renderer.stats.drawCalls, 0);
  t.throws(() => off.resize(0, 0), { message: /out of range/ });
});

test.serial('pipelined readback returns frames in order with rows top-down', (t) => {
  resetFrame(frame);
  frame.clearColor.set([1, 0, 0, 1]);
  ctx.renderer.render(frame, off);
  off.beginRead('rgb');
  frame.clearColor.set([0, 0, 1, 1]);
  ctx.renderer.render(frame, off);
  off.beginRead('rgb');
  t.is(off.pendingReads, 2);
  const a = off.finishRead()!;
  const b = off.finishRead()!;
  t.is(off.finishRead(), null);
  t.is(a.length, W * H * 3);
  t.deepEqual([...a.subarray(0, 3)], [255, 0, 0]);
  t.deepEqual([...b.subarray(b.length - 3)], [0, 0, 255]);
});

test.serial('render(frame) draws into the window framebuffer at the setSize size, render(frame, target) into the target', (t) => {
  const window = new PixelReader(ctx.gl, ctx.renderer.state);
  const other = ctx.createOffscreen(W, H);
  try {
    resetFrame(frame);
    frame.clearColor.set([1, 0, 0, 1]);
    ctx.renderer.render(frame, off);
    frame.clearColor.set([0, 0, 1, 1]);
    ctx.renderer.setSize(16, 8);
    ctx.renderer.render(frame);
    window.begin(0, 16, 8, 'rgb');
    const px = window.finish()!;
    t.is(px.length, 16 * 8 * 3);
    t.deepEqual([...px.subarray(0, 3)], [0, 0, 255]);
    t.deepEqual([...px.subarray(px.length - 3)], [0, 0, 255]);
    frame.clearColor.set([0, 1, 0, 1]);
    ctx.renderer.render(frame, other);
    // Each target keeps its own frame whatever was drawn or read in between.
    t.deepEqual([...off.readPixels('rgb').subarray(0, 3)], [255, 0, 0]);
    t.deepEqual([...other.readPixels('rgb').subarray(0, 3)], [0, 255, 0]);
    t.deepEqual([...off.readPixels('rgb').subarray(0, 3)], [255, 0, 0]);
  } finally {
    other.dispose();
    window.dispose();
  }
});

test.serial('instance capacity grows past 65,536 on demand', (t) => {
  const big = createFrame(65536);
  resetFrame(big, 40);
  for (let i = 0; i < 70000; i++) pushInstance(big, (i % 300) * 0.25 - 37, Math.floor(i / 300) * 0.25 - 29, 0, 1, 1, 1, 1, 0.2, 0.2, 0.2);
  ctx.renderer.render(big, off);
  t.is(ctx.renderer.stats.instances, 70000);
  t.true(ctx.renderer.instanceCapacity >= 70000);
});

test.serial('a shader with an error reports its file and line, with the numbered source', (t) => {
  const vert = readShader('box_instanced.vert');
  const frag = {
    name: 'shaders/broken.frag',
    source: '#version 410 core\nout vec4 c;\nvoid main() {\n  c = vec4(1.0);\n  c.x = undefined_thing;\n}\n',
  };
  const err = t.throws(() => new Renderer(ctx.gl, { boxShaders: { vert, frag } }), { instanceOf: ShaderError });
  t.regex(err!.message, /^shaders\/broken\.frag:5: /);
  t.regex(err!.hint ?? '', /\n5: +c\.x = undefined_thing;\n +\^\^\^ .*undefined_thing/);
});

test.serial('GPTVIZ_GL_DEBUG mode names the GL call that failed', (t) => {
  const { gl } = loadGl((n) => ctx.window.getProcAddress(n), true);
  t.throws(() => gl.glBindBuffer(GL_ARRAY_BUFFER, 987654), {
    message: /^glBindBuffer\(34962, 987654\) failed: GL_INVALID_OPERATION$/,
  });
  t.is(gl.glGetError(), 0);
  ctx.renderer.state.invalidate();
});

test('GL version strings parse as [major, minor]', (t) => {
  t.deepEqual(parseGlVersion('4.5 (Core Profile) Mesa 22.3.6'), [4, 5]);
  t.deepEqual(parseGlVersion('4.1 INTEL-20.1.43'), [4, 1]);
  t.deepEqual(parseGlVersion('3.3.0 NVIDIA 390.1'), [3, 3]);
  t.deepEqual(parseGlVersion(''), [0, 0]);
});

test.serial('an offscreen target resizes to any size and reads back exactly width × height', (t) => {
  const o = ctx.createOffscreen(37, 23);
  resetFrame(frame);
  frame.clearColor.set([0, 1, 0, 1]);
  ctx.renderer.render(frame, o);
  t.is(o.readPixels('rgba').length, 37 * 23 * 4);
  o.resize(64, 10);
  ctx.renderer.render(frame, o);
  const px = o.readPixels('rgb');
  t.is(px.length, 64 * 10 * 3);
  t.deepEqual([...px.subarray(px.length - 3)], [0, 255, 0]);
  t.is(o.samples(), 4);
  o.dispose();
  t.notThrows(() => o.dispose());
  t.throws(() => ctx.renderer.render(frame, o), { message: /after dispose/ });
});

test.serial('the caption band (issue 13) keeps the bottom: the picture is drawn above it, never under it', (t) => {
  // A red cube far larger than the view covers every pixel without a band.
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 0, 1, 0, 0, 1, 100, 100, 100);
  const full = draw(frame);
  t.is(countBright(full, 0, H - 8, W, H, 100), W * 8, 'no band: the cube reaches the bottom row');
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 0, 1, 0, 0, 1, 100, 100, 100);
  frame.caption = '';
  frame.captionLines = 3;
  const band = ctx.renderer.bottomPx(frame, H);
  t.true(band > 20 && band < H / 2, `band ${band} px`);
  const img = draw(frame);
  t.is(countBright(img, 0, H - band + 3, W, H, 100), 0, 'nothing of the scene inside the band');
  t.is(countBright(img, 0, 0, W, H - band - 2, 100), W * (H - band - 2), 'the scene fills the area above it');
  // A small cube at the origin lands in the middle of the area above the band, not of the frame.
  resetFrame(frame, 3);
  pushInstance(frame, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1);
  frame.captionLines = 3;
  const boxed = draw(frame);
  const [x, y] = at(0, 0, 0);
  t.true(Math.abs(y - (H - band) / 2) < 2, `cube centre at y ${y}, band ${band}`);
  t.true(meanAround(boxed, Math.round(x), Math.round(y), 1)[0] > 100);
});
