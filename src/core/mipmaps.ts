/**
 * The mip chain of a one-channel 8-bit texture (the font atlases), computed on the CPU byte for
 * byte as Mesa's llvmpipe computes glGenerateMipmap (issue 15, first frame first): its first
 * glGenerateMipmap in a process costs ≈ 75 ms (compiling the blit it generates with), here the
 * chain of the overlay atlas takes a few milliseconds. Each level halves the one above (sizes
 * rounded down, at least 1) with the blit's bilinear sample at each texel's centre, in the
 * rasteriser's fixed point: the source coordinate in 1/256 texel, rounded from a float32
 * ((x + ½) / n · N · 256, less ½ texel); weights of 8 bits; each lerp p + ((q − p)·w + 128) >> 8,
 * along x, then y; clamped to the edge. Tested against glGenerateMipmap's levels read back: the
 * same bytes for the atlases at pixel ratio 1 (so the same pictures) and for odd-sized noise; the
 * label atlas at ratio 2 has 2 texels 1 off, where a coordinate lies within 1/500 texel of a
 * rounding edge and llvmpipe's interpolation lands on the other side. Other drivers filter in
 * their own ways anyway: this chain is the same everywhere.
 *
 * What it is not: no GL calls (text-renderer.ts uploads the levels).
 */

/** One level: width × height bytes, row-major, top row first as uploaded. */
export interface MipLevel {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

const f32 = Math.fround;

/**
 * Texel index and weight (8 bits) of each destination texel along one axis of n texels sampling
 * a source of N: ipart[i], frac[i]. Index −1 means the first texel (clamped).
 */
function axis(n: number, N: number): { ipart: Int32Array; frac: Int32Array } {
  const ipart = new Int32Array(n);
  const frac = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const fixed = Math.round(f32(f32(f32(f32(i + 0.5) / n) * N) * 256)) - 128;
    ipart[i] = fixed >> 8;
    frac[i] = fixed & 255;
  }
  return { ipart, frac };
}

/** The level below `src`: (width >> 1) × (height >> 1), each at least 1. */
export function halve(src: MipLevel): MipLevel {
  const W = src.width;
  const H = src.height;
  const w = Math.max(1, W >> 1);
  const h = Math.max(1, H >> 1);
  const s = src.pixels;
  const out = new Uint8Array(w * h);
  const xs = axis(w, W);
  const ys = axis(h, H);
  const clampX = (x: number): number => (x < 0 ? 0 : x >= W ? W - 1 : x);
  const clampY = (y: number): number => (y < 0 ? 0 : y >= H ? H - 1 : y);
  for (let y = 0; y < h; y++) {
    const yi = ys.ipart[y]!;
    const fy = ys.frac[y]!;
    const r0 = clampY(yi) * W;
    const r1 = clampY(yi + 1) * W;
    for (let x = 0; x < w; x++) {
      const xi = xs.ipart[x]!;
      const fx = xs.frac[x]!;
      const x0 = clampX(xi);
      const x1 = clampX(xi + 1);
      const a = s[r0 + x0]!;
      const b = s[r0 + x1]!;
      const c = s[r1 + x0]!;
      const d = s[r1 + x1]!;
      const top = a + (((b - a) * fx + 128) >> 8);
      const bottom = c + (((d - c) * fx + 128) >> 8);
      out[y * w + x] = (top + (((bottom - top) * fy + 128) >> 8)) & 255;
    }
  }
  return { width: w, height: h, pixels: out };
}

/** Levels 1 … down to 1 × 1 below `base` (level 0, not included). */
export function mipChain(base: MipLevel): MipLevel[] {
  const levels: MipLevel[] = [];
  let cur = base;
  while (cur.width > 1 || cur.height > 1) {
    cur = halve(cur);
    levels.push(cur);
  }
  return levels;
}
