/**
 * An offscreen render target (spec §9.3, issue 5): a multisampled framebuffer (RGBA8 colour +
 * 24-bit depth renderbuffers, 4 samples by default) of any size, a single-sampled resolve
 * framebuffer, and a PixelReader for top-down RGBA/RGB readback through pixel-pack buffers.
 *
 *   const off = renderer.createOffscreen(1600, 900);
 *   off.render(frame);              // draw + resolve
 *   const rgba = off.readPixels();  // synchronous, top-down rows
 *   // pipelined (recording): off.render(f0); off.beginRead(); off.render(f1); off.finishRead() → f0 …
 *
 * What it is not: no drawing logic (Renderer.render does it), no encoding (png.ts).
 * Created only through Renderer.createOffscreen, which owns it.
 */
import type { FrameDesc } from '../frame.js';
import { UserError } from '../errors.js';
import {
  GL_COLOR_ATTACHMENT0, GL_COLOR_BUFFER_BIT, GL_DEPTH_ATTACHMENT, GL_DEPTH_COMPONENT24,
  GL_FRAMEBUFFER, GL_FRAMEBUFFER_COMPLETE, GL_MAX_SAMPLES, GL_NEAREST, GL_READ_FRAMEBUFFER, GL_RENDERBUFFER,
  GL_RGBA8, GL_SAMPLES,
} from './gl-enums.js';
import type { PixelFormat } from './readback.js';
import { PixelReader } from './readback.js';
import type { Renderer } from './renderer.js';

/** Largest side accepted (GL_MAX_RENDERBUFFER_SIZE is ≥ 8192 on every 4.1 driver we target). */
export const MAX_OFFSCREEN_SIDE = 8192;

export class Offscreen {
  private readonly ids = new Uint32Array(4);
  private msaaFbo = 0;
  private resolveFbo = 0;
  private rbs = new Uint32Array(3);
  private w = 0;
  private h = 0;
  private readonly reader: PixelReader;
  private readonly query = new Int32Array(1);
  private disposed = false;

  constructor(
    private readonly renderer: Renderer,
    width: number,
    height: number,
    readonly requestedSamples: number,
    private readonly onDispose: () => void,
  ) {
    this.reader = new PixelReader(renderer.gl);
    this.resize(width, height);
  }

  get width(): number {
    return this.w;
  }

  get height(): number {
    return this.h;
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
    const gl = this.renderer.gl;
    gl.glGetIntegerv(GL_MAX_SAMPLES, this.query);
    const samples = Math.max(0, Math.min(this.requestedSamples, this.query[0]!));
    gl.glGenFramebuffers(2, this.ids);
    this.msaaFbo = this.ids[0]!;
    this.resolveFbo = this.ids[1]!;
    gl.glGenRenderbuffers(3, this.rbs);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[0]!);
    gl.glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_RGBA8, width, height);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[1]!);
    gl.glRenderbufferStorageMultisample(GL_RENDERBUFFER, samples, GL_DEPTH_COMPONENT24, width, height);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, this.rbs[2]!);
    gl.glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
    gl.glBindRenderbuffer(GL_RENDERBUFFER, 0);
    this.check(this.msaaFbo, [[GL_COLOR_ATTACHMENT0, this.rbs[0]!], [GL_DEPTH_ATTACHMENT, this.rbs[1]!]]);
    this.check(this.resolveFbo, [[GL_COLOR_ATTACHMENT0, this.rbs[2]!]]);
    this.w = width;
    this.h = height;
  }

  private check(fbo: number, attachments: [number, number][]): void {
    const gl = this.renderer.gl;
    gl.glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    for (const [att, rb] of attachments) gl.glFramebufferRenderbuffer(GL_FRAMEBUFFER, att, GL_RENDERBUFFER, rb);
    const status = gl.glCheckFramebufferStatus(GL_FRAMEBUFFER);
    gl.glBindFramebuffer(GL_FRAMEBUFFER, 0);
    this.renderer.state.invalidate();
    if (status !== GL_FRAMEBUFFER_COMPLETE) {
      throw new Error(`offscreen framebuffer incomplete (status 0x${status.toString(16)})`);
    }
  }

  /** Samples per pixel of the drawing framebuffer, as GL reports it (GL_SAMPLES with it bound). */
  samples(): number {
    const st = this.renderer.state;
    st.bindDrawFramebuffer(this.msaaFbo);
    this.renderer.gl.glGetIntegerv(GL_SAMPLES, this.query);
    st.bindDrawFramebuffer(0);
    return this.query[0]!;
  }

  /** Draw `frame` into the MSAA buffer and resolve it. Leaves the default framebuffer bound for drawing. */
  render(frame: FrameDesc, pixelRatio = 1): void {
    if (this.disposed) throw new Error('Offscreen used after dispose()');
    const st = this.renderer.state;
    st.bindDrawFramebuffer(this.msaaFbo);
    this.renderer.render(frame, this.w, this.h, pixelRatio);
    const gl = this.renderer.gl;
    gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, this.msaaFbo);
    st.bindDrawFramebuffer(this.resolveFbo);
    gl.glBlitFramebuffer(0, 0, this.w, this.h, 0, 0, this.w, this.h, GL_COLOR_BUFFER_BIT, GL_NEAREST);
    gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, this.resolveFbo);
    st.bindDrawFramebuffer(0);
  }

  /** Start reading the last resolved frame (asynchronous, at most two in flight). */
  beginRead(format: PixelFormat = 'rgba'): void {
    this.renderer.gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, this.resolveFbo);
    this.reader.begin(this.w, this.h, format);
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
    const gl = this.renderer.gl;
    while (this.reader.inFlight > 0) this.reader.finish();
    this.ids[0] = this.msaaFbo;
    this.ids[1] = this.resolveFbo;
    gl.glDeleteFramebuffers(2, this.ids);
    gl.glDeleteRenderbuffers(3, this.rbs);
    this.msaaFbo = this.resolveFbo = 0;
    this.renderer.state.invalidate();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.deleteTargets();
    this.reader.dispose();
    this.onDispose();
  }
}
