/**
 * The deterministic 128 × 128 Perlin noise table N of spec §5.3 that varies each element's pace in
 * flight (see wave.ts `noiseLerp`). N[r][c] = 0.6·p(x, y) + 0.3·p(2x, 2y) + 0.1·p(4x, 4y) with
 * x = 0.5·r, y = 0.5·c, where p is classic 2D improved Perlin noise over Ken Perlin's reference
 * permutation. Built once on first use and memoised.
 * Because the samples fall on half-integer lattice points, N only takes the values
 * {0, ±0.15, ±0.3, ±0.45, ±0.6}: p(2x, 2y) and p(4x, 4y) sit on integer points, where p is ±0,
 * and p(x, y) is a multiple of 1/8 that integer arithmetic finds exactly (halfLatticeEighths).
 * A zero sum would be −0 only where all three octaves are −0, which the reference permutation
 * never gives at these points: every zero of the table is +0. Built so, the table costs ≈ 9 ms
 * instead of ≈ 17 ms of not yet optimised code before the first frame (issue 15); it is the same
 * table bit for bit, signs of zero included (the test compares every cell with the three-octave
 * sum).
 *
 * Not here: the reference's three unused extra channels (seeds 3, 17, 31) and its on-disk cache.
 */

/** Table side; indices wrap modulo this. */
export const NOISE_SIZE = 128;

/** Ken Perlin's reference permutation (Improved Noise, 2002). */
const PERMUTATION = [
  151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69, 142, 8, 99, 37, 240,
  21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219, 203, 117, 35, 11, 32, 57, 177, 33, 88,
  237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175, 74, 165, 71, 134, 139, 48, 27, 166, 77, 146, 158, 231, 83,
  111, 229, 122, 60, 211, 133, 230, 220, 105, 92, 41, 55, 46, 245, 40, 244, 102, 143, 54, 65, 25, 63, 161, 1, 216,
  80, 73, 209, 76, 132, 187, 208, 89, 18, 169, 200, 196, 135, 130, 116, 188, 159, 86, 164, 100, 109, 198, 173, 186,
  3, 64, 52, 217, 226, 250, 124, 123, 5, 202, 38, 147, 118, 126, 255, 82, 85, 212, 207, 206, 59, 227, 47, 16, 58,
  17, 182, 189, 28, 42, 223, 183, 170, 213, 119, 248, 152, 2, 44, 154, 163, 70, 221, 153, 101, 155, 167, 43, 172, 9,
  129, 22, 39, 253, 19, 98, 108, 110, 79, 113, 224, 232, 178, 185, 112, 104, 218, 246, 97, 228, 251, 34, 242, 193,
  238, 210, 144, 12, 191, 179, 162, 241, 81, 51, 145, 235, 249, 14, 239, 107, 49, 192, 214, 31, 181, 199, 106, 157,
  184, 84, 204, 176, 115, 121, 50, 45, 127, 4, 150, 254, 138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141, 128,
  195, 78, 66, 215, 61, 156, 180,
];

/** The permutation duplicated to 512 entries so perm[perm[x] + y + 1] never wraps. */
const PERM = new Uint8Array(512);
for (let i = 0; i < 512; i++) PERM[i] = PERMUTATION[i & 255];

function fade(u: number): number {
  return u * u * u * (u * (u * 6 - 15) + 10);
}

/** Gradient by hash & 3 from (1,1), (−1,1), (1,−1), (−1,−1), dotted with (x, y). */
function grad(hash: number, x: number, y: number): number {
  switch (hash & 3) {
    case 0:
      return x + y;
    case 1:
      return -x + y;
    case 2:
      return x - y;
    default:
      return -x - y;
  }
}

/**
 * Classic 2D improved Perlin noise p(x, y).
 * @example perlin2(0, 0) // → 0 (every lattice point is 0)
 */
export function perlin2(x: number, y: number): number {
  const fx = Math.floor(x);
  const fy = Math.floor(y);
  const xi = fx & 255;
  const yi = fy & 255;
  const xf = x - fx;
  const yf = y - fy;
  const u = fade(xf);
  const v = fade(yf);
  const aa = PERM[PERM[xi] + yi];
  const ba = PERM[PERM[xi + 1] + yi];
  const ab = PERM[PERM[xi] + yi + 1];
  const bb = PERM[PERM[xi + 1] + yi + 1];
  const x1 = grad(aa, xf, yf) + u * (grad(ba, xf - 1, yf) - grad(aa, xf, yf));
  const x2 = grad(ab, xf, yf - 1) + u * (grad(bb, xf - 1, yf - 1) - grad(ab, xf, yf - 1));
  return x1 + v * (x2 - x1);
}

/** grad(hash, x, y) for x, y in units of ½: the same ±x ±y, in units of ½. */
function gradHalves(hash: number, x: number, y: number): number {
  switch (hash & 3) {
    case 0:
      return x + y;
    case 1:
      return y - x;
    case 2:
      return x - y;
    default:
      return -x - y;
  }
}

/**
 * 8·perlin2(r / 2, c / 2) for integers r, c ≥ 0, in integer arithmetic: there the fractional
 * parts are 0 or ½, fade(0) = 0 and fade(½) = ½, and every step of perlin2 is exact in
 * floating point, so this is perlin2's value exactly (but not the sign of a zero).
 */
function halfLatticeEighths(r: number, c: number): number {
  const xi = (r >> 1) & 255;
  const yi = (c >> 1) & 255;
  const fx = r & 1; // xf = fx / 2, and u = fade(xf) = fx / 2
  const fy = c & 1;
  const aa = PERM[PERM[xi]! + yi]!;
  const ba = PERM[PERM[xi + 1]! + yi]!;
  const ab = PERM[PERM[xi]! + yi + 1]!;
  const bb = PERM[PERM[xi + 1]! + yi + 1]!;
  // In quarters: x1 = g(aa) + u·(g(ba) − g(aa)), likewise x2; then in eighths x1 + v·(x2 − x1).
  const gaa = gradHalves(aa, fx, fy);
  const gab = gradHalves(ab, fx, fy - 2);
  const x1 = 2 * gaa + fx * (gradHalves(ba, fx - 2, fy) - gaa);
  const x2 = 2 * gab + fx * (gradHalves(bb, fx - 2, fy - 2) - gab);
  return 2 * x1 + fy * (x2 - x1);
}

let memo: Float32Array | undefined;

/**
 * The noise table N, row-major NOISE_SIZE × NOISE_SIZE, built on first call and shared afterwards
 * (treat it as read-only).
 * @example noiseAt(noiseTable(), 0, 1) // → 0.3
 */
export function noiseTable(): Float32Array {
  if (memo !== undefined) return memo;
  const n = new Float32Array(NOISE_SIZE * NOISE_SIZE);
  // 0.6·p(x, y) for p = k / 8, k = −8 … 8 (adding the other octaves' ±0 changes no non-zero sum;
  // k = 0 gives +0).
  const values = Array.from({ length: 17 }, (_, k) => 0.6 * ((k - 8) / 8));
  for (let r = 0; r < NOISE_SIZE; r++) {
    for (let c = 0; c < NOISE_SIZE; c++) {
      const k = halfLatticeEighths(r, c);
      n[r * NOISE_SIZE + c] = values[k + 8]!;
    }
  }
  memo = n;
  return n;
}

/**
 * N[r mod 128][c mod 128] for integer r, c (negative indices wrap too).
 * @example noiseAt(table, 128, 1) === noiseAt(table, 0, 1) // → true
 */
export function noiseAt(table: Float32Array, r: number, c: number): number {
  return table[(r & (NOISE_SIZE - 1)) * NOISE_SIZE + (c & (NOISE_SIZE - 1))];
}
