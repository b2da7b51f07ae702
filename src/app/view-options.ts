/**
 * The visualiser's typed, validated options (spec §3.1): what cli/options.ts parses the flags
 * into and what the window (interactive.ts), the recorder (record.ts) and the snapshot
 * (snapshot.ts) read. The run's own options (text, weights, temperature, seed) come from the
 * run layer (run/run.ts).
 *
 * What it is not: the parsing and its rules (cli/options.ts).
 */
import type { Quality } from '../record/ffmpeg.js';
import type { RunOptions } from '../run/run.js';

export interface ViewOptions extends RunOptions {
  /** --help: print help and do nothing else (nothing else was validated). */
  readonly help: boolean;
  /** --version: print the version and do nothing else. */
  readonly version: boolean;
  /** Record mode (mp4) instead of the window. */
  readonly record: boolean;
  /** Recording frame rate, 1–240. */
  readonly fps: number;
  /** Speed multiplier, 0.05–20. */
  readonly speed: number;
  /** Output width/height in pixels, 16–8192; even when `record`. Default 1920 × 1080. */
  readonly width: number;
  readonly height: number;
  /** True when --width or --height was given (the window uses its own 1600 × 900 otherwise). */
  readonly sizeGiven: boolean;
  /** x264 settings for --record (record/ffmpeg.ts QUALITY). */
  readonly quality: Quality;
  /** Numbered frame format for --record. */
  readonly format: 'jpg' | 'png';
  /** True when --format was given (--record writes numbered frame images only then). */
  readonly formatGiven: boolean;
  /** Absolute output directory for --record (--output-dir resolved against the cwd). */
  readonly outputDir: string;
  /** Video length cap in seconds; 0 disables. */
  readonly maxDuration: number;
  /** Mix the generated music under the sonification. */
  readonly music: boolean;
  /** No sound at all. */
  readonly mute: boolean;
  /** Timeline time in seconds to render with --snapshot, or undefined. */
  readonly snapshot: number | undefined;
  /** The generation step --snapshot shows, 1-based (1 in random mode). */
  readonly step: number;
  /** Absolute path of the PNG --snapshot writes (set exactly when `snapshot` is). */
  readonly out: string | undefined;
  /** --pointer X,Y: the snapshot's inspected pixel (origin top-left), or undefined. */
  readonly pointer: readonly [number, number] | undefined;
  /** --captions: the caption band in --snapshot and --record (the window starts with it on anyway; issue 13). */
  readonly captions: boolean;
}
