/**
 * Full-frame reference image (STYLE.md §32): the renderer's test scene (cubes, a transparent
 * grid, labels with and without boxes, the overlay) at 640×360, compared with a committed PNG
 * with a tolerance (drivers differ in MSAA and glyph filtering). On failure the actual image and
 * a diff image are written next to the reference so a person can look.
 * Regenerate after an intended change: GPTVIZ_UPDATE_REFERENCE=1 npx ava test/core/reference-image.test.ts
 */
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openContext } from '../../src/core/context.js';
import { encodePng } from '../../src/core/png.js';
import { createFrame } from '../../src/frame.js';
import type { Image } from '../helpers/images.js';
import { decodePng, savePng } from '../helpers/images.js';
import { buildTestScene } from '../helpers/test-scene.js';
import { ensureDisplay } from '../helpers/xvfb.js';

const W = 640;
const H = 360;
// dist/test/core → test/core/reference-images in the source tree
const DIR = fileURLToPath(new URL('../../../test/core/reference-images/', import.meta.url));
const REF = `${DIR}test-scene-640x360.png`;

function render(): Image {
  const ctx = openContext({ width: 64, height: 64, title: 'gptviz reference', visible: false, vsync: false });
  try {
    const off = ctx.createOffscreen(W, H);
    ctx.renderer.render(buildTestScene(createFrame(), W / H, 1), off);
    return { width: W, height: H, channels: 3, data: off.readPixels('rgb') };
  } finally {
    ctx.close();
  }
}

test('the test scene matches its reference image within tolerance', async (t) => {
  const display = await ensureDisplay();
  let img: Image;
  try {
    img = render();
  } finally {
    display.stop();
  }
  if (process.env.GPTVIZ_UPDATE_REFERENCE === '1') {
    writeFileSync(REF, encodePng(img.data, W, H, 3));
    t.log(`wrote ${REF}`);
  }
  if (!existsSync(REF)) {
    savePng(img, `${DIR}test-scene-640x360.actual.png`);
    t.fail(`reference image ${REF} is missing (see the .actual.png; GPTVIZ_UPDATE_REFERENCE=1 writes it)`);
    return;
  }
  const ref = decodePng(readFileSync(REF));
  t.is(ref.width, W);
  t.is(ref.height, H);
  const diff = new Uint8Array(W * H * 3);
  let sum = 0;
  let bad = 0;
  for (let i = 0; i < W * H; i++) {
    let m = 0;
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(img.data[i * 3 + k]! - ref.data[i * ref.channels + k]!);
      sum += d;
      if (d > m) m = d;
    }
    if (m > 48) bad++;
    diff[i * 3] = diff[i * 3 + 1] = diff[i * 3 + 2] = Math.min(255, m * 4);
  }
  const mean = sum / (W * H * 3);
  const ok = mean < 1.5 && bad < W * H * 0.005;
  if (!ok) {
    savePng(img, `${DIR}test-scene-640x360.actual.png`);
    savePng({ width: W, height: H, channels: 3, data: diff }, `${DIR}test-scene-640x360.diff.png`);
  }
  t.true(ok, `mean abs diff ${mean.toFixed(3)}, ${bad} pixels off by > 48 (see ${DIR})`);
});
