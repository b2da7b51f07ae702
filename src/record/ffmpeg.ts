/**
 * ffmpeg as a child process (spec §9.5, issue 9): find it (missing → a UserError with the install
 * command, before anything is rendered), build the argument list, spawn it in its own process
 * group with raw frames on stdin and the soundtrack as raw float32 stereo on a second pipe
 * (fd 3), written in step with the frames; it encodes both (H.264, AAC) straight into a
 * temporary .mp4 with `+faststart`.
 *
 * Why its own process group (detached): a terminal Ctrl-C goes to the foreground process group;
 * ffmpeg receiving it too exits 255 mid-stream with audio and video of different lengths. We catch
 * SIGINT ourselves, end ffmpeg's inputs, and let it finish cleanly: the mp4 is complete then. An
 * ffmpeg that fails leaves no file (recorder.ts removes the temporary).
 *
 * What it is not: no frame loop, no temp-file naming or signal handling (recorder.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { UserError } from '../errors.js';
import { storeCacheFile, userCacheDir } from '../user-cache.js';

/** Install hint shown whenever ffmpeg is missing. */
export const FFMPEG_HINT = 'install it: sudo apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)';

/**
 * x264 settings per `--quality` (issue 15). No single setting serves both quick previews and
 * sharing: the encoder competes with the software rasteriser for the same two cores, so its CPU
 * is the recording's speed, while the reference's `slow`/CRF 18 files are a third of ultrafast's.
 * Measured on 300 frames of the 10 s 1080p random-mode recording (raw RGBA → x264; SSIM all
 * planes in yuv444p against the source PNG frames; x264 CPU seconds under heavy load):
 *
 *   preset/CRF            size      SSIM       x264 CPU
 *   slow/18 (reference)   3.34 MB   0.992780   16.5 s
 *   medium/18             3.39 MB   0.992782   11.2 s   ← final: ≤ 1.2× the reference's size at ≥ its SSIM
 *   fast/17 psy=0         3.66 MB   0.992639
 *   faster/18             3.38 MB   0.992348   10.0 s
 *   veryfast/16           4.25 MB   0.992503    7.8 s
 *   veryfast/18           3.53 MB   0.992026    7.9 s
 *   superfast/18          6.11 MB   0.993053    6.0 s
 *   ultrafast/20          9.45 MB   0.993295    5.4 s   ← draft: least encoder CPU, SSIM above the reference's
 *
 * Re-measured 2026-12-05 on today's frames (the same recording, quiet machine; video only):
 * slow/18 3.41 MB 0.992247 12.0 s; medium/18 3.45 MB 0.992242 8.7 s; medium/17.8 3.52 MB
 * 0.992283 10.1 s; fast/18 3.52 MB 0.992232; faster/18 3.43 MB 0.991773 9.8 s; veryfast/18
 * 3.58 MB 0.991403 6.6 s; veryfast/16.5 4.13 MB 0.991825. medium/18 alone gives the reference
 * settings' quality less 0.000005 SSIM at 1.01× their size for 27 % less encoder CPU; with
 * psy-rd 0.5 (psychovisual rate-distortion, which trades measured fidelity for perceived
 * detail, halved): **3.44 MB 0.992255** ← final: ≤ 1.2× the reference's size (3.68 MB with the AAC
 * track, ≤ 3.72) at ≥ its SSIM. aq-strength 0.8: 3.68 MB 0.992380 (too large with audio);
 * deblock −1: 3.46 MB 0.992244.
 *
 * 2026-12-06, the frames given as yuv420p converted by the program (core/yuv420.ts) instead of
 * RGBA converted by ffmpeg: final 3.70 MB with the AAC track, SSIM 0.992281; draft 9.84 MB,
 * 0.992862; draft's x264 CPU 6.5–8 ms a frame instead of 14–15 (the conversion was half of it).
 *
 * 2026-12-06, later: this process writes the mp4 itself (no Matroska step, which rounded the
 * frame times to milliseconds and so made the SSIM filter pair some frames with their
 * neighbours). The same decoded frames then read higher: draft 0.997565 (was 0.992862); final
 * 3.70 MB with AAC at 0.996815; the reference's slow/18 3.66 MB at 0.996814.
 *
 * Nothing between medium and ultrafast reaches both the size and the SSIM: the faster presets
 * lose SSIM at equal size (veryfast, faster) or double the size (superfast). tune animation /
 * stillimage / ssim and deblock tweaks did not help either.
 */
export const QUALITY = {
  final: { preset: 'medium', crf: 18, x264: 'psy-rd=0.5,0' },
  draft: { preset: 'ultrafast', crf: 20, x264: '' },
} as const;

/** `--quality` values (QUALITY's keys). */
export type Quality = keyof typeof QUALITY;

/**
 * The default `--quality`: draft, because on a machine without a GPU the encoder competes with the
 * software rasteriser and `final` makes the 10 s 1080p bench recording ≈ 35 % slower (8.7–10.2 s
 * vs 6.4–7.8 s); `--quality final` is one flag away for sharing.
 */
export const DEFAULT_QUALITY: Quality = 'draft';

/** The soundtrack's AAC bit rate. */
export const AUDIO_BITRATE = '192k';

export interface EncodeSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Output file (mp4, `+faststart`). */
  readonly output: string;
  /** A soundtrack arrives on pipe:3 (f32le stereo at AUDIO_RATE) and is encoded to AAC alongside. */
  readonly audio?: boolean;
  readonly preset?: string;
  readonly crf?: number;
  /** Extra libx264 options (`-x264-params`), '' or undefined for none. */
  readonly x264Params?: string;
  /** What arrives on pipe:0: RGBA rows (ffmpeg converts), or yuv420p frames (default: rgba). */
  readonly input?: FrameFormat;
}

/**
 * The frames' layout on the encoder's pipe: top-down RGBA rows, or yuv420p (BT.601 limited range,
 * the planes one after the other) converted on the GPU, which spares ffmpeg its own conversion.
 */
export type FrameFormat = 'rgba' | 'yuv420p';

/** Bytes of one width × height frame in `format`. */
export function frameBytes(format: FrameFormat, width: number, height: number): number {
  return format === 'rgba' ? width * height * 4 : (width * height * 3) / 2;
}

/** Sample rate of the soundtrack pipe. */
export const AUDIO_RATE = 44100;

/**
 * The encoder's arguments: rawvideo RGBA (or yuv420p) from pipe:0 → H.264 yuv420p, and with
 * `audio` the soundtrack from pipe:3 → AAC, straight into the final mp4 (`+faststart`: ffmpeg
 * moves the index to the front when it ends). One process, no remux afterwards.
 *
 * The soundtrack is written in step with the frames (recorder.ts), so ffmpeg must not wait for
 * seconds of either input before it starts: both are opened reading as little as possible
 * (`-probesize 32 -analyzeduration 0`; their formats are given). AAC goes into the mp4 by the
 * muxer that encodes it, so its length is sample-exact (an mp4 remuxed from Matroska would have up
 * to ≈ 46 ms more audio than video).
 *
 * @example encoderArgs({width: 320, height: 180, fps: 30, output: 'x.mp4'}).includes('libx264') // → true
 */
export function encoderArgs(spec: EncodeSpec): string[] {
  const quick = ['-probesize', '32', '-analyzeduration', '0'];
  const audio = spec.audio === true;
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    ...quick, '-f', 'rawvideo', '-pix_fmt', spec.input ?? 'rgba', '-s', `${spec.width}x${spec.height}`, '-framerate', String(spec.fps),
    '-i', 'pipe:0',
    ...(audio ? [...quick, '-f', 'f32le', '-ar', String(AUDIO_RATE), '-ac', '2', '-i', 'pipe:3'] : []),
    '-map', '0:v:0', ...(audio ? ['-map', '1:a:0'] : []),
    '-c:v', 'libx264', '-preset', spec.preset ?? QUALITY[DEFAULT_QUALITY].preset, '-crf', String(spec.crf ?? QUALITY[DEFAULT_QUALITY].crf),
    ...(spec.x264Params !== undefined && spec.x264Params !== '' ? ['-x264-params', spec.x264Params] : []),
    '-pix_fmt', 'yuv420p', '-r', String(spec.fps),
    ...(audio ? ['-c:a', 'aac', '-b:a', AUDIO_BITRATE] : []),
    '-movflags', '+faststart', '-f', 'mp4', spec.output,
  ];
}

/**
 * Check that `ffmpeg` runs and has libx264; returns the command to use. Throws a one-line
 * UserError with the install command otherwise. Asking ffmpeg takes ≈ 0.12 s (it loads some 200
 * libraries), so a yes is remembered in the user's cache (user-cache.ts) under the executable's
 * path, size and modification time: a recording then starts without waiting for it.
 */
export function findFfmpeg(command = 'ffmpeg', flag = '--record', cacheDir: string | undefined = userCacheDir()): string {
  const known = cacheDir !== undefined ? probeCacheName(command) : undefined;
  if (known !== undefined && existsSync(path.join(cacheDir!, known))) return command;
  probeFfmpeg(command, flag);
  if (known !== undefined) storeCacheFile(cacheDir!, known, new TextEncoder().encode('libx264\n'));
  return command;
}

/**
 * The cache file naming a probe of `command` that found libx264: after the file it runs (the
 * first of that name on the PATH, or the path given) and that file's size and time; undefined
 * when there is no such file.
 */
function probeCacheName(command: string): string | undefined {
  const dirs = command.includes('/') ? [''] : (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const file = path.resolve(dir, command);
    try {
      const st = statSync(file);
      if (!st.isFile() || (st.mode & 0o111) === 0) continue;
      const key = createHash('sha256').update(JSON.stringify([file, st.size, st.mtimeMs, st.ino])).digest('hex').slice(0, 32);
      return `ffmpeg-${key}.bin`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Run `command -encoders`: it must start, succeed and list libx264, else a one-line UserError. */
function probeFfmpeg(command: string, flag: string): void {
  const r = spawnSync(command, ['-hide_banner', '-encoders'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  if (r.error !== undefined) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`ffmpeg not found on the PATH: ${flag} needs it to encode the video`, { hint: FFMPEG_HINT });
    throw new UserError(`cannot run ffmpeg: ${r.error.message}`, { hint: FFMPEG_HINT });
  }
  if (r.status !== 0) throw new UserError(`ffmpeg does not work (exit ${r.status}): ${lastLine(r.stderr)}`, { hint: FFMPEG_HINT });
  if (!/\blibx264\b/.test(r.stdout)) {
    throw new UserError('this ffmpeg has no libx264 encoder (needed for H.264 video)', { hint: 'install a full build: sudo apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)' });
  }
}

/** The last non-empty line of some text, trimmed (ffmpeg's error is usually there). */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}

/** A readable cause from ffmpeg's stderr (disk full and permissions named plainly). */
/** The hint under an ffmpeg failure, from its cause (ffmpegCause). */
export function ffmpegHint(cause: string): string {
  if (/disk is full/.test(cause)) return 'free some disk space, or pass another --output-dir';
  if (/permission denied/i.test(cause)) return 'check the permissions of --output-dir, or pass another';
  if (/cannot start/.test(cause)) return 'check that ffmpeg runs: ffmpeg -version';
  return "ffmpeg's own message is above; check that ffmpeg runs (ffmpeg -version) and that --output-dir is usable";
}

export function ffmpegCause(stderr: string, fallback: string): string {
  if (/No space left on device/i.test(stderr)) return 'the disk is full (No space left on device)';
  if (/Permission denied/i.test(stderr)) return `permission denied: ${lastLine(stderr)}`;
  const line = lastLine(stderr);
  return line !== '' ? line : fallback;
}

/** A running encoder: frames go to `video`, the soundtrack to `audio`. */
export class FfmpegProcess {
  private stderrText = '';
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;
  private readonly exited: Promise<void>;
  private spawnError: Error | undefined;

  private constructor(private readonly child: ChildProcess, readonly command: string) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      this.stderrText = (this.stderrText + d).slice(-8192);
    });
    // Broken pipes are reported through the exit status; never crash on them.
    child.stdin!.on('error', () => undefined);
    child.stdio[3]?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.spawnError = e;
        resolve();
      });
      child.on('close', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      });
    });
  }

  /** Spawn `command args…` in its own process group with stdin, stderr and fd 3 piped. */
  static spawn(command: string, args: readonly string[]): FfmpegProcess {
    const child = spawn(command, args, { detached: true, stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    return new FfmpegProcess(child, command);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get video(): Writable {
    return this.child.stdin!;
  }

  get audio(): Writable {
    return this.child.stdio[3] as Writable;
  }

  /** True once the process has ended (or failed to start). */
  get done(): boolean {
    return this.exitCode !== null || this.exitSignal !== null || this.spawnError !== undefined;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves when the process has ended (never rejects). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Why it ended unsuccessfully, or undefined after exit code 0. */
  failure(): string | undefined {
    if (this.spawnError !== undefined) return `cannot start ${this.command}: ${this.spawnError.message}`;
    if (this.exitCode === 0) return undefined;
    const how = this.exitSignal !== null ? `killed by ${this.exitSignal}` : `exit ${this.exitCode}`;
    return `${ffmpegCause(this.stderrText, how)} (ffmpeg ${how})`;
  }

  /**
   * CPU seconds (user + system, all threads) the process has used so far, from /proc (Linux);
   * undefined elsewhere or once it has ended. For the benchmark's encoding share.
   */
  cpuSeconds(): number | undefined {
    if (this.done || this.child.pid === undefined) return undefined;
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat (utime, stime) in clock ticks (100 per second on Linux).
      return (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      return undefined;
    }
  }

  /** Kill the whole process group at once (no orphan survives). Safe to call twice. */
  kill(): void {
    if (this.done || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}

/** A stereo soundtrack at 44.1 kHz: two equal-length channels (audio/render.ts `Stereo`). */
export interface StereoPcm {
  readonly left: Float32Array;
  readonly right: Float32Array;
}

/**
 * Write sample frames [from, to) of `pcm` to a process's fd 3 as interleaved f32le, without
 * waiting for the pipe (Node keeps what the pipe cannot take yet). A process that stops reading
 * shows up in its exit status.
 */
export function writeAudio(p: FfmpegProcess, pcm: StereoPcm, from: number, to: number): void {
  const n = Math.min(to, pcm.left.length);
  if (n <= from) return;
  const chunk = new Float32Array(2 * (n - from));
  for (let i = from, j = 0; i < n; i++, j += 2) {
    chunk[j] = pcm.left[i]!;
    chunk[j + 1] = pcm.right[i]!;
  }
  p.audio.write(Buffer.from(chunk.buffer));
}
