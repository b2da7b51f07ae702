/**
 * The training view's cached cube layer (issue 14). `train --watch` shows ≈ 22,000 cubes whose
 * places never move while their colours change every frame; on llvmpipe, drawing them costs
 * ≈ 30 ms of CPU per frame, nearly all of it per triangle, not per pixel. So those cubes (the
 * frame's first `stableCount`, frame.ts) are drawn once into a layer (per pixel, one RGBA32F
 * texel: which instance covers it, the face's two lighting terms and the depth,
 * shaders/box_index.*), and each frame only colours that layer from a texture of their colours
 * (shaders/cube_compose.*) over the screen tiles they touch, writing the stored depth as it goes
 * for the cubes and labels drawn after it (a depth blit where those can be cost llvmpipe ≈ 2.5 ms
 * a frame: it takes the generic blit path). The layer is drawn again whenever the geometry
 * changes: the size, the view-projection, the camera position or any of those cubes' position or
 * scale (compared exactly, frame by frame).
 *
 * A window that keeps its frames (Renderer.keepFrames) repaints instead (repaint()): only the
 * pixel boxes of the cubes whose colour changed since the last frame, and the tiles the caller
 * marks, leaving a stencil value for what it draws after.
 *
 * The same picture as drawing the cubes: the compose pass computes colour · (ambient + diffuse)
 * + specular with the very terms box_instanced.vert computes. Tested: 4 of 1.44 million pixels
 * differ, where two faces of a cube meet (llvmpipe compiles the two vertex shaders apart).
 *
 * What it is not: no cube geometry or instance upload (renderer.ts draws the index pass with its
 * own cube mesh and instance buffer), no decision when to use it (Renderer.cacheCubes).
 */
import type { mat4 } from 'gl-matrix';
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS } from '../frame.js';
import type { Gl } from './gl.js';
import {
  GL_ALWAYS, GL_ARRAY_BUFFER, GL_BLEND, GL_CLAMP_TO_EDGE, GL_COLOR, GL_COLOR_ATTACHMENT0, GL_CULL_FACE, GL_DEPTH_BUFFER_BIT,
  GL_DEPTH_STENCIL_ATTACHMENT, GL_DEPTH_TEST, GL_DEPTH24_STENCIL8, GL_DRAW_FRAMEBUFFER, GL_FLOAT, GL_FRAMEBUFFER_COMPLETE, GL_KEEP,
  GL_LESS, GL_NEAREST, GL_POINT_SIZE_RANGE, GL_POINTS, GL_PROGRAM_POINT_SIZE, GL_RENDERBUFFER, GL_REPLACE, GL_RGBA, GL_STENCIL_TEST, GL_STREAM_DRAW,
  GL_RGBA32F, GL_SCISSOR_TEST, GL_STENCIL_BUFFER_BIT, GL_TEXTURE0, GL_TEXTURE1, GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER,
  GL_TEXTURE_MIN_FILTER, GL_STATIC_DRAW, GL_TEXTURE_WRAP_S, GL_TEXTURE_WRAP_T, GL_TRIANGLES,
} from './gl-enums.js';
import type { GlState } from './gl-state.js';
import { ScreenRects, addInstanceBounds, instanceBounds, isAffine } from './screen-rects.js';
import type { Program } from './shader.js';
import type { ProgramCache } from './program-cache.js';
import { buildProgram, readShader } from './shader.js';
import type { VertexArray } from './vertex-array.js';
import { createVertexArray, deleteVertexArray } from './vertex-array.js';

/**
 * Tiles of the compose pass's cover, in pixels: the cubes' bounds (padded by 2 pixels) on 4-pixel
 * tiles cover ≈ 352,000 pixels of the training view at 1600×900 in ≈ 120 rectangles, against
 * 385,000 on 8-pixel tiles and 479,000 on the 32-pixel tiles of scissored draws.
 */
const COVER_TILE = 4;
/** Most rectangles of the cover before its tiles double (each is two triangles of one draw). */
const COVER_MAX_RECTS = 2048;
/** Instance colours per row of the colour texture: 1 << COLORS_SHIFT. */
const COLORS_SHIFT = 10;
const COLORS_WIDTH = 1 << COLORS_SHIFT;

type IndexUniforms = 'u_view_projection' | 'u_light_dir' | 'u_camera_pos';
type ComposeUniforms = 'u_layer' | 'u_colors' | 'u_colors_shift' | 'u_repaint' | 'u_clear';
/**
 * Pixels of slack around a cube's projected bounds for its repaint box. A pixel is drawn when its
 * centre is inside a triangle (llvmpipe snaps vertices to 1/256 pixel), and the JS and GL
 * projections differ by ≈ 1/1000 pixel at 1600 pixels (float32); the box holds every pixel whose
 * centre is within BOX_SLACK of the bounds.
 */
const BOX_SLACK = 1 / 16;

export class CubeCache {
  readonly index: Program<IndexUniforms>;
  private readonly compose: Program<ComposeUniforms>;
  private readonly ids = new Uint32Array(4);
  private fbo = 0;
  private layerTex = 0;
  private depthRb = 0;
  /**
   * Two colour textures used in turn: writing the one the previous frame reads would make
   * llvmpipe wait until that frame is rasterised.
   */
  private readonly colorTexs = [0, 0];
  private colorTex = 0;
  private colorRows = 0;
  private colors = new Float32Array(0);
  /** The cover: its rectangles as triangles (NDC x, y per vertex), drawn by one call. */
  private readonly cover: VertexArray;
  private coverVertices = 0;
  private coverData = new Float32Array(0);
  private w = 0;
  private h = 0;
  /** What the index layer was drawn from: view-projection + camera position, then xyz + scale per instance. */
  private key = new Float32Array(0);
  private keyLength = -1;
  private readonly zeroF = new Float32Array(4);
  /** The screen tiles the layer's cubes touch (outside them it holds nothing). */
  private readonly rects = new ScreenRects(COVER_TILE, COVER_MAX_RECTS);
  /** Times the index layer was drawn (tests). */
  redraws = 0;
  /**
   * Per layer cube, the pixel box [x0, y0, x1, y1) its faces can cover (BOX_SLACK added), for
   * repaint(); boxCount −1 when the layer's projection is not affine (no boxes: no repaint).
   */
  private boxes = new Int32Array(0);
  private boxCount = -1;
  /** repaint()'s scratch: the cubes whose colour changed, its quads (NDC x, y per vertex), its points (x, y, size). */
  private changed = new Int32Array(0);
  private patchData = new Float32Array(0);
  private readonly patch: VertexArray;
  private pointData = new Float32Array(0);
  private readonly points: VertexArray;
  /** Largest point size the GL draws (GL_POINT_SIZE_RANGE); 0 until asked. */
  private maxPoint = 0;
  /** Cubes repainted by the last repaint() (tests, benchmarks). */
  repainted = 0;

  constructor(private readonly gl: Gl, private readonly state: GlState, root: string, programs?: ProgramCache) {
    this.index = buildProgram(gl, readShader('box_index.vert', root), readShader('box_index.frag', root), [
      'u_view_projection', 'u_light_dir', 'u_camera_pos',
    ] as const, programs);
    this.compose = buildProgram(gl, readShader('cube_compose.vert', root), readShader('cube_compose.frag', root), [
      'u_layer', 'u_colors', 'u_colors_shift', 'u_repaint', 'u_clear',
    ] as const, programs);
    this.cover = createVertexArray(gl, state, [2]);
    this.patch = createVertexArray(gl, state, [2]);
    this.points = createVertexArray(gl, state, [2, 1]);
  }

  /**
   * True when the index layer of a width × height frame under `viewProj` seen from `cameraPos`
   * holds `frame`'s first `n` (opaque) instances as they are now; otherwise remember them (the
   * caller then draws the layer: begin(), its draw, and the layer is current).
   */
  current(frame: FrameDesc, n: number, viewProj: Float32Array, cameraPos: Float32Array, width: number, height: number): boolean {
    const len = 19 + 6 * n;
    let same = this.keyLength === len && width === this.w && height === this.h;
    if (this.key.length < len) {
      this.key = new Float32Array(len);
      same = false;
    }
    const k = this.key;
    for (let i = 0; i < 16; i++) {
      if (k[i] !== viewProj[i]) same = false;
      k[i] = viewProj[i]!;
    }
    for (let i = 0; i < 3; i++) {
      if (k[16 + i] !== cameraPos[i]) same = false;
      k[16 + i] = cameraPos[i]!;
    }
    const d = frame.instances;
    for (let j = 0, o = 19; j < n; j++, o += 6) {
      const b = j * INSTANCE_FLOATS;
      const x = d[b]!, y = d[b + 1]!, z = d[b + 2]!, sx = d[b + 7]!, sy = d[b + 8]!, sz = d[b + 9]!;
      if (same && (k[o] !== x || k[o + 1] !== y || k[o + 2] !== z || k[o + 3] !== sx || k[o + 4] !== sy || k[o + 5] !== sz)) same = false;
      k[o] = x; k[o + 1] = y; k[o + 2] = z; k[o + 3] = sx; k[o + 4] = sy; k[o + 5] = sz;
    }
    this.keyLength = len;
    return same;
  }

  /**
   * Bind and clear the index layer (width × height) for drawing its first `n` cubes of `frame`
   * under `viewProj`; the caller draws them with `index`. Each frame then colours only the screen
   * tiles they touch.
   */
  begin(frame: FrameDesc, n: number, viewProj: mat4, width: number, height: number): void {
    this.resize(width, height);
    const r = this.rects;
    r.reset(width, height, this.zeroF);
    if (isAffine(viewProj)) {
      addInstanceBounds(r, frame, viewProj, width, height, n);
      r.finish();
      this.measureBoxes(frame, n, viewProj, width, height);
    } else {
      r.setFull();
      this.boxCount = -1;
    }
    this.uploadCover(width, height);
    const gl = this.gl;
    const st = this.state;
    st.bindDrawFramebuffer(this.fbo);
    st.viewport(0, 0, width, height);
    st.depthMask(true);
    gl.glClearBufferfv(GL_COLOR, 0, this.zeroF);
    // Depth and stencil together: llvmpipe clears a depth-only part of D24S8 texel by texel.
    gl.glClear(GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
    st.useProgram(this.index.program);
    this.redraws++;
  }

  /**
   * Into the bound draw framebuffer (colour and depth cleared by the caller, same size): the
   * layer's cubes coloured with the colours of `frame`'s first `n` instances, with their depth.
   */
  draw(frame: FrameDesc, n: number): void {
    const gl = this.gl;
    const st = this.state;
    this.uploadColors(frame, n);
    st.useProgram(this.compose.program);
    const u = this.compose.uniforms;
    gl.glUniform1i(u.u_repaint, 0);
    this.bindComposeTextures();
    // Depth test on (against the cleared 1.0, always passed) so that gl_FragDepth is written.
    st.set(GL_DEPTH_TEST, true);
    st.depthMask(true);
    st.set(GL_BLEND, false);
    st.set(GL_CULL_FACE, false);
    st.set(GL_SCISSOR_TEST, false);
    st.bindVao(this.cover.vao);
    gl.glDrawArrays(GL_TRIANGLES, 0, this.coverVertices);
  }

  /**
   * Into the bound draw framebuffer, which holds the frame this cache last drew or repainted (same
   * layer, same size, nothing drawn into it since but what the caller drew over the last
   * repaint's pixels): the frame `frame` would give, over the tiles marked in `region` (where the
   * caller's text and other cubes changed) and over squares holding the boxes of the layer cubes
   * whose colour changed — its pixels cleared to `clear` and the layer's cubes composed, with their
   * depth.
   * Every pixel repainted gets the stencil value `stencil`, for the caller to draw whatever else
   * the frame has stencil-tested against it; `region` is finished with its tiles, and the boxes'
   * tiles are marked after (ScreenRects.touches covers all that was repainted). False, with
   * nothing drawn and `region` unfinished, when the layer's projection was not affine or more than
   * `maxChanged` cubes changed colour (clear and draw() the whole frame instead).
   *
   * Why: the training view's colours are quantised (visualization/train-view.ts), so most frames
   * change a small part of its ≈ 22,000 cubes, and colouring them all costs llvmpipe ≈ 3–4 ms.
   */
  repaint(frame: FrameDesc, n: number, region: ScreenRects, clear: Float32Array, maxChanged: number, stencil: number): boolean {
    if (this.boxCount !== n || this.colorTex === 0) return false;
    if (this.changed.length < n) this.changed = new Int32Array(n);
    const ch = this.changed;
    const c = this.colors;
    const d = frame.instances;
    let count = 0;
    for (let j = 0; j < n; j++) {
      const b = j * INSTANCE_FLOATS + 3;
      if (c[4 * j] !== d[b] || c[4 * j + 1] !== d[b + 1] || c[4 * j + 2] !== d[b + 2] || c[4 * j + 3] !== d[b + 3]) {
        if (count === maxChanged) return false;
        ch[count++] = j;
      }
    }
    for (let i = 0; i < count; i++) {
      const j = ch[i]!;
      const b = j * INSTANCE_FLOATS + 3;
      c[4 * j] = d[b]!; c[4 * j + 1] = d[b + 1]!; c[4 * j + 2] = d[b + 2]!; c[4 * j + 3] = d[b + 3]!;
    }
    if (count > 0) this.uploadColorTexture(Math.max(1, Math.ceil(n / COLORS_WIDTH)));
    this.repainted = count;
    // The region's rectangles as quads; each changed cube's box as one point: a square of the
    // box's larger side, from its lower-left corner (moved in where it would leave the frame), its
    // edges on pixel edges so that exactly the pixels inside are drawn. On llvmpipe a point costs
    // about half of the quad's two triangles, and most of a repaint's cost is per primitive, not
    // per pixel (a box is ≈ 4 × 5 pixels). A box larger than the largest point (zoomed in) is a quad.
    region.finish();
    const gl = this.gl;
    if (this.maxPoint === 0) {
      const range = new Int32Array(2);
      gl.glGetIntegerv(GL_POINT_SIZE_RANGE, range);
      this.maxPoint = Math.max(1, range[1]!);
    }
    if (this.patchData.length < 12 * (region.count + count)) this.patchData = new Float32Array(12 * (region.count + count));
    if (this.pointData.length < 3 * count) this.pointData = new Float32Array(3 * count);
    const v = this.patchData;
    const pv = this.pointData;
    const w = this.w, h = this.h;
    const sx = 2 / w, sy = 2 / h;
    const r = region.xyxy;
    let quads = 0;
    for (; quads < region.count; quads++) quad(v, quads, r[4 * quads]!, r[4 * quads + 1]!, r[4 * quads + 2]!, r[4 * quads + 3]!, sx, sy);
    const bx = this.boxes;
    let points = 0;
    for (let i = 0; i < count; i++) {
      const o = 4 * ch[i]!;
      const x0 = bx[o]!, y0 = bx[o + 1]!, x1 = bx[o + 2]!, y1 = bx[o + 3]!;
      if (x1 <= x0 || y1 <= y0) continue; // outside the frame
      const side = Math.max(x1 - x0, y1 - y0);
      // Marked after finish(): the rectangles stay the text's, and touches() covers what is drawn too.
      if (side > this.maxPoint || side > w || side > h) {
        region.addRect(x0, y0, x1, y1);
        quad(v, quads++, x0, y0, x1, y1, sx, sy);
        continue;
      }
      const px = Math.min(x0, w - side), py = Math.min(y0, h - side);
      region.addRect(px, py, px + side, py + side);
      pv[3 * points] = (px + side / 2) * sx - 1;
      pv[3 * points + 1] = (py + side / 2) * sy - 1;
      pv[3 * points + 2] = side;
      points++;
    }
    const st = this.state;
    st.useProgram(this.compose.program);
    const u = this.compose.uniforms;
    gl.glUniform1i(u.u_repaint, 1);
    gl.glUniform4fv(u.u_clear, 1, clear);
    this.bindComposeTextures();
    // Every pixel of the quads and points is written, colour and depth (the clear's and the layer's).
    st.set(GL_DEPTH_TEST, true);
    gl.glDepthFunc(GL_ALWAYS);
    st.depthMask(true);
    st.set(GL_BLEND, false);
    st.set(GL_CULL_FACE, false);
    st.set(GL_SCISSOR_TEST, false);
    st.set(GL_STENCIL_TEST, true);
    gl.glStencilFunc(GL_ALWAYS, stencil, 0xff);
    gl.glStencilOp(GL_KEEP, GL_KEEP, GL_REPLACE);
    if (quads > 0) {
      st.bindVao(this.patch.vao);
      st.bindArrayBuffer(this.patch.vbo);
      gl.glBufferData(GL_ARRAY_BUFFER, 48 * quads, v, GL_STREAM_DRAW);
      gl.glDrawArrays(GL_TRIANGLES, 0, 6 * quads);
    }
    if (points > 0) {
      st.bindVao(this.points.vao);
      st.bindArrayBuffer(this.points.vbo);
      gl.glBufferData(GL_ARRAY_BUFFER, 12 * points, pv, GL_STREAM_DRAW);
      st.set(GL_PROGRAM_POINT_SIZE, true);
      gl.glDrawArrays(GL_POINTS, 0, points);
    }
    st.set(GL_STENCIL_TEST, false);
    gl.glDepthFunc(GL_LESS);
    return true;
  }

  private bindComposeTextures(): void {
    const gl = this.gl;
    const u = this.compose.uniforms;
    gl.glUniform1i(u.u_layer, 0);
    gl.glUniform1i(u.u_colors, 1);
    gl.glUniform1i(u.u_colors_shift, COLORS_SHIFT);
    gl.glActiveTexture(GL_TEXTURE0);
    gl.glBindTexture(GL_TEXTURE_2D, this.layerTex);
    gl.glActiveTexture(GL_TEXTURE1);
    gl.glBindTexture(GL_TEXTURE_2D, this.colorTex);
    gl.glActiveTexture(GL_TEXTURE0);
  }

  /** Each of the first `n` instances' pixel box under the affine `viewProj` (addInstanceBounds' bounds). */
  private measureBoxes(frame: FrameDesc, n: number, viewProj: mat4, width: number, height: number): void {
    if (this.boxes.length < 4 * n) this.boxes = new Int32Array(4 * n);
    const bx = this.boxes;
    for (let j = 0; j < n; j++) {
      const b = instanceBounds(frame.instances, j, viewProj, width, height);
      // Pixel p's centre is p + ½: the pixels whose centres lie within BOX_SLACK of the bounds.
      bx[4 * j] = Math.max(0, Math.ceil(b[0]! - BOX_SLACK - 0.5));
      bx[4 * j + 1] = Math.max(0, Math.ceil(b[1]! - BOX_SLACK - 0.5));
      bx[4 * j + 2] = Math.min(width, Math.floor(b[2]! + BOX_SLACK - 0.5) + 1);
      bx[4 * j + 3] = Math.min(height, Math.floor(b[3]! + BOX_SLACK - 0.5) + 1);
    }
    this.boxCount = n;
  }

  /** The cover's rectangles (this.rects) as two triangles each, in NDC of a width × height viewport. */
  private uploadCover(width: number, height: number): void {
    const r = this.rects;
    const n = 12 * r.count;
    if (this.coverData.length < n) this.coverData = new Float32Array(n);
    const v = this.coverData;
    const sx = 2 / width, sy = 2 / height;
    for (let i = 0; i < r.count; i++) {
      const o = 4 * i;
      const x0 = r.xyxy[o]! * sx - 1, y0 = r.xyxy[o + 1]! * sy - 1, x1 = r.xyxy[o + 2]! * sx - 1, y1 = r.xyxy[o + 3]! * sy - 1;
      v.set([x0, y0, x1, y0, x1, y1, x0, y0, x1, y1, x0, y1], 12 * i);
    }
    this.coverVertices = 6 * r.count;
    this.state.bindVao(this.cover.vao);
    this.state.bindArrayBuffer(this.cover.vbo);
    this.gl.glBufferData(GL_ARRAY_BUFFER, 4 * n, v, GL_STATIC_DRAW);
  }

  private uploadColors(frame: FrameDesc, n: number): void {
    const rows = Math.max(1, Math.ceil(n / COLORS_WIDTH));
    if (this.colors.length < rows * COLORS_WIDTH * 4) this.colors = new Float32Array(rows * COLORS_WIDTH * 4);
    const c = this.colors;
    const d = frame.instances;
    for (let j = 0; j < n; j++) {
      const b = j * INSTANCE_FLOATS + 3;
      c[4 * j] = d[b]!; c[4 * j + 1] = d[b + 1]!; c[4 * j + 2] = d[b + 2]!; c[4 * j + 3] = d[b + 3]!;
    }
    this.uploadColorTexture(rows);
  }

  /** The colours (this.colors, `rows` rows) into the colour texture the previous frame did not read. */
  private uploadColorTexture(rows: number): void {
    const gl = this.gl;
    const c = this.colors;
    if (this.colorTexs[0] === 0 || rows > this.colorRows) {
      this.deleteColors();
      for (let i = 0; i < 2; i++) this.colorTexs[i] = this.texture(GL_RGBA32F, COLORS_WIDTH, rows, GL_RGBA, GL_FLOAT);
      this.colorRows = rows;
    }
    this.colorTex = this.colorTex === this.colorTexs[0] ? this.colorTexs[1]! : this.colorTexs[0]!;
    gl.glActiveTexture(GL_TEXTURE0);
    gl.glBindTexture(GL_TEXTURE_2D, this.colorTex);
    gl.glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, COLORS_WIDTH, rows, GL_RGBA, GL_FLOAT, c);
  }

  /** A nearest-filtered texture of `internal` format, w × h, no data; left bound to unit 0's GL_TEXTURE_2D. */
  private texture(internal: number, w: number, h: number, format: number, type: number): number {
    const gl = this.gl;
    gl.glGenTextures(1, this.ids);
    const tex = this.ids[0]!;
    gl.glActiveTexture(GL_TEXTURE0);
    gl.glBindTexture(GL_TEXTURE_2D, tex);
    gl.glTexImage2D(GL_TEXTURE_2D, 0, internal, w, h, 0, format, type, null);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    gl.glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return tex;
  }

  private resize(width: number, height: number): void {
    if (width === this.w && height === this.h && this.fbo !== 0) return;
    this.deleteTargets();
    const gl = this.gl;
    this.layerTex = this.texture(GL_RGBA32F, width, height, GL_RGBA, GL_FLOAT);
    gl.glGenRenderbuffers(1, this.ids);
    this.depthRb = this.ids[0]!;
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.depthRb);
    gl.glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH24_STENCIL8, width, height);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, 0);
    gl.glGenFramebuffers(1, this.ids);
    this.fbo = this.ids[0]!;
    this.state.bindDrawFramebuffer(this.fbo);
    gl.glFramebufferTexture2D(GL_DRAW_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, this.layerTex, 0);
    gl.glFramebufferRenderbuffer(GL_DRAW_FRAMEBUFFER, GL_DEPTH_STENCIL_ATTACHMENT, GL_RENDERBUFFER, this.depthRb);
    const status = gl.glCheckFramebufferStatus(GL_DRAW_FRAMEBUFFER);
    if (status !== GL_FRAMEBUFFER_COMPLETE) throw new Error(`cube cache framebuffer incomplete (status 0x${status.toString(16)})`);
    this.w = width;
    this.h = height;
  }

  private deleteTargets(): void {
    const gl = this.gl;
    if (this.fbo !== 0) {
      this.ids[0] = this.fbo;
      gl.glDeleteFramebuffers(1, this.ids);
      this.ids[0] = this.layerTex;
      gl.glDeleteTextures(1, this.ids);
      this.ids[0] = this.depthRb;
      gl.glDeleteRenderbuffers(1, this.ids);
    }
    this.fbo = this.layerTex = this.depthRb = 0;
    this.w = this.h = 0;
  }

  private deleteColors(): void {
    for (let i = 0; i < 2; i++) {
      if (this.colorTexs[i] === 0) continue;
      this.ids[0] = this.colorTexs[i]!;
      this.gl.glDeleteTextures(1, this.ids);
      this.colorTexs[i] = 0;
    }
    this.colorTex = 0;
  }

  dispose(): void {
    this.deleteTargets();
    const gl = this.gl;
    this.deleteColors();
    deleteVertexArray(gl, this.cover);
    deleteVertexArray(gl, this.patch);
    deleteVertexArray(gl, this.points);
    gl.glDeleteProgram(this.index.program);
    gl.glDeleteProgram(this.compose.program);
  }
}

/** Quad `i` of `v` (two triangles, NDC x, y per vertex): pixels [x0, x1) × [y0, y1), NDC scale sx, sy. */
function quad(v: Float32Array, i: number, x0: number, y0: number, x1: number, y1: number, sx: number, sy: number): void {
  const o = 12 * i;
  const a = x0 * sx - 1, b = y0 * sy - 1, c = x1 * sx - 1, e = y1 * sy - 1;
  v[o] = a; v[o + 1] = b; v[o + 2] = c; v[o + 3] = b; v[o + 4] = c; v[o + 5] = e;
  v[o + 6] = a; v[o + 7] = b; v[o + 8] = c; v[o + 9] = e; v[o + 10] = a; v[o + 11] = e;
}
