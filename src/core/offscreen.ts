/**
 * Render targets (spec §9.3, issue 5, issue 16), in the spirit of ogl's RenderTarget: what
 * Renderer.render(frame, target) draws into instead of the window.
 *
 * Offscreen is the one kind: a multisampled framebuffer (RGBA8 colour + 24-bit depth / 8-bit
 * stencil renderbuffers, 4 samples by default) of any size, a single-sampled resolve framebuffer, and a
 * PixelReader for top-down RGBA/RGB readback through two pixel-pack buffers.
 *
 *   const off = new Offscreen(gl, renderer.state, 1600, 900);   // or ctx.createOffscreen(1600, 900)
 *   renderer.render(frame, off);     // draw into the MSAA buffer, then off.resolve()
 *   const rgba = off.readPixels();   // resolve, read: synchronous, top-down rows
 *   // pipelined (recording): render(f0, off); off.beginRead(); render(f1, off); off.finishRead() → f0 …
 *
 * The renderer tells resolve() which screen rectangles it drew (screen-rects.ts); only those are
 * resolved and read back, and the reader fills the rest with the clear colour. The resolve itself
 * waits until the frame is read: on a software GL the frame is still being rasterised when
 * render() returns, and the caller can do other work meanwhile (the recording's previous frame).
 *
 * It knows the GL function table and the GlState cache (every framebuffer bind goes through it),
 * never the Renderer. What it is not: no drawing (renderer.ts), no encoding (png.ts).
 */
import { UserError } from '../errors.js';
import type { Gl } from './gl.js';
import {
  GL_COLOR_ATTACHMENT0, GL_COLOR_BUFFER_BIT, GL_DEPTH24_STENCIL8, GL_DEPTH_STENCIL_ATTACHMENT, GL_DRAW_FRAMEBUFFER,
  GL_FRAMEBUFFER_COMPLETE, GL_MAX_SAMPLES, GL_NEAREST, GL_RENDERBUFFER, GL_RGBA8, GL_SAMPLES,
} from './gl-enums.js';
import type { GlState } from './gl-state.js';
import type { PixelFormat } from './readback.js';
import { PixelReader } from './readback.js';
import { ScreenRects } from './screen-rects.js';

/** Largest side accepted (GL_MAX_RENDERBUFFER_SIZE is ≥ 8192 on every 4.1 driver we target). */
export const MAX_OFFSCREEN_SIDE = 8192;

/** What Renderer.render draws into when it is not the window. */
export interface RenderTarget {
  /** Size in pixels; the renderer sets the viewport to it. Offscreen text is drawn at pixel ratio 1. */
  readonly width: number;
  readonly height: number;
  /** The framebuffer the renderer binds for drawing. */
  readonly framebuffer: number;
  /**
   * Called by the renderer after it drew a frame (a multisampled target resolves here or when it
   * is read): only `shown` was cleared and drawn; every other pixel is `shown.clear`.
   */
  resolve(shown: ScreenRects): void;
  /** True: the target keeps its pixels from frame to frame, so a frame may be drawn as changes. */
  readonly keepFrames?: boolean;
  /**
   * True when the renderer may draw the next frame as changes to the last one it drew here
   * (resolveChanges): the target keeps its frames, and the last one's pixels have been taken.
   */
  readonly takesChanges?: boolean;
  /**
   * Called instead of resolve() after a frame drawn as changes: only `changed` was cleared and
   * drawn again (none: the frame is the last one); every other pixel is the last frame's.
   */
  resolveChanges?(changed: ScreenRects): void;
}

const NO_CLEAR = new Float32Array(4);

export class Offscreen implements RenderTarget {
  private readonly ids = new Uint32Array(2);
  private msaaFbo = 0;
  private resolveFbo = 0;
  private readonly rbs = new Uint32Array(3);
  private w = 0;
  private h = 0;
  private readonly reader: PixelReader;
  private readonly query = new Int32Array(1);
  /** What the last resolve filled (the rest of the resolve buffer is stale). */
  private readonly shown = new ScreenRects();
  /** The last frame is drawn (or being drawn) and not yet resolved: the next read resolves it. */
  private unresolved = false;
  /** The last frame was drawn as changes to the one before (resolveChanges): `shown` is what changed. */
  private changes = false;
  /** The multisampled buffer holds the last frame drawn, and its changes are not lost (see takesChanges). */
  private kept = false;
  /**
   * True: frames may be drawn as changes to the last one (renderer.ts, resolveChanges), and are
   * read as such — only in yuv420p (readback.ts keeps the whole frame). The recording sets it.
   */
  keepFrames = false;
  private disposed = false;

  constructor(
    private readonly gl: Gl,
    private readonly state: GlState,
    width: number,
    height: number,
    readonly requestedSamples = 4,
    /** False: no single-sampled resolve buffer (a target only ever resolved into another framebuffer, resolveInto). */
    private readonly readable = true,
  ) {
    this.reader = new PixelReader(gl, state);
    this.resize(width, height);
  }

  get width(): number {
    return this.w;
  }

  get height(): number {
    return this.h;
  }

  /** The multisampled framebuffer drawn into. */
  get framebuffer(): number {
    if (this.disposed) throw new Error('Offscreen used after dispose()');
    return this.msaaFbo;
  }

  /** (Re)allocate the framebuffers at width × height. Pending reads are dropped. */
  resize(width: number, height: number): void {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 ||
      width > MAX_OFFSCREEN_SIDE || height > MAX_OFFSCREEN_SIDE) {
      throw new UserError(`frame size ${width}×${height} is out of range (1…${MAX_OFFSCREEN_SIDE} pixels per side)`, {
        hint: `pass --width and --height of at most ${MAX_OFFSCREEN_SIDE}`,
      });
    }
    if (width === this.w && height === this.h) return;
    this.deleteTargets();
    const gl = this.gl;
    gl.glGetIntegerv(GL_MAX_SAMPLES, this.query);
    const samples = Math.max(0, Math.min(this.requestedSamples, this.query[0]!));
    gl.glGenFramebuffers(2, this.ids);
    this.msaaFbo = this.ids[0]!;
    this.resolveFbo = this.ids[1]!;
    gl.glGenRenderbuffers(this.readable ? 3 : 2, this.rbs);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[0]!);
    gl.glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_RGBA8, width, height);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[1]!);
    gl.glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH24_STENCIL8, width, height);
    if (this.readable) {
      gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[2]!);
      gl.glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
    }
    gl.glBindRenderbuffer(GL_RENDERBUFFER, 0);
    this.attach(this.msaaFbo, [[GL_COLOR_ATTACHMENT0, this.rbs[0]!], [GL_DEPTH_STENCIL_ATTACHMENT, this.rbs[1]!]]);
    if (this.readable) this.attach(this.resolveFbo, [[GL_COLOR_ATTACHMENT0, this.rbs[2]!]]);
    this.w = width;
    this.h = height;
    // Nothing drawn yet: a read returns the whole buffer, as GL has it.
    this.shown.reset(width, height, NO_CLEAR);
    this.shown.setFull();
  }

  /** Attach renderbuffers to `fbo` (bound for drawing) and check that it is complete. */
  private attach(fbo: number, attachments: [number, number][]): void {
    const gl = this.gl;
    this.state.bindDrawFramebuffer(fbo);
    for (const [att, rb] of attachments) gl.glFramebufferRenderbuffer(GL_DRAW_FRAMEBUFFER, att, GL_RENDERBUFFER, rb);
    const status = gl.glCheckFramebufferStatus(GL_DRAW_FRAMEBUFFER);
    if (status !== GL_FRAMEBUFFER_COMPLETE) {
      throw new Error(`offscreen framebuffer incomplete (status 0x${status.toString(16)})`);
    }
  }

  /** Samples per pixel of the drawing framebuffer, as GL reports it (GL_SAMPLES with it bound). */
  samples(): number {
    this.state.bindDrawFramebuffer(this.framebuffer);
    this.gl.glGetIntegerv(GL_SAMPLES, this.query);
    return this.query[0]!;
  }

  /**
   * Remember the rectangles `shown` of the frame just drawn (the renderer calls this) and start
   * rasterising it; the next read resolves them into the single-sampled buffer. The rest of the
   * resolve buffer is stale, and readback fills it with the clear colour instead.
   */
  resolve(shown: ScreenRects): void {
    this.shown.copyFrom(shown);
    this.unresolved = true;
    this.changes = false;
    this.kept = this.keepFrames;
    this.gl.glFlush();
  }

  /**
   * keepFrames: the next frame may be drawn as changes to the last one — it was drawn here and
   * its read has started (a second frame of changes before that would lose the first's).
   */
  get takesChanges(): boolean {
    return this.keepFrames && this.kept && !this.unresolved;
  }

  /** resolve() for a frame drawn as changes to the last one: only `changed` is resolved and read. */
  resolveChanges(changed: ScreenRects): void {
    if (!this.takesChanges) throw new Error('Offscreen.resolveChanges: the last frame is not kept (takesChanges is false)');
    this.shown.copyFrom(changed);
    this.unresolved = true;
    this.changes = true;
    if (changed.count > 0) this.gl.glFlush();
  }

  /** Resolve the last frame drawn, if not yet done (blitting waits until it is rasterised). */
  private resolveNow(): void {
    if (!this.unresolved) return;
    this.unresolved = false;
    this.blitRects(this.resolveFbo, this.shown);
  }

  /**
   * Resolve the rectangles `shown` of the multisampled buffer straight into the draw framebuffer
   * `fbo` (0: the window's, which must be single-sampled and of this size), at the same place;
   * the caller cleared the rest. Nothing is left to read back.
   */
  resolveInto(fbo: number, shown: ScreenRects): void {
    this.blitRects(fbo, shown);
  }

  private blitRects(drawFbo: number, rects: ScreenRects): void {
    const st = this.state;
    st.bindReadFramebuffer(this.framebuffer);
    st.bindDrawFramebuffer(drawFbo);
    const r = rects.xyxy;
    for (let i = 0; i < rects.count; i++) {
      const o = 4 * i;
      const x0 = r[o]!, y0 = r[o + 1]!, x1 = r[o + 2]!, y1 = r[o + 3]!;
      this.gl.glBlitFramebuffer(x0, y0, x1, y1, x0, y0, x1, y1, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    }
  }

  /**
   * Resolve the last frame drawn and start reading it (asynchronous, at most two in flight);
   * 'yuv420p' needs an even size.
   */
  beginRead(format: PixelFormat = 'rgba'): void {
    if (!this.readable) throw new Error('Offscreen: this target has no resolve buffer to read (readable = false)');
    if (this.changes && format !== 'yuv420p') throw new Error(`Offscreen: a frame drawn as changes is read as yuv420p, not ${format}`);
    this.resolveNow();
    // Only a yuv420p read keeps the frame the next one's changes apply to.
    const keep = !this.keepFrames || format !== 'yuv420p' ? undefined : this.changes ? 'changes' : 'frame';
    if (keep === undefined) this.kept = false;
    this.reader.begin(this.resolveFbo, this.w, this.h, format, this.shown, keep);
  }

  /** Oldest pending read as top-down rows (into `out` when given); null when none is pending. */
  finishRead(out?: Buffer): Buffer | null {
    return this.reader.finish(out);
  }

  /** Reads in flight. */
  get pendingReads(): number {
    return this.reader.inFlight;
  }

  /** Read the last resolved frame now: top-down rows of RGBA (or RGB) bytes. */
  readPixels(format: PixelFormat = 'rgba', out?: Buffer): Buffer {
    while (this.reader.inFlight > 0) this.reader.finish();
    this.beginRead(format);
    return this.reader.finish(out)!;
  }

  private deleteTargets(): void {
    if (this.msaaFbo === 0) return;
    while (this.reader.inFlight > 0) this.reader.finish();
    this.state.framebufferDeleted(this.msaaFbo);
    this.state.framebufferDeleted(this.resolveFbo);
    this.ids[0] = this.msaaFbo;
    this.ids[1] = this.resolveFbo;
    this.gl.glDeleteFramebuffers(2, this.ids);
    this.gl.glDeleteRenderbuffers(3, this.rbs);
    this.msaaFbo = this.resolveFbo = 0;
    this.unresolved = false;
    this.changes = false;
    this.kept = false;
  }

  /** Delete the framebuffers and pixel-pack buffers. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deleteTargets();
    this.reader.dispose();
  }
}
