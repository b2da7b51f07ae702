/**
 * The recording's frame loop (spec §9.2–9.3, issue 9): for output frame i, t_i from the plan's one
 * clock → frameAt(scene, t_i) → draw into the MSAA target → finish frame i−1's readback into a
 * pooled buffer and hand it to ffmpeg → resolve and start the asynchronous readback of frame i.
 * So while the software rasteriser draws frame i, frame i−1 is converted to yuv420p (only what
 * it drew, core/yuv420.ts) and piped, and earlier frames are encoded by ffmpeg in its own
 * process; the loop waits only when every pooled buffer is still in the pipe. With --format the
 * RGBA frame is read whole, written as an image and converted whole.
 *
 * It yields to the event loop once per frame so SIGINT and pipe callbacks are handled, and stops
 * early (keeping what was rendered) when `stop()` says so. Optional per-phase timings feed the
 * benchmark. What it is not: no process or file management (recorder.ts, app/record.ts).
 */
import { INITIAL_VIEW } from '../animation/view-state.js';
import { imageToYuv420 } from '../core/yuv420.js';
import type { Offscreen } from '../core/offscreen.js';
import type { Renderer } from '../core/renderer.js';
import { createFrame } from '../frame.js';
import type { RunScene } from '../run/scenes.js';
import { applyCaption } from '../visualization/captions.js';
import { createFrameScratch, frameAt } from '../visualization/frame-at.js';
import type { FrameFiles } from './frame-files.js';
import type { FrameTime, RecordPlan } from './plan.js';
import { frameTimeInto } from './plan.js';
import type { FrameInfo, Progress } from './progress.js';
import type { Recorder } from './recorder.js';

/** Wall milliseconds spent in each phase of the loop (summed over frames). */
export interface LoopTimings {
  /** frameAt: the scene evaluated into the FrameDesc (CPU). */
  scene: number;
  /** Renderer draw calls (submission; a software GL rasterises while the previous frame goes out). */
  draw: number;
  /** MSAA resolve + glReadPixels into a pixel-pack buffer (waits for the frame to be drawn). */
  readStart: number;
  /** The previous frame's pixel-pack buffer mapped and converted into the ffmpeg buffer (yuv420p). */
  readFinish: number;
  /** Waiting for a free frame buffer, i.e. for ffmpeg to take earlier frames. */
  encoderWait: number;
  /** Writing numbered image files (--format). */
  files: number;
  /** The whole loop. */
  total: number;
}

export function emptyTimings(): LoopTimings {
  return { scene: 0, draw: 0, readStart: 0, readFinish: 0, encoderWait: 0, files: 0, total: 0 };
}

export interface LoopParts {
  readonly plan: RecordPlan;
  readonly scenes: readonly RunScene[];
  readonly renderer: Renderer;
  readonly target: Offscreen;
  readonly recorder: Recorder;
  readonly files?: FrameFiles;
  readonly aspect: number;
  readonly progress?: Progress;
  /** True once the run should stop (Ctrl-C, window closed). Checked before each frame. */
  readonly stop: () => boolean;
  readonly timings?: LoopTimings;
  /** Milliseconds clock for the timings. */
  readonly now?: () => number;
  /** Draw the caption band (--captions, issue 13). */
  readonly captions?: boolean;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** "step 2/12 token_probs": where frame time t of scene `index` is, for progress lines. */
export function whereIs(scenes: readonly RunScene[], index: number, t: number): string {
  return `step ${index + 1}/${scenes.length} ${stageAt(scenes[index]!, t)}`;
}

/** Name of the stage on screen at timeline time t (or 'return' during the return flight). */
export function stageAt(s: RunScene, t: number): string {
  const tl = s.scene.timeline;
  for (const st of tl.stages) if (st.end > t) return st.name;
  if (t >= tl.total && tl.returnDuration > 0) return 'return';
  return tl.stages.length > 0 ? tl.stages[tl.stages.length - 1]!.name : '';
}

/** Render and hand over every frame of the plan; returns how many frames ffmpeg received. */
export async function renderFrames(p: LoopParts): Promise<number> {
  const { plan, scenes, renderer, target, recorder, files } = p;
  const now = p.now ?? ((): number => performance.now());
  const tm = p.timings ?? emptyTimings();
  const frame = createFrame();
  /** The RGBA rows for the image files (the encoder's buffer may hold yuv420p). */
  const image = Buffer.allocUnsafe(files !== undefined ? target.width * target.height * 4 : 0);
  const scratches = scenes.map((s) => createFrameScratch(s.scene));
  const ft: FrameTime = { scene: 0, time: 0, outputTime: 0 };
  const info: FrameInfo = { done: 0, scene: 0, time: 0, sceneEnd: false };
  let pendingScene = 0;
  let pendingTime = 0;
  const emit = async (index: number): Promise<void> => {
    let t0 = now();
    const buf = await recorder.acquire();
    let t1 = now();
    tm.encoderWait += t1 - t0;
    if (files === undefined) {
      target.finishRead(buf);
    } else {
      target.finishRead(image);
      if (recorder.frameFormat === 'yuv420p') imageToYuv420(image, target.width, target.height, buf);
      else image.copy(buf);
    }
    t0 = now();
    tm.readFinish += t0 - t1;
    if (files !== undefined) {
      await files.add(index, image);
      t1 = now();
      tm.files += t1 - t0;
    }
    recorder.writeFrame(buf);
    const s = plan.scenes[pendingScene]!;
    info.done = index + 1;
    info.scene = pendingScene;
    info.time = pendingTime;
    info.sceneEnd = index === s.firstFrame + s.frameCount - 1;
    p.progress?.update(info);
  };
  // Without image files every frame is read as yuv420p: it may be drawn as changes to the last.
  target.keepFrames = files === undefined && recorder.frameFormat === 'yuv420p';
  const start = now();
  let rendered = 0;
  for (let i = 0; i < plan.frames; i++) {
    if (p.stop()) break;
    frameTimeInto(plan, i, ft);
    let t0 = now();
    const scene = scenes[ft.scene]!.scene;
    frameAt(scene, ft.time, INITIAL_VIEW, p.aspect, frame, scratches[ft.scene]!);
    if (p.captions === true) applyCaption(frame, scene.captions, scene.timeline, ft.time);
    let t1 = now();
    tm.scene += t1 - t0;
    renderer.render(frame, target);
    t0 = now();
    tm.draw += t0 - t1;
    // While the software rasteriser draws frame i, the previous frame goes out.
    if (i > 0) await emit(i - 1);
    t0 = now();
    target.beginRead(files === undefined ? recorder.frameFormat : 'rgba');
    t1 = now();
    tm.readStart += t1 - t0;
    pendingScene = ft.scene;
    pendingTime = ft.time;
    rendered = i + 1;
    await yieldToEventLoop();
  }
  if (rendered > 0) await emit(rendered - 1);
  if (files !== undefined) await files.flush();
  tm.total += now() - start;
  return rendered;
}
