/**
 * The sonification's processing chain (spec §10.1.5 steps 2–6), in place on Float32Arrays:
 * one-pole high-pass 30 Hz, one-pole low-pass 6 kHz, a peak-envelope compressor (threshold
 * 0.12, ratio 4:1, attack 5 ms, release 80 ms, no make-up gain, no look-ahead), peak
 * normalisation, and the 8-sample Haas delay that makes the stereo pair.
 *
 * Pure, out-first, allocation-free (the stereo helper writes into caller buffers). Each function
 * is written so its state could continue across calls; the sonifier processes whole scenes.
 * Not here: the music's biquads (music/dsp.ts), synthesis, WAV.
 */
import { SAMPLE_RATE } from './grains.js';

export const HIGH_PASS_HZ = 30;
export const LOW_PASS_HZ = 6000;
export const COMPRESSOR = { threshold: 0.12, ratio: 4, attackS: 0.005, releaseS: 0.08 } as const;
/** Peak targets (spec §10.1.5 step 5). */
export const PEAK_FULL = 0.85;
export const PEAK_LOGITS = 0.3;
/** Right-channel delay ⌊0.0002·44100⌋ = 8 samples. */
export const HAAS_SAMPLES = Math.floor(0.0002 * SAMPLE_RATE);

/** One-pole high-pass coefficient a = RC/(RC + 1/sr), RC = 1/(2π·fc). */
export function highPassCoefficient(fc: number, sr = SAMPLE_RATE): number {
  const rc = 1 / (2 * Math.PI * fc);
  return rc / (rc + 1 / sr);
}

/** One-pole low-pass coefficient b = (1/sr)/(RC + 1/sr). */
export function lowPassCoefficient(fc: number, sr = SAMPLE_RATE): number {
  const rc = 1 / (2 * Math.PI * fc);
  const dt = 1 / sr;
  return dt / (rc + dt);
}

/**
 * y[i] = a·(y[i−1] + x[i] − x[i−1]), y[0] = x[0]; in place. With `fromRest`, the filter starts
 * at rest instead (x[−1] = y[−1] = 0): a piece filtered this way adds up exactly with other
 * pieces of the same signal (the live player filters block by block).
 */
export function highPassInPlace(buf: Float32Array, fc = HIGH_PASS_HZ, fromRest = false): void {
  if (buf.length === 0) return;
  const a = highPassCoefficient(fc);
  let xPrev = fromRest ? 0 : buf[0]!;
  let yPrev = xPrev;
  for (let i = fromRest ? 0 : 1; i < buf.length; i++) {
    const x = buf[i]!;
    const y = a * (yPrev + x - xPrev);
    buf[i] = y;
    xPrev = x;
    yPrev = y;
  }
}

/** y[i] = y[i−1] + b·(x[i] − y[i−1]), y[0] = x[0] (or y[−1] = 0 with `fromRest`); in place. */
export function lowPassInPlace(buf: Float32Array, fc = LOW_PASS_HZ, fromRest = false): void {
  if (buf.length === 0) return;
  const b = lowPassCoefficient(fc);
  let y = fromRest ? 0 : buf[0]!;
  for (let i = fromRest ? 0 : 1; i < buf.length; i++) {
    y += b * (buf[i]! - y);
    buf[i] = y;
  }
}

/**
 * Peak-envelope compressor in place. When `gainOut` is given (same length), the gain applied
 * to each sample is written there too (the live player samples it per grain).
 */
export function compressInPlace(buf: Float32Array, gainOut?: Float32Array): void {
  if (buf.length === 0) return;
  const { threshold, ratio, attackS, releaseS } = COMPRESSOR;
  const att = Math.exp(-1 / (attackS * SAMPLE_RATE));
  const rel = Math.exp(-1 / (releaseS * SAMPLE_RATE));
  const expo = 1 / ratio - 1;
  let env = Math.abs(buf[0]!);
  for (let i = 0; i < buf.length; i++) {
    const x = buf[i]!;
    const ax = Math.abs(x);
    if (i > 0) env = ax > env ? att * env + (1 - att) * ax : rel * env + (1 - rel) * ax;
    const g = env > threshold ? Math.pow(env / threshold, expo) : 1;
    buf[i] = x * g;
    if (gainOut !== undefined) gainOut[i] = g;
  }
}

/** Largest |x|. */
export function peakOf(buf: Float32Array): number {
  let p = 0;
  for (let i = 0; i < buf.length; i++) {
    const a = Math.abs(buf[i]!);
    if (a > p) p = a;
  }
  return p;
}

/** Scale so the peak is `target`; silent buffers stay silent. Returns the gain applied. */
export function normalizePeakInPlace(buf: Float32Array, target: number): number {
  const p = peakOf(buf);
  if (p <= 1e-12) return 1;
  const g = target / p;
  for (let i = 0; i < buf.length; i++) buf[i] = buf[i]! * g;
  return g;
}

/** Stereo from mono, ADDED into outL/outR from `offset`: left += mono, right += mono delayed by `delay` samples. */
export function haasStereo(mono: Float32Array, outL: Float32Array, outR: Float32Array, offset = 0, delay = HAAS_SAMPLES): void {
  const n = Math.min(mono.length, outL.length - offset);
  for (let i = 0; i < n; i++) {
    outL[offset + i]! += mono[i]!;
    if (i >= delay) outR[offset + i]! += mono[i - delay]!;
  }
}
