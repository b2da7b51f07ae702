/**
 * A vertex array object over one interleaved float vertex buffer — the shape both the cube mesh
 * (renderer.ts) and the text quads (text-renderer.ts) use: attribute i gets `sizes[i]` floats,
 * packed in order, so the stride and offsets follow from the sizes.
 *
 * What it is not: no data upload and no per-instance attributes (the renderer adds those to the
 * VAO itself); the VAO and its buffer stay bound through GlState on return.
 */
import type { Gl } from './gl.js';
import { GL_FLOAT } from './gl-enums.js';
import type { GlState } from './gl-state.js';

export interface VertexArray {
  readonly vao: number;
  readonly vbo: number;
  /** Bytes per vertex. */
  readonly stride: number;
}

const ids = new Uint32Array(1);

/** Create a VAO with a fresh vertex buffer for attributes 0…n−1 of `sizes[i]` floats each. */
export function createVertexArray(gl: Gl, state: GlState, sizes: readonly number[]): VertexArray {
  gl.glGenVertexArrays(1, ids);
  const vao = ids[0]!;
  gl.glGenBuffers(1, ids);
  const vbo = ids[0]!;
  state.bindVao(vao);
  state.bindArrayBuffer(vbo);
  const stride = sizes.reduce((a, b) => a + b, 0) * 4;
  let offset = 0;
  sizes.forEach((size, loc) => {
    gl.glEnableVertexAttribArray(loc);
    gl.glVertexAttribPointer(loc, size, GL_FLOAT, 0, stride, offset);
    offset += size * 4;
  });
  return { vao, vbo, stride };
}

/** Delete a vertex array and its buffer. */
export function deleteVertexArray(gl: Gl, va: VertexArray): void {
  ids[0] = va.vbo;
  gl.glDeleteBuffers(1, ids);
  ids[0] = va.vao;
  gl.glDeleteVertexArrays(1, ids);
}
