/**
 * RGBA → yuv420p on the CPU (issue 15), for the video encoder. ffmpeg's own conversion of a raw
 * RGBA 1080p frame costs it ≈ 6.5 ms of CPU, half of x264 ultrafast's time; here only the screen
 * rectangles a frame drew are converted (≈ 13 % of a recording's pixels: the rest is the clear
 * colour, filled), and 1.5 bytes a pixel go through the pipe instead of 4.
 *
 * The colour matrix is ffmpeg's default for RGB → yuv420p: BT.601, limited range (Y 16–235, U
 * and V 16–240 around 128), rounded. U and V are those of the mean of each 2 × 2 block (ffmpeg
 * filters chroma over more rows, so next to an edge its U and V differ by a level or two; Y is
 * the same). Fixed point: Y in 16.16, U and V from the block's sums in 16.18 (every sum stays
 * below 2³¹).
 *
 * The frame's layout, as ffmpeg reads `-pix_fmt yuv420p`: Y (width × height), then U, then V
 * (width/2 × height/2 each), rows top-down. Width and height even. What it is not: no GL
 * (readback.ts reads the rectangles and calls these).
 */

const YR = 16829, YG = 33039, YB = 6416, Y_ROUND = 16.5 * 65536;
const UR = -9714, UG = -19070, UB = 28784;
const VR = 28784, VG = -24103, VB = -4681;
const C_ROUND = 128.5 * 262144;

/** Bytes of a yuv420p frame of width × height (both even). */
export function yuv420Bytes(width: number, height: number): number {
  return (width * height * 3) / 2;
}

/** Y, U and V (0–255) of the RGB colour `rgba` (bytes; alpha ignored), into `out`. */
export function yuvOf(rgba: ArrayLike<number>, out: Uint8Array): void {
  const r = rgba[0]!, g = rgba[1]!, b = rgba[2]!;
  out[0] = (Y_ROUND + YR * r + YG * g + YB * b) >> 16;
  out[1] = (C_ROUND + 4 * (UR * r + UG * g + UB * b)) >> 18;
  out[2] = (C_ROUND + 4 * (VR * r + VG * g + VB * b)) >> 18;
}

/**
 * Fill the GL-window rectangle [x0, x1) × [y0, y1) (origin bottom-left; all four even) of the
 * width × height yuv420p frame `out` with the colour whose Y, U, V are `yuv`.
 */
export function fillYuv420(out: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, yuv: Uint8Array): void {
  for (let y = y0; y < y1; y++) {
    const row = (height - 1 - y) * width;
    out.fill(yuv[0]!, row + x0, row + x1);
  }
  const cw = width >> 1;
  const u = width * height;
  const v = u + cw * (height >> 1);
  for (let y = y0; y < y1; y += 2) {
    const row = ((height - 2 - y) >> 1) * cw;
    out.fill(yuv[1]!, u + row + (x0 >> 1), u + row + (x1 >> 1));
    out.fill(yuv[2]!, v + row + (x0 >> 1), v + row + (x1 >> 1));
  }
}

/** Bit shifts of R, G and B in an RGBA pixel read as one 32-bit word (the machine's byte order). */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const SR = LITTLE ? 0 : 24, SG = LITTLE ? 8 : 16, SB = LITTLE ? 16 : 8;

/**
 * Convert RGBA pixels to the GL-window rectangle [x0, x1) × [y0, y1) (origin bottom-left; all four
 * even) of the width × height yuv420p frame `out`. `src` holds the pixels as 32-bit words (the
 * RGBA bytes in memory order): the rectangle's pixel (x0, y0) at index `offset`, the next GL row
 * `stride` words further on — x1 − x0 for rows as glReadPixels packs them, bottom row first;
 * −width for a top-down image (imageToYuv420).
 */
export function rgbaToYuv420(
  src: Uint32Array, offset: number, stride: number,
  out: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number,
): void {
  const cw = width >> 1;
  const u = width * height;
  const v = u + cw * (height >> 1);
  // Most blocks repeat the one before (the clear colour, a cube's flat face): computed once.
  let q0 = -1, q1 = -1, q2 = -1, q3 = -1;
  let y0v = 0, y1v = 0, y2v = 0, y3v = 0, uv = 0, vv = 0;
  for (let y = y0; y < y1; y += 2) {
    // GL rows y and y + 1 are image rows height − 1 − y (lower) and height − 2 − y (upper).
    let a = offset + (y - y0) * stride;
    let b = a + stride;
    let ya = (height - 1 - y) * width + x0;
    let yb = ya - width;
    let c = ((height - 2 - y) >> 1) * cw + (x0 >> 1);
    for (let x = x0; x < x1; x += 2, a += 2, b += 2, ya += 2, yb += 2, c++) {
      const p0 = src[a]!, p1 = src[a + 1]!, p2 = src[b]!, p3 = src[b + 1]!;
      if (p0 !== q0 || p1 !== q1 || p2 !== q2 || p3 !== q3) {
        q0 = p0; q1 = p1; q2 = p2; q3 = p3;
        const r0 = (p0 >>> SR) & 255, g0 = (p0 >>> SG) & 255, b0 = (p0 >>> SB) & 255;
        const r1 = (p1 >>> SR) & 255, g1 = (p1 >>> SG) & 255, b1 = (p1 >>> SB) & 255;
        const r2 = (p2 >>> SR) & 255, g2 = (p2 >>> SG) & 255, b2 = (p2 >>> SB) & 255;
        const r3 = (p3 >>> SR) & 255, g3 = (p3 >>> SG) & 255, b3 = (p3 >>> SB) & 255;
        y0v = (Y_ROUND + YR * r0 + YG * g0 + YB * b0) >> 16;
        y1v = (Y_ROUND + YR * r1 + YG * g1 + YB * b1) >> 16;
        y2v = (Y_ROUND + YR * r2 + YG * g2 + YB * b2) >> 16;
        y3v = (Y_ROUND + YR * r3 + YG * g3 + YB * b3) >> 16;
        const rs = r0 + r1 + r2 + r3, gs = g0 + g1 + g2 + g3, bs = b0 + b1 + b2 + b3;
        uv = (C_ROUND + UR * rs + UG * gs + UB * bs) >> 18;
        vv = (C_ROUND + VR * rs + VG * gs + VB * bs) >> 18;
      }
      out[ya] = y0v;
      out[ya + 1] = y1v;
      out[yb] = y2v;
      out[yb + 1] = y3v;
      out[u + c] = uv;
      out[v + c] = vv;
    }
  }
}

/** The 32-bit words of `bytes` (whose offset and length are multiples of 4), without copying. */
export function words(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

/** The whole width × height frame of top-down RGBA rows `image` into the yuv420p frame `out`. */
export function imageToYuv420(image: Uint8Array, width: number, height: number, out: Uint8Array): void {
  rgbaToYuv420(words(image), (height - 1) * width, -width, out, width, height, 0, 0, width, height);
}
