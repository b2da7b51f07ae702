/**
 * RGBA → yuv420p on the CPU (core/yuv420.ts, issue 15): the colour formulas against BT.601's
 * published values, every pixel of an image against a plain floating-point conversion, a
 * rectangle given as glReadPixels packs it against the same rectangle of a whole image, the fill,
 * and the result against ffmpeg's own conversion (the one it replaces). No GL.
 */
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { fillYuv420, imageToYuv420, rgbaToYuv420, words, yuv420Bytes, yuvOf } from '../../src/core/yuv420.js';

/** A deterministic pseudo-random image of top-down RGBA rows with flat patches and noise. */
function testImage(w: number, h: number, seed = 1): Buffer {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  const img = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 4 * (y * w + x);
      const flat = ((x >> 3) + (y >> 3)) % 3 === 0;
      img[o] = flat ? (x >> 3) * 37 & 255 : rnd();
      img[o + 1] = flat ? (y >> 3) * 59 & 255 : rnd();
      img[o + 2] = flat ? 200 : rnd();
      img[o + 3] = 255;
    }
  }
  return img;
}

/** The plain conversion: BT.601 limited range in floating point, rounded; chroma of the 2 × 2 mean. */
function reference(img: Buffer, w: number, h: number): Uint8Array {
  const out = new Uint8Array(yuv420Bytes(w, h));
  const px = (x: number, y: number, k: number): number => img[4 * (y * w + x) + k]! / 255;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[y * w + x] = Math.floor(16.5 + 65.481 * px(x, y, 0) + 128.553 * px(x, y, 1) + 24.966 * px(x, y, 2));
  }
  const cw = w / 2;
  for (let cy = 0; cy < h / 2; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      const m = [0, 1, 2].map((k) => (px(2 * cx, 2 * cy, k) + px(2 * cx + 1, 2 * cy, k) + px(2 * cx, 2 * cy + 1, k) + px(2 * cx + 1, 2 * cy + 1, k)) / 4);
      out[w * h + cy * cw + cx] = Math.floor(128.5 - 37.797 * m[0]! - 74.203 * m[1]! + 112 * m[2]!);
      out[w * h * 5 / 4 + cy * cw + cx] = Math.floor(128.5 + 112 * m[0]! - 93.786 * m[1]! - 18.214 * m[2]!);
    }
  }
  return out;
}

test('BT.601 limited range: black, white, grey and the primaries', (t) => {
  const yuv = new Uint8Array(3);
  const of = (rgb: number[]): number[] => {
    yuvOf(rgb, yuv);
    return [...yuv];
  };
  t.deepEqual(of([0, 0, 0]), [16, 128, 128]);
  t.deepEqual(of([255, 255, 255]), [235, 128, 128]);
  t.deepEqual(of([128, 128, 128]), [126, 128, 128]);
  t.deepEqual(of([255, 0, 0]), [81, 90, 240]);
  t.deepEqual(of([0, 255, 0]), [145, 54, 34]);
  t.deepEqual(of([0, 0, 255]), [41, 240, 110]);
});

test('a whole image: every Y, U and V within 1 of the floating-point conversion, nearly all equal', (t) => {
  const [w, h] = [64, 38];
  const img = testImage(w, h);
  const out = new Uint8Array(yuv420Bytes(w, h));
  imageToYuv420(img, w, h, out);
  const ref = reference(img, w, h);
  let equal = 0;
  let worst = 0;
  for (let i = 0; i < out.length; i++) {
    worst = Math.max(worst, Math.abs(out[i]! - ref[i]!));
    if (out[i] === ref[i]) equal++;
  }
  t.true(worst <= 1, `largest difference ${worst}`);
  t.true(equal / out.length > 0.99, `${equal} of ${out.length} equal`);
});

test('a rectangle packed as glReadPixels gives it (bottom row first) lands where the whole image has it', (t) => {
  const [w, h] = [48, 32];
  const img = testImage(w, h, 7);
  const whole = new Uint8Array(yuv420Bytes(w, h));
  imageToYuv420(img, w, h, whole);
  // GL rectangle x 10…30, y 4…20 (origin bottom-left): image rows h − 20 … h − 5.
  const [x0, y0, x1, y1] = [10, 4, 30, 20];
  const packed = Buffer.alloc((x1 - x0) * (y1 - y0) * 4);
  for (let y = y0, o = 0; y < y1; y++) {
    for (let x = x0; x < x1; x++, o += 4) img.copy(packed, o, 4 * ((h - 1 - y) * w + x), 4 * ((h - 1 - y) * w + x) + 4);
  }
  const part = new Uint8Array(yuv420Bytes(w, h)).fill(7);
  rgbaToYuv420(words(packed), 0, x1 - x0, part, w, h, x0, y0, x1, y1);
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gy = h - 1 - y;
      const isIn = x >= x0 && x < x1 && gy >= y0 && gy < y1;
      const i = y * w + x;
      if (isIn) inside += part[i] === whole[i] ? 0 : 1;
      else outside += part[i] === 7 ? 0 : 1;
    }
  }
  const cw = w / 2;
  for (let plane = 0; plane < 2; plane++) {
    for (let cy = 0; cy < h / 2; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        const gy = h - 2 - 2 * cy;
        const isIn = 2 * cx >= x0 && 2 * cx < x1 && gy >= y0 && gy < y1;
        const i = w * h + plane * cw * (h / 2) + cy * cw + cx;
        if (isIn) inside += part[i] === whole[i] ? 0 : 1;
        else outside += part[i] === 7 ? 0 : 1;
      }
    }
  }
  t.is(inside, 0);
  t.is(outside, 0);
});

test('fill: a rectangle of each plane, nothing else', (t) => {
  const [w, h] = [16, 8];
  const out = new Uint8Array(yuv420Bytes(w, h));
  fillYuv420(out, w, h, 4, 2, 8, 6, new Uint8Array([1, 2, 3]));
  // GL rows 2…5 are image rows 2…5 at h = 8; chroma rows 1…2, columns 2…3.
  const ys = [...out.subarray(0, w * h)].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
  t.deepEqual(ys, [2, 3, 4, 5].flatMap((r) => [4, 5, 6, 7].map((c) => r * w + c)));
  const us = [...out.subarray(w * h, w * h * 5 / 4)].map((v, i) => (v === 2 ? i : -1)).filter((i) => i >= 0);
  t.deepEqual(us, [1, 2].flatMap((r) => [2, 3].map((c) => r * 8 + c)));
  t.is(out.filter((v) => v === 3).length, 4);
});

test('the same frame as ffmpeg\'s own RGBA → yuv420p conversion: Y equal, U and V within rounding in flat areas', (t) => {
  const [w, h] = [64, 48];
  // Flat 16 × 16 squares, as a rendered frame is mostly flat faces and background.
  const img = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const q = (x >> 4) + 4 * (y >> 4);
      img.set([(q * 53) & 255, (q * 101 + 40) & 255, (q * 29 + 90) & 255, 255], 4 * (y * w + x));
    }
  }
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${w}x${h}`, '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { input: img });
  t.is(r.status, 0, r.stderr?.toString());
  const ff = r.stdout;
  const out = new Uint8Array(yuv420Bytes(w, h));
  imageToYuv420(img, w, h, out);
  t.is(ff.length, out.length);
  t.deepEqual([...out.subarray(0, w * h)], [...ff.subarray(0, w * h)]);
  // Chroma away from the squares' edges (ffmpeg filters two chroma rows across them
  // vertically): equal but for rounding.
  const cw = w / 2;
  let equal = 0;
  let worst = 0;
  let n = 0;
  for (let plane = 0; plane < 2; plane++) {
    for (let cy = 0; cy < h / 2; cy++) {
      if (cy % 8 < 2 || cy % 8 > 5) continue;
      for (let cx = 0; cx < cw; cx++) {
        const i = w * h + plane * cw * (h / 2) + cy * cw + cx;
        worst = Math.max(worst, Math.abs(out[i]! - ff[i]!));
        if (out[i] === ff[i]) equal++;
        n++;
      }
    }
  }
  t.true(worst <= 1, `largest difference ${worst}`);
  t.true(equal / n > 0.9, `${equal} of ${n} equal`);
});
