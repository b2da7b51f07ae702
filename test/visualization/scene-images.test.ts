/**
 * A few full scene frames rendered under Xvfb (issue 6 "Tests"): frameAt → the real renderer →
 * pixels, compared with stored reference images (test/reference-images/scene-*.png, made by this
 * renderer from this scene) within a tolerance; on failure the actual and diff PNGs are written
 * next to the reference so a person can look. Regenerate deliberately with GPTVIZ_UPDATE_IMAGES=1.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INITIAL_VIEW } from '../../src/animation/camera-path.js';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import type { Offscreen } from '../../src/core/offscreen.js';
import { createFrame } from '../../src/frame.js';
import { frameAt } from '../../src/visualization/frame-at.js';
import { buildScene } from '../../src/visualization/scene.js';
import type { Scene } from '../../src/visualization/scene.js';
import type { Image } from '../helpers/images.js';
import { decodePng, savePng } from '../helpers/images.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';
import { randomInput, scratchFor, stepInput } from './scene-fixtures.js';

const W = 320;
const H = 180;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REF_DIR = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? '../../../test/reference-images' : '../reference-images');
/** A pixel "differs" when a channel is off by more than this (MSAA edges, driver rounding). */
const CHANNEL_TOL = 40;
/** At most this fraction of pixels may differ. */
const MAX_DIFF_FRACTION = 0.01;

let display: Display;
let ctx: GlContext;
let off: Offscreen;
const frame = createFrame();
let random: Scene;
let full: Scene;

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: 64, height: 64, title: 'gptviz scene test', visible: false, vsync: false });
  off = ctx.createOffscreen(W, H);
  random = buildScene(randomInput());
  full = buildScene(stepInput('hello', 'full'));
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
});

function render(s: Scene, t: number): Image {
  frameAt(s, t, INITIAL_VIEW, W / H, frame, scratchFor(s));
  frame.overlayCount = 0; // the 44 px stage name would cover a 320 × 180 frame
  ctx.renderer.render(frame, off);
  return { width: W, height: H, channels: 4, data: Uint8Array.from(off.readPixels('rgba')) };
}

function compare(actual: Image, name: string): string | null {
  const file = path.join(REF_DIR, `scene-${name}.png`);
  if (process.env.GPTVIZ_UPDATE_IMAGES === '1' || !existsSync(file)) {
    if (process.env.GPTVIZ_UPDATE_IMAGES !== '1') return `missing reference image ${file} (run with GPTVIZ_UPDATE_IMAGES=1)`;
    savePng(actual, file);
    return null;
  }
  const ref = decodePng(readFileSync(file));
  if (ref.width !== W || ref.height !== H) return `reference ${file} is ${ref.width}×${ref.height}`;
  const diff: Image = { width: W, height: H, channels: 4, data: new Uint8Array(W * H * 4) };
  let bad = 0;
  for (let i = 0; i < W * H; i++) {
    let m = 0;
    for (let c = 0; c < 3; c++) m = Math.max(m, Math.abs(actual.data[i * 4 + c]! - ref.data[i * ref.channels + c]!));
    if (m > CHANNEL_TOL) bad++;
    diff.data[i * 4] = m > CHANNEL_TOL ? 255 : m * 3;
    diff.data[i * 4 + 3] = 255;
  }
  if (bad / (W * H) <= MAX_DIFF_FRACTION) return null;
  savePng(actual, file.replace(/\.png$/, '.actual.png'));
  savePng(diff, file.replace(/\.png$/, '.diff.png'));
  return `${name}: ${bad} of ${W * H} pixels differ (> ${CHANNEL_TOL}); wrote .actual.png and .diff.png next to ${file}`;
}

const CASES: [string, () => Scene, number][] = [
  ['random-attention', () => random, 14.4],
  ['random-add', () => random, 32.3],
  ['hello-characters-fly', () => full, 1.5],
  ['hello-token-probs', () => full, 94.8],
];

for (const [name, scene, t] of CASES) {
  test.serial(`scene frame ${name} (t = ${t}) matches its reference image`, (tt) => {
    const img = render(scene(), t);
    let lit = 0;
    for (let i = 0; i < W * H; i++) if (img.data[i * 4]! + img.data[i * 4 + 1]! + img.data[i * 4 + 2]! > 60) lit++;
    tt.true(lit > 500, `the frame shows something (${lit} lit pixels)`);
    tt.is(compare(img, name), null);
  });
}
