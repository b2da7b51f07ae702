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
 * fontAtlas keeps each atlas it builds, with its mip levels, in the user's cache folder
 * (XDG_CACHE_HOME, else ~/.cache: gptviz/atlas-<key>.bin) and reads it from there the next time
 * (issue 15, first frame first: loading the rasteriser's library and drawing the glyphs cost the
 * window ≈ 80 ms before its first frame, the overlay atlas's mip levels ≈ 9 ms). The key is a hash
 * of everything the atlas depends on: this module's and mipmaps.ts's code, the font file (size and
 * time), the rasteriser's version and platform, the pixel size. A cache that
 * cannot be read, written or trusted is ignored: the atlas is then built as before (user-cache.ts:
 * the folder, and the pruning of files not written for 30 days).
 *
 * What it is not: no GL upload (text-renderer.ts), no layout (text-layout.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Canvas from '@napi-rs/canvas';
import type { FontMetrics, GlyphMetrics } from './text-layout.js';
import type { MipLevel } from './mipmaps.js';
import { mipChain } from './mipmaps.js';
import { findPackageRoot } from './shader.js';
import { storeCacheFile, userCacheDir } from '../user-cache.js';

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
  /** Mip levels 1 … 1 × 1 below `pixels` (mipmaps.ts mipChain; kept in the cache with them). */
  mips: readonly MipLevel[];
}

let registered = false;
let canvasLib: typeof Canvas | undefined;

/** The rasteriser, loaded when first needed (≈ 50 ms: a window with cached atlases never loads it). */
function canvasLibrary(): typeof Canvas {
  return canvasLib ??= createRequire(import.meta.url)('@napi-rs/canvas') as typeof Canvas;
}

function fontFile(): string {
  return path.join(findPackageRoot(), 'fonts', 'DejaVuSans.ttf');
}

function registerFont(): void {
  if (registered) return;
  const file = fontFile();
  if (canvasLibrary().GlobalFonts.registerFromPath(file, FAMILY) === null) {
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
  const { createCanvas } = canvasLibrary();
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
    solidU: SOLID / 2 / width, solidV: SOLID / 2 / height, mips: mipChain({ width, height, pixels }),
  };
}

/** Atlas width in multiples of the pixel size: about 4 rows for the whole glyph set. */
function ratioWidth(size: number): number {
  return size <= 64 ? 24 : 20;
}

/** Hash of everything an atlas of `size` px depends on (see the module comment). */
function cacheKey(size: number): string {
  const h = createHash('sha256');
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  h.update(readFileSync(fileURLToPath(new URL('./mipmaps.js', import.meta.url))));
  const font = statSync(fontFile());
  const canvasDir = path.dirname(createRequire(import.meta.url).resolve('@napi-rs/canvas/package.json'));
  const version = (JSON.parse(readFileSync(path.join(canvasDir, 'package.json'), 'utf8')) as { version?: string }).version;
  h.update(JSON.stringify([size, font.size, font.mtimeMs, version, process.platform, process.arch]));
  return h.digest('hex').slice(0, 32);
}

const MAGIC = 'gptviz-atlas-2';
/**
 * The file: its header's byte length (uint32 LE), the header (JSON: metrics, glyphs and the mip
 * levels' sizes), then the coverage bytes of level 0 and of each mip level in turn.
 */
function encodeAtlas(a: FontAtlas): Buffer {
  const mips = a.mips;
  const glyphs = [...a.glyphs].map(([code, g]) => [code, g.advance, g.x0, g.x1, g.y0, g.y1, g.u0, g.v0, g.u1, g.v1]);
  const header = Buffer.from(JSON.stringify({
    magic: MAGIC, pixelSize: a.pixelSize, width: a.width, height: a.height, ascent: a.ascent, descent: a.descent,
    lineHeight: a.lineHeight, solidU: a.solidU, solidV: a.solidV, glyphs, mips: mips.map((m) => [m.width, m.height]),
  }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([len, header, a.pixels, ...mips.map((m) => m.pixels)]);
}

/**
 * `bytes` bytes of `buf` from `at`, as a view of the file's own memory: a copy of the 1.2 MB label
 * atlas costs ≈ 7 ms, mostly page faults on the development machine.
 */
function view(buf: Buffer, at: number, bytes: number): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset + at, bytes);
}

/** The atlas in `file`, or undefined when it is missing or not a whole atlas of `size` px. */
function decodeAtlas(file: string, size: number): FontAtlas | undefined {
  try {
    const buf = readFileSync(file);
    const n = buf.readUInt32LE(0);
    const h = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as {
      magic: string; pixelSize: number; width: number; height: number; ascent: number; descent: number; lineHeight: number;
      solidU: number; solidV: number; glyphs: number[][]; mips: number[][];
    };
    if (h.magic !== MAGIC || h.pixelSize !== size || !Array.isArray(h.mips)) return undefined;
    const mips: MipLevel[] = [];
    let at = 4 + n + h.width * h.height;
    for (const [width, height] of h.mips) {
      const bytes = width! * height!;
      mips.push({ width: width!, height: height!, pixels: view(buf, at, bytes) });
      at += bytes;
    }
    if (buf.length !== at) return undefined;
    const glyphs = new Map<number, GlyphMetrics>();
    for (const [code, advance, x0, x1, y0, y1, u0, v0, u1, v1] of h.glyphs) {
      glyphs.set(code!, { advance: advance!, x0: x0!, x1: x1!, y0: y0!, y1: y1!, u0: u0!, v0: v0!, u1: u1!, v1: v1! });
    }
    const fallback = glyphs.get(32);
    if (fallback === undefined || glyphs.size !== glyphSet().length) return undefined;
    return {
      pixelSize: h.pixelSize, width: h.width, height: h.height, pixels: view(buf, 4 + n, h.width * h.height),
      ascent: h.ascent, descent: h.descent, lineHeight: h.lineHeight, glyphs, fallback, solidU: h.solidU, solidV: h.solidV, mips,
    };
  } catch {
    return undefined;
  }
}

/**
 * The atlas at `pixelSize` px (as buildFontAtlas), from the cache in `dir` when it holds it, else
 * built and stored there (best effort). `dir` undefined: built, no cache.
 */
export function fontAtlas(pixelSize: number, dir: string | undefined = userCacheDir()): FontAtlas {
  const size = Math.max(4, Math.round(pixelSize));
  if (dir === undefined) return buildFontAtlas(size);
  let file: string;
  try {
    file = path.join(dir, `atlas-${cacheKey(size)}.bin`);
  } catch {
    return buildFontAtlas(size);
  }
  const cached = decodeAtlas(file, size);
  if (cached !== undefined) return cached;
  const atlas = buildFontAtlas(size);
  // A cache that cannot be written: the next start builds the atlas again.
  storeCacheFile(dir, path.basename(file), encodeAtlas(atlas));
  return atlas;
}
