/**
 * Glyph atlas rasterised with @napi-rs/canvas from the font committed in fonts/ (DejaVu Sans,
 * licence in fonts/LICENSE-DejaVu.txt), spec §7.5: printable ASCII plus the symbols the scene
 * uses (ᵀ · × → − … √ ²), at a pixel size already multiplied by the framebuffer pixel ratio.
 * Each glyph gets its own shelf-packed cell spanning the full line (ascent + descent) plus
 * padding; a 4×4 solid white block at the origin gives background quads a coverage of 1.
 *
 * Spacing uses the font's real advances (the reference used ink width + 1 px, a Pillow
 * artefact that crowds letters); layout does not depend on it beyond measured widths.
 *
 * What it is not: no GL upload (text-renderer.ts), no layout (text-layout.ts).
 */
import path from 'node:path';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import type { FontMetrics, GlyphMetrics } from './text-layout.js';
import { findPackageRoot } from './shader.js';

/** Characters beyond ASCII 32…126 the scene draws. */
export const EXTRA_GLYPHS = 'ᵀ·×→←−…√²␣Σμσγβ≤⁹⁻⁵–—';
const FAMILY = 'GptvizDejaVuSans';
const PAD = 2;
const SOLID = 8;
/** Empty texels between cells, so mip levels 1–2 of one glyph do not bleed into the next. */
const GAP = 6;

export interface FontAtlas extends FontMetrics {
  /** Size the atlas was rasterised at (px, pixel ratio included). */
  pixelSize: number;
  width: number;
  height: number;
  /** Single-channel coverage, row 0 at the top, `width × height` bytes. */
  pixels: Uint8Array;
  /** Texture coordinate of a fully covered texel. */
  solidU: number;
  solidV: number;
}

let registered = false;

function registerFont(): void {
  if (registered) return;
  const file = path.join(findPackageRoot(), 'fonts', 'DejaVuSans.ttf');
  if (GlobalFonts.registerFromPath(file, FAMILY) === null) {
    throw new Error(`cannot load the font ${file}`);
  }
  registered = true;
}

/** The glyph set: printable ASCII then EXTRA_GLYPHS. */
export function glyphSet(): string[] {
  const chars: string[] = [];
  for (let c = 32; c <= 126; c++) chars.push(String.fromCharCode(c));
  for (const ch of EXTRA_GLYPHS) chars.push(ch);
  return chars;
}

/** Rasterise the atlas at `pixelSize` px (≥ 4). */
export function buildFontAtlas(pixelSize: number): FontAtlas {
  registerFont();
  const size = Math.max(4, Math.round(pixelSize));
  const probe = createCanvas(8, 8).getContext('2d');
  probe.font = `${size}px ${FAMILY}`;
  const chars = glyphSet();
  const fm = probe.measureText('Hg');
  const ascent = Math.ceil(fm.fontBoundingBoxAscent);
  const descent = Math.ceil(fm.fontBoundingBoxDescent);
  const cellH = ascent + descent + 2 * PAD;
  const width = size * ratioWidth(size);
  // Shelf packing: cells left to right, a new row when full; the solid block comes first.
  const placed: { ch: string; x: number; y: number; left: number; right: number; advance: number }[] = [];
  let x = SOLID + GAP;
  let y = 0;
  for (const ch of chars) {
    const m = probe.measureText(ch);
    const left = Math.floor(-m.actualBoundingBoxLeft) - PAD;
    const right = Math.ceil(m.actualBoundingBoxRight) + PAD;
    const w = Math.max(1, right - left);
    if (x + w > width) {
      x = 0;
      y += cellH + GAP;
    }
    placed.push({ ch, x, y, left, right, advance: m.width });
    x += w + GAP;
  }
  const height = y + cellH;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.font = `${size}px ${FAMILY}`;
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'alphabetic';
  ctx.fillRect(0, 0, SOLID, SOLID);
  for (const p of placed) ctx.fillText(p.ch, p.x - p.left, p.y + PAD + ascent);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgba[i * 4 + 3]!;
  const glyphs = new Map<number, GlyphMetrics>();
  for (const p of placed) {
    glyphs.set(p.ch.codePointAt(0)!, {
      advance: p.advance,
      x0: p.left,
      x1: p.right,
      y0: -(descent + PAD),
      y1: ascent + PAD,
      u0: p.x / width,
      v0: p.y / height,
      u1: (p.x + p.right - p.left) / width,
      v1: (p.y + cellH) / height,
    });
  }
  const fallback = glyphs.get(32)!;
  return {
    pixelSize: size, width, height, pixels, ascent, descent, lineHeight: ascent + descent, glyphs, fallback,
    solidU: SOLID / 2 / width, solidV: SOLID / 2 / height,
  };
}

/** Atlas width in multiples of the pixel size: about 4 rows for the whole glyph set. */
function ratioWidth(size: number): number {
  return size <= 64 ? 24 : 20;
}
