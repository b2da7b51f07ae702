/** Text layout (spec §7.5) with hand-made metrics: pure, no canvas, no GL. */
import test from 'ava';
import type { FontMetrics, GlyphMetrics } from '../../src/core/text-layout.js';
import { QUAD_FLOATS, SCRIPT_SCALE, countQuads, layoutLine, measureText, wrapText } from '../../src/core/text-layout.js';

function glyph(advance: number, x0: number, x1: number, u0: number): GlyphMetrics {
  return { advance, x0, x1, y0: -3, y1: 9, u0, v0: 0, u1: u0 + 0.1, v1: 1 };
}

const glyphs = new Map<number, GlyphMetrics>([
  [32, glyph(4, 0, 0, 0)],
  ['A'.codePointAt(0)!, glyph(10, -1, 11, 0.1)],
  ['i'.codePointAt(0)!, glyph(3, 0, 3, 0.2)],
  ['ᵀ'.codePointAt(0)!, glyph(6, 0, 6, 0.3)],
]);
const font: FontMetrics = { ascent: 8, descent: 2, lineHeight: 10, glyphs, fallback: glyphs.get(32)! };

test('measureText sums advances; unknown characters use the space', (t) => {
  t.is(measureText(font, ''), 0);
  t.is(measureText(font, 'Ai'), 13);
  t.is(measureText(font, 'A i'), 17);
  t.is(measureText(font, 'A?'), 14);
  t.is(measureText(font, 'Aᵀ'), 16);
  t.is(measureText(font, 'A😀'), 14, 'astral characters count once');
});

test('layoutLine places quads along the pen, scaled, from the cell bottom', (t) => {
  const out = new Float32Array(QUAD_FLOATS * 4);
  const n = layoutLine(out, 0, font, 'A iᵀ', 100, 50, 2);
  t.is(n, 3, 'the space makes no quad');
  // 'A': pen 100, baseline 50 + 2·2 = 54
  t.deepEqual([...out.subarray(0, 4)], [98, 48, 122, 72]);
  t.is(out[4], Math.fround(0.1));
  // 'i' after A (10) and space (4): pen 100 + 28
  t.is(out[QUAD_FLOATS], 128);
  // 'ᵀ' after i (3): pen 134
  t.is(out[2 * QUAD_FLOATS], 134);
  t.is(countQuads('A iᵀ'), 4);
});

test('layoutLine writes at an offset and leaves the rest alone', (t) => {
  const out = new Float32Array(QUAD_FLOATS * 3).fill(-7);
  t.is(layoutLine(out, QUAD_FLOATS, font, 'i', 0, 0, 1), 1);
  t.is(out[0], -7);
  t.is(out[QUAD_FLOATS + 2], 3);
  t.is(out[QUAD_FLOATS * 2], -7);
});

test('wrapText: greedy lines within the width; a long word gets its own line', (t) => {
  const w = (s: string): number => measureText(font, s);
  t.deepEqual(wrapText(font, 'one two three', w('one two')), ['one two', 'three']);
  t.deepEqual(wrapText(font, 'one  two', 1e9), ['one two']);
  t.deepEqual(wrapText(font, 'supercalifragilistic a', w('a b')), ['supercalifragilistic', 'a']);
  t.deepEqual(wrapText(font, '', 100), []);
});

test('markup: _{…} sets a smaller, lowered subscript, ^{…} a raised superscript; a bare _ stays a character (issue 17)', (t) => {
  // 'A' (10) then 'i' at SCRIPT_SCALE: the braces take no room.
  t.is(measureText(font, 'A_{i}'), 10 + 3 * SCRIPT_SCALE);
  t.true(Math.abs(measureText(font, 'A^{ii}') - (10 + 6 * SCRIPT_SCALE)) < 1e-9);
  t.is(measureText(font, 'A_i'), 10 + 4 + 3, 'no brace: "_" is an ordinary (here unknown → space) character');
  const out = new Float32Array(QUAD_FLOATS * 4);
  const base = layoutLine(out, 0, font, 'Ai', 0, 0, 1);
  t.is(base, 2);
  const plainI = [...out.subarray(QUAD_FLOATS, QUAD_FLOATS + 4)];
  t.is(layoutLine(out, 0, font, 'A_{i}', 0, 0, 1), 2);
  const sub = [...out.subarray(QUAD_FLOATS, QUAD_FLOATS + 4)];
  t.is(layoutLine(out, 0, font, 'A^{i}', 0, 0, 1), 2);
  const sup = [...out.subarray(QUAD_FLOATS, QUAD_FLOATS + 4)];
  t.true(sub[1]! < plainI[1]! && sup[1]! > plainI[1]!, 'lowered / raised');
  t.true(Math.abs((sub[3]! - sub[1]!) - (plainI[3]! - plainI[1]!) * SCRIPT_SCALE) < 1e-5, 'smaller');
  t.is(sub[0], plainI[0], 'starts where the plain glyph would');
});
