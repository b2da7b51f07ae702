/**
 * Text drawing (spec §7.5): uploads the glyph atlases as single-channel textures and draws
 *   - 3D labels: quads in the world XY plane at the label's z, reading toward −X (screen-right),
 *     aligned by Label.alignX/alignY fractions, white at 0.9·alpha, with an optional black box
 *     (0.92·alpha) pushed 0.15 along the camera's forward so the glyphs win the depth test;
 *   - 2D overlay lines in framebuffer pixels (origin bottom-left), stacked from their corner with
 *     26 px margins, on black 0.6 backgrounds, text white 0.95·alpha; sizes scale with the pixel ratio;
 *   - issue 13's caption band and choice chart (talk-panels.ts lays them out; bottom-corner overlays
 *     stack above the band).
 * One draw per batch (all labels; all overlay lines). Vertex layout: position xyz, uv, RGBA.
 * prepare() lays the text out on the CPU before the frame is cleared, so the renderer can bound
 * it (addBounds) and clear only where something shows; draw() then draws it.
 *
 * What it is not: no layout maths (text-layout.ts), no rasterisation (font-atlas.ts), no GL state
 * outside the GlState it is given. Owned and called by the Renderer.
 */
import type { mat4 } from 'gl-matrix';
import type { FrameDesc, OverlayText } from '../frame.js';
import { anyLabelShown, labelShown } from '../frame.js';
import type { FontAtlas } from './font-atlas.js';
import { fontAtlas } from './font-atlas.js';
import type { Gl } from './gl.js';
import type { GlState } from './gl-state.js';
import {
  GL_ARRAY_BUFFER, GL_BLEND, GL_CLAMP_TO_EDGE, GL_CULL_FACE, GL_DEPTH_TEST, GL_DYNAMIC_DRAW, GL_LINEAR,
  GL_LINEAR_MIPMAP_LINEAR, GL_R8, GL_RED, GL_TEXTURE0, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_TEXTURE_MIN_FILTER, GL_TEXTURE_WRAP_S,
  GL_TEXTURE_WRAP_T, GL_TRIANGLES, GL_UNPACK_ALIGNMENT, GL_UNSIGNED_BYTE,
} from './gl-enums.js';
import type { ScreenRects } from './screen-rects.js';
import { addQuadBounds, quadsBounds } from './screen-rects.js';
import type { Program } from './shader.js';
import { TalkPanels, panelsBottomPx } from './talk-panels.js';
import { QUAD_FLOATS, layoutLine, measureText } from './text-layout.js';
import type { VertexArray } from './vertex-array.js';
import { createVertexArray, deleteVertexArray } from './vertex-array.js';

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
  /** Widest tooltip line of the frame being built, in atlas pixels. */
  private pointerWidth = 0;
  private ratio = 0;
  private verts = new Float32Array(6 * VERTEX_FLOATS * 1024);
  private vertCount = 0;
  /** Label i's quads start at vertex labelStart[i] (labelStart[labelsBuilt] ends the last). */
  private labelStart = new Int32Array(65);
  private labelsBuilt = 0;
  /** cullTo's scratch: 1 per quad kept. */
  private keepQuad = new Uint8Array(0);
  /** The last frame's layout, for addChangedBounds. */
  private last = { verts: new Float32Array(0), labelStart: new Int32Array(0), labels: 0, overlayFirst: 0, overlayCount: 0 };
  /**
   * Runs of consecutive quads of one kind, solid (no texture: shaders/flat.frag) or glyph, in
   * drawing order: run i starts at vertex runStart[i]. Drawn in this order with the program of
   * their kind, so every pixel blends the same fragments in the same order as one draw would.
   */
  private runStart = new Int32Array(64);
  private runSolid = new Uint8Array(64);
  private runCount = 0;
  /** First vertex of the batch being built (a run never spans two batches). */
  private batchStart = 0;
  /** The prepared vertices are in the GPU buffer. */
  private uploaded = false;
  /** Issue 13's caption band and choice chart, drawn through this renderer's quads. */
  private readonly panels: TalkPanels;
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
    private readonly flat: Program<'u_matrix'>,
  ) {
    this.panels = new TalkPanels({
      atlas: () => this.overlayBatch!.atlas,
      width: (text) => widthOf(this.overlayBatch!, text),
      rect: (x, y, w, h, r, g, b, a) => this.rect(x, y, w, h, r, g, b, a),
      text: (text, x, y, scale, r, g, b, a) => this.pushText(text, x, y, scale, r, g, b, a),
      margin: OVERLAY_MARGIN_PX,
    });
    this.va = createVertexArray(gl, state, VERTEX_SIZES);
    state.bindVao(0);
  }

  /**
   * (Re)build the overlay atlas when the pixel ratio changes; the label atlas follows when a frame
   * first shows a label, or on prepareLabels() (first frame first: the first frames of a run have
   * none, issue 15).
   */
  setPixelRatio(ratio: number): void {
    const r = ratio > 0 && Number.isFinite(ratio) ? ratio : 1;
    if (r === this.ratio) return;
    this.ratio = r;
    this.disposeTextures();
    this.overlayBatch = this.batch(OVERLAY_ATLAS_PX * r);
  }

  /** Build the label atlas for the current pixel ratio now, if it is not built yet. */
  prepareLabels(): void {
    if (this.overlayBatch === null) this.setPixelRatio(1);
    this.labelBatch ??= this.batch(LABEL_ATLAS_PX * this.ratio);
  }

  private batch(pixelSize: number): Batch {
    const atlas = fontAtlas(pixelSize);
    return { atlas, texture: this.upload(atlas), first: 0, count: 0, widths: new Map() };
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
    // The levels are llvmpipe's glGenerateMipmap's, computed here (mipmaps.ts: its first call costs ≈ 75 ms).
    atlas.mips.forEach((m, i) => gl.glTexImage2D(GL_TEXTURE_2D, i + 1, GL_R8, m.width, m.height, 0, GL_RED, GL_UNSIGNED_BYTE, m.pixels));
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
    const solid = u0 === u1 && v0 === v1 ? 1 : 0;
    if (this.runCount === 0 || this.runSolid[this.runCount - 1] !== solid || this.runStart[this.runCount - 1]! < this.batchStart) {
      this.startRun(solid);
    }
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

  private startRun(solid: number): void {
    if (this.runCount === this.runStart.length) {
      const start = new Int32Array(2 * this.runCount);
      start.set(this.runStart);
      this.runStart = start;
      const kind = new Uint8Array(2 * this.runCount);
      kind.set(this.runSolid);
      this.runSolid = kind;
    }
    this.runStart[this.runCount] = this.vertCount;
    this.runSolid[this.runCount] = solid;
    this.runCount++;
  }

  /** Lay out the frame's shown 3D labels into batch `lb` (its atlas). */
  private buildLabels(frame: FrameDesc, lb: Batch, forward: Float32Array | number[]): void {
    lb.first = this.vertCount;
    const la = lb.atlas;
    if (this.labelStart.length <= frame.labelCount) this.labelStart = new Int32Array(2 * frame.labelCount + 1);
    this.labelsBuilt = frame.labelCount;
    for (let i = 0; i < frame.labelCount; i++) {
      this.labelStart[i] = this.vertCount;
      const l = frame.labels[i]!;
      if (!labelShown(l)) continue;
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
    this.labelStart[frame.labelCount] = this.vertCount;
    lb.count = this.vertCount - lb.first;
  }

  /** Lay out the frame's labels and overlay lines into the vertex array (CPU only). */
  private build(frame: FrameDesc, fbWidth: number, fbHeight: number, forward: Float32Array | number[]): void {
    const ob = this.overlayBatch!;
    // The label batch exists once a frame showed a label (prepare); until then there are none.
    if (this.labelBatch !== null) this.buildLabels(frame, this.labelBatch, forward);
    ob.first = this.batchStart = this.vertCount;
    const bottom = this.bottomPx(frame, fbHeight);
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
    for (let i = 0; i < frame.overlayCount; i++) this.buildOverlay(frame.overlays[i]!, fbWidth, fbHeight, bottom, pointerLines);
    if (frame.captionLines > 0 || (frame.chart.count > 0 && frame.chart.alpha > 0.004)) {
      this.panels.draw(frame, fbWidth, fbHeight, this.overlayScale(fbHeight));
    }
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

  /**
   * Framebuffer pixels at the bottom that the 3D picture and the bottom-corner overlays stay
   * above (issue 13): the reserved strip plus the caption band, if any (talk-panels.ts).
   */
  bottomPx(frame: FrameDesc, fbHeight: number): number {
    if (frame.captionLines <= 0 && frame.reservedBottomPx <= 0) return 0;
    return panelsBottomPx(frame, fbHeight, this.overlayScale(fbHeight));
  }

  /** A solid rectangle in framebuffer pixels (origin bottom-left), for talk-panels.ts. */
  private rect(x: number, y: number, w: number, h: number, r: number, g: number, b: number, a: number): void {
    const oa = this.overlayBatch!.atlas;
    this.ensureVerts(1);
    this.pushQuad(x, y, 0, 1, 1, 0, 0, w, h, oa.solidU, oa.solidV, oa.solidU, oa.solidV, r, g, b, a);
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

  private buildOverlay(t: OverlayText, fbWidth: number, fbHeight: number, bottomPx: number, pointerLines: number): void {
    if (!(t.alpha > 0.004) || t.text.length === 0) return;
    const oa = this.overlayBatch!.atlas;
    const r = this.overlayScale(fbHeight);
    const px = (t.size === 'large' ? OVERLAY_LARGE_PX : t.size === 'tiny' ? OVERLAY_TINY_PX : OVERLAY_SMALL_PX) * r;
    const scale = px / oa.pixelSize;
    const cellH = oa.lineHeight * scale;
    const w = widthOf(this.overlayBatch!, t.text) * scale;
    const margin = OVERLAY_MARGIN_PX * r;
    const step = cellH + 16 * r;
    const right = t.corner === 'bottom-right' || t.corner === 'top-right';
    const bottom = t.corner === 'bottom-right' || t.corner === 'bottom-left';
    let x = right ? fbWidth - w - margin : margin;
    let y = bottom ? bottomPx + margin + t.line * step : fbHeight - margin - cellH - t.line * step;
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
   * Lay out the frame's labels, overlay lines and panels for a framebuffer of fbWidth × fbHeight
   * (CPU only); draw() then draws them. Separate so the renderer can bound them before it clears.
   */
  prepare(frame: FrameDesc, fbWidth: number, fbHeight: number, forward: Float32Array): void {
    this.vertCount = 0;
    this.runCount = 0;
    this.batchStart = 0;
    this.uploaded = false;
    this.labelsBuilt = 0;
    if (this.overlayBatch !== null) this.overlayBatch.count = 0;
    if (frame.labelCount === 0 && frame.overlayCount === 0 && frame.rectCount === 0 && frame.captionLines <= 0 && frame.chart.count === 0) return;
    if (this.overlayBatch === null) this.setPixelRatio(1);
    if (anyLabelShown(frame)) this.prepareLabels();
    this.build(frame, fbWidth, fbHeight, forward);
  }

  /**
   * Mark the prepared quads' screen bounds in `out`: the labels under the affine `viewProj`, the
   * overlay (lines, panels, rectangles) under the pixel projection `pixelProj`.
   */
  addBounds(out: ScreenRects, viewProj: mat4, pixelProj: mat4, fbWidth: number, fbHeight: number, overlay = true): void {
    if (this.vertCount === 0) return;
    const lb = this.labelBatch;
    const ob = this.overlayBatch!;
    if (lb !== null) addQuadBounds(out, this.verts, lb.first, lb.count, VERTEX_FLOATS, viewProj, fbWidth, fbHeight);
    if (overlay) addQuadBounds(out, this.verts, ob.first, ob.count, VERTEX_FLOATS, pixelProj, fbWidth, fbHeight);
  }

  /**
   * Mark in `out` the bounds of what differs from the last call's layout, in both layouts: each
   * label whose quads changed (by label index, under the affine `viewProj`, unchanged since), and
   * the overlay as a whole if any of it changed (under `pixelProj`). Then remember this layout.
   */
  addChangedBounds(out: ScreenRects, viewProj: mat4, pixelProj: mat4, fbWidth: number, fbHeight: number): void {
    const last = this.last;
    const v = this.verts;
    const n = Math.max(this.labelsBuilt, last.labels);
    for (let i = 0; i < n; i++) {
      const a0 = i < this.labelsBuilt ? this.labelStart[i]! : 0;
      const a1 = i < this.labelsBuilt ? this.labelStart[i + 1]! : 0;
      const b0 = i < last.labels ? last.labelStart[i]! : 0;
      const b1 = i < last.labels ? last.labelStart[i + 1]! : 0;
      if (sameVertices(v, a0, a1, last.verts, b0, b1)) continue;
      addQuadBounds(out, v, a0, a1 - a0, VERTEX_FLOATS, viewProj, fbWidth, fbHeight);
      addQuadBounds(out, last.verts, b0, b1 - b0, VERTEX_FLOATS, viewProj, fbWidth, fbHeight);
    }
    const o0 = this.overlayBatch?.first ?? 0;
    const o1 = o0 + (this.overlayBatch?.count ?? 0);
    if (!sameVertices(v, o0, o1, last.verts, last.overlayFirst, last.overlayFirst + last.overlayCount)) {
      addQuadBounds(out, v, o0, o1 - o0, VERTEX_FLOATS, pixelProj, fbWidth, fbHeight);
      addQuadBounds(out, last.verts, last.overlayFirst, last.overlayCount, VERTEX_FLOATS, pixelProj, fbWidth, fbHeight);
    }
    this.rememberLayout();
  }

  /** Remember the prepared layout as the last one (what addChangedBounds compares with). */
  rememberLayout(): void {
    const last = this.last;
    const floats = this.vertCount * VERTEX_FLOATS;
    if (last.verts.length < floats) last.verts = new Float32Array(this.verts.length);
    last.verts.set(this.verts.subarray(0, floats));
    if (last.labelStart.length < this.labelsBuilt + 1) last.labelStart = new Int32Array(this.labelStart.length);
    last.labelStart.set(this.labelStart.subarray(0, this.labelsBuilt + 1));
    last.labels = this.labelsBuilt;
    last.overlayFirst = this.overlayBatch?.first ?? 0;
    last.overlayCount = this.overlayBatch?.count ?? 0;
  }

  /**
   * Keep for draw() only the labels whose quads touch a tile marked in `mask` (under the affine
   * `viewProj`), and the overlay only if it does (under `pixelProj`): the rest would draw nothing
   * where a frame restricted to those tiles is drawn (Renderer.keepFrames). The quads keep their
   * order. Call after addChangedBounds (which needs the whole layout).
   */
  cullTo(mask: ScreenRects, viewProj: mat4, pixelProj: mat4, fbWidth: number, fbHeight: number): void {
    if (this.vertCount === 0) return;
    const quads = this.vertCount / 6;
    if (this.keepQuad.length < quads) this.keepQuad = new Uint8Array(2 * quads);
    const keep = this.keepQuad;
    keep.fill(0, 0, quads);
    for (let i = 0; i < this.labelsBuilt; i++) {
      const a0 = this.labelStart[i]!, a1 = this.labelStart[i + 1]!;
      if (a1 === a0) continue;
      const b = quadsBounds(this.verts, a0, a1 - a0, VERTEX_FLOATS, viewProj, fbWidth, fbHeight);
      if (mask.touches(b[0]!, b[1]!, b[2]!, b[3]!)) keep.fill(1, a0 / 6, a1 / 6);
    }
    const ob = this.overlayBatch!;
    if (ob.count > 0) {
      const b = quadsBounds(this.verts, ob.first, ob.count, VERTEX_FLOATS, pixelProj, fbWidth, fbHeight);
      if (mask.touches(b[0]!, b[1]!, b[2]!, b[3]!)) keep.fill(1, ob.first / 6, (ob.first + ob.count) / 6);
    }
    // Compact the kept quads in place, run by run.
    const v = this.verts;
    const Q = 6 * VERTEX_FLOATS;
    const lb = this.labelBatch;
    const labelsEnd = lb !== null ? lb.first + lb.count : 0;
    let w = 0;
    let runs = 0;
    let labelsKept = 0;
    for (let r = 0; r < this.runCount; r++) {
      const first = this.runStart[r]!;
      const next = r + 1 < this.runCount ? this.runStart[r + 1]! : this.vertCount;
      let opened = false;
      for (let q = first / 6; q < next / 6; q++) {
        if (keep[q] === 0) continue;
        // A run never spans the labels and the overlay: a batch starts a run.
        if (!opened || (q * 6 === labelsEnd && labelsEnd > 0)) {
          this.runStart[runs] = w;
          this.runSolid[runs] = this.runSolid[r]!;
          runs++;
          opened = true;
        }
        if (w !== q * 6) v.copyWithin(w * VERTEX_FLOATS, q * Q, q * Q + Q);
        if (q * 6 < labelsEnd) labelsKept += 6;
        w += 6;
      }
    }
    if (lb !== null) {
      lb.first = 0;
      lb.count = labelsKept;
    }
    ob.first = labelsKept;
    ob.count = w - labelsKept;
    this.vertCount = w;
    this.runCount = runs;
    this.labelsBuilt = 0;
    this.uploaded = false;
  }

  /** Mark only the prepared overlay quads' bounds (pixel projection `pixelProj`) in `out`. */
  addOverlayBounds(out: ScreenRects, pixelProj: mat4, fbWidth: number, fbHeight: number): void {
    if (this.vertCount === 0) return;
    const ob = this.overlayBatch!;
    addQuadBounds(out, this.verts, ob.first, ob.count, VERTEX_FLOATS, pixelProj, fbWidth, fbHeight);
  }

  /**
   * Draw the prepared labels (with `viewProj`, depth test on, depth writes off) and then the
   * overlay (pixel projection `pixelProj`, depth test off). Call after the cubes.
   */
  draw(viewProj: mat4, pixelProj: mat4, overlay = true): void {
    this.quadCount = 0;
    this.drawCalls = 0;
    if (this.vertCount === 0) return;
    this.bindForDraw();
    if (this.labelBatch !== null) this.drawBatch(this.labelBatch, true, viewProj);
    if (overlay) this.drawBatch(this.overlayBatch!, false, pixelProj);
    this.quadCount = this.vertCount / 6;
  }

  /** Draw only the prepared overlay (pixel projection `pixelProj`, depth test off), e.g. onto the window after its resolve. */
  drawOverlay(pixelProj: mat4): void {
    if (this.vertCount === 0 || this.overlayBatch === null || this.overlayBatch.count === 0) return;
    this.bindForDraw();
    this.drawBatch(this.overlayBatch, false, pixelProj);
  }

  /** Upload the prepared vertices (once per prepare) and set the text drawing state. */
  private bindForDraw(): void {
    const gl = this.gl;
    const st = this.state;
    st.bindVao(this.va.vao);
    st.bindArrayBuffer(this.va.vbo);
    if (!this.uploaded) {
      const bytes = this.vertCount * STRIDE;
      if (bytes > this.gpuBytes) {
        this.gpuBytes = Math.max(bytes, this.gpuBytes * 2);
        gl.glBufferData(GL_ARRAY_BUFFER, this.gpuBytes, null, GL_DYNAMIC_DRAW);
      }
      // The vertices start the array: pass it whole (`bytes` bounds the read) rather than a new view.
      gl.glBufferSubData(GL_ARRAY_BUFFER, 0, bytes, this.verts);
      this.uploaded = true;
    }
    st.useProgram(this.program.program);
    gl.glUniform1i(this.program.uniforms.u_atlas, 0);
    gl.glActiveTexture(GL_TEXTURE0);
    st.set(GL_CULL_FACE, false);
    st.set(GL_BLEND, true);
    st.depthMask(false);
  }

  /**
   * Draw a batch's vertices with its atlas, under `matrix`, depth-tested or not: one draw per run
   * of solid or glyph quads, each with its program.
   */
  private drawBatch(b: Batch, depthTest: boolean, matrix: mat4): void {
    if (b.count === 0) return;
    const gl = this.gl;
    const st = this.state;
    st.set(GL_DEPTH_TEST, depthTest);
    gl.glBindTexture(GL_TEXTURE_2D, b.texture);
    const end = b.first + b.count;
    let set = 0;
    for (let i = 0; i < this.runCount; i++) {
      const first = this.runStart[i]!;
      if (first < b.first || first >= end) continue;
      const next = i + 1 < this.runCount ? Math.min(end, this.runStart[i + 1]!) : end;
      const solid = this.runSolid[i] === 1;
      const p = solid ? this.flat : this.program;
      st.useProgram(p.program);
      // Each program's matrix once per batch (bit 1: glyph program, bit 2: flat program).
      const bit = solid ? 2 : 1;
      if ((set & bit) === 0) {
        gl.glUniformMatrix4fv(p.uniforms.u_matrix, 1, 0, matrix as Float32Array);
        set |= bit;
      }
      gl.glDrawArrays(GL_TRIANGLES, first, next - first);
      this.drawCalls++;
    }
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

/** True when vertices [a0, a1) of `a` equal vertices [b0, b1) of `b`. */
function sameVertices(a: Float32Array, a0: number, a1: number, b: Float32Array, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false;
  const n = (a1 - a0) * VERTEX_FLOATS;
  const ao = a0 * VERTEX_FLOATS, bo = b0 * VERTEX_FLOATS;
  for (let k = 0; k < n; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}
