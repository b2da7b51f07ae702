/**
 * Text drawing (spec §7.5): uploads the glyph atlases as single-channel textures and draws
 *   - 3D labels: quads in the world XY plane at the label's z, reading toward −X (screen-right),
 *     aligned by Label.alignX/alignY fractions, white at 0.9·alpha, with an optional black box
 *     (0.92·alpha) pushed 0.15 along the camera's forward so the glyphs win the depth test;
 *   - 2D overlay lines in framebuffer pixels (origin bottom-left), stacked from their corner with
 *     26 px margins, on black 0.6 backgrounds, text white 0.95·alpha; sizes scale with the pixel ratio;
 *   - issue 13's caption band (a black band at the bottom, text wrapped and centred; bottom-corner
 *     overlays stack above it) and choice chart (flat bars at the right).
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
  GL_ARRAY_BUFFER, GL_BLEND, GL_CLAMP_TO_EDGE, GL_CULL_FACE, GL_DEPTH_TEST, GL_DYNAMIC_DRAW, GL_LINEAR,
  GL_LINEAR_MIPMAP_LINEAR, GL_R8, GL_RED, GL_TEXTURE0, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_TEXTURE_MIN_FILTER, GL_TEXTURE_WRAP_S,
  GL_TEXTURE_WRAP_T, GL_TRIANGLES, GL_UNPACK_ALIGNMENT, GL_UNSIGNED_BYTE,
} from './gl-enums.js';
import type { Program } from './shader.js';
import { QUAD_FLOATS, layoutLine, measureText, wrapText } from './text-layout.js';
import type { VertexArray } from './vertex-array.js';
import { createVertexArray, deleteVertexArray } from './vertex-array.js';

/** Atlas sizes in CSS pixels (multiplied by the pixel ratio). */
export const LABEL_ATLAS_PX = 96;
export const OVERLAY_ATLAS_PX = 44;
/** Overlay text heights: the stage name and the smaller status/help lines. */
export const OVERLAY_LARGE_PX = 44;
export const OVERLAY_SMALL_PX = 24;
export const OVERLAY_MARGIN_PX = 26;
/** Framebuffer height (CSS pixels) from which overlay text has its full size, and the smallest fit factor. */
const OVERLAY_FULL_HEIGHT_PX = 900;
const OVERLAY_MIN_FIT = 0.5;
/** Caption band (issue 13): text height, line spacing and padding, CSS pixels. */
export const CAPTION_PX = 27;
const CAPTION_LINE_SPACING = 1.3;
const CAPTION_PAD_PX = 10;
/** Choice chart (issue 13): text height, row height, longest bar, CSS pixels; top edge as a fraction of the height. */
const CHART_TEXT_PX = 24;
const CHART_ROW_PX = 34;
const CHART_BAR_PX = 220;
const CHART_TOP_FRACTION = 0.14;
/** Per vertex: position xyz, uv, RGBA. */
const VERTEX_SIZES = [3, 2, 4] as const;
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
  private ratio = 0;
  private verts = new Float32Array(6 * VERTEX_FLOATS * 1024);
  private vertCount = 0;
  /** The last wrapped caption (captions change a few times a minute; no per-frame wrapping). */
  private wrapped = '';
  private wrappedWidth = 0;
  private wrappedLines: string[] = [];
  private quads = new Float32Array(QUAD_FLOATS * 256);
  private readonly va: VertexArray;
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
    this.va = createVertexArray(gl, state, VERTEX_SIZES);
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
    const bottom = this.bottomPx(frame, fbHeight);
    for (let i = 0; i < frame.overlayCount; i++) this.buildOverlay(frame.overlays[i]!, fbWidth, fbHeight, bottom);
    if (frame.captionLines > 0) this.buildCaption(frame, fbWidth, fbHeight);
    if (frame.chart.count > 0 && frame.chart.alpha > 0.004) this.buildChart(frame, fbWidth, fbHeight);
    ob.count = this.vertCount - ob.first;
  }

  /**
   * Overlay scale: the pixel ratio, shrunk for small framebuffers (a 640×360 recording would
   * otherwise give the stage name a third of the width): full size from 900 logical pixels of
   * height up, never below half size.
   */
  private overlayScale(fbHeight: number): number {
    if (this.ratio === 0) this.setPixelRatio(1);
    return this.ratio * Math.min(1, Math.max(OVERLAY_MIN_FIT, fbHeight / (OVERLAY_FULL_HEIGHT_PX * this.ratio)));
  }

  /** Height of one caption line, framebuffer pixels. */
  private captionStep(r: number): number {
    return CAPTION_PX * r * CAPTION_LINE_SPACING;
  }

  /**
   * Framebuffer pixels at the bottom that the 3D picture and the bottom-corner overlays stay
   * above (issue 13): the reserved strip plus the caption band, if any.
   */
  bottomPx(frame: FrameDesc, fbHeight: number): number {
    if (frame.captionLines <= 0 && frame.reservedBottomPx <= 0) return 0;
    const r = this.overlayScale(fbHeight);
    const band = frame.captionLines > 0 ? frame.captionLines * this.captionStep(r) + 2 * CAPTION_PAD_PX * r : 0;
    return Math.min(fbHeight * 0.5, Math.round(frame.reservedBottomPx * r + band));
  }

  /** The caption band: a black band over the full width, lines wrapped and centred (issue 13). */
  private buildCaption(frame: FrameDesc, fbWidth: number, fbHeight: number): void {
    const r = this.overlayScale(fbHeight);
    const ob = this.overlayBatch!;
    const oa = ob.atlas;
    const y0 = frame.reservedBottomPx * r;
    const top = this.bottomPx(frame, fbHeight);
    this.ensureVerts(2);
    this.pushQuad(0, y0, 0, 1, 1, 0, 0, fbWidth, top - y0, oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0.02, 0.02, 0.03, 1);
    // A hairline along the top edge, so the band reads as its own strip on a black scene.
    this.pushQuad(0, top - Math.max(1, r), 0, 1, 1, 0, 0, fbWidth, Math.max(1, r), oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0.3, 0.3, 0.35, 1);
    if (frame.caption === '') return;
    const scale = (CAPTION_PX * r) / oa.pixelSize;
    const maxWidth = (fbWidth - 2 * OVERLAY_MARGIN_PX * r) / scale;
    if (frame.caption !== this.wrapped || maxWidth !== this.wrappedWidth) {
      this.wrapped = frame.caption;
      this.wrappedWidth = maxWidth;
      this.wrappedLines = wrapText(oa, frame.caption, maxWidth);
    }
    const lines = this.wrappedLines;
    const n = Math.min(lines.length, frame.captionLines);
    const step = this.captionStep(r);
    // Vertically centred in the band.
    const first = top - CAPTION_PAD_PX * r - (frame.captionLines - n) * step * 0.5 - step;
    for (let i = 0; i < n; i++) {
      const w = widthOf(ob, lines[i]!) * scale;
      this.pushText(lines[i]!, (fbWidth - w) / 2, first - i * step + (step - oa.lineHeight * scale) / 2, scale, 1, 1, 1, 0.95);
    }
  }

  /**
   * The choice chart at the right (issue 13): a title, then per candidate its character, a flat
   * bar ∝ probability and the percentage; the chosen row in the highlight colour.
   */
  private buildChart(frame: FrameDesc, fbWidth: number, fbHeight: number): void {
    const c = frame.chart;
    const r = this.overlayScale(fbHeight);
    const ob = this.overlayBatch!;
    const oa = ob.atlas;
    const scale = (CHART_TEXT_PX * r) / oa.pixelSize;
    const rowH = CHART_ROW_PX * r;
    const barMax = CHART_BAR_PX * r;
    const labelW = 64 * r;
    const textW = 76 * r;
    const pad = 14 * r;
    const width = labelW + barMax + textW + 2 * pad;
    const x0 = fbWidth - OVERLAY_MARGIN_PX * r - width;
    const height = (c.count + 1) * rowH + 2 * pad;
    const yTop = fbHeight * (1 - CHART_TOP_FRACTION);
    const a = c.alpha;
    this.ensureVerts(3 * c.count + 1);
    this.pushQuad(x0, yTop - height, 0, 1, 1, 0, 0, width, height, oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0, 0, 0, 0.6 * a);
    const cellH = oa.lineHeight * scale;
    const textDy = (rowH - cellH) / 2;
    this.pushText(c.title, x0 + pad, yTop - pad - rowH + textDy, scale, 1, 1, 1, 0.95 * a);
    for (let i = 0; i < c.count; i++) {
      const y = yTop - pad - (i + 2) * rowH;
      const hi = i === c.highlight;
      const cr = hi ? 1 : 0.55, cg = hi ? 0.84 : 0.62, cb = hi ? 0.25 : 0.78;
      const lw = widthOf(ob, c.labels[i]!) * scale;
      this.pushText(c.labels[i]!, x0 + pad + (labelW - lw) / 2, y + textDy, scale, hi ? 1 : 0.9, hi ? 0.9 : 0.9, hi ? 0.5 : 0.9, 0.95 * a);
      const bw = Math.max(2 * r, Math.min(1, c.values[i]!) * barMax);
      const bx = x0 + pad + labelW;
      // The track: the full bar length is 100 %.
      this.pushQuad(bx, y + rowH * 0.2, 0, 1, 1, 0, 0, barMax, rowH * 0.6, oa.solidU, oa.solidV, oa.solidU, oa.solidV, 1, 1, 1, 0.08 * a);
      this.pushQuad(bx, y + rowH * 0.2, 0, 1, 1, 0, 0, bw, rowH * 0.6, oa.solidU, oa.solidV, oa.solidU, oa.solidV, cr, cg, cb, (hi ? 1 : 0.85) * a);
      this.pushText(c.texts[i]!, bx + bw + 10 * r, y + textDy, scale, 1, 1, 1, (hi ? 0.95 : 0.75) * a);
    }
  }

  /** One line of overlay text at (x, y) framebuffer pixels (the cell's bottom-left). */
  private pushText(text: string, x: number, y: number, scale: number, r: number, g: number, b: number, a: number): void {
    const oa = this.overlayBatch!.atlas;
    this.ensureQuads(text.length);
    this.ensureVerts(text.length);
    const n = layoutLine(this.quads, 0, oa, text, 0, 0, scale);
    const q = this.quads;
    for (let k = 0; k < n; k++) {
      const o = k * QUAD_FLOATS;
      this.pushQuad(x, y, 0, 1, 1, q[o]!, q[o + 1]!, q[o + 2]!, q[o + 3]!, q[o + 4]!, q[o + 5]!, q[o + 6]!, q[o + 7]!, r, g, b, a);
    }
  }

  private buildOverlay(t: OverlayText, fbWidth: number, fbHeight: number, bottomPx: number): void {
    if (!(t.alpha > 0.004) || t.text.length === 0) return;
    const oa = this.overlayBatch!.atlas;
    const r = this.overlayScale(fbHeight);
    const px = (t.size === 'large' ? OVERLAY_LARGE_PX : OVERLAY_SMALL_PX) * r;
    const scale = px / oa.pixelSize;
    const cellH = oa.lineHeight * scale;
    const w = widthOf(this.overlayBatch!, t.text) * scale;
    const margin = OVERLAY_MARGIN_PX * r;
    const step = cellH + 16 * r;
    const right = t.corner === 'bottom-right' || t.corner === 'top-right';
    const bottom = t.corner === 'bottom-right' || t.corner === 'bottom-left';
    const x = right ? fbWidth - w - margin : margin;
    const y = bottom ? bottomPx + margin + t.line * step : fbHeight - margin - cellH - t.line * step;
    this.ensureQuads(t.text.length);
    this.ensureVerts(t.text.length + 2);
    if (t.field) {
      // A text field: a light outline around a dark grey box.
      const b = Math.max(1, Math.round(1.5 * r));
      this.pushQuad(x, y, 0, 1, 1, -12 * r - b, -8 * r - b, w + 12 * r + b, cellH + 8 * r + b, oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0.55, 0.6, 0.7, t.alpha);
      this.pushQuad(x, y, 0, 1, 1, -12 * r, -8 * r, w + 12 * r, cellH + 8 * r, oa.solidU, oa.solidV, oa.solidU, oa.solidV, 0.09, 0.1, 0.13, t.alpha);
    } else if (t.background) {
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
        t.r, t.g, t.b, 0.95 * t.alpha,
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
    if (frame.labelCount === 0 && frame.overlayCount === 0 && frame.captionLines <= 0 && frame.chart.count === 0) return;
    if (this.labelBatch === null) this.setPixelRatio(1);
    this.build(frame, fbWidth, fbHeight, forward);
    if (this.vertCount === 0) return;
    const gl = this.gl;
    const st = this.state;
    st.bindVao(this.va.vao);
    st.bindArrayBuffer(this.va.vbo);
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
    this.drawBatch(this.labelBatch!, true, viewProj);
    this.drawBatch(this.overlayBatch!, false, pixelProj);
    this.quadCount = this.vertCount / 6;
  }

  /** One draw of a batch's vertices with its atlas, under `matrix`, depth-tested or not. */
  private drawBatch(b: Batch, depthTest: boolean, matrix: mat4): void {
    if (b.count === 0) return;
    const gl = this.gl;
    this.state.set(GL_DEPTH_TEST, depthTest);
    gl.glUniformMatrix4fv(this.program.uniforms.u_matrix, 1, 0, matrix as Float32Array);
    gl.glBindTexture(GL_TEXTURE_2D, b.texture);
    gl.glDrawArrays(GL_TRIANGLES, b.first, b.count);
    this.drawCalls++;
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
    deleteVertexArray(this.gl, this.va);
  }
}

/** Two triangles (0 = low corner, 1 = high corner) per quad, counter-clockwise in local space. */
const CORNERS = [0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1] as const;
