/**
 * Pixel readback through pixel-pack buffers (spec §9.3, issue 5): `begin()` binds the framebuffer
 * to read (through GlState) and starts an asynchronous glReadPixels into the next buffer of a ring
 * of two; `finish()` copies the oldest pending read out (glGetBufferSubData waits only for that
 * one) and flips the rows so row 0 is the top of the image. Reading frame N therefore overlaps
 * drawing frame N+1: render(N) → begin() → render(N+1) → finish() gives N → begin() → …
 *
 * With `ScreenRects` (an offscreen target that drew only part of the frame, issue 15), begin()
 * reads only those rectangles, packed one after the other into the buffer, and finish() copies
 * them into place and fills everything else with the clear colour. A buffer passed to finish()
 * is remembered with the rectangles it received: when the next frame into it has the same size
 * and clear colour, only the old rectangles are re-filled (the rest still holds the clear
 * colour), so a mostly-empty 1080p frame costs a few hundred kilobytes of copying, not 8 MB.
 * Such a buffer must not be written by anyone else between finishes.
 *
 * 'yuv420p' reads RGBA the same way and converts only the rectangles into the caller's yuv420p
 * frame (yuv420.ts), the rest filled with the clear colour's Y, U, V; for the video encoder.
 * A yuv420p read may keep its frame (`keep`): converted into the reader's own copy of the last
 * frame, then copied out. A read of 'changes' (a frame drawn as changes to the last one,
 * renderer.ts) reads and converts only the changed rectangles into that copy: a frame that
 * changed in a few places costs those places, and one that did not change costs a copy.
 *
 * What it is not: no framebuffer management (offscreen.ts), no encoding (png.ts).
 */
import type { Gl } from './gl.js';
import type { GlState } from './gl-state.js';
import { ScreenRects } from './screen-rects.js';
import { fillYuv420, rgbaToYuv420, words, yuv420Bytes, yuvOf } from './yuv420.js';
import { GL_PACK_ALIGNMENT, GL_PIXEL_PACK_BUFFER, GL_RGB, GL_RGBA, GL_STREAM_READ, GL_UNSIGNED_BYTE } from './gl-enums.js';

/** What a read returns: top-down RGBA or RGB rows, or a yuv420p frame (yuv420.ts; width and height even). */
export type PixelFormat = 'rgba' | 'rgb' | 'yuv420p';

const RING = 2;
/** Clear colour of a plain full-frame read (never used to fill). */
const NO_CLEAR = new Float32Array(4);

interface Pending {
  slot: number;
  width: number;
  height: number;
  /** Bytes per pixel read from GL. */
  channels: number;
  /** Converted to yuv420p by finish(). */
  yuv: boolean;
  /** The rectangles read (packed in this order); the rest is their clear colour. */
  rects: ScreenRects;
  /** yuv420p: kept as the last frame ('frame'), or changes to it ('changes'; the rest is the last frame). */
  keep: Keep | undefined;
}

/** How a yuv420p read relates to the last frame the reader kept (begin). */
export type Keep = 'frame' | 'changes';

/** What a caller's buffer holds: the rectangles last copied in (the rest is the clear colour). */
interface Held {
  channels: number;
  yuv: boolean;
  rects: ScreenRects;
}

export class PixelReader {
  private readonly pbos = new Uint32Array(RING);
  private readonly sizes = new Float64Array(RING);
  private next = 0;
  private readonly pending: Pending[] = [];
  private scratch = Buffer.alloc(0);
  /** `scratch` as 32-bit words (a yuv420p read converts pixels, not bytes). */
  private scratchWords: Uint32Array = new Uint32Array(0);
  private disposed = false;
  /** Rectangles per ring slot (no allocation per frame). */
  private readonly slotRects = Array.from({ length: RING }, () => new ScreenRects());
  private readonly held = new WeakMap<Buffer, Held>();
  private readonly pattern = Buffer.alloc(4);
  private readonly clearYuv = new Uint8Array(3);
  /** The last kept yuv420p frame (keep), and whether it holds one. */
  private last = Buffer.alloc(0);
  private lastValid = false;

  constructor(private readonly gl: Gl, private readonly state: GlState) {
    gl.glGenBuffers(RING, this.pbos);
  }

  /** Number of reads started and not yet finished (0…2). */
  get inFlight(): number {
    return this.pending.length;
  }

  /**
   * Start reading width × height pixels of `framebuffer` (0: the window's back buffer), or only
   * the rectangles `shown` of it (the rest: `shown.clear`). At most two reads are in flight;
   * finish() returns them in order. `keep` (yuv420p only): keep the frame as the last one, or
   * read only the changes `shown` to the last one kept.
   */
  begin(framebuffer: number, width: number, height: number, format: PixelFormat = 'rgba', shown?: ScreenRects, keep?: Keep): void {
    if (this.pending.length >= RING) throw new Error('PixelReader: two reads in flight; call finish() first');
    if (keep !== undefined && format !== 'yuv420p') throw new Error(`PixelReader: only a yuv420p read keeps its frame, not ${format}`);
    if (keep === 'changes' && shown === undefined) throw new Error('PixelReader: a read of changes needs the changed rectangles');
    const gl = this.gl;
    this.state.bindReadFramebuffer(framebuffer);
    const channels = format === 'rgb' ? 3 : 4;
    const yuv = format === 'yuv420p';
    if (yuv && (width % 2 !== 0 || height % 2 !== 0)) throw new Error(`PixelReader: a yuv420p frame needs an even size, not ${width}×${height}`);
    const slot = this.next;
    this.next = (this.next + 1) % RING;
    const rects = this.slotRects[slot]!;
    if (shown !== undefined && shown.width === width && shown.height === height) {
      rects.copyFrom(shown);
    } else {
      rects.reset(width, height, NO_CLEAR);
      rects.setFull();
    }
    const bytes = rects.area * channels;
    if (bytes === 0) {
      this.pending.push({ slot, width, height, channels, yuv, rects, keep });
      return;
    }
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, this.pbos[slot]!);
    if (this.sizes[slot]! < bytes) {
      gl.glBufferData(GL_PIXEL_PACK_BUFFER, bytes, null, GL_STREAM_READ);
      this.sizes[slot] = bytes;
    }
    gl.glPixelStorei(GL_PACK_ALIGNMENT, 1);
    const r = rects.xyxy;
    const glFormat = format === 'rgb' ? GL_RGB : GL_RGBA;
    for (let i = 0, offset = 0; i < rects.count; i++) {
      const o = 4 * i;
      const w = r[o + 2]! - r[o]!, h = r[o + 3]! - r[o + 1]!;
      gl.glReadPixels(r[o]!, r[o + 1]!, w, h, glFormat, GL_UNSIGNED_BYTE, offset);
      offset += w * h * channels;
    }
    gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    this.pending.push({ slot, width, height, channels, yuv, rects, keep });
  }

  /**
   * Complete the oldest read: top-down rows, `width × height × channels` bytes (yuv420p: the
   * frame, 1.5 bytes a pixel), written into `out` when given (must be large enough) or a new
   * Buffer. Returns null when nothing is pending.
   */
  finish(out?: Buffer): Buffer | null {
    const p = this.pending.shift();
    if (p === undefined) return null;
    const gl = this.gl;
    const rects = p.rects;
    const ch = p.channels;
    const packed = rects.area * ch;
    const row = p.width * ch;
    const bytes = p.yuv ? yuv420Bytes(p.width, p.height) : row * p.height;
    if (this.scratch.length < packed) {
      this.scratch = Buffer.alloc(packed);
      this.scratchWords = words(this.scratch);
    }
    if (packed > 0) {
      gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, this.pbos[p.slot]!);
      gl.glGetBufferSubData(GL_PIXEL_PACK_BUFFER, 0, packed, this.scratch);
      gl.glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    }
    if (p.keep !== undefined) return this.finishKept(p, out ?? Buffer.allocUnsafe(bytes));
    if (p.yuv) return this.finishYuv(p, out ?? Buffer.allocUnsafe(bytes));
    return this.finishImage(p, out);
  }

  /** finish() into top-down RGBA/RGB rows from the packed read in `scratch`. */
  private finishImage(p: Pending, out: Buffer | undefined): Buffer {
    const rects = p.rects;
    const ch = p.channels;
    const row = p.width * ch;
    const bytes = row * p.height;
    const dst = out ?? Buffer.allocUnsafe(bytes);
    if (dst.length < bytes) throw new Error(`PixelReader.finish: buffer of ${dst.length} bytes < ${bytes}`);
    if (rects.full) {
      flipRows(dst, this.scratch, row, p.height);
    } else {
      this.fillOutside(dst, p);
      const r = rects.xyxy;
      for (let i = 0, src = 0; i < rects.count; i++) {
        const o = 4 * i;
        const w = (r[o + 2]! - r[o]!) * ch, h = r[o + 3]! - r[o + 1]!;
        // GL row y (bottom-up) is output row height − 1 − y.
        let d = (p.height - 1 - r[o + 1]!) * row + r[o]! * ch;
        for (let y = 0; y < h; y++, src += w, d -= row) this.scratch.copy(dst, d, src, src + w);
      }
    }
    if (out !== undefined) this.remember(out, p);
    return dst;
  }

  /**
   * finish() into the yuv420p frame `dst` from the packed RGBA read in `scratch`: the rectangles
   * converted, the rest the clear colour (only the rectangles `dst` last received refilled when it
   * is known to hold this size and clear colour). The rectangles' corners are even: the tiles
   * are 32 pixels, clamped to an even size.
   */
  private finishYuv(p: Pending, dst: Buffer): Buffer {
    const { width: w, height: h, rects } = p;
    if (dst.length < yuv420Bytes(w, h)) throw new Error(`PixelReader.finish: buffer of ${dst.length} bytes < ${yuv420Bytes(w, h)}`);
    const yuv = this.clearYuv;
    yuvOf(rects.clear, yuv);
    const prev = this.heldRects(dst, p);
    if (prev === undefined) {
      fillYuv420(dst, w, h, 0, 0, w, h, yuv);
    } else {
      const q = prev.xyxy;
      for (let i = 0; i < prev.count; i++) fillYuv420(dst, w, h, q[4 * i]!, q[4 * i + 1]!, q[4 * i + 2]!, q[4 * i + 3]!, yuv);
    }
    this.convertRects(p, dst);
    this.remember(dst, p);
    return dst;
  }

  /** The packed RGBA rectangles of `p` in `scratch`, converted into their places in the yuv420p frame `dst`. */
  private convertRects(p: Pending, dst: Buffer): void {
    const r = p.rects.xyxy;
    for (let i = 0; i < 4 * p.rects.count; i++) if ((r[i]! & 1) !== 0) throw new Error('PixelReader: a yuv420p read needs rectangles with even corners');
    const px = this.scratchWords;
    for (let i = 0, src = 0; i < p.rects.count; i++) {
      const o = 4 * i;
      const stride = r[o + 2]! - r[o]!;
      rgbaToYuv420(px, src, stride, dst, p.width, p.height, r[o]!, r[o + 1]!, r[o + 2]!, r[o + 3]!);
      src += stride * (r[o + 3]! - r[o + 1]!);
    }
  }

  /**
   * finish() of a read that keeps its frame: the whole frame ('frame') or the changed rectangles
   * ('changes') converted into the last kept frame, which is then copied into `dst`.
   */
  private finishKept(p: Pending, dst: Buffer): Buffer {
    const bytes = yuv420Bytes(p.width, p.height);
    if (dst.length < bytes) throw new Error(`PixelReader.finish: buffer of ${dst.length} bytes < ${bytes}`);
    if (this.last.length !== bytes) {
      this.last = Buffer.alloc(bytes);
      this.lastValid = false;
    }
    const last = this.last;
    if (p.keep === 'changes') {
      if (!this.lastValid) throw new Error('PixelReader: changes read with no kept frame to apply them to');
      this.convertRects(p, last);
      // It holds more than its rectangles now: the next whole frame refills all of it.
      this.held.delete(last);
    } else {
      this.finishYuv(p, last);
    }
    this.lastValid = true;
    last.copy(dst, 0, 0, bytes);
    this.held.delete(dst);
    return dst;
  }

  /**
   * Give every pixel of `dst` outside `p.rects` the clear colour: only the rectangles it last
   * received when it is known to hold the same size and clear colour, else all of it.
   */
  private fillOutside(dst: Buffer, p: Pending): void {
    const ch = p.channels;
    const pat = this.pattern.subarray(0, ch);
    for (let k = 0; k < ch; k++) pat[k] = p.rects.clear[k]!;
    const prev = this.heldRects(dst, p);
    const row = p.width * ch;
    if (prev === undefined) {
      dst.fill(pat, 0, row * p.height);
      return;
    }
    const r = prev.xyxy;
    for (let i = 0; i < prev.count; i++) {
      const o = 4 * i;
      const a = r[o]! * ch, b = r[o + 2]! * ch;
      for (let y = r[o + 1]!; y < r[o + 3]!; y++) {
        const base = (p.height - 1 - y) * row;
        dst.fill(pat, base + a, base + b);
      }
    }
  }

  /**
   * The rectangles `dst` last received, when it is known to hold a frame of `p`'s size, format and
   * clear colour (everything else in it that colour); otherwise undefined.
   */
  private heldRects(dst: Buffer, p: Pending): ScreenRects | undefined {
    const h = this.held.get(dst);
    if (h === undefined || h.yuv !== p.yuv || h.channels !== p.channels) return undefined;
    const r = h.rects;
    if (r.width !== p.width || r.height !== p.height) return undefined;
    for (let k = 0; k < 4; k++) if (r.clear[k] !== p.rects.clear[k]) return undefined;
    return r;
  }

  private remember(out: Buffer, p: Pending): void {
    let h = this.held.get(out);
    if (h === undefined) {
      h = { channels: p.channels, yuv: p.yuv, rects: new ScreenRects() };
      this.held.set(out, h);
    }
    h.channels = p.channels;
    h.yuv = p.yuv;
    h.rects.copyFrom(p.rects);
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
