/**
 * Text layout (spec §7.5), pure: string + glyph metrics → quads. No GL, no canvas.
 *
 * Coordinates are a local 2D frame in font pixels × `scale`: x grows along the reading direction,
 * y grows upward, and the origin is the bottom of the text cell (below the descenders), so a
 * line of text occupies y ∈ [0, lineHeight·scale]. Callers map the frame to world space (3D
 * labels: local x → world −X, spec §7.5) or to framebuffer pixels (2D overlay).
 *
 * Each quad is 8 floats: x0 y0 x1 y1 (local) u0 v0 u1 v1 (atlas, v0 at the quad's top).
 * Unknown characters fall back to the space glyph. Allocation-free.
 *
 * Markup (issue 17): `_{…}` sets its contents as a subscript and `^{…}` as a superscript
 * (SCRIPT_SCALE of the size, lowered / raised), so `W_{Q}` and `K^{T}` read as typography. A `_`
 * or `^` not followed by `{` is an ordinary character.
 */

/** Size of sub/superscripts relative to the text. */
export const SCRIPT_SCALE = 0.68;
/** Baseline shifts as fractions of the ascent: subscript down, superscript up. */
const SUB_SHIFT = -0.18;
const SUP_SHIFT = 0.42;

/** Script mode starting at text[i]: 1 = subscript, 2 = superscript, 0 = none. */
function scriptAt(text: string, i: number): number {
  const ch = text.charCodeAt(i);
  if ((ch !== 95 && ch !== 94) || text.charCodeAt(i + 1) !== 123) return 0;
  return ch === 95 ? 1 : 2;
}

/** One glyph of an atlas, in atlas pixels relative to the pen on the baseline. */
export interface GlyphMetrics {
  /** Pen advance. */
  advance: number;
  /** Quad extent: x from pen, y from the baseline (up positive). */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** Texture rectangle (normalised); v0 is the quad's top edge. */
  u0: number;
  v0: number;
  u1: number;
  v1: number;
}

export interface FontMetrics {
  /** Font ascent and descent in atlas pixels (both positive). */
  ascent: number;
  descent: number;
  /** ascent + descent: the text cell height. */
  lineHeight: number;
  glyphs: ReadonlyMap<number, GlyphMetrics>;
  /** Glyph used for characters the atlas lacks (the space). */
  fallback: GlyphMetrics;
}

export const QUAD_FLOATS = 8;

function glyphOf(font: FontMetrics, code: number): GlyphMetrics {
  return font.glyphs.get(code) ?? font.fallback;
}

/** `scan` flags: an opening `_{` / `^{` (mode in the low bits), or the closing `}` of a script. */
const OPEN = 4;
const CLOSE = 8;

/**
 * One step of the markup scanner at `text[i]` in `mode` (0 plain, 1 subscript, 2 superscript):
 * the mode to go on with, or OPEN | mode / CLOSE when `text[i]` is markup, not a glyph.
 * Allocation-free: measureText and layoutLine call it per character.
 */
function scan(text: string, i: number, mode: number): number {
  if (mode === 0) {
    const m = scriptAt(text, i);
    return m === 0 ? 0 : OPEN | m;
  }
  return text.charCodeAt(i) === 125 ? CLOSE : mode;
}

/**
 * The glyph walk shared by measureText and layoutLine: `cursor` (module-level, so the walk
 * allocates nothing; neither caller re-enters it) holds the next index, the script mode and the
 * code point found by `nextGlyph`.
 */
const cursor = { i: 0, mode: 0, code: 0 };

/** Move `cursor` to the next glyph of `text` (markup skipped); false at the end. */
function nextGlyph(text: string): boolean {
  while (cursor.i < text.length) {
    const step = scan(text, cursor.i, cursor.mode);
    if (step >= OPEN) {
      cursor.mode = step & 3;
      cursor.i += (step & OPEN) !== 0 ? 2 : 1; // `_{` / `^{`, or `}`
      continue;
    }
    cursor.code = text.codePointAt(cursor.i)!;
    cursor.i += cursor.code > 0xffff ? 2 : 1;
    return true;
  }
  return false;
}

/**
 * Width of `text` in atlas pixels (sum of advances).
 * @example measureText(font, 'ab') === font.glyphs.get(97).advance + font.glyphs.get(98).advance
 */
export function measureText(font: FontMetrics, text: string): number {
  let w = 0;
  cursor.i = 0;
  cursor.mode = 0;
  while (nextGlyph(text)) w += glyphOf(font, cursor.code).advance * (cursor.mode === 0 ? 1 : SCRIPT_SCALE);
  return w;
}

/** Number of quads `layoutLine` writes for `text` (whitespace included: glyph quads may be blank). */
export function countQuads(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.codePointAt(i)! > 0xffff) i++;
    n++;
  }
  return n;
}

/**
 * Lay out one line starting at local (x, y) = cell bottom-left, `scale` local units per atlas
 * pixel. Writes quads from `out[offset]` and returns the number written. Spaces produce no quad.
 * @example layoutLine(quads, 0, font, 'Hi', 0, 0, 1) === 2
 */
export function layoutLine(
  out: Float32Array, offset: number, font: FontMetrics, text: string, x: number, y: number, scale: number,
): number {
  let pen = x;
  const base0 = y + font.descent * scale;
  let n = 0;
  let o = offset;
  cursor.i = 0;
  cursor.mode = 0;
  while (nextGlyph(text)) {
    const { mode, code } = cursor;
    const g = glyphOf(font, code);
    const sc = mode === 0 ? scale : scale * SCRIPT_SCALE;
    const baseline = mode === 0 ? base0 : base0 + font.ascent * scale * (mode === 1 ? SUB_SHIFT : SUP_SHIFT);
    if (g.x1 > g.x0 && code !== 32) {
      out[o] = pen + g.x0 * sc;
      out[o + 1] = baseline + g.y0 * sc;
      out[o + 2] = pen + g.x1 * sc;
      out[o + 3] = baseline + g.y1 * sc;
      out[o + 4] = g.u0;
      out[o + 5] = g.v0;
      out[o + 6] = g.u1;
      out[o + 7] = g.v1;
      o += QUAD_FLOATS;
      n++;
    }
    pen += g.advance * sc;
  }
  return n;
}

/**
 * Greedy word wrap (issue 13's caption band): split `text` at spaces into lines no wider than
 * `maxWidth` atlas pixels (a single word wider than that gets a line of its own). Allocates the
 * lines — callers cache them per string.
 *
 * @example wrapText(font, 'one two three', measureText(font, 'one two')) // → ['one two', 'three']
 */
export function wrapText(font: FontMetrics, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && measureText(font, next) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
