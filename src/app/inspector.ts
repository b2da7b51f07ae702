/**
 * The inspector's window side (issue 17): where the pointer is (framebuffer pixels), which cell is
 * pinned, and the Inspection of the cell under the pointer — rebuilt only when the cell changes,
 * so hovering allocates nothing per frame — drawn into each frame after frameAt.
 *
 * What it is not: picking or wording (visualization/pick.ts, inspect.ts), GLFW events (the window
 * loop in interactive.ts feeds the pointer and clicks).
 */
import type { FrameDesc } from '../frame.js';
import type { Inspection } from '../visualization/inspect.js';
import { describe } from '../visualization/inspect.js';
import { drawInspection } from '../visualization/inspect-draw.js';
import type { PickHit } from '../visualization/pick.js';
import { pickAt } from '../visualization/pick.js';
import type { Scene } from '../visualization/scene.js';
import type { SceneState } from '../visualization/scene-types.js';

export class Inspector {
  pinned: PickHit | null = null;
  private pinnedStep = -1;
  private pinnedX = 0;
  private pinnedY = 0;
  private readonly hit: PickHit = { visual: 0, part: 0, row: 0, col: 0 };
  private cached: Inspection | null = null;
  /** step, visual, part, row, col of the cached inspection (no per-frame key string). */
  private readonly key = Int32Array.of(-1, -1, -1, -1, -1);
  /** Pointer in framebuffer pixels (−1: unknown). */
  x = -1;
  y = -1;

  /** The cell under the pointer in the frame just built (or null); `st` is that frame's scratch state. */
  private hover(scene: Scene, st: SceneState, frame: FrameDesc, fbW: number, fbH: number): PickHit | null {
    if (this.x < 0 || this.y < 0) return null;
    return pickAt(scene, st, frame, this.x, this.y, fbW, fbH, this.hit);
  }

  /** What the last frame showed: `key[row,col]` (stored indices), or null. */
  shown: string | null = null;
  private cachedShown: string | null = null;

  /** Dim, mark and label the pinned cell (or the one under the pointer unless `blocked`). */
  draw(scene: Scene, st: SceneState, step: number, frame: FrameDesc, fbW: number, fbH: number, blocked: boolean): void {
    const pinned = this.pinned !== null && this.pinnedStep === step ? this.pinned : null;
    const hit = pinned ?? (blocked ? null : this.hover(scene, st, frame, fbW, fbH));
    this.shown = null;
    if (hit === null || scene.parts[hit.visual]?.[hit.part] === undefined) return;
    const k = this.key;
    if (k[0] !== step || k[1] !== hit.visual || k[2] !== hit.part || k[3] !== hit.row || k[4] !== hit.col) {
      k[0] = step; k[1] = hit.visual; k[2] = hit.part; k[3] = hit.row; k[4] = hit.col;
      this.cached = describe(scene, hit);
      this.cachedShown = `${this.cached.matrix}[${this.cached.row},${this.cached.col}]=${this.cached.value}`;
    }
    const c = this.cached!;
    this.shown = this.cachedShown;
    drawInspection(frame, c, pinned !== null ? this.pinnedX : this.x, pinned !== null ? this.pinnedY : this.y);
  }

  /** A click at the pointer: pin what is under it, or unpin over empty space. */
  click(scene: Scene, st: SceneState, step: number, frame: FrameDesc, fbW: number, fbH: number): void {
    const h = this.hover(scene, st, frame, fbW, fbH);
    this.pinned = h === null ? null : { ...h };
    this.pinnedStep = step;
    this.pinnedX = this.x;
    this.pinnedY = this.y;
  }
}
