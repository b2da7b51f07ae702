/**
 * The Renderer (STYLE.md §16–17, spec §7.2–7.4): owns every GL object and all GL state, and draws
 * a FrameDesc without deciding anything about it.
 *
 * Per frame: clear to the frame's clear colour; upload the opaque instances (front of the array)
 * and the transparent ones (back of the array) into one interleaved instance buffer (two
 * glBufferSubData calls); draw the opaque batch with depth writes and blending off, then the
 * transparent batch with blending on and depth writes off — one glDrawArraysInstanced each, of
 * only the three cube faces that face the camera (orthographic: picked by the view octant);
 * then the 3D labels and the 2D overlay (text-renderer.ts). Back faces are culled (the cube
 * winds counter-clockwise from outside). Capacity grows on demand.
 *
 * Differences from the reference, on purpose (issue 5): culling, opaque-before-transparent,
 * transparent instances write no depth, no 8,192-instance chunking.
 *
 * Where it draws (ogl's Renderer.render({ scene, camera, target })): render(frame) binds the
 * default framebuffer (the window's, sized by setSize) and render(frame, target) binds a
 * RenderTarget (offscreen.ts) — every framebuffer bind through GlState — sets the viewport to
 * its size, draws, and lets the target resolve. Targets are created and owned by whoever needs
 * them (GlContext.createOffscreen); they know gl and GlState, never this object.
 *
 * Pay only for the pixels that show something (issue 15): on llvmpipe, clearing and resolving a
 * 4× MSAA pixel costs more than drawing cubes over it, and most of a frame is the clear colour.
 * Into a target the renderer clears only the screen rectangles the frame's cubes and quads can
 * touch (screen-rects.ts), and the target resolves and reads back only those; `wholeFrames`
 * turns that off (the reference the partial path is tested against). Same pixels.
 *
 * The window: a 4× MSAA default framebuffer is drawn into directly; a single-sampled one (the
 * app opens its windows so) gets its frames through a 4× MSAA Offscreen of its size, drawn like
 * any target, its rectangles resolved straight into the cleared window, then its 2D overlay drawn
 * onto the window single-sampled (`windowOverlayAliased`): the 3D picture of --snapshot and
 * --record pixel for pixel, for a fraction of the work.
 *
 * What it is not: no window, no event loop, no scene logic; no framebuffer objects of its own
 * (the window's is an Offscreen).
 */
import { mat4, vec3 } from 'gl-matrix';
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS, anyLabelShown } from '../frame.js';
import { cameraForward, projectionForSize, squeezeY, viewMatrix } from './camera.js';
import { CUBE_VERTEX_FLOATS, FACING_VERTEX_COUNT, buildFacingMeshes, viewOctant } from './cube-mesh.js';
import type { Gl } from './gl.js';
import {
  GL_ARRAY_BUFFER, GL_BACK, GL_BLEND, GL_CCW, GL_COLOR_BUFFER_BIT, GL_CULL_FACE, GL_DEPTH_BUFFER_BIT, GL_DEPTH_TEST, GL_STENCIL_BUFFER_BIT,
  GL_DYNAMIC_DRAW, GL_FLOAT, GL_LESS, GL_MULTISAMPLE, GL_ONE, GL_ONE_MINUS_SRC_ALPHA, GL_SAMPLES, GL_SCISSOR_TEST, GL_SRC_ALPHA,
  GL_STATIC_DRAW, GL_TRIANGLES, GL_EQUAL, GL_KEEP, GL_STENCIL_TEST,
} from './gl-enums.js';
import { GlState } from './gl-state.js';
import type { RenderTarget } from './offscreen.js';
import { CubeCache } from './cube-cache.js';
import { CubeChanges } from './cube-changes.js';
import { Offscreen } from './offscreen.js';
import { ScreenRects, addInstanceBounds, isAffine } from './screen-rects.js';
import type { Program, ShaderSource } from './shader.js';
import { ProgramCache } from './program-cache.js';
import { buildProgram, findPackageRoot, readShader } from './shader.js';
import { TextRenderer } from './text-renderer.js';
import type { VertexArray } from './vertex-array.js';
import { createVertexArray, deleteVertexArray } from './vertex-array.js';

/** Light travel direction, world space (spec §6.5). */
export const LIGHT_DIR: readonly [number, number, number] = [0.3, -0.8, -0.5];
const LIGHT_DIR_F32 = Float32Array.from(LIGHT_DIR);
const INSTANCE_BYTES = INSTANCE_FLOATS * 4;
/** Tiles (pixels) and most rectangles of the region keepFrames repaints for changed text and other cubes. */
const REGION_TILE = 8;
const REGION_MAX_RECTS = 512;
/**
 * Past this share of the layer's cubes changing colour at once, keepFrames draws the whole layer:
 * a repainted cube is a square of ≈ 3× its pixels (one point; CubeCache.repaint).
 */
const MAX_REPAINT_SHARE = 0.35;

/** True when the clear colour's channels are 0 or 1: a shader writes them as the clear does. */
function exactClear(c: Float32Array): boolean {
  for (let k = 0; k < 4; k++) if (c[k] !== 0 && c[k] !== 1) return false;
  return true;
}
/** Minimum instance capacity of the GPU buffer (issue 5: at least 65,536). */
export const MIN_GPU_INSTANCES = 65536;

export interface RenderStats {
  drawCalls: number;
  instances: number;
  textQuads: number;
  uploadBytes: number;
  /** Pixels cleared and resolved: the screen rectangles of a render target, else the whole window. */
  pixels: number;
}

export interface RendererOptions {
  /** Package root holding shaders/ and fonts/ (default: found from this module). */
  root?: string;
  /** Override shader sources (tests). */
  boxShaders?: { vert: ShaderSource; frag: ShaderSource };
  /** Where linked programs are kept (program-cache.ts); default: the user's cache folder; null: nowhere. */
  programCache?: ProgramCache | null;
}

type BoxUniforms = 'u_view_projection' | 'u_light_dir' | 'u_camera_pos';

export class Renderer {
  readonly state: GlState;
  readonly stats: RenderStats = { drawCalls: 0, instances: 0, textQuads: 0, uploadBytes: 0, pixels: 0 };
  private readonly box: Program<BoxUniforms>;
  private readonly text: TextRenderer;
  private readonly textProgram: Program<'u_matrix' | 'u_atlas'>;
  private readonly flatProgram: Program<'u_matrix'>;
  private readonly cube: VertexArray;
  private readonly instanceVbo: number;
  private gpuInstances = 0;
  /** The default framebuffer's size (pixels) and text pixel ratio (setSize). */
  private width = 0;
  private height = 0;
  private pixelRatio = 1;
  private readonly ids = new Uint32Array(1);
  private readonly view = mat4.create();
  private readonly proj = mat4.create();
  private readonly viewProj = mat4.create();
  private readonly pixelProj = mat4.create();
  private readonly forward = vec3.create();
  private readonly cameraPos = new Float32Array(3);
  private readonly query = new Int32Array(1);
  /**
   * True: clear, resolve and read back the whole frame of a render target (the reference the
   * partial path is tested against, and the benchmark's A/B switch). The pixels are the same.
   */
  wholeFrames = false;
  /**
   * False: a single-sampled window is drawn into directly, without antialiasing (the training
   * view, whose ≈ 22,700 cubes cover most of the window, keeps its CPU for training).
   */
  windowAntialias = true;
  /**
   * True: a window drawn directly (not antialiased) takes its opaque cubes from a cached layer,
   * drawn again only when their geometry changes (cube-cache.ts; the training view, whose
   * ≈ 22,000 cubes stay in place while their colours change). Same pixels.
   */
  cacheCubes = false;
  private cubeCache: CubeCache | null = null;
  /**
   * True: the window's back buffer is kept from frame to frame — its frames are put on screen by
   * copying rectangles of it (Window.rectCopier), never swapped — so a frame from the cached cube
   * layer (cacheCubes) repaints only what changed: the cubes whose colour changed, and where the
   * rest of the frame (text, the other cubes) is or was (CubeCache.repaint). The same pixels as
   * drawing the whole frame (tested). Copying the whole frame costs less than copying just what
   * changed: under Xvfb each rectangle is a request, and a full copy ≈ 0.5 ms of the server's CPU.
   */
  keepFrames = false;
  /** The back buffer holds the last frame drawCached drew, and nothing else was drawn into it since. */
  private kept = false;
  private keptRatio = 0;
  /**
   * keepFrames: where the text and the other cubes changed since the last frame (where they are
   * and were), then everything the frame's repaint drew (CubeCache.repaint).
   */
  private readonly region = new ScreenRects(REGION_TILE, REGION_MAX_RECTS);
  /** The stencil value the last repaint wrote (0: the frame was drawn whole, its stencil cleared). */
  private stencilId = 0;
  /** The cubes that changed since the last frame, and those to draw again (cube-changes.ts). */
  private readonly cubes = new CubeChanges();
  /** The last render(frame) repainted the kept frame (keepFrames) rather than drawing it whole. */
  repainted = false;
  /** The last render(frame, target) drew the frame as changes to the target's last one (drawChanges). */
  drewChanges = false;
  /**
   * True (the default): a single-sampled window gets its 2D overlay (overlay lines, caption band,
   * choice chart, tooltip, timeline bar) drawn single-sampled straight onto it after the resolve,
   * not into the 4× MSAA target — half the CPU of a 1600×900 frame on llvmpipe (the overlay's
   * pixels no longer need an MSAA clear, blend and resolve). The 3D picture is the offscreen
   * one's pixel for pixel; overlay pixels differ from --snapshot's where a glyph quad's edge is
   * partly covered (mip-filtered ink: up to 58 levels on a few pixels per glyph, tested) and by at most
   * a level of rounding in solid panels. False: the overlay goes through the MSAA target too, and
   * the window shows exactly --snapshot's pixels.
   */
  windowOverlayAliased = true;
  /** Where a single-sampled window's frames are drawn first (render(frame)); made on first use. */
  private windowTarget: Offscreen | null = null;
  /** GL_SAMPLES of the default framebuffer; −1 until asked. */
  private defaultSamples = -1;
  /** The screen rectangles of the frame being drawn into a render target. */
  private readonly rects = new ScreenRects();
  /**
   * The target whose pixels are the last frame this renderer drew (into a target that takes
   * changes, RenderTarget.takesChanges), with that frame's layout remembered; else null.
   */
  private keptTarget: RenderTarget | null = null;
  /** The stencil value the last frame of changes wrote into the kept target (0: a whole frame). */
  private keptStencil = 0;
  /** Where a frame drawn as changes differs from the last (drawChanges). */
  private readonly changed = new ScreenRects();
  private flat: ScreenRects | null = null;
  /** Package root holding shaders/ (the cube cache's are read when first needed). */
  private readonly root: string;
  private readonly programs: ProgramCache | undefined;
  private disposed = false;

  constructor(readonly gl: Gl, opts: RendererOptions = {}) {
    const root = opts.root ?? findPackageRoot();
    this.root = root;
    this.state = new GlState(gl);
    const vert = opts.boxShaders?.vert ?? readShader('box_instanced.vert', root);
    const frag = opts.boxShaders?.frag ?? readShader('box_instanced.frag', root);
    const programs = opts.programCache === undefined ? new ProgramCache(gl) : opts.programCache ?? undefined;
    this.programs = programs;
    this.box = buildProgram(gl, vert, frag, ['u_view_projection', 'u_light_dir', 'u_camera_pos'] as const, programs);
    this.textProgram = buildProgram(gl, readShader('text.vert', root), readShader('text.frag', root), [
      'u_matrix', 'u_atlas',
    ] as const, programs);
    this.flatProgram = buildProgram(gl, readShader('text.vert', root), readShader('flat.frag', root), ['u_matrix'] as const, programs);
    const st = this.state;
    // Position and normal per vertex (CUBE_VERTEX_FLOATS = 3 + 3).
    this.cube = createVertexArray(gl, st, [3, CUBE_VERTEX_FLOATS - 3]);
    // Only the three camera-facing faces are drawn (8 octant meshes, cube-mesh.ts): half the
    // vertex work of the full cube for the same picture.
    const mesh = buildFacingMeshes();
    gl.glBufferData(GL_ARRAY_BUFFER, mesh.byteLength, mesh, GL_STATIC_DRAW);
    gl.glGenBuffers(1, this.ids);
    this.instanceVbo = this.ids[0]!;
    st.bindArrayBuffer(this.instanceVbo);
    for (let loc = 2; loc <= 4; loc++) {
      gl.glEnableVertexAttribArray(loc);
      gl.glVertexAttribDivisor(loc, 1);
    }
    this.pointInstances(0);
    // The instance buffer's storage is made by each frame with cubes, at its size (freshInstances).
    st.bindVao(0);
    this.text = new TextRenderer(gl, st, this.textProgram, this.flatProgram);
    gl.glDepthFunc(GL_LESS);
    // Colour: classic over; alpha: keep the destination opaque so read-back frames stay opaque.
    gl.glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    gl.glCullFace(GL_BACK);
    gl.glFrontFace(GL_CCW);
    st.set(GL_MULTISAMPLE, true);
  }

  /** Point the per-instance attributes at instance index `base` of the instance buffer. */
  private pointInstances(base: number): void {
    const gl = this.gl;
    const off = base * INSTANCE_BYTES;
    this.state.bindArrayBuffer(this.instanceVbo);
    gl.glVertexAttribPointer(2, 3, GL_FLOAT, 0, INSTANCE_BYTES, off);
    gl.glVertexAttribPointer(3, 4, GL_FLOAT, 0, INSTANCE_BYTES, off + 12);
    gl.glVertexAttribPointer(4, 3, GL_FLOAT, 0, INSTANCE_BYTES, off + 28);
  }

  /** Raise the instance capacity (doubling from MIN_GPU_INSTANCES) to hold n; freshInstances makes the storage. */
  private growInstances(n: number): void {
    if (n <= this.gpuInstances) return;
    let cap = Math.max(MIN_GPU_INSTANCES, this.gpuInstances);
    while (cap < n) cap *= 2;
    this.gpuInstances = cap;
  }

  /**
   * The instance buffer bound, with room for n instances, in new storage (orphaned: a frame still
   * being drawn never stalls the upload) of this frame's size rounded up to 1,024 instances, not the
   * capacity: llvmpipe allocates and zeroes it each frame (65,536 instances: ≈ 1.5 ms of CPU).
   */
  private freshInstances(n: number): void {
    this.growInstances(n);
    this.state.bindArrayBuffer(this.instanceVbo);
    const size = Math.min(this.gpuInstances, Math.ceil(Math.max(1, n) / 1024) * 1024);
    this.gl.glBufferData(GL_ARRAY_BUFFER, size * INSTANCE_BYTES, null, GL_DYNAMIC_DRAW);
  }

  /** Instance capacity of the GPU buffer. */
  get instanceCapacity(): number {
    return this.gpuInstances;
  }

  /**
   * The default framebuffer (the window's): its size in pixels — 0×0 while minimised, when
   * render(frame) draws nothing — and the pixel ratio its text is drawn at (framebuffer pixels
   * per window pixel). render(frame, target) ignores both.
   */
  setSize(width: number, height: number, pixelRatio = 1): void {
    this.width = width;
    this.height = height;
    this.pixelRatio = pixelRatio;
  }

  /** Build the atlases for this pixel ratio now (otherwise done on the first render). */
  setPixelRatio(ratio: number): void {
    this.text.setPixelRatio(ratio);
  }

  /**
   * Fill + upload the frame's instances into the GPU buffer (opaque then transparent, packed; the
   * opaque ones only from `from` on, the buffer's head left undefined). Returns the bytes
   * uploaded. Separate from drawing so the benchmark can time it.
   */
  uploadInstances(frame: FrameDesc, from = 0): number {
    const oc = frame.opaqueCount;
    const tc = frame.transparentCount;
    const gl = this.gl;
    this.freshInstances(oc + tc);
    // The opaque block starts the array: pass the array itself (the size bounds the read), no view.
    if (from === 0 && oc > 0) gl.glBufferSubData(GL_ARRAY_BUFFER, 0, oc * INSTANCE_BYTES, frame.instances);
    // Only the opaque instances from `from` on (the cached layer holds the others).
    else if (oc > from) gl.glBufferSubData(GL_ARRAY_BUFFER, from * INSTANCE_BYTES, (oc - from) * INSTANCE_BYTES, frame.instances.subarray(from * INSTANCE_FLOATS, oc * INSTANCE_FLOATS));
    if (tc > 0) {
      const start = (frame.capacity - tc) * INSTANCE_FLOATS;
      gl.glBufferSubData(
        GL_ARRAY_BUFFER, oc * INSTANCE_BYTES, tc * INSTANCE_BYTES,
        frame.instances.subarray(start, start + tc * INSTANCE_FLOATS),
      );
    }
    return (oc + tc) * INSTANCE_BYTES;
  }

  /**
   * Draw `frame` into `target` (then let it resolve), or into the default framebuffer at the
   * size and pixel ratio of the last setSize. Offscreen text is drawn at pixel ratio 1. A 0×0
   * default framebuffer (minimised window) draws nothing.
   */
  render(frame: FrameDesc, target?: RenderTarget): void {
    if (this.disposed) throw new Error('Renderer used after dispose()');
    const s = this.stats;
    s.drawCalls = s.instances = s.textQuads = s.uploadBytes = s.pixels = 0;
    const st = this.state;
    if (target !== undefined) {
      st.bindDrawFramebuffer(target.framebuffer);
      this.drewChanges = target === this.keptTarget && target.takesChanges === true && this.drawChanges(frame, target);
      if (this.drewChanges) return;
      this.draw(frame, target.width, target.height, 1, this.rects);
      if (target.keepFrames === true) this.keep(frame, target);
      else if (target === this.keptTarget) this.keptTarget = null;
      target.resolve(this.rects);
      return;
    }
    this.keptTarget = null;
    this.flat = null;
    this.repainted = false;
    const kept = this.kept;
    this.kept = false;
    if (this.width <= 0 || this.height <= 0) return;
    if (this.windowSamples() > 0 || !this.windowAntialias) {
      st.bindDrawFramebuffer(0);
      if (this.cacheCubes && frame.stableCount > 0) this.drawCached(frame, this.width, this.height, this.pixelRatio, kept);
      else this.draw(frame, this.width, this.height, this.pixelRatio);
      return;
    }
    const late = this.windowOverlayAliased;
    // Nothing 3D (no cube, no label shown; e.g. the first frames of a run): the MSAA target would
    // resolve nothing, so it is neither made nor touched — the same pixels, and the window's first
    // frame does not wait for the target's allocation (issue 15).
    const flat = late && frame.opaqueCount + frame.transparentCount === 0 && !anyLabelShown(frame);
    if (flat) {
      this.text.setPixelRatio(this.pixelRatio);
      this.matrices(frame, this.width, this.height);
      this.text.prepare(frame, this.width, this.height, this.forward as Float32Array);
      const r = this.rects;
      r.reset(this.width, this.height, frame.clearColor);
      if (isAffine(this.viewProj)) {
        this.text.addBounds(r, this.viewProj, this.pixelProj, this.width, this.height, true);
        r.finish();
        this.flat = r;
      }
    } else {
      const off = this.windowOffscreen();
      st.bindDrawFramebuffer(off.framebuffer);
      this.draw(frame, this.width, this.height, this.pixelRatio, this.rects, !late);
    }
    st.bindDrawFramebuffer(0);
    st.viewport(0, 0, this.width, this.height);
    st.clearColor(frame.clearColor);
    this.gl.glClear(GL_COLOR_BUFFER_BIT);
    if (!flat) this.windowTarget!.resolveInto(0, this.rects);
    if (late) {
      st.bindDrawFramebuffer(0);
      this.text.drawOverlay(this.pixelProj);
    }
  }

  /**
   * After render(frame) into the window: when the frame has nothing 3D (its text only, as the
   * first frames of a run), the rectangles outside which each of its pixels is the clear colour
   * (`clear`); else null. Valid until the next render.
   */
  get flatRects(): ScreenRects | null {
    return this.flat;
  }

  /**
   * Draw `frame` into the bound draw framebuffer of width × height pixels. With `rects`, only the
   * screen rectangles the frame can touch are cleared (scissored) and `rects` says which they are
   * (the target resolves and reads only those); without, the whole framebuffer is cleared.
   */
  private draw(frame: FrameDesc, width: number, height: number, pixelRatio: number, rects?: ScreenRects, overlay = true): void {
    const gl = this.gl;
    const st = this.state;
    const s = this.stats;
    this.text.setPixelRatio(pixelRatio);
    st.viewport(0, 0, width, height);
    this.matrices(frame, width, height);
    this.text.prepare(frame, width, height, this.forward as Float32Array);

    st.clearColor(frame.clearColor);
    st.depthMask(true);
    if (rects !== undefined) {
      rects.reset(width, height, frame.clearColor);
      if (!this.wholeFrames && isAffine(this.viewProj)) {
        addInstanceBounds(rects, frame, this.viewProj, width, height);
        this.text.addBounds(rects, this.viewProj, this.pixelProj, width, height, overlay);
        rects.finish();
      } else {
        rects.setFull();
      }
    }
    s.pixels = rects !== undefined ? rects.area : width * height;
    // With the stencil: llvmpipe clears only the depth part of a D24S8 buffer texel by texel.
    if (rects === undefined || rects.full) {
      gl.glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
    } else {
      // Clearing is the one step that would touch every pixel; the draws below touch only pixels
      // inside the rectangles by construction (screen-rects.ts), so they need no scissor.
      this.clearRects(rects);
    }

    const oc = frame.opaqueCount;
    const tc = frame.transparentCount;
    if (oc + tc > 0) {
      s.uploadBytes = this.uploadInstances(frame);
      this.drawCubes(frame, 0);
      s.instances = oc + tc;
    }
    this.text.draw(this.viewProj, this.pixelProj, overlay);
    s.drawCalls += this.text.drawCalls;
    s.textQuads = this.text.quadCount;
  }

  /** Clear colour, depth and stencil inside each of `rects` (scissored). */
  private clearRects(rects: ScreenRects): void {
    const st = this.state;
    st.set(GL_SCISSOR_TEST, true);
    const r = rects.xyxy;
    for (let i = 0; i < rects.count; i++) {
      const o = 4 * i;
      this.gl.glScissor(r[o]!, r[o + 1]!, r[o + 2]! - r[o]!, r[o + 3]! - r[o + 1]!);
      this.gl.glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
    }
    st.set(GL_SCISSOR_TEST, false);
  }

  /**
   * After a whole frame drawn into a target that may take changes: remember what the next frame's
   * changes are found against (its globals, cubes and text layout), and that the stencil is clear.
   */
  private keep(frame: FrameDesc, target: RenderTarget): void {
    // The last cubes and text layout are the window's too (drawCached): its next frame is drawn whole.
    this.kept = false;
    const affine = !this.wholeFrames && isAffine(this.viewProj);
    this.keptTarget = affine ? target : null;
    if (!affine) return;
    this.cubes.keepGlobals(this.viewProj, this.pixelProj, this.cameraPos, frame.clearColor, target.width, target.height, 1);
    this.cubes.remember(frame, 0);
    this.text.rememberLayout();
    this.keptStencil = 0;
  }

  /**
   * Draw `frame` into `target`, which holds the last frame drawn (keep), as changes to it: only
   * where a cube or a text quad differs (where it is and where it was; by index) is cleared and
   * drawn again — the cubes and quads that touch those tiles, through a stencil written by the
   * clear, so each changed pixel gets the fragments a whole frame gives it, in the same order.
   * A frame with no change draws nothing. Returns false (nothing drawn) when the frame must be
   * drawn whole: the camera, size or clear colour changed, or the stencil values ran out.
   * Outside the changed tiles the buffer may hold stale pixels and stencil values (a whole frame
   * clears only its own tiles, and the values start again after it): fragments drawn there are
   * never resolved nor read, so they change nothing that is shown.
   */
  private drawChanges(frame: FrameDesc, target: RenderTarget): boolean {
    const { width, height } = target;
    this.kept = false;
    this.text.setPixelRatio(1);
    this.matrices(frame, width, height);
    if (!this.cubes.sameGlobals(this.viewProj, this.pixelProj, this.cameraPos, frame.clearColor, width, height, 1)) return false;
    if (this.keptStencil >= 255) return false;
    this.text.prepare(frame, width, height, this.forward as Float32Array);
    const c = this.changed;
    c.reset(width, height, frame.clearColor);
    this.text.addChangedBounds(c, this.viewProj, this.pixelProj, width, height);
    this.cubes.addChanged(c, frame, 0, this.viewProj, width, height);
    c.finish();
    const s = this.stats;
    s.pixels = c.area;
    if (c.count > 0) {
      const gl = this.gl;
      const st = this.state;
      const id = ++this.keptStencil;
      st.viewport(0, 0, width, height);
      st.clearColor(frame.clearColor);
      st.depthMask(true);
      gl.glClearStencil(id);
      this.clearRects(c);
      gl.glClearStencil(0);
      st.set(GL_STENCIL_TEST, true);
      gl.glStencilFunc(GL_EQUAL, id, 0xff);
      gl.glStencilOp(GL_KEEP, GL_KEEP, GL_KEEP);
      const oc = frame.opaqueCount;
      const tc = frame.transparentCount;
      if (oc + tc > 0) {
        this.freshInstances(oc + tc);
        this.drawOthersTouching(frame, 0, c, width, height);
      }
      this.text.cullTo(c, this.viewProj, this.pixelProj, width, height);
      this.text.draw(this.viewProj, this.pixelProj);
      st.set(GL_STENCIL_TEST, false);
      s.instances = oc + tc;
      s.drawCalls += this.text.drawCalls;
      s.textQuads = this.text.quadCount;
    }
    target.resolveChanges!(c);
    return true;
  }

  /**
   * View, projection (squeezed above the caption band), their product, the camera's forward and
   * the pixel projection of a width × height frame.
   */
  private matrices(frame: FrameDesc, width: number, height: number): void {
    viewMatrix(this.view, frame.camera);
    // The caption band and reserved strip (issue 13) keep the bottom: the picture is drawn in the
    // rectangle above them (its own aspect), by squeezing clip-space y into that rectangle.
    const band = this.text.bottomPx(frame, height);
    projectionForSize(this.proj, frame.camera, width, height - band);
    if (band > 0) squeezeY(this.proj, 1 - band / height, band / height);
    mat4.multiply(this.viewProj, this.proj, this.view);
    cameraForward(this.forward, frame.camera);
    mat4.ortho(this.pixelProj, 0, width, 0, height, -1, 1);
    // Through a Float32Array: numbers passed to a driver call are boxed by V8 (allocation).
    const p = frame.camera.position;
    const cp = this.cameraPos;
    cp[0] = p[0]!; cp[1] = p[1]!; cp[2] = p[2]!;
  }

  /**
   * Use `program` (box_instanced or box_index: the same uniforms) for the cubes of `frame`: its
   * uniforms, the cube VAO, depth test and culling on. Returns the first vertex of the mesh of
   * the three faces that face the camera.
   */
  private useCubeProgram(program: Program<BoxUniforms>): number {
    const gl = this.gl;
    const st = this.state;
    st.useProgram(program.program);
    const u = program.uniforms;
    gl.glUniformMatrix4fv(u.u_view_projection, 1, 0, this.viewProj as Float32Array);
    gl.glUniform3fv(u.u_light_dir, 1, LIGHT_DIR_F32);
    gl.glUniform3fv(u.u_camera_pos, 1, this.cameraPos);
    st.bindVao(this.cube.vao);
    st.set(GL_DEPTH_TEST, true);
    st.set(GL_CULL_FACE, true);
    const f = this.forward;
    return viewOctant(f[0]!, f[1]!, f[2]!) * FACING_VERTEX_COUNT;
  }

  /**
   * Draw the uploaded instances of `frame` from opaque instance `from` on: the rest of the opaque
   * batch with depth writes and blending off, then the transparent batch with blending on and
   * depth writes off.
   */
  private drawCubes(frame: FrameDesc, from: number): void {
    this.drawInstances(from, frame.opaqueCount - from, frame.opaqueCount, frame.transparentCount);
  }

  /** The uploaded instances: `opaque` from index `opaqueAt` with depth writes, then `transparent` from `transparentAt` blended. */
  private drawInstances(opaqueAt: number, opaque: number, transparentAt: number, transparent: number): void {
    const gl = this.gl;
    const st = this.state;
    const first = this.useCubeProgram(this.box);
    if (opaque > 0) {
      this.pointInstances(opaqueAt);
      st.set(GL_BLEND, false);
      st.depthMask(true);
      gl.glDrawArraysInstanced(GL_TRIANGLES, first, FACING_VERTEX_COUNT, opaque);
      this.stats.drawCalls++;
    }
    if (transparent > 0) {
      this.pointInstances(transparentAt);
      st.set(GL_BLEND, true);
      st.depthMask(false);
      gl.glDrawArraysInstanced(GL_TRIANGLES, first, FACING_VERTEX_COUNT, transparent);
      this.stats.drawCalls++;
    }
  }

  /**
   * The window's frame with its first `stableCount` cubes from the cached layer (cube-cache.ts):
   * drawn again only when their geometry changed, else coloured from their current colours; then
   * the other cubes and the text, as draw() does.
   */
  private drawCached(frame: FrameDesc, width: number, height: number, pixelRatio: number, kept: boolean): void {
    const gl = this.gl;
    const st = this.state;
    const s = this.stats;
    this.text.setPixelRatio(pixelRatio);
    this.matrices(frame, width, height);
    this.text.prepare(frame, width, height, this.forward as Float32Array);
    const cache = this.cubeCache ??= new CubeCache(gl, st, this.root, this.programs);
    const k = Math.min(frame.stableCount, frame.opaqueCount);
    const oc = frame.opaqueCount;
    const tc = frame.transparentCount;
    const current = cache.current(frame, k, this.viewProj as Float32Array, this.cameraPos, width, height);
    s.uploadBytes = this.uploadInstances(frame, current ? k : 0);
    if (!current) {
      cache.begin(frame, k, this.viewProj, width, height);
      const first = this.useCubeProgram(cache.index);
      this.pointInstances(0);
      st.set(GL_BLEND, false);
      st.depthMask(true);
      gl.glDrawArraysInstanced(GL_TRIANGLES, first, FACING_VERTEX_COUNT, k);
      s.drawCalls++;
    }
    st.bindDrawFramebuffer(0);
    st.viewport(0, 0, width, height);
    const keep = this.keepFrames && this.windowSamples() === 0 && isAffine(this.viewProj) && exactClear(frame.clearColor);
    if (keep) {
      // What changed since the last frame — labels, the overlay, the other cubes — where it is and was.
      const region = this.region;
      region.reset(width, height, frame.clearColor);
      this.text.addChangedBounds(region, this.viewProj, this.pixelProj, width, height);
      this.cubes.addChanged(region, frame, k, this.viewProj, width, height);
      // A new pixel ratio redraws the text atlases: glyphs may change where their quads do not.
      if (kept && current && pixelRatio === this.keptRatio && this.stencilId < 255) {
        this.repainted = cache.repaint(frame, k, region, frame.clearColor, Math.floor(k * MAX_REPAINT_SHARE), this.stencilId + 1);
        if (this.repainted) this.stencilId++;
      }
    }
    if (!this.repainted) {
      st.clearColor(frame.clearColor);
      st.depthMask(true);
      // With the stencil: llvmpipe clears only the depth part of a D24S8 buffer texel by texel.
      gl.glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);
      cache.draw(frame, k);
      this.stencilId = 0;
    }
    this.kept = keep;
    this.keptRatio = pixelRatio;
    s.drawCalls++;
    // The other cubes (the loss curve, the progress bar) as usual, depth-tested against the layer's.
    // Repainted: only where the repaint wrote this frame's stencil value, and only the cubes and
    // labels that touch what it drew.
    if (this.repainted) {
      st.set(GL_STENCIL_TEST, true);
      gl.glStencilFunc(GL_EQUAL, this.stencilId, 0xff);
      gl.glStencilOp(GL_KEEP, GL_KEEP, GL_KEEP);
      if (oc + tc > k) this.drawOthersTouching(frame, k, this.region, width, height);
      this.text.cullTo(this.region, this.viewProj, this.pixelProj, width, height);
    } else if (oc + tc > k) {
      this.drawCubes(frame, k);
    }
    s.instances = oc + tc;
    s.pixels = width * height;
    this.text.draw(this.viewProj, this.pixelProj);
    s.drawCalls += this.text.drawCalls;
    s.textQuads = this.text.quadCount;
    if (this.repainted) st.set(GL_STENCIL_TEST, false);
  }

  /**
   * drawCubes(frame, k) for the cubes after the layer's first `k` whose bounds touch a tile marked
   * in `mask` (the others would draw nothing through the repaint's stencil): those uploaded again,
   * in order, over the instance buffer's part after the layer's cubes.
   */
  private drawOthersTouching(frame: FrameDesc, k: number, mask: ScreenRects, width: number, height: number): void {
    const c = this.cubes;
    c.touching(frame, k, mask, this.viewProj, width, height);
    if (c.opaque + c.transparent === 0) return;
    this.state.bindArrayBuffer(this.instanceVbo);
    this.gl.glBufferSubData(GL_ARRAY_BUFFER, k * INSTANCE_BYTES, (c.opaque + c.transparent) * INSTANCE_BYTES, c.selected);
    this.drawInstances(k, c.opaque, k + c.opaque, c.transparent);
  }

  /** Pixels at the bottom of a `height`-pixel frame kept by its caption band and reserved strip (issue 13). */
  bottomPx(frame: FrameDesc, height: number): number {
    return this.text.bottomPx(frame, height);
  }

  /**
   * The 4× MSAA target a single-sampled window's frames are drawn through, made (or resized) to
   * the window's size now. The app calls it once its first frame is on screen, so the allocation
   * (≈ 50 MB that llvmpipe zeroes at 1600×900) happens while nothing moves yet.
   */
  prepareWindowTarget(): void {
    if (this.width > 0 && this.height > 0 && this.windowAntialias && this.windowSamples() === 0) this.windowTarget = this.windowOffscreen();
  }

  /** Build the 3D labels' glyph atlas now (else when a frame first shows a label). */
  prepareLabels(): void {
    this.text.setPixelRatio(this.pixelRatio);
    this.text.prepareLabels();
  }

  private windowOffscreen(): Offscreen {
    const off = this.windowTarget ??= new Offscreen(this.gl, this.state, this.width, this.height, 4, false);
    off.resize(this.width, this.height);
    return off;
  }

  /** Mark in `out` (reset by the caller) the tiles the frame's 2D overlay quads touch at width × height (tests). */
  overlayBounds(frame: FrameDesc, width: number, height: number, out: ScreenRects): void {
    mat4.ortho(this.pixelProj, 0, width, 0, height, -1, 1);
    cameraForward(this.forward, frame.camera);
    this.text.prepare(frame, width, height, this.forward as Float32Array);
    this.text.addOverlayBounds(out, this.pixelProj, width, height);
    out.finish();
  }

  /** Samples per pixel of the window's framebuffer (asked once: a window never changes it). */
  private windowSamples(): number {
    if (this.defaultSamples < 0) {
      this.state.bindDrawFramebuffer(0);
      this.gl.glGetIntegerv(GL_SAMPLES, this.query);
      this.defaultSamples = this.query[0]!;
    }
    return this.defaultSamples;
  }

  /** The combined projection·view matrix of the last render (for tests and picking). */
  get lastViewProjection(): mat4 {
    return this.viewProj;
  }

  /** Delete every GL object this renderer created (not the render targets). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.text.dispose();
    this.windowTarget?.dispose();
    this.cubeCache?.dispose();
    const gl = this.gl;
    deleteVertexArray(gl, this.cube);
    this.ids[0] = this.instanceVbo;
    gl.glDeleteBuffers(1, this.ids);
    gl.glDeleteProgram(this.box.program);
    gl.glDeleteProgram(this.textProgram.program);
    gl.glDeleteProgram(this.flatProgram.program);
    this.state.invalidate();
  }
}
