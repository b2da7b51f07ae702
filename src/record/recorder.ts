/**
 * The recorder (spec §9.5, issue 9, STYLE.md §29): start → writeFrame… → finish, with clean-up
 * guaranteed. Frames stream into ffmpeg's stdin with backpressure through a small pool of frame
 * buffers (the caller reads pixels into `acquire()`d buffers while earlier ones are still being
 * piped, so drawing, readback and encoding overlap).
 *
 * Files: ffmpeg writes H.264 into `<dir>/.<name>.<pid>.partial.mkv`; `finish` makes
 * `<dir>/.<name>.<pid>.partial.mp4` from it (video stream-copied, the soundtrack cut to exactly
 * frames/fps seconds and encoded to AAC, `+faststart`) and renames that to the final name — so the final name never holds a
 * broken file. `abort` kills ffmpeg's process group and removes both temporaries; a process
 * 'exit' hook does the same if the program dies some other way (no orphaned ffmpeg).
 *
 * What it is not: no rendering, no signal handling policy (app/record.ts decides when to stop).
 */
import { renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { samplesOf } from '../audio/render.js';
import { encoderArgs, FfmpegProcess, mux } from './ffmpeg.js';

export interface RecorderOptions {
  /** The ffmpeg command (from findFfmpeg). */
  readonly ffmpeg: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Final .mp4 path; its folder must exist and be writable. */
  readonly output: string;
  /** Interleaved float32 stereo at 44.1 kHz (little-endian), or undefined for no audio stream. */
  readonly audio?: Float32Array;
  /** Frame buffers in flight (≥ 2). */
  readonly poolSize?: number;
  readonly preset?: string;
  readonly crf?: number;
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
  private readonly free: Buffer[] = [];
  private readonly waiters: ((b: Buffer) => void)[] = [];
  private frames = 0;
  private closed = false;
  private readonly tmpMkv: string;
  private readonly tmpMp4: string;
  private readonly onExit = (): void => this.killNow();

  private constructor(private readonly opts: RecorderOptions, private readonly proc: FfmpegProcess) {
    this.frameBytes = opts.width * opts.height * 4;
    const pool = Math.max(2, opts.poolSize ?? 3);
    for (let i = 0; i < pool; i++) this.free.push(Buffer.allocUnsafe(this.frameBytes));
    const { dir, name } = split(opts.output);
    this.tmpMkv = path.join(dir, `.${name}.${process.pid}.partial.mkv`);
    this.tmpMp4 = path.join(dir, `.${name}.${process.pid}.partial.mp4`);
    process.on('exit', this.onExit);
  }

  /** Spawn ffmpeg and hand it the soundtrack. */
  static start(opts: RecorderOptions): Recorder {
    const { dir, name } = split(opts.output);
    const tmp = path.join(dir, `.${name}.${process.pid}.partial.mkv`);
    const proc = FfmpegProcess.spawn(opts.ffmpeg, encoderArgs({
      width: opts.width, height: opts.height, fps: opts.fps, output: tmp, preset: opts.preset, crf: opts.crf,
    }));
    proc.audio.end();
    return new Recorder(opts, proc);
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

  /** A free frame buffer of width·height·4 bytes; waits while all are being piped. */
  acquire(): Promise<Buffer> {
    const b = this.free.pop();
    if (b !== undefined) return Promise.resolve(b);
    this.checkAlive();
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      // If ffmpeg dies while we wait, its pipe never drains: fail instead of hanging.
      void this.proc.whenExited().then(() => {
        const i = this.waiters.indexOf(resolve);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(this.earlyExit());
        }
      });
    });
  }

  /** Queue one frame (a buffer from `acquire`, top-down RGBA rows); it returns to the pool once piped. */
  writeFrame(buf: Buffer): void {
    this.checkAlive();
    if (buf.length !== this.frameBytes) throw new Error(`Recorder.writeFrame: ${buf.length} bytes, expected ${this.frameBytes}`);
    this.frames++;
    this.proc.video.write(buf, () => this.release(buf));
  }

  private release(buf: Buffer): void {
    const w = this.waiters.shift();
    if (w !== undefined) w(buf);
    else this.free.push(buf);
  }

  private checkAlive(): void {
    if (this.closed) throw new Error('Recorder used after finish/abort');
    if (this.proc.done) throw this.earlyExit();
  }

  private earlyExit(): UserError {
    return new UserError(`ffmpeg stopped while recording: ${this.proc.failure() ?? 'it exited before the last frame'}`);
  }

  /**
   * End the video stream, wait for ffmpeg, mux video + soundtrack (cut to the frames written, so
   * an interrupted run's audio ends with its video) into the final .mp4 and rename it into place.
   * Always cleans up; throws UserError on failure.
   */
  async finish(): Promise<RecordResult> {
    if (this.closed) throw new Error('Recorder.finish called twice');
    try {
      if (this.frames === 0) throw new UserError('no frames were recorded, so no video was written');
      this.proc.video.end();
      await this.proc.whenExited();
      const why = this.proc.failure();
      if (why !== undefined) throw new UserError(`ffmpeg failed while encoding: ${why}`);
      const seconds = this.frames / this.opts.fps;
      // The soundtrack cut to exactly the video's length (all of it unless interrupted).
      const a = this.opts.audio;
      const pcm = a?.subarray(0, Math.min(a.length, 2 * samplesOf(seconds)));
      await mux(this.opts.ffmpeg, this.tmpMkv, this.tmpMp4, pcm);
      try {
        renameSync(this.tmpMp4, this.opts.output);
      } catch (e) {
        throw new UserError(`cannot write ${this.opts.output}: ${e instanceof Error ? e.message : String(e)}`);
      }
      return { path: this.opts.output, bytes: statSync(this.opts.output).size, frames: this.frames, seconds };
    } finally {
      this.abort();
    }
  }

  /** Kill ffmpeg (its whole process group) and remove the temporary files. Idempotent. */
  abort(): void {
    this.killNow();
    if (!this.closed) {
      this.closed = true;
      process.off('exit', this.onExit);
    }
  }

  private killNow(): void {
    this.proc.kill();
    rmSync(this.tmpMkv, { force: true });
    rmSync(this.tmpMp4, { force: true });
  }
}

function split(output: string): { dir: string; name: string } {
  return { dir: path.dirname(output), name: path.basename(output, path.extname(output)) };
}
