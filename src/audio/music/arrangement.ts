/**
 * The music's time grid, sections and per-layer volume envelopes (spec §10.2.1, §10.2.3 table).
 * 155 BPM; grids in samples are ⌊beat·44100⌋ = 17,070 and its subdivisions. For a duration other
 * than 120 s the section boundaries (56 / 72 / 108 s of 120) scale with the duration and snap to
 * whole bars, so every length keeps the main → breakdown → climax → outro shape.
 *
 * Layer levels follow the reference's table, plus the two layers the reference never used but its
 * README promised: the FM bass line (main and climax) and the Shepard tone (breakdown and climax).
 */
import { SR } from './dsp.js';

export const BPM = 155;
export const BEAT_S = 60 / BPM;
export const BAR_S = 4 * BEAT_S;
export const GRID = {
  beat: Math.floor(BEAT_S * SR), // 17,070
  eighth: Math.floor((BEAT_S / 2) * SR), // 8,535
  sixteenth: Math.floor((BEAT_S / 4) * SR), // 4,267
  thirtySecond: Math.floor((BEAT_S / 8) * SR), // 2,133
  sixtyFourth: Math.floor((BEAT_S / 16) * SR), // 1,066
  oneTwentyEighth: Math.floor((BEAT_S / 32) * SR), // 533
} as const;

/** Section boundaries in samples: [0, b1) main, [b1, b2) breakdown, [b2, b3) climax, [b3, n) outro. */
export interface Sections {
  readonly n: number;
  readonly b1: number;
  readonly b2: number;
  readonly b3: number;
}

export function sectionsFor(durationSeconds: number): Sections {
  const n = Math.floor(durationSeconds * SR + 1e-6);
  const snap = (s: number): number => Math.min(n, Math.round((s * durationSeconds) / 120 / BAR_S) * Math.round(BAR_S * SR));
  return { n, b1: snap(56), b2: snap(72), b3: snap(108) };
}

/** Which section sample i is in: 0 main, 1 breakdown, 2 climax, 3 outro. */
export function sectionOf(s: Sections, i: number): 0 | 1 | 2 | 3 {
  return i < s.b1 ? 0 : i < s.b2 ? 1 : i < s.b3 ? 2 : 3;
}

/** A section level: constant, or a linear ramp [from, to] across the section. */
export type Level = number | readonly [number, number];

/** Levels per layer for [main, breakdown, climax, outro]. */
export const LAYER_LEVELS = {
  pad: [0.25, 0.35, 0.25, [0.3, 0]],
  kick: [0.85, 0.85, 0.85, 0.85],
  hats: [0.45, 0.45, 0.45, [0.45, 0]],
  clap: [0.25, 0, 0.25, 0.25],
  machineGun: [0.35, [0.35, 0.08], 0.45, [0.45, 0]],
  subDrone: [0.35, [0.5, 0.15], 0.3, [0.55, 0]],
  fmBass: [0.4, 0, 0.5, [0.5, 0]],
  shepard: [0, [0.1, 0.3], 0.1, [0.1, 0]],
  caGlitch: [0.35, [0.35, 0.5], 0.55, [0.55, 0]],
  dataStream: [0.6, [0.6, 0.7], 0.7, [0.7, 0.2]],
  microClicks: [0.35, 0.5, 0.4, [0.6, 0.1]],
  impulses: [0.35, [0.35, 0.15], 0.4, [0.4, 0]],
  stutter: [0.18, [0.18, 0.3], 0.25, [0.25, 0]],
  sweeps: [0.15, 0.22, 0.2, [0.2, 0.03]],
} as const satisfies Record<string, readonly [Level, Level, Level, Level]>;

export type LayerName = keyof typeof LAYER_LEVELS;

/** Multiply track by its layer's section envelope, then add it into mix. */
export function mixWithEnvelope(mix: Float32Array, track: Float32Array, levels: readonly [Level, Level, Level, Level], s: Sections): void {
  const bounds = [0, s.b1, s.b2, s.b3, s.n];
  for (let k = 0; k < 4; k++) {
    const from = bounds[k]!;
    const to = bounds[k + 1]!;
    if (to <= from) continue;
    const lv = levels[k]!;
    const a = typeof lv === 'number' ? lv : lv[0];
    const b = typeof lv === 'number' ? lv : lv[1];
    if (a === 0 && b === 0) continue;
    const span = to - from;
    for (let i = from; i < to; i++) mix[i]! += track[i]! * (a + ((b - a) * (i - from)) / span);
  }
}
