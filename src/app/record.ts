/**
 * `gptviz --record` (spec §9, issue 9): render the whole run offscreen at exactly W × H and write
 * `<output-dir>/transformer.mp4` with its soundtrack, streamed through ffmpeg.
 *
 * Order: ffmpeg present? (else fail before any work) → output folder writable? → the run's scenes
 * (run/run.ts: random mode, or every precomputed generation step) → the plan on one output clock
 * (record/plan.ts; --max-duration raises the speed) → the soundtrack from the same schedule →
 * hidden window + 4× MSAA offscreen target → for frame i: frameAt(scene, t_i) → draw → start an
 * asynchronous readback → finish frame i−1's readback into a pooled buffer → pipe it to ffmpeg
 * with the soundtrack's samples it covers (drawing, readback and encoding overlap; one ffmpeg
 * encodes both into the mp4) → rename it to the final name.
 *
 * Ctrl-C (or SIGTERM, or the window closing) stops after the current frame and keeps what was
 * rendered, trimmed so audio and video end together; a second Ctrl-C aborts at once. Exit codes:
 * 0 done, 130 interrupted (a playable file was still written), UserError otherwise.
 *
 * What it is not: no scene logic (visualization/), no encoding details (record/ffmpeg.ts).
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Stereo } from '../audio/render.js';
import { renderSoundtrack } from '../audio/soundtrack.js';
import type { GlContext } from '../core/context.js';
import { openContext } from '../core/context.js';
import { requireDisplay } from './display.js';
import { signalExitCode } from './signal-exit.js';
import { UserError } from '../errors.js';
import { fileError } from '../io-errors.js';
import { findFfmpeg, QUALITY } from '../record/ffmpeg.js';
import { FrameFiles } from '../record/frame-files.js';
import type { LoopTimings } from '../record/frame-loop.js';
import { emptyTimings, renderFrames, whereIs } from '../record/frame-loop.js';
import type { RecordPlan } from '../record/plan.js';
import { buildPlan, clock, describePlan } from '../record/plan.js';
import { formatBytes, Progress } from '../record/progress.js';
import type { RecordResult } from '../record/recorder.js';
import { Recorder, removeStalePartials } from '../record/recorder.js';
import { buildRun, generationLines } from '../run/run.js';
import type { RunScene } from '../run/scenes.js';
import type { ViewOptions } from './view-options.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * Create the output folder if needed and make sure we can write into it. Returns the first folder
 * it created (to remove again when nothing is recorded), or undefined.
 */
export function prepareOutputDir(dir: string): string | undefined {
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fileError(e, dir, 'create the output folder');
  }
  if (!statSync(dir).isDirectory()) throw new UserError(`--output-dir ${dir} is not a folder`, { hint: 'pick another --output-dir' });
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`the output folder ${dir} is not writable`, { hint: 'pick another --output-dir' });
  }
  return created;
}

/** The video's final name must not be a folder: found before rendering, not after (issue 12). */
function checkOutputName(output: string): void {
  let isDir = false;
  try {
    isDir = statSync(output).isDirectory();
  } catch {
    // not there yet: fine
  }
  if (isDir) throw new UserError(`cannot write ${output}: it is a directory`, { hint: 'move that folder away, or pass another --output-dir' });
}

/** Remove the folders prepareOutputDir created, innermost first, as long as they are empty. */
function removeIfEmpty(dir: string, created: string | undefined): boolean {
  if (created === undefined) return false;
  for (let d = dir; d.startsWith(created); d = path.dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return false;
    }
    if (d === created) break;
  }
  return true;
}

/** The soundtrack on the plan's schedule: 44.1 kHz stereo, exactly plan.seconds long. */
export function soundtrack(scenes: readonly RunScene[], plan: RecordPlan, music: boolean): Stereo {
  return renderSoundtrack(
    plan.scenes.map((p) => ({ sound: scenes[p.index]!.sound, speed: p.timeScale, startOutputSeconds: p.start })),
    plan.seconds, { music },
  );
}

/** SIGINT/SIGTERM → a stop request; a second one aborts. `signal()`: the first one received. */
function stopSignals(onAbort: () => void): { readonly requested: () => boolean; readonly signal: () => NodeJS.Signals | undefined; dispose(): void } {
  let requested: NodeJS.Signals | undefined;
  const handler = (sig: NodeJS.Signals): void => {
    if (requested !== undefined) {
      log(`\n${sig} again: aborting without writing the video`);
      onAbort();
      process.exit(signalExitCode(requested));
    }
    requested = sig;
    log(`\n${sig}: stopping after this frame and keeping what was rendered (press Ctrl-C again to abort)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => requested !== undefined,
    signal: () => requested,
    dispose(): void {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** What a finished (or interrupted) recording reports, for the summary and the benchmark. */
export interface RecordingReport {
  readonly plan: RecordPlan;
  readonly result: RecordResult;
  readonly interrupted: boolean;
  /** The signal that interrupted the run (Ctrl-C, SIGTERM), or undefined (done, or the window closed). */
  readonly signal: NodeJS.Signals | undefined;
  /** Wall seconds from the first frame to the final file. */
  readonly wallSeconds: number;
  /** Wall seconds from the last frame handed over to the final file (ffmpeg's last frames, +faststart). */
  readonly finishSeconds: number;
  /** CPU seconds ffmpeg had used when the last frame was handed over (Linux), or undefined. */
  readonly encoderCpuSeconds: number | undefined;
  readonly timings: LoopTimings;
}

export interface RecordExtras {
  /** Collect per-phase timings here (benchmark). */
  readonly timings?: LoopTimings;
  /** No plan or progress on stderr. */
  readonly quiet?: boolean;
  /** x264 preset / CRF instead of those of opts.quality (record/ffmpeg.ts QUALITY; benchmark comparisons). */
  readonly preset?: string;
  readonly crf?: number;
  /** Frame buffers in flight to ffmpeg (default: the recorder's). */
  readonly poolSize?: number;
}

/** The whole recording; returns its report (record() prints it). */
export async function runRecording(opts: ViewOptions, extras: RecordExtras = {}): Promise<RecordingReport> {
  requireDisplay();
  const ffmpeg = findFfmpeg();
  const { width, height } = opts;
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw new UserError(`video size must be even for H.264 yuv420p (got ${width}×${height})`, { hint: 'use e.g. --width 1920 --height 1080' });
  }
  // Signals are caught from here on: one before the first frame still ends in one clean line.
  let recorder: Recorder | undefined;
  const stop = stopSignals(() => recorder?.abort());
  try {
    return await recordInto(opts, extras, ffmpeg, stop, (r) => (recorder = r));
  } finally {
    stop.dispose();
  }
}

/** runRecording after its checks, with the signals already caught: folder, scenes, plan, frames, finish. */
async function recordInto(
  opts: ViewOptions, extras: RecordExtras, ffmpeg: string, stop: ReturnType<typeof stopSignals>, started: (r: Recorder) => void,
): Promise<RecordingReport> {
  const { width, height, fps } = opts;
  const created = prepareOutputDir(opts.outputDir);
  const output = path.join(opts.outputDir, 'transformer.mp4');
  checkOutputName(output);
  for (const f of removeStalePartials(output)) log(`removed ${f}, left by an earlier recording that was killed`);
  /** Interrupted before the first frame: nothing to keep; remove the folder if we made it. */
  const nothingRecorded = (): UserError => {
    const removed = removeIfEmpty(opts.outputDir, created);
    return new UserError('interrupted before the first frame: no video was written', {
      hint: removed ? `removed the empty output folder ${opts.outputDir}` : 'run it again and let it render to keep a partial video',
      exitCode: signalExitCode(stop.signal() ?? 'SIGINT'),
    });
  };
  const run = buildRun(opts);
  if (run.generation !== undefined) for (const line of generationLines(run.generation)) log(line);
  const scenes = run.scenes();
  const plan = buildPlan(scenes, { fps, speed: opts.speed, maxDuration: opts.maxDuration });
  if (extras.quiet !== true) for (const line of describePlan(plan, width, height, opts.maxDuration)) log(line);
  const audio = opts.mute ? undefined : soundtrack(scenes, plan, opts.music);
  const files = opts.formatGiven ? new FrameFiles(path.join(opts.outputDir, 'frames'), opts.format, width, height) : undefined;
  if (files !== undefined) log(`  frames: ${path.join(files.dir, `frame_%05d.${opts.format}`)}`);

  // A signal that came during the synchronous set-up is read in the event loop's poll phase: two
  // immediates in a row put one poll phase between them.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  if (stop.requested()) throw nothingRecorded();
  // ffmpeg first: it loads its libraries (≈ 0.1 s of CPU) on the other core while this one opens
  // the GL context and allocates the multisampled target (≈ 0.4 s, mostly llvmpipe zeroing it).
  const recorder = Recorder.start({
    ffmpeg, width, height, fps, output, audio, preset: extras.preset ?? QUALITY[opts.quality].preset,
    crf: extras.crf ?? QUALITY[opts.quality].crf, poolSize: extras.poolSize,
    // A preset or CRF given for a comparison replaces the quality's extra options too.
    x264Params: extras.preset === undefined && extras.crf === undefined ? QUALITY[opts.quality].x264 : undefined,
    frameFormat: 'yuv420p',
  });
  started(recorder);
  let ctx: GlContext;
  try {
    ctx = openContext({ width: 320, height: 180, title: 'gptviz recording', visible: false, vsync: false });
  } catch (e) {
    recorder.abort();
    throw e;
  }
  try {
    const target = ctx.createOffscreen(width, height);
    const now = (): number => performance.now();
    const progress = extras.quiet === true ? undefined
      : new Progress({
        total: plan.frames, fps, tty: process.stderr.isTTY, out: process.stderr, now, where: (i, t) => whereIs(scenes, i, t),
      });
    const timings = extras.timings ?? emptyTimings();
    const t0 = now();
    const frames = await renderFrames({
      plan, scenes, renderer: ctx.renderer, target, recorder, files, aspect: width / height, progress, timings, now,
      captions: opts.captions,
      stop: () => {
        ctx.window.pollEvents();
        return stop.requested() || ctx.window.shouldClose();
      },
    });
    progress?.end();
    const encoderCpuSeconds = recorder.encoderCpuSeconds();
    const interrupted = frames < plan.frames;
    if (frames === 0 && stop.requested()) {
      recorder.abort();
      throw nothingRecorded();
    }
    if (interrupted) log(`interrupted after ${frames} of ${plan.frames} frames: keeping the ${(frames / fps).toFixed(2)} s rendered so far`);
    const t1 = now();
    const result = await recorder.finish();
    const t2 = now();
    return {
      plan, result, interrupted, signal: stop.signal(), wallSeconds: (t2 - t0) / 1000, finishSeconds: (t2 - t1) / 1000, encoderCpuSeconds,
      timings,
    };
  } catch (e) {
    recorder.abort();
    throw e;
  } finally {
    ctx.close();
  }
}

/** `gptviz --record`: record, print the summary; exit 0, or 130 when interrupted (file kept). */
export async function record(opts: ViewOptions): Promise<number> {
  const r = await runRecording(opts);
  const res = r.result;
  const rel = path.relative(process.cwd(), res.path);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : res.path;
  const wall = r.wallSeconds;
  process.stdout.write(
    `${r.interrupted ? 'wrote (interrupted, playable)' : 'wrote'} ${shown} (${formatBytes(res.bytes)}, ${clock(res.seconds)} = ` +
    `${res.seconds.toFixed(2)} s, ${res.frames} frames @ ${opts.fps} fps, ${opts.width}×${opts.height}, ` +
    `H.264${opts.mute ? ', no audio (--mute)' : ' + AAC'}) in ${wall.toFixed(1)} s (${(res.frames / wall).toFixed(1)} frames/s)\n`,
  );
  if (opts.formatGiven) process.stdout.write(`frames in ${path.join(opts.outputDir, 'frames')}\n`);
  return r.signal !== undefined ? signalExitCode(r.signal) : r.interrupted ? 130 : 0;
}
