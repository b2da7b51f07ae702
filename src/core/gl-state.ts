/**
 * Cached GL state (STYLE.md §16): enable/disable flags, depth mask, bound program, VAO, array
 * buffer, draw and read framebuffers, viewport and clear colour. Every state change of the
 * renderer, its text drawing, the offscreen targets and pixel readback goes through here — every
 * framebuffer bind included — so a redundant call never reaches the driver and the cache never
 * goes stale. Created by the Renderer; one per context.
 *
 * What it is not: no resource creation and no drawing.
 */
import type { Gl } from './gl.js';
import { GL_ARRAY_BUFFER, GL_DRAW_FRAMEBUFFER, GL_READ_FRAMEBUFFER } from './gl-enums.js';

export class GlState {
  private readonly caps = new Map<number, boolean>();
  private depthWrite: boolean | null = null;
  private program = -1;
  private vao = -1;
  private arrayBuffer = -1;
  private drawFramebuffer = -1;
  private readFramebuffer = -1;
  private vx = -1;
  private vy = -1;
  private vw = -1;
  private vh = -1;
  /** Clear colour last set; NaN = unknown. */
  private readonly clear = new Float32Array(4).fill(NaN);

  constructor(private readonly gl: Gl) {}

  set(cap: number, on: boolean): void {
    if (this.caps.get(cap) === on) return;
    this.caps.set(cap, on);
    if (on) this.gl.glEnable(cap);
    else this.gl.glDisable(cap);
  }

  depthMask(on: boolean): void {
    if (this.depthWrite === on) return;
    this.depthWrite = on;
    this.gl.glDepthMask(on ? 1 : 0);
  }

  useProgram(p: number): void {
    if (this.program === p) return;
    this.program = p;
    this.gl.glUseProgram(p);
  }

  bindVao(v: number): void {
    if (this.vao === v) return;
    this.vao = v;
    this.gl.glBindVertexArray(v);
  }

  bindArrayBuffer(b: number): void {
    if (this.arrayBuffer === b) return;
    this.arrayBuffer = b;
    this.gl.glBindBuffer(GL_ARRAY_BUFFER, b);
  }

  bindDrawFramebuffer(f: number): void {
    if (this.drawFramebuffer === f) return;
    this.drawFramebuffer = f;
    this.gl.glBindFramebuffer(GL_DRAW_FRAMEBUFFER, f);
  }

  bindReadFramebuffer(f: number): void {
    if (this.readFramebuffer === f) return;
    this.readFramebuffer = f;
    this.gl.glBindFramebuffer(GL_READ_FRAMEBUFFER, f);
  }

  /**
   * Call before glDeleteFramebuffers(f): GL binds 0 in place of a deleted bound framebuffer, and a
   * later framebuffer may reuse the name, so the cache must not keep it.
   */
  framebufferDeleted(f: number): void {
    if (this.drawFramebuffer === f) this.drawFramebuffer = 0;
    if (this.readFramebuffer === f) this.readFramebuffer = 0;
  }

  viewport(x: number, y: number, w: number, h: number): void {
    if (x === this.vx && y === this.vy && w === this.vw && h === this.vh) return;
    this.vx = x; this.vy = y; this.vw = w; this.vh = h;
    this.gl.glViewport(x, y, w, h);
  }

  /**
   * Set the clear colour from an RGBA array, only when it changed: a call into the driver with
   * numbers boxes each of them (V8), so the unchanged case also saves allocation per frame.
   */
  clearColor(c: Float32Array): void {
    const k = this.clear;
    if (k[0] === c[0] && k[1] === c[1] && k[2] === c[2] && k[3] === c[3]) return;
    k[0] = c[0]!; k[1] = c[1]!; k[2] = c[2]!; k[3] = c[3]!;
    this.gl.glClearColor(k[0]!, k[1]!, k[2]!, k[3]!);
  }

  /** Forget everything (after someone else touched the context). */
  invalidate(): void {
    this.caps.clear();
    this.depthWrite = null;
    this.program = this.vao = this.arrayBuffer = this.drawFramebuffer = this.readFramebuffer = -1;
    this.vx = this.vy = this.vw = this.vh = -1;
    this.clear.fill(NaN);
  }
}
