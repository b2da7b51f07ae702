/**
 * The recorder (spec §9.5, issue 9, STYLE.md §29): start → writeFrame… → finish, with clean-up
 * guaranteed. Frames stream into ffmpeg's stdin with backpressure through a small pool of frame
 * buffers (the caller reads pixels into `acquire()`d buffers while earlier ones are still being
 * piped, so drawing, readback and encoding overlap).
 *
 * Files: one ffmpeg encodes the frames (H.264) and the soundtrack (AAC; written in step with the
 * frames, so an interrupted run's audio ends exactly where its video does) straight into
 * `<dir>/.<name>.<pid>.partial.mp4`; `finish` ends its input, waits for it and renames the file
 * to the final name — so the final name never holds a broken file. `abort` kills ffmpeg's process
 * group and removes the temporary; a process 'exit' hook does the same if the program dies some
 * other way (no orphaned ffmpeg).
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
import { encoderArgs, FfmpegProcess, ffmpegHint, frameBytes, writeAudio } from './ffmpeg.js';

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
  /** Sample frames of the soundtrack written so far (as many as the frames written cover). */
  private audioAt = 0;
  private closed = false;
  private readonly tmp: string;
  private readonly onExit = (): void => this.killNow();

  private constructor(
    private readonly opts: RecorderOptions,
    private readonly proc: FfmpegProcess,
  ) {
    this.frameFormat = opts.frameFormat ?? 'rgba';
    this.frameBytes = frameBytes(this.frameFormat, opts.width, opts.height);
    const pool = Math.max(2, opts.poolSize ?? 3);
    for (let i = 0; i < pool; i++) this.free.push(Buffer.allocUnsafe(this.frameBytes));
    this.tmp = partialName(opts.output);
    process.on('exit', this.onExit);
    // If ffmpeg dies while we wait for a buffer, its pipe never drains: fail instead of hanging.
    void proc.whenExited().then(() => {
      for (const w of this.waiters.splice(0)) w.reject(this.earlyExit());
    });
  }

  /** Spawn the encoder: frames on its stdin, the soundtrack (if any) on fd 3. */
  static start(opts: RecorderOptions): Recorder {
    const proc = FfmpegProcess.spawn(opts.ffmpeg, encoderArgs({
      width: opts.width, height: opts.height, fps: opts.fps, output: partialName(opts.output), preset: opts.preset, crf: opts.crf,
      x264Params: opts.x264Params, input: opts.frameFormat, audio: opts.audio !== undefined,
    }));
    if (opts.audio === undefined) proc.audio.end();
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
    const a = this.opts.audio;
    if (a !== undefined) {
      const to = Math.min(a.left.length, samplesOf(this.frames / this.opts.fps));
      writeAudio(this.proc, a, this.audioAt, to);
      this.audioAt = to;
    }
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
   * End the streams (the soundtrack as long as the frames written cover: an interrupted run's
   * audio ends with its video), wait for ffmpeg and rename its file into place. Always cleans up;
   * throws UserError on failure.
   */
  async finish(): Promise<RecordResult> {
    if (this.closed) throw new Error('Recorder.finish called twice');
    try {
      if (this.frames === 0) throw new UserError('no frames were recorded, so no video was written', { hint: 'let the recording run past its first frame' });
      this.proc.video.end();
      if (this.opts.audio !== undefined) this.proc.audio.end();
      await this.proc.whenExited();
      const why = this.proc.failure();
      if (why !== undefined) throw new UserError(`ffmpeg failed while encoding: ${why}`, { hint: ffmpegHint(why) });
      const seconds = this.frames / this.opts.fps;
      try {
        renameSync(this.tmp, this.opts.output);
      } catch (e) {
        throw fileError(e, this.opts.output, 'write');
      }
      return { path: this.opts.output, bytes: statSync(this.opts.output).size, frames: this.frames, seconds };
    } finally {
      this.abort();
    }
  }

  /** Kill the encoder (its whole process group) and remove the temporary file. Idempotent. */
  abort(): void {
    this.killNow();
    if (!this.closed) {
      this.closed = true;
      process.off('exit', this.onExit);
    }
  }

  private killNow(): void {
    this.proc.kill();
    rmSync(this.tmp, { force: true });
  }
}

/** The temporary file ffmpeg writes for `output`: `.<name>.<pid>.partial.mp4` beside it. */
function partialName(output: string): string {
  const name = path.basename(output, path.extname(output));
  return path.join(path.dirname(output), `.${name}.${process.pid}.partial.mp4`);
}

/** Earlier versions also left `.mkv` and `.m4a` temporaries: removed the same way. */
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
