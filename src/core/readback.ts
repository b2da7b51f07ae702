/**
 * Pixel readback through pixel-pack buffers (spec §9.3, issue 5): `begin()` binds the framebuffer
 * to read (through GlState) and starts an asynchronous glReadPixels into the next buffer of a ring
 * of two; `finish()` copies the oldest pending read out (glGetBufferSubData waits only for that
 * one) and flips the rows so row 0 is the top of the image. Reading frame N therefore overlaps
 * drawing frame N+1: render(N) → begin() → render(N+1) → finish() gives N → begin() → …
 *
 * What it is not: no framebuffer management (offscreen.ts), no encoding (png.ts).
 */
import type { Gl } from './gl.js';
import type { GlState } from './gl-state.js';
import { GL_PACK_ALIGNMENT, GL_PIXEL_PACK_BUFFER, GL_RGB, GL_RGBA, GL_STREAM_READ, GL_UNSIGNED_BYTE } from './gl-enums.js';

export type PixelFormat = 'rgba' | 'rgb';

const RING = 2;

interface Pending {
  slot: number;
  width: number;
  height: number;
  channels: number;
}

export class PixelReader {
  private readonly pbos = new Uint32Array(RING);
  private readonly sizes = new Float64Array(RING);
  private next = 0;
  private readonly pending: Pending[] = [];
  private scratch = Buffer.alloc(0);
  private disposed = false;

  constructor(private readonly gl: Gl, private readonly state: GlState) {
    gl.glGenBuffers(RING, this.pbos);
  }

  /** Number of reads started and not yet finished (0…2). */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Start reading width × height pixels of `framebuffer` (0: the window's back buffer). At most
   * two reads are in flight; finish() returns them in order.
   */
  begin(framebuffer: number, width: number, height: number, format: PixelFormat = 'rgba'): void {
    if (this.pending.length >= RING) throw new Error('PixelReader: two reads in flight; call finish() first');
    const gl = this.gl;
    this.state.bindReadFramebuffer(framebuffer);
    const channels = format === 'rgba' ? 4 : 3;
    const bytes = width * height * channels;
    const slot = this.next;
    this.next = (this.next + 1) % RING;
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, this.pbos[slot]!);
    if (this.sizes[slot]! < bytes) {
      gl.glBufferData(GL_PIXEL_PACK_BUFFER, bytes, null, GL_STREAM_READ);
      this.sizes[slot] = bytes;
    }
    gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
    gl.glReadPixels(0, 0, width, height, format === 'rgba' ? GL_RGBA : GL_RGB, GL_UNSIGNED_BYTE, 0);
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    this.pending.push({ slot, width, height, channels });
  }

  /**
   * Complete the oldest read: top-down rows, `width × height × channels` bytes, written into
   * `out` when given (must be large enough) or a new Buffer. Returns null when nothing is pending.
   */
  finish(out?: Buffer): Buffer | null {
    const p = this.pending.shift();
    if (p === undefined) return null;
    const gl = this.gl;
    const row = p.width * p.channels;
    const bytes = row * p.height;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, this.pbos[p.slot]!);
    gl.glGetBufferSubData(GL_PIXEL_PACK_BUFFER, 0, bytes, this.scratch);
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    const dst = out ?? Buffer.allocUnsafe(bytes);
    if (dst.length < bytes) throw new Error(`PixelReader.finish: buffer of ${dst.length} bytes < ${bytes}`);
    flipRows(dst, this.scratch, row, p.height);
    return dst;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending.length = 0;
    this.gl.glDeleteBuffers(RING, this.pbos);
  }
}

/** dst row r = src row (height − 1 − r); `rowBytes` per row. */
export function flipRows(dst: Buffer, src: Buffer, rowBytes: number, height: number): void {
  for (let r = 0; r < height; r++) {
    const s = (height - 1 - r) * rowBytes;
    src.copy(dst, r * rowBytes, s, s + rowBytes);
  }
}
