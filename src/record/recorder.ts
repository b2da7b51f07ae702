/**
 * The recorder (spec §9.5, issue 9, STYLE.md §29): start → writeFrame… → finish, with clean-up
 * guaranteed. Frames stream into ffmpeg's stdin with backpressure through a small pool of frame
 * buffers (the caller reads pixels into `acquire()`d buffers while earlier ones are still being
 * piped, so drawing, readback and encoding overlap).
 *
 * Files: ffmpeg writes H.264 into `<dir>/.<name>.<pid>.partial.mkv` while a second ffmpeg encodes
 * the soundtrack into `….partial.m4a`; `finish` makes `….partial.mp4` from both (stream copies,
 * `+faststart`; after an interruption the soundtrack cut to exactly frames/fps seconds is encoded
 * instead) and renames that to the final name — so the final name never holds a
 * broken file. `abort` kills both ffmpegs' process groups and removes the temporaries; a process
 * 'exit' hook does the same if the program dies some other way (no orphaned ffmpeg).
 *
 * What it is not: no rendering, no signal handling policy (app/record.ts decides when to stop).
 */
import { readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fileError } from '../io-errors.js';
import { samplesOf } from '../audio/render.js';
import type { StereoPcm } from './ffmpeg.js';
import type { FrameFormat } from './ffmpeg.js';
import { audioArgs, encoderArgs, FfmpegProcess, ffmpegHint, frameBytes, mux, pipeAudio } from './ffmpeg.js';

export interface RecorderOptions {
  /** The ffmpeg command (from findFfmpeg). */
  readonly ffmpeg: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Final .mp4 path; its folder must exist and be writable. */
  readonly output: string;
  /** The soundtrack (44.1 kHz stereo, exactly as long as the planned video), or undefined for none. */
  readonly audio?: StereoPcm;
  /** Frame buffers in flight (≥ 2). */
  readonly poolSize?: number;
  readonly preset?: string;
  readonly crf?: number;
  /** Extra libx264 options (record/ffmpeg.ts QUALITY). */
  readonly x264Params?: string;
  /** The frames writeFrame takes (default rgba). */
  readonly frameFormat?: FrameFormat;
}

export interface RecordResult {
  readonly path: string;
  readonly bytes: number;
  readonly frames: number;
  /** Video length in seconds (frames / fps). */
  readonly seconds: number;
}

export class Recorder {
  readonly frameBytes: number;
  readonly frameFormat: FrameFormat;
  private readonly free: Buffer[] = [];
  private readonly waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private frames = 0;
  private closed = false;
  private readonly tmp: TempFiles;
  /** The final mux, while it runs. */
  private muxProc: FfmpegProcess | undefined;
  private readonly track = (p: FfmpegProcess): void => {
    this.muxProc = p;
  };
  private readonly onExit = (): void => this.killNow();

  private constructor(
    private readonly opts: RecorderOptions,
    private readonly proc: FfmpegProcess,
    private readonly audioProc: FfmpegProcess | undefined,
  ) {
    this.frameFormat = opts.frameFormat ?? 'rgba';
    this.frameBytes = frameBytes(this.frameFormat, opts.width, opts.height);
    const pool = Math.max(2, opts.poolSize ?? 3);
    for (let i = 0; i < pool; i++) this.free.push(Buffer.allocUnsafe(this.frameBytes));
    this.tmp = tempFiles(opts.output);
    process.on('exit', this.onExit);
    // If ffmpeg dies while we wait for a buffer, its pipe never drains: fail instead of hanging.
    void proc.whenExited().then(() => {
      for (const w of this.waiters.splice(0)) w.reject(this.earlyExit());
    });
  }

  /** Spawn the video encoder, and the soundtrack encoder fed with the whole soundtrack. */
  static start(opts: RecorderOptions): Recorder {
    const tmp = tempFiles(opts.output);
    const proc = FfmpegProcess.spawn(opts.ffmpeg, encoderArgs({
      width: opts.width, height: opts.height, fps: opts.fps, output: tmp.mkv, preset: opts.preset, crf: opts.crf, x264Params: opts.x264Params,
      input: opts.frameFormat,
    }));
    proc.audio.end();
    let audioProc: FfmpegProcess | undefined;
    if (opts.audio !== undefined) {
      audioProc = FfmpegProcess.spawn(opts.ffmpeg, audioArgs(tmp.m4a));
      audioProc.video.end();
      void pipeAudio(audioProc, opts.audio);
    }
    return new Recorder(opts, proc, audioProc);
  }

  /** Frames handed to ffmpeg so far. */
  get framesWritten(): number {
    return this.frames;
  }

  /** The encoder's process id (tests check it is gone afterwards). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** CPU seconds the encoder has used so far (Linux; undefined elsewhere). */
  encoderCpuSeconds(): number | undefined {
    return this.proc.cpuSeconds();
  }

  /** A free frame buffer of `frameBytes`; waits while all are being piped. */
  acquire(): Promise<Buffer> {
    const b = this.free.pop();
    if (b !== undefined) return Promise.resolve(b);
    this.checkAlive();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Queue one frame (a buffer from `acquire`, in `frameFormat`); it returns to the pool once piped. */
  writeFrame(buf: Buffer): void {
    this.checkAlive();
    if (buf.length !== this.frameBytes) throw new Error(`Recorder.writeFrame: ${buf.length} bytes, expected ${this.frameBytes}`);
    this.frames++;
    this.proc.video.write(buf, () => this.release(buf));
  }

  private release(buf: Buffer): void {
    const w = this.waiters.shift();
    if (w !== undefined) w.resolve(buf);
    else this.free.push(buf);
  }

  private checkAlive(): void {
    if (this.closed) throw new Error('Recorder used after finish/abort');
    if (this.proc.done) throw this.earlyExit();
  }

  private earlyExit(): UserError {
    const why = this.proc.failure() ?? 'it exited before the last frame';
    return new UserError(`ffmpeg stopped while recording: ${why}`, { hint: ffmpegHint(why) });
  }

  /**
   * End the video stream, wait for ffmpeg, mux video + soundtrack (cut to the frames written, so
   * an interrupted run's audio ends with its video) into the final .mp4 and rename it into place.
   * Always cleans up; throws UserError on failure.
   */
  async finish(): Promise<RecordResult> {
    if (this.closed) throw new Error('Recorder.finish called twice');
    try {
      if (this.frames === 0) throw new UserError('no frames were recorded, so no video was written', { hint: 'let the recording run past its first frame' });
      this.proc.video.end();
      await this.proc.whenExited();
      const why = this.proc.failure();
      if (why !== undefined) throw new UserError(`ffmpeg failed while encoding: ${why}`, { hint: ffmpegHint(why) });
      const seconds = this.frames / this.opts.fps;
      await this.muxAudio(seconds);
      try {
        renameSync(this.tmp.mp4, this.opts.output);
      } catch (e) {
        throw fileError(e, this.opts.output, 'write');
      }
      return { path: this.opts.output, bytes: statSync(this.opts.output).size, frames: this.frames, seconds };
    } finally {
      this.abort();
    }
  }

  /**
   * Final mux. The soundtrack is exactly as long as the planned video; when every frame was
   * written, the AAC encoded meanwhile is copied, else the soundtrack cut to the frames written
   * is encoded now (so an interrupted run's audio ends with its video).
   */
  private async muxAudio(seconds: number): Promise<void> {
    const a = this.opts.audio;
    const ap = this.audioProc;
    if (a === undefined || ap === undefined) {
      await mux(this.opts.ffmpeg, this.tmp.mkv, this.tmp.mp4, { kind: 'none' }, undefined, 0, this.track);
      return;
    }
    const samples = Math.min(a.left.length, samplesOf(seconds));
    if (samples === a.left.length) {
      await ap.whenExited();
      const why = ap.failure();
      if (why !== undefined) throw new UserError(`ffmpeg failed while encoding the soundtrack: ${why}`, { hint: ffmpegHint(why) });
      await mux(this.opts.ffmpeg, this.tmp.mkv, this.tmp.mp4, { kind: 'file', path: this.tmp.m4a }, undefined, 0, this.track);
      return;
    }
    ap.kill();
    await mux(this.opts.ffmpeg, this.tmp.mkv, this.tmp.mp4, { kind: 'pcm' }, a, samples, this.track);
  }

  /** Kill the encoders (their whole process groups) and remove the temporary files. Idempotent. */
  abort(): void {
    this.killNow();
    if (!this.closed) {
      this.closed = true;
      process.off('exit', this.onExit);
    }
  }

  private killNow(): void {
    this.proc.kill();
    this.audioProc?.kill();
    this.muxProc?.kill();
    for (const f of [this.tmp.mkv, this.tmp.m4a, this.tmp.mp4]) rmSync(f, { force: true });
  }
}

interface TempFiles {
  readonly mkv: string;
  readonly m4a: string;
  readonly mp4: string;
}

const PARTIAL = /^\.(.+)\.(\d+)\.partial\.(mkv|m4a|mp4)$/;

/**
 * Remove temporaries that an earlier recording into the same folder left behind when it was
 * killed outright (SIGKILL, power loss): `.<name>.<pid>.partial.*` whose process is gone.
 * Returns the names removed.
 */
export function removeStalePartials(output: string): string[] {
  const dir = path.dirname(output);
  const name = path.basename(output, path.extname(output));
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    const m = PARTIAL.exec(f);
    if (m === null || m[1] !== name || alive(Number(m[2]))) continue;
    rmSync(path.join(dir, f), { force: true });
    removed.push(f);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hidden temporaries next to the output: `.transformer.<pid>.partial.{mkv,m4a,mp4}`. */
function tempFiles(output: string): TempFiles {
  const dir = path.dirname(output);
  const base = path.join(dir, `.${path.basename(output, path.extname(output))}.${process.pid}.partial`);
  return { mkv: `${base}.mkv`, m4a: `${base}.m4a`, mp4: `${base}.mp4` };
}
