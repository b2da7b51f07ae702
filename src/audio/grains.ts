/**
 * The six sonification grains ("micro-sounds") of spec §10.1.1, synthesised additively into a
 * caller's Float32Array: needle, click, sine blip, white-noise burst, data tone (FSK) and
 * exponential sweep. Out-first and allocation-free: `addGrain` mixes `volume × grain` into
 * `out[start … start + n)`; the only randomness (click polarity, data-tone multiplier, noise)
 * comes from the `Random` passed in.
 *
 * Not here: which grain plays when (events.ts), the processing chain (chain.ts), playback.
 * Sample rate: 44,100 Hz everywhere (spec §10).
 */
import type { Random } from './random.js';

export const SAMPLE_RATE = 44100;

/** The grain kinds. `sweep` is only chosen explicitly (LayerNorm, row select, previews). */
export type GrainKind = 'needle' | 'click' | 'sineBlip' | 'whiteBurst' | 'dataTone' | 'sweep';

/** Every kind, in the order of the preview files (spec §10.3). */
export const GRAIN_KINDS: readonly GrainKind[] = ['sineBlip', 'click', 'needle', 'whiteBurst', 'dataTone', 'sweep'];

/** The randomly chosen kinds and their weights (spec §10.1.2). */
export const RANDOM_KINDS: readonly GrainKind[] = ['needle', 'click', 'sineBlip', 'whiteBurst', 'dataTone'];
export const RANDOM_KIND_WEIGHTS: readonly number[] = [0.45, 0.35, 0.05, 0.05, 0.1];

/** Data-tone second-frequency multipliers (spec §10.1.1). */
const DATA_TONE_MULTIPLIERS = [1.5, 2.0, 3.0] as const;
const TWO_PI = 2 * Math.PI;

/** Grain length in samples for a duration in ms: max(⌊ms·44.1⌋, 2) (spec §10.1.5). */
export function grainLength(durationMs: number): number {
  return Math.max(Math.floor(durationMs * (SAMPLE_RATE / 1000)), 2);
}

/** Symmetric Hann window value for sample i of n (n ≥ 2). */
function hann(i: number, n: number): number {
  return 0.5 - 0.5 * Math.cos((TWO_PI * i) / (n - 1));
}

/**
 * Mix one grain into `out`: samples out[start + i] += volume · g(i) for i < n, clipped to
 * the buffer end (start must be ≥ 0). `freq` is the grain's frequency (Hz); `freqEnd` is the
 * sweep's end frequency, or the data tone's second frequency (≤ 0: chosen at random from
 * f × {1.5, 2, 3}); other kinds ignore it.
 *
 * @example
 * const buf = new Float32Array(441);
 * addGrain(buf, 0, 441, 'needle', 1000, 0, 0.5, new Random(42)); // a 10 ms, 1 kHz needle
 */
export function addGrain(
  out: Float32Array,
  start: number,
  n: number,
  kind: GrainKind,
  freq: number,
  freqEnd: number,
  volume: number,
  rng: Random,
): void {
  const len = Math.min(n, out.length - start);
  if (len <= 0) return;
  const dt = 1 / SAMPLE_RATE;
  switch (kind) {
    case 'needle': {
      // sin(w·te)·e^(−300·te) by a damped rotation (no sin/exp per sample; grains are ≤ a few
      // hundred samples, so the recurrence's rounding stays far below 16-bit resolution).
      const w = (TWO_PI * Math.min(freq, 5000)) * dt;
      const cw = Math.cos(w);
      const sw = Math.sin(w);
      const decay = Math.exp(-300 * dt);
      let re = volume; // volume·e^(−300·te)·cos(w·i)
      let im = 0; // volume·e^(−300·te)·sin(w·i)
      for (let i = 0; i < len; i++) {
        out[start + i]! += im;
        const r = (re * cw - im * sw) * decay;
        im = (re * sw + im * cw) * decay;
        re = r;
      }
      return;
    }
    case 'click': {
      // A single-sample tick with a short alternating ring: ±1, then ×(−0.55) for 8 samples.
      let v = rng.sign();
      const m = Math.min(len, 8);
      for (let i = 0; i < m; i++) {
        out[start + i]! += volume * v;
        v *= -0.55;
      }
      return;
    }
    case 'sineBlip': {
      const w = TWO_PI * freq;
      for (let i = 0; i < len; i++) out[start + i]! += volume * Math.sin(w * i * dt) * hann(i, n);
      return;
    }
    case 'whiteBurst': {
      for (let i = 0; i < len; i++) out[start + i]! += volume * rng.gauss() * hann(i, n);
      return;
    }
    case 'dataTone': {
      // FSK: f when ⌊80·te⌋ is odd, else f₂ (so it starts on f₂); phase is a running sum, so
      // the first sample already carries one phase step.
      const f2 = freqEnd > 0 ? freqEnd : freq * DATA_TONE_MULTIPLIERS[rng.int(0, 3)]!;
      let phase = 0;
      for (let i = 0; i < len; i++) {
        const f = (Math.floor(80 * i * dt) & 1) === 1 ? freq : f2;
        phase += (TWO_PI * f) / SAMPLE_RATE;
        out[start + i]! += volume * Math.sin(phase) * hann(i, n);
      }
      return;
    }
    case 'sweep': {
      // Exponential glide freq(te) = f_start·ratio^(te/T), T = n/44100, phase by running sum.
      const ratio = Math.max(freqEnd / Math.max(freq, 1), 0.01);
      const perSample = Math.pow(ratio, 1 / n); // ratio^(te/T) = ratio^(i/n)
      let f = freq;
      let phase = 0;
      for (let i = 0; i < len; i++) {
        phase += (TWO_PI * f) / SAMPLE_RATE;
        out[start + i]! += volume * Math.sin(phase) * hann(i, n);
        f *= perSample;
      }
      return;
    }
  }
}
