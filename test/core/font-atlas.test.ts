/** Glyph atlas (spec §7.5): the glyph set, real coverage for ink glyphs, the solid texel, sizes. */
import test from 'ava';
import { EXTRA_GLYPHS, buildFontAtlas, glyphSet } from '../../src/core/font-atlas.js';
import { measureText } from '../../src/core/text-layout.js';

const atlas = buildFontAtlas(44);

function coverage(code: number): number {
  const g = atlas.glyphs.get(code)!;
  let sum = 0;
  for (let y = Math.round(g.v0 * atlas.height); y < Math.round(g.v1 * atlas.height); y++) {
    for (let x = Math.round(g.u0 * atlas.width); x < Math.round(g.u1 * atlas.width); x++) sum += atlas.pixels[y * atlas.width + x]!;
  }
  return sum;
}

test('the atlas holds printable ASCII and the scene symbols ᵀ · × → with ink', (t) => {
  t.is(glyphSet().length, 95 + [...EXTRA_GLYPHS].length);
  for (const ch of ['A', 'z', '%', '?', 'ᵀ', '·', '×', '→']) {
    t.true(atlas.glyphs.has(ch.codePointAt(0)!), ch);
    t.true(coverage(ch.codePointAt(0)!) > 255 * 3, `${ch} has ink`);
    t.true(atlas.glyphs.get(ch.codePointAt(0)!)!.advance > 0);
  }
  t.is(coverage(32), 0, 'space is blank');
});

test('the solid texel is fully covered and the sizes scale with the pixel size', (t) => {
  const sx = Math.floor(atlas.solidU * atlas.width), sy = Math.floor(atlas.solidV * atlas.height);
  t.is(atlas.pixels[sy * atlas.width + sx], 255);
  t.is(atlas.lineHeight, atlas.ascent + atlas.descent);
  const big = buildFontAtlas(88);
  t.true(Math.abs(big.lineHeight / atlas.lineHeight - 2) < 0.1);
  t.true(Math.abs(measureText(big, 'Hello') / measureText(atlas, 'Hello') - 2) < 0.1);
});
