/**
 * The soundtrack of a recording (spec §9.4), built from the very event lists the live player
 * plays. Each scene is rendered at its playback speed, processed and normalised on its own
 * (0.85 / 0.30 logits-only), and placed at the SAME cumulative output-clock start the video uses
 * for that scene — fixing the reference's drift (spec §11.3 #6), where scene audio lengths were
 * concatenated while video lengths were rounded down to whole frames.
 *
 * With `music`, the generated track (music/music.ts; a 120 s arrangement, repeated beyond) is
 * mixed underneath at MUSIC_UNDER_GAIN (−15 dB relative to its own 0.95 peak, a level that leaves
 * the sonification's 0.85-peak grains clearly on top); the sum is scaled down only if it clips.
 *
 * Not here: file writing (wav.ts), the video clock (record/).
 */
import { haasStereo, peakOf } from './chain.js';
import { SAMPLE_RATE } from './grains.js';
import { renderMusic } from './music/music.js';
import type { Stereo } from './render.js';
import { renderSceneMono, samplesOf } from './render.js';
import type { SceneSound } from './sonification.js';

/** Music level under the sonification (linear; ≈ −15 dB). */
export const MUSIC_UNDER_GAIN = 0.18;
/** Longest stretch of music rendered; longer soundtracks repeat it. */
export const MUSIC_LOOP_S = 120;
/** Ceiling of the mixed soundtrack. */
const MIX_CEILING = 0.99;

export interface SoundtrackScene {
  readonly sound: SceneSound;
  /** Timeline seconds per output second for this scene (the recording's --speed, auto-scaled). */
  readonly speed: number;
  /** Where the scene starts on the output clock (seconds): the time of its first video frame. */
  readonly startOutputSeconds: number;
}

export interface SoundtrackOptions {
  /** Mix the generated music underneath (default false). */
  readonly music?: boolean;
  /** Music seed (default 12345, the reference's). */
  readonly musicSeed?: number;
}

/**
 * A stereo soundtrack of ⌊totalOutputSeconds·44100⌋ samples. Scene i's event at timeline time t
 * lands at output time startOutputSeconds_i + t/speed_i, exactly where its frame is shown. A
 * scene's audio is cut at the next scene's start (only its silent return tail can overlap).
 *
 * @example
 * renderSoundtrack([{ sound, speed: 1, startOutputSeconds: 0 }], sound.duration);
 */
export function renderSoundtrack(scenes: readonly SoundtrackScene[], totalOutputSeconds: number, options: SoundtrackOptions = {}): Stereo {
  const n = samplesOf(totalOutputSeconds);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  for (let i = 0; i < scenes.length; i++) {
    const sc = scenes[i]!;
    if (!(sc.speed > 0)) throw new RangeError(`scene ${i}: speed must be > 0 (got ${sc.speed})`);
    const start = Math.round(sc.startOutputSeconds * SAMPLE_RATE);
    const next = scenes[i + 1];
    const end = next !== undefined ? Math.round(next.startOutputSeconds * SAMPLE_RATE) : n;
    const mono = renderSceneMono(sc.sound, sc.speed);
    const room = Math.max(0, Math.min(end, n) - start);
    haasStereo(mono.subarray(0, Math.min(mono.length, room)), left, right, start);
  }
  if (options.music === true && n > 0) {
    // One arrangement of at most MUSIC_LOOP_S, repeated for longer videos (memory stays bounded).
    const music = renderMusic({ durationSeconds: Math.min(totalOutputSeconds, MUSIC_LOOP_S), seed: options.musicSeed });
    const m = music.left.length;
    for (let i = 0; i < n; i++) {
      left[i]! += MUSIC_UNDER_GAIN * music.left[i % m]!;
      right[i]! += MUSIC_UNDER_GAIN * music.right[i % m]!;
    }
    const peak = Math.max(peakOf(left), peakOf(right));
    if (peak > MIX_CEILING) {
      const g = MIX_CEILING / peak;
      for (let i = 0; i < n; i++) {
        left[i] = left[i]! * g;
        right[i] = right[i]! * g;
      }
    }
  }
  return { left, right };
}
