/**
 * The generated music (spec §10.2): a 155 BPM industrial electronic track — drone pad, kick,
 * hi-hats, noise hits, machine-gun percussion, sub-bass drone, FM bass line, Shepard tone,
 * cellular-automaton glitch, data stream, micro-clicks, electrical impulses, stutter glitch,
 * test-pattern sweeps and a noise riser — rendered as a 44.1 kHz stereo pair. Pure synthesis:
 * `renderMusic` returns Float32Arrays; `gptviz music` (cli/music-command.ts) writes the WAV and
 * the recorder may mix it under the sonification (soundtrack.ts).
 *
 * Differences from the reference, on purpose: the FM bass and Shepard tone are part of the
 * arrangement (the README promised them); swept filters keep their state (no zipper); any
 * duration works (sections scale, arrangement.ts); `seed` re-seeds every layer.
 */
import { Random, mixSeed } from '../random.js';
import type { Stereo } from '../render.js';
import type { LayerName, Sections } from './arrangement.js';
import { LAYER_LEVELS, mixWithEnvelope, sectionsFor } from './arrangement.js';
import { Biquad, reverbSimpleInPlace, softClip, SR } from './dsp.js';
import { caGlitchTrack, dataStreamTrack, impulsesTrack, microClicksTrack, stutterTrack, sweepsTrack } from './glitch.js';
import { clapTrack, hatsTrack, kickTrack, machineGunTrack } from './percussion.js';
import { fmBassTrack, padTrack, riserTrack, shepardTrack, subDroneTrack } from './tonal.js';

export const DEFAULT_MUSIC_SEED = 12345;
export const MUSIC_PEAK = 0.95;

export interface MusicOptions {
  /** Length in seconds (default 120). */
  readonly durationSeconds?: number;
  /** Seed (default 12345, the reference's module seed). */
  readonly seed?: number;
  /** Called with (layer index, layer count, name) before each layer renders. */
  readonly onLayer?: (index: number, count: number, name: string) => void;
}

type LayerRenderer = (track: Float32Array, s: Sections, noise: Random, seedOf: (layerSeed: number) => number) => void;

/** Layers in rendering order (noise generator consumption order follows the reference). */
const LAYERS: readonly (readonly [LayerName, LayerRenderer])[] = [
  ['pad', (t, s) => padTrack(t, s)],
  ['kick', (t, s, noise) => kickTrack(t, s, noise)],
  ['hats', (t, s, noise, seed) => hatsTrack(t, s, noise, seed(123))],
  ['clap', (t, s, noise, seed) => clapTrack(t, s, noise, seed(456))],
  ['machineGun', (t, s, noise, seed) => machineGunTrack(t, s, noise, seed(99))],
  ['subDrone', (t, s) => subDroneTrack(t, s)],
  ['fmBass', (t, s) => fmBassTrack(t, s)],
  ['shepard', (t, s) => shepardTrack(t, s)],
  ['caGlitch', (t, s, _n, seed) => caGlitchTrack(t, s, seed(42))],
  ['dataStream', (t, s, _n, seed) => dataStreamTrack(t, s, seed(314))],
  ['microClicks', (t, s, _n, seed) => microClicksTrack(t, s, seed(271))],
  ['impulses', (t, s, _n, seed) => impulsesTrack(t, s, seed(161))],
  ['stutter', (t, s, _n, seed) => stutterTrack(t, s, seed(503))],
  ['sweeps', (t, s, _n, seed) => sweepsTrack(t, s, seed(619))],
];

/**
 * Render the track. Deterministic: the same options give bit-identical buffers.
 *
 * @example
 * const { left, right } = renderMusic({ durationSeconds: 10 }); // 441,000 samples each, peak 0.95
 */
export function renderMusic(options: MusicOptions = {}): Stereo {
  const duration = options.durationSeconds ?? 120;
  if (!(duration >= 0) || !Number.isFinite(duration)) throw new RangeError(`music duration must be ≥ 0 s (got ${duration})`);
  const seed = options.seed ?? DEFAULT_MUSIC_SEED;
  const seedOf = (layerSeed: number): number => (seed === DEFAULT_MUSIC_SEED ? layerSeed : mixSeed(layerSeed, seed));
  const noise = new Random(seed);
  const s = sectionsFor(duration);
  const mix = new Float32Array(s.n);
  const track = new Float32Array(s.n);
  const count = LAYERS.length + 2;
  LAYERS.forEach(([name, render], k) => {
    options.onLayer?.(k + 1, count, name);
    track.fill(0);
    render(track, s, noise, seedOf);
    mixWithEnvelope(mix, track, LAYER_LEVELS[name], s);
  });
  options.onLayer?.(count - 1, count, 'riser');
  track.fill(0);
  riserTrack(track, s, noise);
  for (let i = 0; i < s.n; i++) mix[i]! += track[i]!;
  options.onLayer?.(count, count, 'master');
  return master(mix, noise);
}

/** HP 28 Hz → soft clip → LP 8 kHz → 13-sample Haas → small reverb → noise floor → peak 0.95. */
function master(mix: Float32Array, noise: Random): Stereo {
  const n = mix.length;
  new Biquad().highPass(28).process(mix);
  for (let i = 0; i < n; i++) mix[i] = softClip(1.5 * mix[i]!, 0.75);
  new Biquad().lowPass(8000).process(mix);
  const delay = Math.floor(0.0003 * SR);
  const left = Float32Array.from(mix);
  const right = new Float32Array(n);
  for (let i = delay; i < n; i++) right[i] = mix[i - delay]!;
  for (const [ch, taps] of [[left, [23, 37, 53]], [right, [29, 41, 59]]] as const) {
    const wet = Float32Array.from(ch);
    reverbSimpleInPlace(wet, 0.12, taps);
    for (let i = 0; i < n; i++) ch[i] = ch[i]! + 0.06 * wet[i]! + 0.0008 * noise.gauss();
  }
  let peak = 1e-9;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(left[i]!), Math.abs(right[i]!));
  const g = MUSIC_PEAK / peak;
  for (let i = 0; i < n; i++) {
    left[i] = left[i]! * g;
    right[i] = right[i]! * g;
  }
  return { left, right };
}
