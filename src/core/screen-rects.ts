/**
 * The screen rectangles a frame can touch (issue 15, "pay only for the pixels that show
 * something"). On a software rasteriser clearing, resolving (4× MSAA) and reading back a pixel
 * costs more than drawing the cubes over it, and most of a frame is the clear colour; a render
 * target clears, resolves and reads back only these rectangles.
 *
 * How: every cube instance and every text quad is bounded on the CPU under the frame's affine
 * (orthographic) matrices, padded by PAD pixels, and marks the TILE × TILE pixel tiles it
 * touches; finish() turns the marked tiles into few disjoint rectangles (runs of tiles in a row,
 * stacked while the rows below have the same run). More than MAX_RECTS and the tiles double in
 * size, so a busy frame costs a handful of GL calls, not hundreds.
 *
 * Why it is exact: a pixel outside every rectangle is covered by no cube and no quad (a box is
 * bounded by its centre ± the projected half extents, a quad by its vertices), so whole-frame
 * rendering leaves it at the clear colour; inside, the same primitives hit the same samples. PAD
 * absorbs rasteriser rounding. A projection that is not affine gives the whole frame (setFull).
 *
 * Allocation-free per frame. What it is not: no GL calls (renderer.ts clears, offscreen.ts
 * resolves, readback.ts reads).
 */
import type { mat4 } from 'gl-matrix';
import type { FrameDesc } from '../frame.js';
import { INSTANCE_FLOATS } from '../frame.js';

/** Pixels added on every side of a bound. */
export const PAD = 2;
/** Side of a tile in pixels, before coarsening. */
export const TILE = 32;
/** Most rectangles a frame gives; past it the tiles double in size. */
export const MAX_RECTS = 24;

export class ScreenRects {
  /** x0, y0, x1, y1 per rectangle: GL window pixels (origin bottom-left), half-open, clamped, disjoint. */
  readonly xyxy: Int32Array;
  count = 0;
  /** The frame's size (the clamp). */
  width = 0;
  height = 0;
  /** The clear colour as the framebuffer stores it (RGBA8), for the pixels outside. */
  readonly clear = new Uint8Array(4);
  /** Marked tiles (row-major, TILE pixels), grown on demand; `cols` × `rows` in use. */
  private tiles = new Uint8Array(0);
  private cols = 0;
  private rows = 0;
  private marked = false;

  /**
   * `tile`: side of a tile in pixels; `maxRects`: most rectangles before the tiles double. The
   * defaults suit scissored clears and reads (a few GL calls); a finer grid with many rectangles
   * suits one draw of their quads (cube-cache.ts).
   */
  constructor(readonly tile = TILE, readonly maxRects = MAX_RECTS) {
    this.xyxy = new Int32Array(4 * maxRects);
  }

  /** Start a frame of width × height cleared to `clearColor` (linear RGBA floats): nothing marked. */
  reset(width: number, height: number, clearColor: Float32Array): void {
    this.count = 0;
    this.width = width;
    this.height = height;
    for (let k = 0; k < 4; k++) this.clear[k] = unorm8(clearColor[k]!);
    this.cols = Math.ceil(width / this.tile);
    this.rows = Math.ceil(height / this.tile);
    const n = this.cols * this.rows;
    if (this.tiles.length < n) this.tiles = new Uint8Array(n);
    else this.tiles.fill(0, 0, n);
    this.marked = false;
  }

  /** The whole frame as one rectangle. */
  setFull(): void {
    this.count = 1;
    const r = this.xyxy;
    r[0] = 0; r[1] = 0; r[2] = this.width; r[3] = this.height;
  }

  /** True when one rectangle covers the whole frame. */
  get full(): boolean {
    const r = this.xyxy;
    return this.count === 1 && r[0] === 0 && r[1] === 0 && r[2] === this.width && r[3] === this.height;
  }

  /** Pixels covered. */
  get area(): number {
    let a = 0;
    const r = this.xyxy;
    for (let i = 0; i < this.count; i++) a += (r[4 * i + 2]! - r[4 * i]!) * (r[4 * i + 3]! - r[4 * i + 1]!);
    return a;
  }

  /** Mark the tiles under the pixel bound [minX, maxX] × [minY, maxY] (fractional pixels), padded. */
  add(minX: number, minY: number, maxX: number, maxY: number): void {
    if (!(minX <= maxX && minY <= maxY)) return; // empty (or NaN)
    this.tilesUnder(minX - PAD, minY - PAD, maxX + PAD, maxY + PAD, true);
  }

  /**
   * True when the pixel bound [minX, maxX] × [minY, maxY], padded as add() pads it, touches a
   * marked tile (after finish(): a tile of the rectangles).
   */
  touches(minX: number, minY: number, maxX: number, maxY: number): boolean {
    if (!(minX <= maxX && minY <= maxY)) return false;
    return this.tilesUnder(minX - PAD, minY - PAD, maxX + PAD, maxY + PAD, false);
  }

  /** Mark the tiles under the pixel rectangle [x0, x1) × [y0, y1) (whole pixels), not padded. */
  addRect(x0: number, y0: number, x1: number, y1: number): void {
    if (!(x0 < x1 && y0 < y1)) return;
    this.tilesUnder(x0, y0, x1 - 1, y1 - 1, true);
  }

  /** The tiles under pixels [minX, maxX] × [minY, maxY] (clamped): marked (`mark`), or true when one is. */
  private tilesUnder(minX: number, minY: number, maxX: number, maxY: number, mark: boolean): boolean {
    const T = this.tile;
    const c0 = Math.max(0, Math.floor(minX / T));
    const r0 = Math.max(0, Math.floor(minY / T));
    const c1 = Math.min(this.cols - 1, Math.floor(maxX / T));
    const r1 = Math.min(this.rows - 1, Math.floor(maxY / T));
    const t = this.tiles;
    for (let y = r0; y <= r1; y++) {
      const row = y * this.cols;
      for (let x = c0; x <= c1; x++) {
        if (mark) t[row + x] = 1;
        else if (t[row + x] !== 0) return true;
      }
    }
    if (mark && c0 <= c1 && r0 <= r1) this.marked = true;
    return false;
  }

  /** Turn the marked tiles into rectangles (call after the last add). */
  finish(): void {
    this.count = 0;
    if (!this.marked) return;
    for (let size = 1; ; size *= 2) {
      if (!this.collect(size)) continue;
      // Coarser tiles cover more: mark it, so touches() answers for the rectangles.
      const r = this.xyxy;
      if (size > 1) for (let i = 0; i < this.count; i++) this.addRect(r[4 * i]!, r[4 * i + 1]!, r[4 * i + 2]!, r[4 * i + 3]!);
      return;
    }
  }

  /**
   * Rectangles from the marked tiles grouped `size` × `size`: false (and nothing kept) when more
   * than maxRects would be needed. Rows are scanned bottom-up; a run of marked groups in a row
   * extends the rectangle opened by the identical run of the row below, else opens a new one.
   */
  private collect(size: number): boolean {
    const cols = Math.ceil(this.cols / size);
    const rows = Math.ceil(this.rows / size);
    const span = this.tile * size;
    const r = this.xyxy;
    this.count = 0;
    /** Rectangles [open, count) may still grow: they end at the row just scanned. */
    let open = 0;
    for (let gy = 0; gy < rows; gy++) {
      const y0 = gy * span;
      const y1 = Math.min(this.height, y0 + span);
      const firstNew = this.count;
      let gx = 0;
      while (gx < cols) {
        if (!this.groupMarked(gx, gy, size)) { gx++; continue; }
        let end = gx + 1;
        while (end < cols && this.groupMarked(end, gy, size)) end++;
        const x0 = gx * span;
        const x1 = Math.min(this.width, end * span);
        let grown = false;
        for (let i = open; i < firstNew; i++) {
          const o = 4 * i;
          if (r[o] === x0 && r[o + 2] === x1 && r[o + 3] === y0) {
            r[o + 3] = y1;
            grown = true;
            break;
          }
        }
        if (!grown) {
          if (this.count === this.maxRects) return false;
          const o = 4 * this.count++;
          r[o] = x0; r[o + 1] = y0; r[o + 2] = x1; r[o + 3] = y1;
        }
        gx = end;
      }
      // Rectangles that did not reach this row are closed: move the ones that did to the end.
      open = this.closeStale(open, y1);
    }
    return true;
  }

  /** Reorder [open, count) so rectangles ending at y come last; returns the first of those. */
  private closeStale(open: number, y: number): number {
    const r = this.xyxy;
    let write = open;
    for (let i = open; i < this.count; i++) {
      if (r[4 * i + 3] === y) continue;
      if (i !== write) swap4(r, i, write);
      write++;
    }
    return write;
  }

  private groupMarked(gx: number, gy: number, size: number): boolean {
    const t = this.tiles;
    const xEnd = Math.min(this.cols, (gx + 1) * size);
    const yEnd = Math.min(this.rows, (gy + 1) * size);
    for (let y = gy * size; y < yEnd; y++) {
      const row = y * this.cols;
      for (let x = gx * size; x < xEnd; x++) if (t[row + x] !== 0) return true;
    }
    return false;
  }

  copyFrom(o: ScreenRects): void {
    if (o.count > this.maxRects) throw new RangeError(`ScreenRects.copyFrom: ${o.count} rectangles, room for ${this.maxRects}`);
    this.xyxy.set(o.xyxy.subarray(0, 4 * o.count));
    this.count = o.count;
    this.width = o.width;
    this.height = o.height;
    this.clear.set(o.clear);
  }

  /** Same size, clear colour and rectangles. */
  equals(o: ScreenRects): boolean {
    if (this.count !== o.count || this.width !== o.width || this.height !== o.height) return false;
    for (let k = 0; k < 4; k++) if (this.clear[k] !== o.clear[k]) return false;
    for (let k = 0; k < 4 * this.count; k++) if (this.xyxy[k] !== o.xyxy[k]) return false;
    return true;
  }
}

/**
 * A colour channel as GL clears an RGBA8 buffer to it: clamped, times 255 in single precision,
 * rounded to the nearest integer, ties to even (llvmpipe; 0.3 → 76.5 → 76, where Math.round
 * gives 77). A fill of another value would leave one level of difference at the rectangles' edges.
 */
export function unorm8(c: number): number {
  const x = Math.fround(Math.fround(Math.min(1, Math.max(0, c))) * 255);
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
}

function swap4(a: Int32Array, i: number, j: number): void {
  for (let k = 0; k < 4; k++) {
    const t = a[4 * i + k]!;
    a[4 * i + k] = a[4 * j + k]!;
    a[4 * j + k] = t;
  }
}

/** True when `m` maps w to 1 (orthographic): then screen bounds are affine in world positions. */
export function isAffine(m: mat4): boolean {
  return m[3] === 0 && m[7] === 0 && m[11] === 0 && m[15] === 1;
}

/**
 * `m`'s x and y rows scaled to pixels of a width × height viewport (pixel = (ndc + 1)·half-size):
 * m0 m4 m8 m12, then m1 m5 m9 m13, in `out`.
 */
function pixelRows(m: mat4, width: number, height: number, out: Float64Array): Float64Array {
  const hw = 0.5 * width, hh = 0.5 * height;
  out[0] = m[0]! * hw; out[1] = m[4]! * hw; out[2] = m[8]! * hw; out[3] = (m[12]! + 1) * hw;
  out[4] = m[1]! * hh; out[5] = m[5]! * hh; out[6] = m[9]! * hh; out[7] = (m[13]! + 1) * hh;
  return out;
}

const rowsScratch = new Float64Array(8);
const boundsScratch = new Float64Array(4);

/**
 * The pixel bounds (minX, minY, maxX, maxY) of instance `i` of `data` (INSTANCE_FLOATS per
 * instance) under pixel rows `r`: a box centred at c with edge lengths s projects to
 * M·c ± ½ Σ_j |M_ij s_j|.
 */
function boxBounds(r: Float64Array, data: Float32Array, i: number): Float64Array {
  const o = i * INSTANCE_FLOATS;
  const x = data[o]!, y = data[o + 1]!, z = data[o + 2]!;
  const sx = data[o + 7]!, sy = data[o + 8]!, sz = data[o + 9]!;
  const cx = r[0]! * x + r[1]! * y + r[2]! * z + r[3]!;
  const cy = r[4]! * x + r[5]! * y + r[6]! * z + r[7]!;
  const ex = 0.5 * (Math.abs(r[0]! * sx) + Math.abs(r[1]! * sy) + Math.abs(r[2]! * sz));
  const ey = 0.5 * (Math.abs(r[4]! * sx) + Math.abs(r[5]! * sy) + Math.abs(r[6]! * sz));
  const b = boundsScratch;
  b[0] = cx - ex; b[1] = cy - ey; b[2] = cx + ex; b[3] = cy + ey;
  return b;
}

/** The pixel bounds of vertices [first, first + count) of `verts` (`stride` floats each, xyz first) under pixel rows `r`. */
function vertexBounds(r: Float64Array, verts: Float32Array, first: number, count: number, stride: number): Float64Array {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let v = first, o = first * stride; v < first + count; v++, o += stride) {
    const x = verts[o]!, y = verts[o + 1]!, z = verts[o + 2]!;
    const px = r[0]! * x + r[1]! * y + r[2]! * z + r[3]!;
    const py = r[4]! * x + r[5]! * y + r[6]! * z + r[7]!;
    if (px < minX) minX = px;
    if (px > maxX) maxX = px;
    if (py < minY) minY = py;
    if (py > maxY) maxY = py;
  }
  const b = boundsScratch;
  b[0] = minX; b[1] = minY; b[2] = maxX; b[3] = maxY;
  return b;
}

/**
 * Mark, in pixels of a width × height viewport, every cube instance of `frame` (opaque and
 * transparent; or only those from `from` to `count`) under the affine `viewProj`.
 */
export function addInstanceBounds(
  out: ScreenRects, frame: FrameDesc, viewProj: mat4, width: number, height: number, count = frame.opaqueCount + frame.transparentCount,
  from = 0,
): void {
  const r = pixelRows(viewProj, width, height, rowsScratch);
  const oc = frame.opaqueCount;
  const t0 = frame.capacity - frame.transparentCount;
  const n = Math.min(count, frame.opaqueCount + frame.transparentCount);
  for (let k = from; k < n; k++) {
    const b = boxBounds(r, frame.instances, k < oc ? k : t0 + k - oc);
    out.add(b[0]!, b[1]!, b[2]!, b[3]!);
  }
}

/**
 * The pixel bounds (minX, minY, maxX, maxY; valid until the next call) of instance `i` of `data`
 * (INSTANCE_FLOATS per instance) under the affine `viewProj`, as addInstanceBounds bounds it.
 */
export function instanceBounds(data: Float32Array, i: number, viewProj: mat4, width: number, height: number): Float64Array {
  return boxBounds(pixelRows(viewProj, width, height, rowsScratch), data, i);
}

/** The pixel bounds of vertices [first, first + count) of `verts` (`stride` floats each, xyz first) under the affine `matrix`. */
export function quadsBounds(verts: Float32Array, first: number, count: number, stride: number, matrix: mat4, width: number, height: number): Float64Array {
  return vertexBounds(pixelRows(matrix, width, height, rowsScratch), verts, first, count, stride);
}

/**
 * Mark every quad (six vertices) of the `count` vertices starting at vertex `first` of `verts`
 * (position xyz first, `stride` floats per vertex) under the affine `matrix`, in pixels of a
 * width × height viewport.
 */
export function addQuadBounds(
  out: ScreenRects, verts: Float32Array, first: number, count: number, stride: number, matrix: mat4, width: number, height: number,
): void {
  const r = pixelRows(matrix, width, height, rowsScratch);
  for (let q = first; q + 6 <= first + count; q += 6) {
    const b = vertexBounds(r, verts, q, 6, stride);
    out.add(b[0]!, b[1]!, b[2]!, b[3]!);
  }
}
