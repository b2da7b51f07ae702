/**
 * The unit cube (spec §7.3): centred at the origin, corners ±0.5, 36 vertices (12 triangles,
 * 2 per face), flat per-face normals, interleaved position (3 floats) + normal (3 floats).
 * Triangles wind counter-clockwise seen from outside, so back-face culling (GL_CCW front)
 * removes the three hidden faces of every cube — half the rasterisation on llvmpipe.
 *
 * What it is not: no GL calls; pure data, built once.
 */

/** Floats per vertex: px py pz nx ny nz. */
export const CUBE_VERTEX_FLOATS = 6;
export const CUBE_VERTEX_COUNT = 36;

/** Faces as [normal, u, v] with u × v = normal, so (−u−v, +u−v, +u+v) is counter-clockwise from outside. */
const FACES: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
  [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
  [[-1, 0, 0], [0, 0, 1], [0, 1, 0]],
  [[0, 1, 0], [0, 0, 1], [1, 0, 0]],
  [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
  [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
  [[0, 0, -1], [0, 1, 0], [1, 0, 0]],
];

/** Corner coefficients (su, sv) of the two triangles of a face. */
const CORNERS: readonly (readonly [number, number])[] = [
  [-1, -1], [1, -1], [1, 1],
  [-1, -1], [1, 1], [-1, 1],
];

/** Build the 36-vertex interleaved cube (216 floats). */
export function buildCubeMesh(): Float32Array {
  const out = new Float32Array(CUBE_VERTEX_COUNT * CUBE_VERTEX_FLOATS);
  let o = 0;
  for (const [n, u, v] of FACES) {
    for (const [su, sv] of CORNERS) {
      for (let k = 0; k < 3; k++) out[o + k] = 0.5 * n[k]! + 0.5 * su * u[k]! + 0.5 * sv * v[k]!;
      for (let k = 0; k < 3; k++) out[o + 3 + k] = n[k]!;
      o += CUBE_VERTEX_FLOATS;
    }
  }
  return out;
}
