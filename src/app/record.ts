/**
 * `gptviz --record` (spec §9, issue 9): render the whole run offscreen at exactly W × H and write
 * `<output-dir>/transformer.mp4` with its soundtrack, streamed through ffmpeg.
 *
 * Order: ffmpeg present? (else fail before any work) → output folder writable? → the run's scenes
 * (random mode, or every precomputed generation step) → the plan on one output clock
 * (record/plan.ts; --max-duration raises the speed) → the soundtrack from the same schedule →
 * hidden window + 4× MSAA offscreen target → for frame i: frameAt(scene, t_i) → draw → start an
 * asynchronous readback → finish frame i−1's readback into a pooled buffer → pipe it to ffmpeg
 * (drawing, readback and encoding overlap) → remux to the final name.
 *
 * Ctrl-C (or SIGTERM, or the window closing) stops after the current frame and keeps what was
 * rendered, trimmed so audio and video end together; a second Ctrl-C aborts at once. Exit codes:
 * 0 done, 130 interrupted (a playable file was still written), UserError otherwise.
 *
 * What it is not: no scene logic (visualization/), no encoding details (record/ffmpeg.ts).
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ViewOptions } from '../cli/options.js';
import { fitPrompt } from '../cli/options.js';
import { INITIAL_VIEW } from '../animation/view-state.js';
import { renderSoundtrack } from '../audio/soundtrack.js';
import { openContext } from '../core/context.js';
import type { Offscreen } from '../core/offscreen.js';
import { UserError } from '../errors.js';
import { createFrame } from '../frame.js';
import { frameAt } from '../visualization/frame-at.js';
import { findFfmpeg } from '../record/ffmpeg.js';
import { FrameFiles } from '../record/frame-files.js';
import type { FrameTime, RecordPlan } from '../record/plan.js';
import { buildPlan, clock, describePlan, frameTimeInto } from '../record/plan.js';
import { formatBytes, Progress } from '../record/progress.js';
import { Recorder } from '../record/recorder.js';
import type { RecordingScene } from '../record/scenes.js';
import { generationScenes, randomScenes } from '../record/scenes.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Create the output folder if needed and make sure we can write into it. */
export function prepareOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      hint: 'pick another --output-dir',
    });
  }
  if (!statSync(dir).isDirectory()) throw new UserError(`--output-dir ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`the output folder ${dir} is not writable`, { hint: 'pick another --output-dir' });
  }
}

/** True when --format was given explicitly (numbered frames are written only then). */
function framesRequested(opts: ViewOptions): boolean {
  const o = opts as ViewOptions & { formatGiven?: boolean };
  if (typeof o.formatGiven === 'boolean') return o.formatGiven;
  return process.argv.some((a) => a === '--format' || a.startsWith('--format='));
}

async function scenesFor(opts: ViewOptions): Promise<RecordingScene[]> {
  if (opts.text === undefined || opts.weights === undefined) return randomScenes();
  const { loadWeights } = await import('../transformer/weights-file.js');
  const gen = await import('../transformer/generation.js');
  const weights = loadWeights(opts.weights);
  const prompt = fitPrompt(opts.text, weights.config.seqLen);
  const run = gen.runGeneration(weights, prompt, { temperature: opts.temperature, seed: opts.seed });
  for (const e of run.log) log(gen.formatStepLine(e));
  log(gen.formatResultLine(run.result));
  return generationScenes(run.steps);
}

/** The soundtrack as interleaved float32 stereo, exactly plan.seconds long. */
export function soundtrackPcm(scenes: readonly RecordingScene[], plan: RecordPlan, music: boolean): Float32Array {
  const st = renderSoundtrack(
    plan.scenes.map((p) => ({ sound: scenes[p.index]!.sound, speed: p.timeScale, startOutputSeconds: p.start })),
    plan.seconds, { music },
  );
  const n = st.left.length;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = st.left[i]!;
    out[2 * i + 1] = st.right[i]!;
  }
  return out;
}

/** SIGINT/SIGTERM → a stop request; a second one aborts. */
function stopSignals(onAbort: () => void): { readonly requested: () => boolean; dispose(): void } {
  let requested = false;
  const handler = (sig: NodeJS.Signals): void => {
    if (requested) {
      log(`\n${sig} again: aborting without writing the video`);
      onAbort();
      process.exit(130);
    }
    requested = true;
    log(`\n${sig}: stopping after this frame and keeping what was rendered (press Ctrl-C again to abort)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => requested,
    dispose(): void {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface LoopParts {
  readonly plan: RecordPlan;
  readonly scenes: readonly RecordingScene[];
  readonly target: Offscreen;
  readonly recorder: Recorder;
  readonly files: FrameFiles | undefined;
  readonly stop: () => boolean;
  readonly aspect: number;
  readonly progress: Progress;
}

/** Render every frame; returns the number of frames handed to ffmpeg. */
async function renderFrames(p: LoopParts, windowClosed: () => boolean): Promise<number> {
  const frame = createFrame();
  const ft: FrameTime = { scene: 0, time: 0, outputTime: 0 };
  const { plan, scenes, target, recorder, files } = p;
  let pendingScene = 0;
  let pendingTime = 0;
  const emit = async (index: number): Promise<void> => {
    const buf = await recorder.acquire();
    target.finishRead(buf);
    if (files !== undefined) await files.add(index, buf);
    recorder.writeFrame(buf);
    const s = plan.scenes[pendingScene]!;
    const stage = scenes[pendingScene]!.scene.timeline.stages;
    p.progress.update({
      done: index + 1, time: pendingTime,
      where: `step ${pendingScene + 1}/${plan.scenes.length} ${stage.length > 0 ? currentStageName(scenes[pendingScene]!, pendingTime) : ''}`,
      sceneEnd: index === s.firstFrame + s.frameCount - 1,
    });
  };
  let rendered = 0;
  for (let i = 0; i < plan.frames; i++) {
    if (p.stop() || windowClosed()) break;
    frameTimeInto(plan, i, ft);
    frameAt(scenes[ft.scene]!.scene, ft.time, INITIAL_VIEW, p.aspect, frame);
    target.render(frame, 1);
    target.beginRead('rgba');
    if (i > 0) await emit(i - 1);
    pendingScene = ft.scene;
    pendingTime = ft.time;
    rendered = i + 1;
    await yieldToEventLoop();
  }
  if (rendered > 0) await emit(rendered - 1);
  if (files !== undefined) await files.flush();
  return rendered;
}

function currentStageName(s: RecordingScene, t: number): string {
  const stages = s.scene.timeline.stages;
  for (const st of stages) if (st.end > t) return st.name;
  return t >= s.scene.timeline.total && s.scene.timeline.returnDuration > 0 ? 'return' : stages[stages.length - 1]!.name;
}

export async function record(opts: ViewOptions): Promise<number> {
  const ffmpeg = findFfmpeg();
  const { width, height, fps } = opts;
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new UserError(`video size must be even for H.264 yuv420p (got ${width}×${height})`, { hint: 'use e.g. --width 1920 --height 1080' });
  }
  prepareOutputDir(opts.outputDir);
  const output = path.join(opts.outputDir, 'transformer.mp4');
  const scenes = await scenesFor(opts);
  const plan = buildPlan(scenes, { fps, speed: opts.speed, maxDuration: opts.maxDuration });
  for (const line of describePlan(plan, width, height, opts.maxDuration)) log(line);
  const audio = opts.mute ? undefined : soundtrackPcm(scenes, plan, opts.music);
  const wantFrames = framesRequested(opts);
  const files = wantFrames ? new FrameFiles(path.join(opts.outputDir, 'frames'), opts.format, width, height) : undefined;
  if (files !== undefined) log(`  frames: ${path.join(files.dir, `frame_%05d.${opts.format}`)}`);

  const ctx = openContext({ width: 320, height: 180, title: 'gptviz recording', visible: false, vsync: false });
  let recorder: Recorder | undefined;
  const stop = stopSignals(() => recorder?.abort());
  try {
    const target = ctx.renderer.createOffscreen(width, height);
    recorder = Recorder.start({ ffmpeg, width, height, fps, output, audio });
    const progress = new Progress({ total: plan.frames, fps, tty: process.stderr.isTTY, out: process.stderr, now: () => performance.now() });
    const windowClosed = (): boolean => {
      ctx.window.pollEvents();
      return ctx.window.shouldClose();
    };
    const frames = await renderFrames({ plan, scenes, target, recorder, files, stop: stop.requested, aspect: width / height, progress }, windowClosed);
    progress.end();
    const interrupted = frames < plan.frames;
    if (interrupted) log(`interrupted after ${frames} of ${plan.frames} frames: keeping the ${(frames / fps).toFixed(2)} s rendered so far`);
    const res = await recorder.finish();
    const wall = progress.elapsed();
    const rel = path.relative(process.cwd(), res.path);
    const shown = rel !== '' && !rel.startsWith('..') ? rel : res.path;
    process.stdout.write(
      `${interrupted ? 'wrote (interrupted, playable)' : 'wrote'} ${shown} (${formatBytes(res.bytes)}, ${clock(res.seconds)} = ` +
      `${res.seconds.toFixed(2)} s, ${res.frames} frames @ ${fps} fps, ${width}×${height}, H.264${audio !== undefined ? ' + AAC' : ', no audio (--mute)'}) ` +
      `in ${wall.toFixed(1)} s (${(res.frames / wall).toFixed(1)} frames/s)\n`,
    );
    if (files !== undefined) process.stdout.write(`frames in ${files.dir}\n`);
    return interrupted ? 130 : 0;
  } catch (e) {
    recorder?.abort();
    throw e;
  } finally {
    stop.dispose();
    ctx.close();
  }
}
