/**
 * `gptviz train --watch` / `--video FILE.mp4` (issue 14): the training, seen. Opens the window
 * (1600 × 900, or a hidden one when only recording) before training starts, runs the training
 * loop in its own thread (transformer/threaded-trainer.ts — the main thread only draws, so a
 * frame never holds an optimiser step up), and draws the training view at ≤ FPS_CAP frames per
 * second: the parameters eased toward the live ones (time constant EASE_S), the loss curves and
 * the per-epoch greedy samples. The timelapse (train-video.ts) is fed parameter copies at fixed
 * step counts.
 *
 * Controls: Space pauses the view (training goes on), drag/scroll orbit and zoom as in the
 * visualiser, H help, Esc or closing the window stops training as Ctrl-C does (the best weights
 * are kept) and the command exits 0.
 *
 * It never changes what is trained: the threaded trainer runs the same code on the same seed and
 * thread count, and everything here only reads copies (the samples are greedy: no random numbers).
 * Not here: flags, printing the epochs, saving (cli/train-command.ts); the picture
 * (visualization/train-view.ts).
 */
import os from 'node:os';
import { drag, scroll, tickView } from '../animation/view-state.js';
import type { ViewState } from '../animation/view-state.js';
import { INITIAL_VIEW } from '../animation/view-state.js';
import type { GlContext } from '../core/context.js';
import { openContext } from '../core/context.js';
import { isSoftwareRenderer } from '../core/gl.js';
import type { RectCopier } from '../core/glfw.js';
import { createFrame } from '../frame.js';
import { findFfmpeg } from '../record/ffmpeg.js';
import { formatBytes } from '../record/progress.js';
import type { ModelConfig } from '../transformer/config.js';
import type { Corpus } from '../transformer/data.js';
import { greedySample } from '../transformer/greedy-sample.js';
import type { ThreadedTrainOptions } from '../transformer/threaded-trainer.js';
import { ThreadedTrainer } from '../transformer/threaded-trainer.js';
import type { TrainHooks } from '../transformer/train.js';
import type { Weights } from '../transformer/weights.js';
import { allocateWeights } from '../transformer/weights.js';
import type { RunShape } from '../visualization/train-history.js';
import { TrainHistory } from '../visualization/train-history.js';
import { buildTrainLayout } from '../visualization/train-layout.js';
import { createTrainScratch, statusLine, trainFrame } from '../visualization/train-view.js';
import { requireDisplay } from './display.js';
import type { Action } from './input.js';
import { ACTION_PRESS, KEY_ESCAPE, createCursorTracker, cursorMove, keyAction, mouseButton, scrollAction } from './input.js';
import { HOLD_SECONDS, Timelapse, VIDEO_FPS, checkVideoPath, videoStepsPerFrame } from './train-video.js';

export const WATCH_WIDTH = 1600;
export const WATCH_HEIGHT = 900;
export const WATCH_TITLE = 'GPT Visualizer: training';
/** Frame-rate cap of the window: enough for smooth motion, leaving the CPU to training. */
export const FPS_CAP = 32;
/** MSAA samples of the window: llvmpipe resolves 4× MSAA in software, ≈ 17 ms a frame on two cores. */
const WINDOW_SAMPLES = 0;
/**
 * Nice value of the drawing thread (and so of llvmpipe's threads and ffmpeg). On llvmpipe a frame
 * of the whole model (≈ 22,700 cubes, from the cached layer) costs ≈ 9–12 ms of CPU, so at 30
 * fps drawing would take ≈ 15–18 % of a 2-core machine from training; at nice 5 (scheduler weight
 * 335 against 1024 per training thread) drawing gives way when both compete, and the window still
 * keeps its 32-fps grid on this machine (measured after the first frame: 31.5–31.8 fps; nice 7:
 * 31.3–31.7, but 29.7 on a loaded machine; nice 9: 30.5–30.9). GPTVIZ_WATCH_NICE overrides it
 * (0: a smooth window at training's expense; 10 and up: training first, the window below 30 fps).
 */
const DRAW_NICE = Number(process.env.GPTVIZ_WATCH_NICE ?? 5);
/**
 * Most updates a second of the status line and the loss curve (the parameters' colours move every
 * frame): as often as digits can be read. Each update repaints their part of the window: at 8 a
 * second rather than every frame, the window's CPU per frame falls ≈ 0.7 ms (of 5.6).
 */
const STATUS_HZ = 8;
/** Time constant of the displayed parameters easing toward the live ones, seconds. */
const EASE_S = 0.15;
/** Longest wait for the window's first frame before training starts anyway. */
const FIRST_FRAME_WAIT_MS = 5000;
/** Steps between progress reports of the training thread. */
const PROGRESS_EVERY = 16;
/** Characters of the per-epoch sample after the prompt. */
const SAMPLE_LENGTH = 40;
export const SAMPLE_PROMPT = 'hello';
/**
 * Test hook: GPTVIZ_TEST_ESC_AFTER_EPOCH=N presses Esc (through the real key mapping) when epoch
 * N ends, so tests can check the Esc path without a window manager or a keyboard.
 */
const TEST_ESC_AFTER_EPOCH = Number(process.env.GPTVIZ_TEST_ESC_AFTER_EPOCH ?? 0);

/** d ← d + (l − d)·k, element by element (its own small function: V8 optimises it early and alone). */
function easeToward(d: Float32Array, l: Float32Array, k: number): void {
  for (let i = 0; i < d.length; i++) d[i]! += (l[i]! - d[i]!) * k;
}

export interface TrainWatchOptions {
  readonly watch: boolean;
  /** Timelapse file, or undefined. */
  readonly video: string | undefined;
  /** Optimiser steps per video frame (default videoStepsPerFrame). */
  readonly videoEvery: number | undefined;
  readonly config: ModelConfig;
  readonly shape: Omit<RunShape, 'prompt'>;
  readonly log: (line: string) => void;
  /** The ffmpeg command checkTrainWatch found (needed with --video). */
  readonly ffmpeg: string | undefined;
}

/** The checks that must fail before any training: a display, and for --video ffmpeg and a writable path. */
export function checkTrainWatch(watch: boolean, video: string | undefined): string | undefined {
  if (!watch && video === undefined) return undefined;
  requireDisplay();
  if (video === undefined) return undefined;
  const ffmpeg = findFfmpeg('ffmpeg', '--video');
  checkVideoPath(video);
  return ffmpeg;
}

export class TrainWatch {
  private ctx: GlContext | null = null;
  private readonly layout;
  private readonly history: TrainHistory;
  private timelapse: Timelapse | undefined;
  private readonly display: Float32Array;
  private live: Float32Array | null = null;
  private view: ViewState = INITIAL_VIEW;
  private paused = false;
  private help = false;
  private closed = false;
  private stopped = false;
  private failure: unknown = null;
  private shownStep = 0;
  private frames = 0;
  /** When the window opened, and when its first frame was swapped (the frame rate counts from there). */
  private t0 = 0;
  private firstSwap = 0;
  private timer: NodeJS.Timeout | null = null;
  private dirty = true;
  /** Copies the back buffer to the window, keeping it (keepFrames), or null: frames are swapped. */
  private copy: RectCopier | null = null;
  private readonly whole = new Int32Array(4);
  /** Told when the window's first frame is on screen, or drawing failed (start waits for it). */
  private firstFrame: { resolve: () => void; reject: (e: unknown) => void } | null = null;
  /** The timelapse's step in flight (finish waits for it). */
  private pumping: Promise<void> = Promise.resolve();
  readonly snapshotEvery: number;

  private constructor(private readonly opts: TrainWatchOptions, private readonly ffmpeg: string | undefined, initial: Weights) {
    this.layout = buildTrainLayout(opts.config);
    this.history = new TrainHistory({ ...opts.shape, prompt: SAMPLE_PROMPT });
    this.display = Float32Array.from(initial.flat);
    this.snapshotEvery = opts.video === undefined ? 0 : opts.videoEvery ?? videoStepsPerFrame(opts.shape.epochs, opts.shape.batches);
  }

  /**
   * The window (or hidden context) and the video encoder. Called once the training threads
   * exist: the main thread first lowers its own scheduling priority (Linux: per thread), which
   * the rasteriser's threads and ffmpeg inherit but the training threads do not, so on a busy
   * machine drawing gives way to training rather than the other way round.
   */
  private openOutputs(initial: Float32Array): GlContext {
    try {
      os.setPriority(0, Math.max(os.getPriority(0), DRAW_NICE));
    } catch {
      // not permitted or not supported: draw at normal priority
    }
    const ctx = this.opts.watch
      ? openContext({ width: WATCH_WIDTH, height: WATCH_HEIGHT, title: WATCH_TITLE, visible: true, vsync: false, samples: WINDOW_SAMPLES })
      : openContext({ width: 320, height: 180, title: 'gptviz training video', visible: false, vsync: false });
    // Drawn straight into the single-sampled window: 4× MSAA over the whole model would cost
    // training its CPU (the timelapse is drawn offscreen with it).
    ctx.renderer.windowAntialias = false;
    // The parameters' cubes stay in place while their colours change: draw them once into a
    // cached layer and only colour it each frame (core/cube-cache.ts; ≈ 22,000 cubes).
    ctx.renderer.cacheCubes = true;
    // On a software GL, frames reach the window by copying the back buffer rather than swapping,
    // so it is kept: each frame repaints only what changed (Renderer.keepFrames).
    this.copy = this.opts.watch && isSoftwareRenderer(ctx.info) ? ctx.window.rectCopier() : null;
    ctx.renderer.keepFrames = this.copy !== null;
    this.ctx = ctx;
    if (this.opts.video !== undefined) {
      this.timelapse = new Timelapse(ctx, this.ffmpeg!, this.opts.video, this.layout, this.history);
      this.timelapse.add(0, Float32Array.from(initial));
    }
    return ctx;
  }

  /** Set up the view of a run (checkTrainWatch has passed); `start` opens the window and the video. */
  static open(opts: TrainWatchOptions, initial: Weights): TrainWatch {
    if (opts.video !== undefined && opts.ffmpeg === undefined) throw new Error('TrainWatch.open: --video needs the ffmpeg from checkTrainWatch');
    const w = new TrainWatch(opts, opts.ffmpeg, initial);
    if (opts.watch) opts.log('  Watching: Space pauses the view · drag/scroll orbit and zoom · H help · Esc stops training (keeps the best weights)');
    if (opts.video !== undefined) {
      const frames = Math.floor((opts.shape.epochs * opts.shape.batches) / w.snapshotEvery) + 1;
      opts.log(`  Video: ${opts.video}, one frame every ${w.snapshotEvery} steps (≈ ${(frames / VIDEO_FPS).toFixed(1)} s at ${VIDEO_FPS} fps + ${HOLD_SECONDS} s of the end)`);
    }
    return w;
  }

  /** True once the user closed the window (Esc): training stops as on Ctrl-C, and the exit code is 0. */
  get closedByUser(): boolean {
    return this.closed;
  }

  /** Start the training thread with this view's feed, and the drawing loop. */
  async start(initial: Weights, corpus: Corpus, opts: Omit<ThreadedTrainOptions, 'progressEvery' | 'snapshotEvery'>): Promise<ThreadedTrainer> {
    const trainer = await ThreadedTrainer.start(initial, corpus, {
      ...opts, progressEvery: PROGRESS_EVERY, snapshotEvery: this.snapshotEvery,
    }, {
      onProgress: (p) => this.history.addProgress(p.step, p.loss, p.tokensPerSec),
      onSnapshot: (step, params) => this.timelapse?.add(step, params),
      onEpochEnd: (s, step, params) => {
        const sample = greedySample(allocateWeights(this.opts.config, params), SAMPLE_PROMPT, SAMPLE_LENGTH);
        this.history.addEpoch({ epoch: s.epoch, step, trainLoss: s.trainLoss, valLoss: s.valLoss, valAcc: s.valAcc, sample });
        if (s.epoch === TEST_ESC_AFTER_EPOCH && this.opts.watch) this.input(keyAction(KEY_ESCAPE, ACTION_PRESS));
      },
    });
    let ctx: GlContext;
    try {
      ctx = this.openOutputs(initial.flat);
    } catch (e) {
      await trainer.close();
      throw e;
    }
    this.live = trainer.params.flat;
    this.t0 = performance.now();
    // The window's start-up (font atlas, shaders, the cube layer: ≈ 0.3–1 s of CPU) is paid
    // before training starts, not taken from it: the first frame shows the starting weights.
    const shown = this.opts.watch ? new Promise<void>((resolve, reject) => {
      this.firstFrame = { resolve, reject };
    }) : undefined;
    this.loop(ctx);
    if (shown !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      try {
        // A window that cannot draw yet (minimised: 0 × 0) does not hold training back for long.
        await Promise.race([shown, new Promise<void>((resolve) => { timer = setTimeout(resolve, FIRST_FRAME_WAIT_MS); })]);
      } catch (e) {
        await trainer.close();
        throw e;
      } finally {
        clearTimeout(timer);
        this.firstFrame = null;
      }
    }
    return trainer;
  }

  /** The command's hooks, plus: stop when the window was closed or drawing failed. */
  hooks(inner: TrainHooks): TrainHooks {
    return { ...inner, shouldStop: () => this.closed || this.failure !== null || inner.shouldStop?.() === true };
  }

  private input(a: Action | null): void {
    if (a === null) return;
    switch (a.kind) {
      case 'toggle-play': this.paused = !this.paused; break;
      case 'toggle-help': this.help = !this.help; break;
      case 'quit': this.closed = true; break;
      case 'drag': this.view = drag(this.view, a.dx, a.dy); break;
      case 'scroll': this.view = scroll(this.view, a.amount); break;
      case 'next-stage': case 'prev-stage': case 'speed-up': case 'slow-down': case 'reset': return;
      // Issue 17's study keys and the timeline bar belong to the visualiser's window.
      case 'frame-forward': case 'frame-back': case 'step-start': case 'step-end': case 'reset-view': case 'seek': return;
    }
    this.dirty = true;
  }

  private loop(ctx: GlContext): void {
    const { window, renderer } = ctx;
    const frame = createFrame();
    const scratch = createTrainScratch();
    const fb = new Int32Array(2);
    const cursor = createCursorTracker();
    if (this.opts.watch) {
      window.handlers = {
        onKey: (key, _scancode, action) => this.input(keyAction(key, action)),
        onMouseButton: (button, action) => mouseButton(cursor, button, action),
        onCursorPos: (x, y) => this.input(cursorMove(cursor, x, y)),
        onScroll: (_dx, dy) => this.input(scrollAction(dy)),
        onFramebufferSize: (w, h) => {
          fb[0] = w;
          fb[1] = h;
          this.dirty = true;
        },
        onClose: () => { this.closed = true; },
        onRefresh: () => { this.dirty = true; },
      };
    }
    // The size is asked once and then told by the framebuffer-size events: asking every frame is a
    // round trip to the X server (issue 14: the window's CPU is the training's loss).
    window.framebufferSize(fb);
    let last = performance.now();
    let status = '';
    let statusKey = -1;
    let statusAt = -Infinity;
    const tick = async (): Promise<void> => {
      const start = performance.now();
      const dt = Math.min(0.1, (start - last) / 1000);
      last = start;
      if (this.opts.watch && !this.closed) {
        window.pollEvents();
        if (window.shouldClose()) this.closed = true;
        const before = this.view;
        this.view = tickView(this.view, dt);
        if (this.view !== before) this.dirty = true;
        if (!this.paused && this.live !== null) {
          easeToward(this.display, this.live, 1 - Math.exp(-dt / EASE_S));
          // The status line and the loss curve move on at most STATUS_HZ times a second (every
          // 4th frame on the 1/32 s grid; the 2 ms spare absorbs timer jitter).
          if (start - statusAt >= 1000 / STATUS_HZ - 2) {
            statusAt = start;
            this.shownStep = this.history.newestStep;
          }
          this.dirty = true;
        }
        if (this.dirty && fb[0]! > 0 && fb[1]! > 0) {
          const key = this.shownStep * 2 + (this.paused ? 1 : 0);
          if (key !== statusKey) {
            statusKey = key;
            status = statusLine(this.history, this.shownStep, this.paused);
          }
          trainFrame(this.layout, {
            params: this.display, step: this.shownStep, history: this.history, view: this.view,
            aspect: fb[0]! / fb[1]!, help: this.help, paused: this.paused,
          }, status, scratch, frame);
          renderer.setSize(fb[0]!, fb[1]!, 1);
          renderer.render(frame);
          this.present(fb[0]!, fb[1]!);
          if (this.frames++ === 0) {
            this.firstSwap = performance.now();
            this.firstFrame?.resolve();
          }
          this.dirty = false;
        }
      }
    };
    // The timelapse has its own chain: waiting for ffmpeg must never hold the window up.
    const pumpVideo = (): void => {
      const t = this.timelapse;
      if (this.stopped || t === undefined) return;
      const idle = t.backlog === 0;
      this.pumping = t.pump();
      this.pumping.then(() => {
        if (idle) setTimeout(pumpVideo, 1000 / FPS_CAP);
        else setImmediate(pumpVideo);
      }, (e: unknown) => {
        this.failure = e;
      });
    };
    pumpVideo();
    // Frames are due on a fixed grid of 1 / FPS_CAP seconds (not 1 / FPS_CAP after the last one
    // ended: timer and scheduling delays would add up); a frame more than one period late moves
    // the grid rather than bunching frames to catch up.
    const period = 1000 / FPS_CAP;
    let due = performance.now();
    const schedule = (): void => {
      if (this.stopped) return;
      const now = performance.now();
      due += period;
      if (due < now - period) due = now;
      this.timer = setTimeout(() => {
        tick().then(schedule, (e: unknown) => {
          this.failure = e;
          this.firstFrame?.reject(e);
        });
      }, Math.max(0, due - now));
    };
    schedule();
  }

  /** Put the frame just rendered on screen: copied (the back buffer kept), else swapped. */
  private present(width: number, height: number): void {
    if (this.copy === null) {
      this.ctx!.window.swapBuffers();
      return;
    }
    this.whole[2] = width;
    this.whole[3] = height;
    this.copy(this.whole, 1);
  }

  /**
   * After training: stop the loop, report the window's frame rate, and finish the timelapse
   * (the last picture from the final parameters). Rethrows a drawing failure.
   */
  async finish(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.pumping.catch(() => undefined);
    if (this.failure !== null) throw this.failure;
    const now = performance.now();
    if (this.opts.watch && this.frames > 0) {
      // The rate of the frames after the first over the time since it: the first frame's wait
      // (font atlas, shaders, the cube layer) is start-up, reported apart.
      const seconds = (now - this.firstSwap) / 1000;
      const fps = this.frames > 1 && seconds > 0 ? (this.frames - 1) / seconds : 0;
      this.opts.log(`  window: ${this.frames} frames in ${seconds.toFixed(1)} s (${fps.toFixed(1)} fps; the first after ${((this.firstSwap - this.t0) / 1000).toFixed(2)} s)`);
    }
    if (this.timelapse !== undefined && this.live !== null) {
      const r = await this.timelapse.finish(this.history.newestStep, Float32Array.from(this.live));
      this.opts.log(`  wrote ${r.path} (${formatBytes(r.bytes)}, ${r.seconds.toFixed(1)} s, ${r.frames} frames at ${VIDEO_FPS} fps)`);
    }
  }

  /** Release everything (always call, e.g. in finally): kills ffmpeg if the video was not finished. */
  close(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timelapse?.abort();
    this.ctx?.close();
  }
}
