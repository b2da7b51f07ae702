/**
 * The training timelapse of `gptviz train --video FILE.mp4` (issue 14): one frame per fixed
 * number of optimiser steps, drawn with the training view (visualization/train-view.ts) from
 * the parameters as they were after exactly that step, 1920 × 1080 with 4× MSAA, 30 fps, H.264
 * through record/recorder.ts like `--record` (a hidden temporary renamed on success; Ctrl-C
 * keeps a playable video of what was drawn). The last picture is held for HOLD_SECONDS.
 *
 * Frames are queued as the training thread sends parameter copies and drawn one per call of
 * `pump()` (the caller's loop), the readback of one overlapping the next frame's wait, so the
 * main thread is never blocked for more than one frame. The steps per frame are chosen so a
 * 150-epoch run gives about 40 s and a short run at least 3 s (`--video-every` overrides).
 *
 * Not here: the window (train-watch.ts), ffmpeg process details (record/).
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { INITIAL_VIEW } from '../animation/view-state.js';
import type { Offscreen } from '../core/offscreen.js';
import type { GlContext } from '../core/context.js';
import { UserError } from '../errors.js';
import type { FrameDesc } from '../frame.js';
import { createFrame } from '../frame.js';
import type { RecordResult } from '../record/recorder.js';
import { Recorder, removeStalePartials } from '../record/recorder.js';
import type { TrainHistory } from '../visualization/train-history.js';
import type { TrainLayout } from '../visualization/train-layout.js';
import type { TrainViewScratch } from '../visualization/train-view.js';
import { createTrainScratch, statusLine, trainFrame } from '../visualization/train-view.js';

export const VIDEO_WIDTH = 1920;
export const VIDEO_HEIGHT = 1080;
export const VIDEO_FPS = 30;
/** Seconds the final picture stays on screen. */
export const HOLD_SECONDS = 2;
/** Timelapse length aimed at: 40 s for 150 epochs, in proportion for fewer, never under 3 s. */
const FULL_RUN_SECONDS = 40;
const FULL_RUN_EPOCHS = 150;
const MIN_SECONDS = 3;

/**
 * Optimiser steps per video frame for a run of `epochs` × `batches` steps.
 *
 * @example videoStepsPerFrame(150, 925) // 115: 1,207 frames ≈ 40 s at 30 fps (+ the 2 s hold)
 * @example videoStepsPerFrame(3, 248)   // 8: 94 frames ≈ 3.1 s
 */
export function videoStepsPerFrame(epochs: number, batches: number): number {
  const seconds = Math.min(FULL_RUN_SECONDS, Math.max(MIN_SECONDS, (FULL_RUN_SECONDS * epochs) / FULL_RUN_EPOCHS));
  return Math.max(1, Math.floor((epochs * batches) / (seconds * VIDEO_FPS)));
}

/** `--video FILE`: its folder must exist or be creatable, and be writable; FILE must not be a folder. */
export function checkVideoPath(file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the folder of --video ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'pass --video with a path in a writable folder',
    });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`cannot write --video ${file}: its folder ${dir} is not writable`, { hint: 'pass --video with a path in a writable folder' });
  }
  let isDir = false;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDir) throw new UserError(`--video ${file} is a folder`, { hint: 'pass a file name, e.g. --video training.mp4' });
}

interface Pending {
  readonly step: number;
  readonly params: Float32Array;
}

export class Timelapse {
  private readonly queue: Pending[] = [];
  private readonly target: Offscreen;
  private readonly recorder: Recorder;
  private readonly frame: FrameDesc = createFrame();
  private readonly scratch: TrainViewScratch = createTrainScratch();
  private reading = false;
  private finished = false;

  private readonly ctx: GlContext;

  constructor(
    ctx: GlContext,
    ffmpeg: string,
    readonly output: string,
    private readonly layout: TrainLayout,
    private readonly history: TrainHistory,
  ) {
    for (const f of removeStalePartials(output)) process.stderr.write(`removed ${f}, left by an earlier recording that was killed\n`);
    this.ctx = ctx;
    this.target = ctx.createOffscreen(VIDEO_WIDTH, VIDEO_HEIGHT);
    this.recorder = Recorder.start({ ffmpeg, width: VIDEO_WIDTH, height: VIDEO_HEIGHT, fps: VIDEO_FPS, output, frameFormat: 'yuv420p' });
  }

  /** Queue the picture of `params` after optimiser step `step` (the array is kept as is). */
  add(step: number, params: Float32Array): void {
    this.queue.push({ step, params });
  }

  /** Frames queued or being read back. */
  get backlog(): number {
    return this.queue.length + (this.reading ? 1 : 0);
  }

  private draw(p: Pending): void {
    const input = { params: p.params, step: p.step, history: this.history, view: INITIAL_VIEW, aspect: VIDEO_WIDTH / VIDEO_HEIGHT, help: false, paused: false };
    trainFrame(this.layout, input, statusLine(this.history, p.step, false).replace(' · H help', ''), this.scratch, this.frame);
    this.ctx.renderer.render(this.frame, this.target);
    this.target.beginRead(this.recorder.frameFormat);
    this.reading = true;
  }

  /** Hand the frame being read back to ffmpeg (waits for a free buffer), `copies` times. */
  private async emit(copies: number): Promise<void> {
    if (!this.reading) return;
    this.reading = false;
    const first = await this.recorder.acquire();
    this.target.finishRead(first);
    const held = copies > 1 ? Buffer.from(first) : undefined;
    this.recorder.writeFrame(first);
    for (let i = 1; i < copies; i++) {
      const b = await this.recorder.acquire();
      held!.copy(b);
      this.recorder.writeFrame(b);
    }
  }

  /** One step of work: finish the previous frame's readback, start drawing the next queued one. */
  async pump(): Promise<void> {
    await this.emit(1);
    const next = this.queue.shift();
    if (next !== undefined) this.draw(next);
  }

  /**
   * Draw everything queued, then the final picture (`params` after `step`) held for HOLD_SECONDS,
   * and write the file. Returns what was written.
   */
  async finish(step: number, params: Float32Array): Promise<RecordResult> {
    while (this.backlog > 0) await this.pump();
    this.draw({ step, params });
    await this.emit(HOLD_SECONDS * VIDEO_FPS);
    this.finished = true;
    return this.recorder.finish();
  }

  /** Stop without a file (errors): kills ffmpeg and removes the temporaries. Idempotent. */
  abort(): void {
    if (!this.finished) this.recorder.abort();
    this.finished = true;
  }
}
