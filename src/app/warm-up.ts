/**
 * The window's warm-up of the scene code (issue 15, "first frame first"): every distinct scene
 * kind's frames evaluated once across its timeline, so V8 has optimised each stage's code path
 * before it is reached — otherwise code first reached minutes into a run (FFN, token
 * probabilities) allocates until it is optimised, and the window stutters on a GC there.
 *
 * It used to run whole (≈ 0.2 s of CPU on an idle machine, ≈ 1 s under load) between opening the
 * window and drawing the first frame. Now the first frame comes first and the warm-up runs in
 * slices of a few milliseconds after each frame, done within the first seconds of the run — long
 * before the later stages are reached — without a frame visibly late. The scenes' label fades,
 * found lazily (visualization/labels.ts, LabelFadeScan), are scanned in the same slices.
 *
 * What it is not: no drawing, no timing of frames; it only evaluates frameAt into its own frame.
 */
import { INITIAL_VIEW } from '../animation/camera-path.js';
import type { FrameDesc } from '../frame.js';
import { createFrame } from '../frame.js';
import type { RunScene } from '../run/scenes.js';
import type { FrameScratch } from '../visualization/frame-at.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';
import type { Scene } from '../visualization/scene.js';

/** Frames evaluated per scene kind across its timeline. */
export const WARM_UP_FRAMES = 2000;
/** Wall milliseconds one slice may take. */
export const SLICE_MS = 4;
/** frameAt calls between two looks at the clock. */
const CHUNK = 10;

export class WarmUp {
  private readonly scenes: Scene[] = [];
  private scene = 0;
  private index = 0;
  /** Its own frame and scratch, so the ones on screen are never touched; dropped when done. */
  private frame: FrameDesc | null = null;
  private scratch: FrameScratch | null = null;
  /**
   * What is left to do, in order, each step given the slice's deadline and true once done: the
   * label fades of the scenes warmed up (frameAt would otherwise scan them whole, ≈ 60 ms, in
   * one slice), the frames, then the label fades of every other step (built lazily since issue
   * 15's first frame; scanned here long before the step is reached).
   */
  private readonly tasks: ((end: number) => boolean)[];
  private task = 0;

  constructor(steps: readonly Pick<RunScene, 'kind' | 'scene'>[], private readonly now = (): number => performance.now()) {
    const seen = new Set<string>();
    for (const st of steps) {
      if (seen.has(st.kind)) continue;
      seen.add(st.kind);
      this.scenes.push(st.scene);
    }
    const others = [...new Set(steps.map((st) => st.scene))].filter((sc) => !this.scenes.includes(sc));
    const scan = (sc: Scene) => (end: number): boolean => sc.fadeScan.advance(end, this.now);
    this.tasks = [...this.scenes.map(scan), (end) => this.frames(end), ...others.map(scan)];
  }

  /** Distinct scene kinds to warm up. */
  get kinds(): number {
    return this.scenes.length;
  }

  /** Frames evaluated so far. */
  get evaluated(): number {
    return this.scene * WARM_UP_FRAMES + this.index;
  }

  get done(): boolean {
    return this.task >= this.tasks.length;
  }

  /** Work for about `budgetMs` of wall time (at least one step: a chunk of frames or of a scan); no-op once done. */
  slice(budgetMs = SLICE_MS): void {
    const end = this.now() + budgetMs;
    while (!this.done) {
      if (!this.tasks[this.task]!(end)) return;
      this.task++;
      if (this.now() >= end) return;
    }
  }

  /** Evaluate frames until all are done (true) or the clock reaches `end` (at least one chunk). */
  private frames(end: number): boolean {
    if (this.scene >= this.scenes.length) return true;
    const frame = (this.frame ??= createFrame());
    do {
      const scene = this.scenes[this.scene]!;
      const scratch = (this.scratch ??= createFrameScratch(scene));
      const d = scene.timeline.duration;
      const stop = Math.min(WARM_UP_FRAMES, this.index + CHUNK);
      for (; this.index < stop; this.index++) frameAt(scene, (this.index / WARM_UP_FRAMES) * d, INITIAL_VIEW, 16 / 9, frame, scratch);
      if (this.index >= WARM_UP_FRAMES) {
        this.scene++;
        this.index = 0;
        this.scratch = null;
      }
    } while (this.scene < this.scenes.length && this.now() < end);
    if (this.scene < this.scenes.length) return false;
    this.frame = null;
    return true;
  }

  /** Everything at once (tests, or a caller with nothing to show meanwhile). */
  finish(): void {
    while (!this.done) this.slice(Infinity);
  }
}
