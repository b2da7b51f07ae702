/**
 * Text drawing (spec §7.5): uploads the glyph atlases as single-channel textures and draws
 *   - 3D labels: quads in the world XY plane at the label's z, reading toward −X (screen-right),
 *     aligned by Label.alignX/alignY fractions, white at 0.9·alpha, with an optional black box
 *     (0.92·alpha) pushed 0.15 along the camera's forward so the glyphs win the depth test;
 *   - 2D overlay lines in framebuffer pixels (origin bottom-left), stacked from their corner with
 *     26 px margins, on black 0.6 backgrounds, text white 0.95·alpha; sizes scale with the pixel ratio.
 * One draw per batch (all labels; all overlay lines). Vertex layout: position xyz, uv, RGBA.
 *
 * What it is not: no layout maths (text-layout.ts), no rasterisation (font-atlas.ts), no GL state
 * outside the GlState it is given. Owned and called by the Renderer.
 */
import type { mat4 } from 'gl-matrix';
import type { FrameDesc, OverlayText } from '../frame.js';
import type { FontAtlas } from './font-atlas.js';
import { buildFontAtlas } from './font-atlas.js';
import type { Gl } from './gl.js';
import type { GlState } from './gl-state.js';
import {
  GL_ARRAY_BUFFER, GL_BLEND, GL_CLAMP_TO_EDGE, GL_CULL_FACE, GL_DEPTH_TEST, GL_DYNAMIC_DRAW, GL_FLOAT, GL_LINEAR,
  GL_LINEAR_MIPMAP_LINEAR, GL_R8, GL_RED, GL_TEXTURE0, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_TEXTURE_MIN_FILTER, GL_TEXTURE_WRAP_S,
  GL_TEXTURE_WRAP_T, GL_TRIANGLES, GL_UNPACK_ALIGNMENT, GL_UNSIGNED_BYTE,
} from './gl-enums.js';
import type { Program } from './shader.js';
import { QUAD_FLOATS, layoutLine, measureText } from './text-layout.js';

/** Atlas sizes in CSS pixels (multiplied by the pixel ratio). */
export const LABEL_ATLAS_PX = 96;
export const OVERLAY_ATLAS_PX = 44;
/** Overlay text heights: the stage name and the smaller status/help lines. */
export const OVERLAY_LARGE_PX = 44;
export const OVERLAY_SMALL_PX = 24;
export const OVERLAY_TINY_PX = 15;
export const OVERLAY_MARGIN_PX = 26;
/** Framebuffer height (CSS pixels) from which overlay text has its full size, and the smallest fit factor. */
const OVERLAY_FULL_HEIGHT_PX = 900;
const OVERLAY_MIN_FIT = 0.5;
const VERTEX_FLOATS = 9;
const STRIDE = VERTEX_FLOATS * 4;
const LABEL_BOX_PAD = 0.15;
const LABEL_BOX_PUSH = 0.15;

interface Batch {
  atlas: FontAtlas;
  texture: number;
  first: number;
  count: number;
  /**
   * measureText per string, in atlas pixels: label and overlay texts come from a small fixed set
   * (built with the scene), and a cached width is read without allocating, where calling
   * measureText returns a freshly boxed number each time.
   */
  widths: Map<string, number>;
}

/** Cap on cached widths per batch (the cache is cleared when it would grow past this). */
const MAX_CACHED_WIDTHS = 4096;

/** Width of `text` in the batch's atlas pixels (cached). */
function widthOf(b: Batch, text: string): number {
  let w = b.widths.get(text);
  if (w === undefined) {
    if (b.widths.size >= MAX_CACHED_WIDTHS) b.widths.clear();
    w = measureText(b.atlas, text);
    b.widths.set(text, w);
  }
  return w;
}

export class TextRenderer {
  private labelBatch: Batch | null = null;
  private overlayBatch: Batch | null = null;
  /** Widest tooltip line of the frame being built, in atlas pixels. */
  private pointerWidth = 0;
  private ratio = 0;
  private verts = new Float32Array(6 * VERTEX_FLOATS * 1024);
  private vertCount = 0;
  private quads = new Float32Array(QUAD_FLOATS * 256);
  private vao: number;
  private vbo: number;
  private gpuBytes = 0;
  private readonly ids = new Uint32Array(1);
  /** Quads drawn in the last frame (for stats). */
  quadCount = 0;
  drawCalls = 0;

  constructor(
    private readonly gl: Gl,
    private readonly state: GlState,
    private readonly program: Program<'u_matrix' | 'u_atlas'>,
  ) {
    gl.glGenVertexArrays(1, this.ids);
    this.vao = this.ids[0]!;
    gl.glGenBuffers(1, this.ids);
    this.vbo = this.ids[0]!;
    state.bindVao(this.vao);
    state.bindArrayBuffer(this.vbo);
    gl.glEnableVertexAttribArray(0);
    gl.glVertexAttribPointer(0, 3, GL_FLOAT, 0, STRIDE, 0);
    gl.glEnableVertexAttribArray(1);
    gl.glVertexAttribPointer(1, 2, GL_FLOAT, 0, STRIDE, 12);
    gl.glEnableVertexAttribArray(2);
    gl.glVertexAttribPointer(2, 4, GL_FLOAT, 0, STRIDE, 20);
    state.bindVao(0);
  }

  /** (Re)build the atlases when the pixel ratio changes. */
  setPixelRatio(ratio: number): void {
    const r = ratio > 0 && Number.isFinite(ratio) ? ratio : 1;
    if (r === this.ratio) return;
    this.ratio = r;
    this.disposeTextures();
    this.labelBatch = { atlas: buildFontAtlas(LABEL_ATLAS_PX * r), texture: 0, first: 0, count: 0, widths: new Map() };
    this.overlayBatch = { atlas: buildFontAtlas(OVERLAY_ATLAS_PX * r), texture: 0, first: 0, count: 0, widths: new Map() };
    this.labelBatch.texture = this.upload(this.labelBatch.atlas);
    this.overlayBatch.texture = this.upload(this.overlayBatch.atlas);
  }

  /** The atlas used for 3D labels (for measuring in tests and layout). */
  get labelAtlas(): FontAtlas | null {
    return this.labelBatch?.atlas ?? null;
  }

  private upload(atlas: FontAtlas): number {
    const gl = this.gl;
    gl.glGenTextures(1, this.ids);
    const tex = this.ids[0]!;
    gl.glActiveTexture(GL_TEXTURE0);
    gl.glBindTexture(GL_TEXTURE_2D, tex);
    gl.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    gl.glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, atlas.width, atlas.height, 0, GL_RED, GL_UNSIGNED_BYTE, atlas.pixels);
    // Trilinear: labels are often drawn at a fraction of the atlas size (96 px glyphs a dozen pixels
    // high), where plain linear filtering shimmers. Cells are spaced so the first mip levels do not bleed.
    gl.glGenerateMipmap(GL_TEXTURE_2D);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR_MIPMAP_LINEAR);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return tex;
  }

  private ensureVerts(extraQuads: number): void {
    const need = (this.vertCount + extraQuads * 6) * VERTEX_FLOATS;
    if (need <= this.verts.length) return;
    let cap = this.verts.length;
    while (cap < need) cap *= 2;
    const next = new Float32Array(cap);
    next.set(this.verts.subarray(0, this.vertCount * VERTEX_FLOATS));
    this.verts = next;
  }

  private ensureQuads(n: number): void {
    if (n * QUAD_FLOATS <= this.quads.length) return;
    this.quads = new Float32Array(Math.max(n, this.quads.length / QUAD_FLOATS * 2) * QUAD_FLOATS);
  }

  /** Append one quad given its four corners' world positions via (origin + a·ex + b·ey). */
  private pushQuad(
    ox: number, oy: number, oz: number, ex: number, ey: number,
    x0: number, y0: number, x1: number, y1: number,
    u0: number, v0: number, u1: number, v1: number,
    r: number, g: number, b: number, a: number,
  ): void {
    // Local x maps to world/pixel x·ex (ex = −1 for 3D labels), local y to y·ey.
    const v = this.verts;
    let o = this.vertCount * VERTEX_FLOATS;
    const corners = CORNERS;
    for (let k = 0; k < 12; k += 2) {
      const cx = corners[k] === 0 ? x0 : x1;
      const cy = corners[k + 1] === 0 ? y0 : y1;
      v[o] = ox + cx * ex; v[o + 1] = oy + cy * ey; v[o + 2] = oz;
      v[o + 3] = corners[k] === 0 ? u0 : u1;
      v[o + 4] = corners[k + 1] === 0 ? v1 : v0;
      v[o + 5] = r; v[o + 6] = g; v[o + 7] = b; v[o + 8] = a;
      o += VERTEX_FLOATS;
    }
    this.vertCount += 6;
  }

  /** Lay out the frame's labels and overlay lines into the vertex array (CPU only). */
  private build(frame: FrameDesc, fbWidth: number, fbHeight: number, forward: Float32Array | number[]): void {
    this.vertCount = 0;
    const lb = this.labelBatch!;
    const ob = this.overlayBatch!;
    lb.first = 0;
    const la = lb.atlas;
    for (let i = 0; i < frame.labelCount; i++) {
      const l = frame.labels[i]!;
      if (!(l.alpha > 0.004) || l.text.length === 0 || !(l.height > 0)) continue;
      const scale = l.height / la.lineHeight;
      const width = widthOf(lb, l.text) * scale;
      const lx = -l.alignX * width;
      const ly = -l.alignY * l.height;
      this.ensureQuads(l.text.length);
      this.ensureVerts(l.text.length + 1);
      if (l.background) {
        const px = forward[0]! * LABEL_BOX_PUSH, py = forward[1]! * LABEL_BOX_PUSH, pz = forward[2]! * LABEL_BOX_PUSH;
        this.pushQuad(
          l.x + px, l.y + py, l.z + pz, -1, 1,
          lx - LABEL_BOX_PAD, ly - 0.045, lx + width + LABEL_BOX_PAD, ly + l.height + 0.09,
          la.solidU, la.solidV, la.solidU, la.solidV, 0, 0, 0, 0.92 * l.alpha,
        );
      }
      const n = layoutLine(this.quads, 0, la, l.text, lx, ly, scale);
      const q = this.quads;
      for (let k = 0; k < n; k++) {
        const o = k * QUAD_FLOATS;
        this.pushQuad(
          l.x, l.y, l.z, -1, 1, q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!, q[o + 4]!, q[o + 5]!, q[o + 6]!, q[o + 7]!,
          l.r, l.g, l.b, 0.9 * l.alpha,
        );
      }
    }
    lb.count = this.vertCount - lb.first;
    ob.first = this.vertCount;
    this.ensureVerts(frame.rectCount);
    const oa = ob.atlas;
    for (let i = 0; i < frame.rectCount; i++) {
      const q = frame.rects[i]!;
      this.pushQuad(0, 0, 0, 1, 1, q.x, fbHeight - q.y - q.h, q.x + q.w, fbHeight - q.y, oa.solidU, oa.solidV, oa.solidU, oa.solidV, q.r, q.g, q.b, q.a);
    }
    let pointerLines = 0;
    let pointerWidth = 0;
    for (let i = 0; i < frame.overlayCount; i++) {
      const o = frame.overlays[i]!;
      if (o.corner !== 'pointer') continue;
      pointerLines++;
      pointerWidth = Math.max(pointerWidth, widthOf(ob, o.text));
    }
    this.pointerWidth = pointerWidth;
    for (let i = 0; i < frame.overlayCount; i++) this.buildOverlay(frame.overlays[i]!, fbWidth, fbHeight, pointerLines);
    ob.count = this.vertCount - ob.first;
  }

  private buildOverlay(t: OverlayText, fbWidth: number, fbHeight: number, pointerLines: number): void {
    if (!(t.alpha > 0.004) || t.text.length === 0) return;
    const oa = this.overlayBatch!.atlas;
    // Pixel ratio, shrunk for small framebuffers (a 640×360 recording would otherwise give the
    // stage name a third of the width): full size from 900 logical pixels of height up, never
    // below half size.
    const r = this.ratio * Math.min(1, Math.max(OVERLAY_MIN_FIT, fbHeight / (OVERLAY_FULL_HEIGHT_PX * this.ratio)));
    const px = (t.size === 'large' ? OVERLAY_LARGE_PX : t.size === 'tiny' ? OVERLAY_TINY_PX : OVERLAY_SMALL_PX) * r;
    const scale = px / oa.pixelSize;
    const cellH = oa.lineHeight * scale;
    const w = widthOf(this.overlayBatch!, t.text) * scale;
    const margin = OVERLAY_MARGIN_PX * r;
    const step = cellH + 16 * r;
    const right = t.corner === 'bottom-right' || t.corner === 'top-right';
    const bottom = t.corner === 'bottom-right' || t.corner === 'bottom-left';
    let x = right ? fbWidth - w - margin : margin;
    let y = bottom ? margin + t.line * step : fbHeight - margin - cellH - t.line * step;
    if (t.corner === 'pointer') {
      // Tooltip (issue 17): below-right of the pointer, flipped left / above near the far edges,
      // lines stacked downward; kept on screen.
      const gap = 18 * r;
      const tight = 0.8;
      const block = pointerLines * step * tight;
      const py = fbHeight - t.y;
      // The block of lines is left-aligned; it flips to the pointer's left as a whole.
      const blockW = this.pointerWidth * scale;
      x = t.x + gap + blockW > fbWidth - margin / 2 ? t.x - gap - blockW : t.x + gap;
      const top = py - gap > block + margin ? py - gap : py + gap + block;
      y = top - cellH - t.line * step * tight;
      x = Math.max(margin / 2, Math.min(x, fbWidth - blockW - margin / 2));
      y = Math.max(margin / 2, Math.min(y, fbHeight - cellH - margin / 2));
    } else if (t.corner === 'at') {
      x = t.x;
      y = fbHeight - t.y - cellH;
    }
    this.ensureQuads(t.text.length);
    this.ensureVerts(t.text.length + 1);
    if (t.background) {
      this.pushQuad(
        x, y, 0, 1, 1, -10 * r, -6 * r, w + 10 * r, cellH + 6 * r,
        oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0, 0, 0, 0.6 * t.alpha,
      );
    }
    const n = layoutLine(this.quads, 0, oa, t.text, 0, 0, scale);
    const q = this.quads;
    for (let k = 0; k < n; k++) {
      const o = k * QUAD_FLOATS;
      this.pushQuad(
        x, y, 0, 1, 1, q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!, q[o + 4]!, q[o + 5]!, q[o + 6]!, q[o + 7]!,
        1, 1, 1, 0.95 * t.alpha,
      );
    }
  }

  /**
   * Draw the frame's labels (with `viewProj`, depth test on, depth writes off) and then its overlay
   * (pixel projection `pixelProj`, depth test off). Call after the cubes.
   */
  draw(frame: FrameDesc, fbWidth: number, fbHeight: number, viewProj: mat4, pixelProj: mat4, forward: Float32Array): void {
    this.quadCount = 0;
    this.drawCalls = 0;
    if (frame.labelCount === 0 && frame.overlayCount === 0 && frame.rectCount === 0) return;
    if (this.labelBatch === null) this.setPixelRatio(1);
    this.build(frame, fbWidth, fbHeight, forward);
    if (this.vertCount === 0) return;
    const gl = this.gl;
    const st = this.state;
    st.bindVao(this.vao);
    st.bindArrayBuffer(this.vbo);
    const bytes = this.vertCount * STRIDE;
    if (bytes > this.gpuBytes) {
      this.gpuBytes = Math.max(bytes, this.gpuBytes * 2);
      gl.glBufferData(GL_ARRAY_BUFFER, this.gpuBytes, null, GL_DYNAMIC_DRAW);
    }
    // The vertices start the array: pass it whole (`bytes` bounds the read) rather than a new view.
    gl.glBufferSubData(GL_ARRAY_BUFFER, 0, bytes, this.verts);
    st.useProgram(this.program.program);
    gl.glUniform1i(this.program.uniforms.u_atlas, 0);
    gl.glActiveTexture(GL_TEXTURE0);
    st.set(GL_CULL_FACE, false);
    st.set(GL_BLEND, true);
    st.depthMask(false);
    const lb = this.labelBatch!;
    if (lb.count > 0) {
      st.set(GL_DEPTH_TEST, true);
      gl.glUniformMatrix4fv(this.program.uniforms.u_matrix, 1, 0, viewProj as Float32Array);
      gl.glBindTexture(GL_TEXTURE_2D, lb.texture);
      gl.glDrawArrays(GL_TRIANGLES, lb.first, lb.count);
      this.drawCalls++;
    }
    const ob = this.overlayBatch!;
    if (ob.count > 0) {
      st.set(GL_DEPTH_TEST, false);
      gl.glUniformMatrix4fv(this.program.uniforms.u_matrix, 1, 0, pixelProj as Float32Array);
      gl.glBindTexture(GL_TEXTURE_2D, ob.texture);
      gl.glDrawArrays(GL_TRIANGLES, ob.first, ob.count);
      this.drawCalls++;
    }
    this.quadCount = this.vertCount / 6;
  }

  private disposeTextures(): void {
    for (const b of [this.labelBatch, this.overlayBatch]) {
      if (b !== null && b.texture !== 0) {
        this.ids[0] = b.texture;
        this.gl.glDeleteTextures(1, this.ids);
      }
    }
    this.labelBatch = this.overlayBatch = null;
  }

  dispose(): void {
    this.disposeTextures();
    this.ids[0] = this.vbo;
    this.gl.glDeleteBuffers(1, this.ids);
    this.ids[0] = this.vao;
    this.gl.glDeleteVertexArrays(1, this.ids);
  }
}

/** Two triangles (0 = low corner, 1 = high corner) per quad, counter-clockwise in local space. */
const CORNERS = [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1] as const;
