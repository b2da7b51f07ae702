/**
 * The font atlases' mip chain computed on the CPU (core/mipmaps.ts, issue 15): byte for byte the
 * levels llvmpipe's glGenerateMipmap makes (read back under Xvfb) for the atlases the renderer
 * builds at pixel ratio 1 (and the overlay's at 2) and for odd-sized noise; the label atlas at
 * ratio 2 within 2 texels off by 1; and by hand on a few texels (no GL).
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { GlContext } from '../../src/core/context.js';
import { openContext } from '../../src/core/context.js';
import { buildFontAtlas } from '../../src/core/font-atlas.js';
import { GL_R8, GL_RED, GL_TEXTURE_2D, GL_UNPACK_ALIGNMENT, GL_UNSIGNED_BYTE } from '../../src/core/gl-enums.js';
import type { MipLevel } from '../../src/core/mipmaps.js';
import { halve, mipChain } from '../../src/core/mipmaps.js';
import { LABEL_ATLAS_PX, OVERLAY_ATLAS_PX } from '../../src/core/text-renderer.js';
import type { Display } from '../helpers/xvfb.js';
import { ensureDisplay } from '../helpers/xvfb.js';

const GL_PACK_ALIGNMENT = 0x0d05;

let display: Display;
let ctx: GlContext;

test.before(async () => {
  display = await ensureDisplay();
  ctx = openContext({ width: 64, height: 64, title: 'gptviz mipmaps test', visible: false, vsync: false });
});

test.after.always(() => {
  ctx?.close();
  display?.stop();
});

/** The driver's levels 1 … of `base` (glGenerateMipmap, read back). */
function driverChain(base: MipLevel): MipLevel[] {
  const gl = ctx.gl;
  const ids = new Uint32Array(1);
  gl.glGenTextures(1, ids);
  gl.glBindTexture(GL_TEXTURE_2D, ids[0]!);
  gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
  gl.glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, base.width, base.height, 0, GL_RED, GL_UNSIGNED_BYTE, base.pixels);
  gl.glGenerateMipmap(GL_TEXTURE_2D);
  const levels: MipLevel[] = [];
  for (let w = base.width, h = base.height, i = 1; w > 1 || h > 1; i++) {
    w = Math.max(1, w >> 1);
    h = Math.max(1, h >> 1);
    const pixels = new Uint8Array(w * h);
    gl.glGetTexImage(GL_TEXTURE_2D, i, GL_RED, GL_UNSIGNED_BYTE, pixels);
    levels.push({ width: w, height: h, pixels });
  }
  gl.glDeleteTextures(1, ids);
  return levels;
}

/** Compare every level; at most `allowed` texels may differ, by 1 at most. */
function same(t: ExecutionContext, name: string, base: MipLevel, allowed = 0): void {
  const ours = mipChain(base);
  const theirs = driverChain(base);
  t.is(ours.length, theirs.length, `${name}: levels`);
  theirs.forEach((lv, i) => {
    const o = ours[i]!;
    t.deepEqual([o.width, o.height], [lv.width, lv.height], `${name} level ${i + 1} size`);
    let differ = 0;
    let most = 0;
    for (let k = 0; k < lv.pixels.length; k++) {
      const d = Math.abs(o.pixels[k]! - lv.pixels[k]!);
      if (d > 0) differ++;
      most = Math.max(most, d);
    }
    t.true(differ <= allowed && most <= 1, `${name} level ${i + 1} (${lv.width}×${lv.height}): ${differ} texels differ, by up to ${most}`);
  });
}

test.serial('the atlases\' chains are glGenerateMipmap\'s, byte for byte (overlay and labels at pixel ratio 1, overlay at 2)', (t) => {
  for (const px of [OVERLAY_ATLAS_PX, LABEL_ATLAS_PX, 2 * OVERLAY_ATLAS_PX]) same(t, `atlas ${px} px`, buildFontAtlas(px));
});

test.serial('the label atlas at pixel ratio 2: 2 texels of one level 1 off (a blit coordinate within 1/500 texel of a rounding edge)', (t) => {
  // 1920 × 463 → 960 × 231, row 18: the source row is 37.0801 texels less ½, 0.002 / 256 from where
  // the fixed-point weight rounds to 148 instead of 149; llvmpipe's interpolated coordinate falls
  // on the other side there. Every other texel of the chain is the driver's.
  same(t, `atlas ${2 * LABEL_ATLAS_PX} px`, buildFontAtlas(2 * LABEL_ATLAS_PX), 2);
});

test.serial('odd sizes and noise too (every level of 37 × 23, 1 × 9, 300 × 1)', (t) => {
  let seed = 12345;
  const noise = (w: number, h: number): MipLevel => {
    const pixels = new Uint8Array(w * h);
    for (let i = 0; i < pixels.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      pixels[i] = seed >>> 24;
    }
    return { width: w, height: h, pixels };
  };
  same(t, '37×23', noise(37, 23));
  same(t, '1×9', noise(1, 9));
  same(t, '300×1', noise(300, 1));
});

test('by hand: a 2 × 2 level halves to its rounded mean; a 3 × 1 row samples between its texels', (t) => {
  // The fixed point rounds each lerp: (0 + 255) → 128, then (128 + 255) → 192 (the exact mean is 191.25).
  t.deepEqual([...halve({ width: 2, height: 2, pixels: Uint8Array.of(0, 255, 255, 255) }).pixels], [192]);
  t.deepEqual([...halve({ width: 2, height: 2, pixels: Uint8Array.of(10, 11, 10, 11) }).pixels], [11]);
  // 3 → 1: the centre texel's centre, exactly: its own value.
  t.deepEqual([...halve({ width: 3, height: 1, pixels: Uint8Array.of(0, 200, 0) }).pixels], [200]);
  t.deepEqual(mipChain({ width: 4, height: 1, pixels: Uint8Array.of(0, 0, 255, 255) }).map((l) => [...l.pixels]), [[0, 255], [128]]);
});
