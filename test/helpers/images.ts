/**
 * Pixel helpers for GL tests: read a pixel or average a small region of top-down RGBA/RGB rows,
 * decode the PNGs our encoder writes (8-bit RGB/RGBA, any filter), and write a PNG next to a
 * failing test so a person can look at it.
 */
import { writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { encodePng } from '../../src/core/png.js';

export interface Image {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** [r, g, b] at (x, y) (top-left origin). */
export function pixelAt(img: Image, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * img.width + Math.round(x)) * img.channels;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

/** Mean [r, g, b] over the (2r+1)² square around (x, y). */
export function meanAround(img: Image, x: number, y: number, r = 1): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const p = pixelAt(img, Math.min(img.width - 1, Math.max(0, x + dx)), Math.min(img.height - 1, Math.max(0, y + dy)));
      s[0] += p[0]; s[1] += p[1]; s[2] += p[2];
      n++;
    }
  }
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** Count pixels in the rectangle whose max channel is ≥ `min`. */
export function countBright(img: Image, x0: number, y0: number, x1: number, y1: number, min = 128): number {
  let n = 0;
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x++) {
      const p = pixelAt(img, x, y);
      if (Math.max(p[0], p[1], p[2]) >= min) n++;
    }
  }
  return n;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decode an 8-bit RGB/RGBA non-interlaced PNG. */
export function decodePng(file: Buffer): Image {
  if (file.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0, height = 0, channels: 3 | 4 = 4;
  const idat: Buffer[] = [];
  while (pos < file.length) {
    const len = file.readUInt32BE(pos);
    const type = file.toString('latin1', pos + 4, pos + 8);
    const data = file.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6) || data[12] !== 0) throw new Error('unsupported PNG');
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const row = width * channels;
  const out = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (row + 1)]!;
    for (let x = 0; x < row; x++) {
      const v = raw[y * (row + 1) + 1 + x]!;
      const a = x >= channels ? out[y * row + x - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * row + x]! : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * row + x - channels]! : 0;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[y * row + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, channels, data: out };
}

/** Save an image as PNG (for looking at a failure). */
export function savePng(img: Image, file: string): void {
  writeFileSync(file, encodePng(img.data, img.width, img.height, img.channels));
}
