/**
 * Tonal layers of the music (spec §10.2.3 #1, #6, #14 and the "unused" FM bass and Shepard
 * tone): dark drone pad, sub-bass drone, FM bass line, Shepard tone, noise riser. Dry tracks
 * into zeroed Float32Arrays; music.ts applies the section envelopes.
 *
 * Deliberate choices: every swept filter is one running biquad whose coefficients are updated
 * every SWEEP_BLOCK samples (no state restarts, spec §11.3 #13). The FM bass's modulation index
 * peaks at 4 rad (4·e^(−6t)); the reference's unused function scaled it by f as well (220 rad at
 * 55 Hz, i.e. a 12 kHz deviation — broadband noise rather than a bass), which we do not copy.
 * The FM bass plays eighth notes on the steps the kick leaves free, following the pad's root.
 */
import type { Random } from '../random.js';
import type { Sections } from './arrangement.js';
import { BAR_S, GRID } from './arrangement.js';
import { adsrAt, Biquad, reverbSimpleInPlace, softClip, SR, sweptLowPass, SWEEP_BLOCK } from './dsp.js';
import { kickPlays } from './percussion.js';

const TWO_PI = 2 * Math.PI;
const PAD_ROOTS = [55, 55, 58.27, 55] as const;
/** Pad note length: 8 bars. */
export const PAD_NOTE = Math.round(8 * BAR_S * SR);
const DETUNE = Math.pow(2, 20 / 1200);
const PAD_MULTS = [1 / DETUNE, 1, DETUNE, 0.5 / DETUNE, 0.5, 0.5 * DETUNE, Math.pow(2, 6 / 12), 0.5 * Math.pow(2, 1 / 12)] as const;

/** The pad root (Hz) sounding at sample i. */
export function padRootAt(i: number): number {
  return PAD_ROOTS[Math.floor(i / PAD_NOTE) % PAD_ROOTS.length]!;
}

export function padTrack(track: Float32Array, s: Sections): void {
  const n = s.n;
  const a = 2 * SR;
  const d = 1 * SR;
  const r = 2 * SR;
  for (let start = 0; start < n; start += PAD_NOTE) {
    const len = Math.min(PAD_NOTE, n - start);
    const f = padRootAt(start);
    const t0 = start / SR;
    // One tight loop per oscillator (phase accumulators in cycles, wrapped), starting at the
    // phase f·m·t of the note start as the reference's closed form.
    for (const m of PAD_MULTS) {
      let saw = frac(f * m * t0);
      let pulse = frac(0.998 * f * m * t0);
      const sawInc = (f * m) / SR;
      const pulseInc = (0.998 * f * m) / SR;
      for (let i = start, end = start + len; i < end; i++) {
        track[i]! += 0.08 * (2 * saw - 1) + (pulse < 0.15 ? 0.04 : -0.04);
        saw += sawInc;
        if (saw >= 1) saw -= 1;
        pulse += pulseInc;
        if (pulse >= 1) pulse -= 1;
      }
    }
    for (let i = 0; i < len; i++) track[start + i] = track[start + i]! * adsrAt(i, PAD_NOTE, a, d, 0.4, r);
  }
  sweptLowPass(track, (i) => 200 + 600 * (0.5 + 0.5 * Math.sin(TWO_PI * 0.04 * (i / SR))));
  reverbSimpleInPlace(track, 0.35);
}

function frac(x: number): number {
  return x - Math.floor(x);
}

export function subDroneTrack(track: Float32Array, s: Sections): void {
  // 0.5·sin(2π·55t + 5·sin(2π·0.15t)) + 0.15·sin(2π·110.165t); the slow 0.15 Hz wobble is
  // evaluated once per block, the 110 Hz partial by a rotation recurrence (renormalised per block).
  const c2 = Math.cos((TWO_PI * 110.165) / SR);
  const s2 = Math.sin((TWO_PI * 110.165) / SR);
  let re = 1;
  let im = 0;
  for (let b = 0; b < s.n; b += SWEEP_BLOCK) {
    const end = Math.min(b + SWEEP_BLOCK, s.n);
    const w0 = 5 * Math.sin((TWO_PI * 0.15 * b) / SR);
    const w1 = 5 * Math.sin((TWO_PI * 0.15 * end) / SR);
    const norm = 1 / Math.hypot(re, im);
    re *= norm;
    im *= norm;
    for (let i = b; i < end; i++) {
      const wobble = w0 + ((w1 - w0) * (i - b)) / SWEEP_BLOCK;
      track[i] = 0.5 * Math.sin((TWO_PI * 55 * i) / SR + wobble) + 0.15 * im;
      const r2 = re * c2 - im * s2;
      im = re * s2 + im * c2;
      re = r2;
    }
  }
  new Biquad().lowPass(120).process(track);
  for (let i = 0; i < s.n; i++) track[i] = softClip(1.5 * track[i]!, 0.6);
}

/** FM bass pitch multipliers over the 16 eighth steps (root, octave, fifth, tritone). */
const BASS_MULTS = [1, 1, 2, 1, 1, 1.5, 1, 2, 1, 1, 2, 1, 1.414, 1, 2, 1] as const;

/** Write one FM bass note of n samples at frequency f into track[at…), filter state continuing. */
function fmBassNote(track: Float32Array, at: number, n: number, f: number, lp: Biquad): void {
  const len = Math.min(n, track.length - at);
  const a = Math.floor(0.002 * SR);
  const d = Math.floor(0.05 * SR);
  const r = Math.floor(0.03 * SR);
  for (let b = 0; b < len; b += SWEEP_BLOCK) {
    lp.lowPass(200 + 3000 * Math.exp((-7 * b) / SR));
    const end = Math.min(b + SWEEP_BLOCK, len);
    let index = 4 * Math.exp((-6 * b) / SR);
    const indexDecay = Math.exp(-6 / SR);
    for (let i = b; i < end; i++, index *= indexDecay) {
      const w = (TWO_PI * f * i) / SR;
      const sw = Math.sin(w);
      const x = 2 * (Math.sin(w + index * sw) + 0.5 * sw);
      track[at + i] = lp.tick(softClip(x, 0.6)) * adsrAt(i, n, a, d, 0.7, r);
    }
  }
}

export function fmBassTrack(track: Float32Array, s: Sections): void {
  const lp = new Biquad();
  for (let step = 0; step * GRID.eighth < s.n; step++) {
    if (kickPlays(step, 0)) continue; // the bass answers the kick
    const at = step * GRID.eighth;
    fmBassNote(track, at, GRID.eighth, padRootAt(at) * BASS_MULTS[step % 16]!, lp);
  }
}

/**
 * Shepard tone from sample `from`: 7 octave-spaced partials gliding up one octave position per
 * 8 s cycle, Gaussian loudness over log₂ f (centre 1 kHz, σ 1.8 octaves), normalised to peak 1.
 */
export function shepardTrack(track: Float32Array, s: Sections, from = s.b1): void {
  // Each partial is a rotating phasor (re, im); its rotation step and loudness are updated once
  // per block (they glide slowly), and it is renormalised there. A partial that wraps from the
  // top octave to the bottom does so at ≈ zero loudness, so the phase jump is inaudible.
  const re = new Float64Array(7).fill(1);
  const im = new Float64Array(7);
  const cs = new Float64Array(7);
  const sn = new Float64Array(7);
  const amps = new Float64Array(7);
  const log55 = Math.log2(55);
  const centre = Math.log2(1000);
  let peak = 1e-9;
  for (let b = from; b < s.n; b += SWEEP_BLOCK) {
    const t = (b - from) / SR;
    for (let k = 0; k < 7; k++) {
      const pos = t / 8 + k / 7;
      const oct = 7 * (pos - Math.floor(pos));
      const w = (TWO_PI * 55 * Math.pow(2, oct)) / SR;
      cs[k] = Math.cos(w);
      sn[k] = Math.sin(w);
      const z = (log55 + oct - centre) / 1.8;
      amps[k] = Math.exp(-0.5 * z * z);
      const norm = 1 / Math.hypot(re[k]!, im[k]!);
      re[k] = re[k]! * norm;
      im[k] = im[k]! * norm;
    }
    const end = Math.min(b + SWEEP_BLOCK, s.n);
    for (let i = b; i < end; i++) {
      let v = 0;
      for (let k = 0; k < 7; k++) {
        const r0 = re[k]!;
        const i0 = im[k]!;
        v += amps[k]! * i0;
        re[k] = r0 * cs[k]! - i0 * sn[k]!;
        im[k] = r0 * sn[k]! + i0 * cs[k]!;
      }
      track[i] = v;
      peak = Math.max(peak, Math.abs(v));
    }
  }
  for (let i = from; i < s.n; i++) track[i] = track[i]! / peak;
}

/** Noise riser over the second half of the breakdown (64–72 s of 120): resonant LP sweep. */
export function riserTrack(track: Float32Array, s: Sections, noise: Random): void {
  const len = Math.floor((s.b2 - s.b1) / 2);
  const start = s.b2 - len;
  if (len <= 0) return;
  for (let i = 0; i < len; i++) track[start + i] = 0.3 * noise.gauss();
  sweptLowPass(track, (i) => 200 + 7800 * Math.pow((i - start) / len, 2), 4, start, start + len);
  for (let i = 0; i < len; i++) {
    const p = i / len;
    track[start + i] = track[start + i]! * p * p * 0.5;
  }
}
