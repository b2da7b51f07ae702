/**
 * DSP building blocks of the generated music (spec §10.2.2): soft clip, RBJ-cookbook biquads
 * (low-pass, high-pass, band-pass, resonant low-pass) in transposed direct form II, the simple
 * multi-tap reverb, bitcrush and ADSR. (Oscillators are inlined as phase accumulators where used.)
 *
 * Unlike the reference (spec §11.3 #13), a Biquad keeps its state when its coefficients change, so
 * a time-varying filter is swept by updating coefficients every few samples on ONE running filter
 * — no restart, no zipper discontinuities at the chunk rate. Out-first and in place.
 */
import { SAMPLE_RATE } from '../grains.js';

export const SR = SAMPLE_RATE;
const TWO_PI = 2 * Math.PI;

/** th·tanh(x/th). */
export function softClip(x: number, th: number): number {
  return th * Math.tanh(x / th);
}

function clampCutoff(fc: number): number {
  return Math.min(Math.max(fc, 30), SR / 2 - 100);
}

/** A biquad section, TDF-II, whose state survives coefficient changes. */
export class Biquad {
  private b0 = 1;
  private b1 = 0;
  private b2 = 0;
  private a1 = 0;
  private a2 = 0;
  private z1 = 0;
  private z2 = 0;

  private set(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): this {
    this.b0 = b0 / a0;
    this.b1 = b1 / a0;
    this.b2 = b2 / a0;
    this.a1 = a1 / a0;
    this.a2 = a2 / a0;
    return this;
  }

  /** RBJ low-pass at fc (clamped to [30, 21,950] Hz), quality q. */
  lowPass(fc: number, q = 0.707): this {
    const w = (TWO_PI * clampCutoff(fc)) / SR;
    const cw = Math.cos(w);
    const alpha = Math.sin(w) / (2 * q);
    return this.set((1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + alpha, -2 * cw, 1 - alpha);
  }

  /** RBJ high-pass. */
  highPass(fc: number, q = 0.707): this {
    const w = (TWO_PI * clampCutoff(fc)) / SR;
    const cw = Math.cos(w);
    const alpha = Math.sin(w) / (2 * q);
    return this.set((1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + alpha, -2 * cw, 1 - alpha);
  }

  /** RBJ band-pass (constant 0 dB peak) between low and high (spec §10.2.2 centre/Q rule). */
  bandPass(low: number, high: number): this {
    const fc = clampCutoff((low + high) / 2);
    const q = Math.min(Math.max(fc / Math.max(high - low, 50), 0.3), 10);
    const w = (TWO_PI * fc) / SR;
    const cw = Math.cos(w);
    const alpha = Math.sin(w) / (2 * q);
    return this.set(alpha, 0, -alpha, 1 + alpha, -2 * cw, 1 - alpha);
  }

  reset(): this {
    this.z1 = 0;
    this.z2 = 0;
    return this;
  }

  /** One sample. */
  tick(x: number): number {
    const y = this.b0 * x + this.z1;
    this.z1 = this.b1 * x - this.a1 * y + this.z2;
    this.z2 = this.b2 * x - this.a2 * y;
    return y;
  }

  /** Filter buf[from … to) in place. */
  process(buf: Float32Array, from = 0, to = buf.length): void {
    let z1 = this.z1;
    let z2 = this.z2;
    const { b0, b1, b2, a1, a2 } = this;
    for (let i = from; i < to; i++) {
      const x = buf[i]!;
      const y = b0 * x + z1;
      z1 = b1 * x - a1 * y + z2;
      z2 = b2 * x - a2 * y;
      buf[i] = y;
    }
    this.z1 = z1;
    this.z2 = z2;
  }
}

/** Apply a one-shot filter to a whole buffer with fresh state. */
export function filtered(buf: Float32Array, f: Biquad): Float32Array {
  f.reset().process(buf);
  return buf;
}

/** Samples between coefficient updates of swept filters (0.73 ms: smooth, no zipper). */
export const SWEEP_BLOCK = 32;

/**
 * A low-pass swept by `cutoffAt(sampleIndex)`, one running filter (state kept), coefficients
 * updated every SWEEP_BLOCK samples.
 */
export function sweptLowPass(buf: Float32Array, cutoffAt: (i: number) => number, q = 0.707, from = 0, to = buf.length): void {
  const f = new Biquad();
  for (let i = from; i < to; i += SWEEP_BLOCK) {
    f.lowPass(cutoffAt(i), q).process(buf, i, Math.min(i + SWEEP_BLOCK, to));
  }
}

/** reverb_simple(x, decay, delays ms) = 0.6·(x + Σ decay·x delayed), in place (reads a copy). */
export function reverbSimpleInPlace(buf: Float32Array, decay: number, delaysMs: readonly number[] = [23, 37, 53, 71, 97]): void {
  const dry = Float32Array.from(buf);
  for (let i = 0; i < buf.length; i++) buf[i] = 0.6 * dry[i]!;
  for (const ms of delaysMs) {
    const d = Math.floor((ms / 1000) * SR);
    const g = 0.6 * decay;
    for (let i = d; i < buf.length; i++) buf[i]! += g * dry[i - d]!;
  }
}

/** bitcrush(x, bits, ds): quantise to 2^bits steps, then sample-and-hold every ds samples; in place. */
export function bitcrushInPlace(buf: Float32Array, bits: number, ds: number): void {
  const q = Math.pow(2, bits);
  let held = 0;
  for (let i = 0; i < buf.length; i++) {
    if (i % ds === 0) held = Math.round(buf[i]! * q) / q;
    buf[i] = held;
  }
}

/**
 * ADSR value at sample i of an n-sample note: linear 0→1 over a, 1→s over d, hold s for
 * max(n − a − d − r, 0), s→0 over r (segment lengths in samples, each ≥ 1), truncated to n.
 */
export function adsrAt(i: number, n: number, a: number, d: number, s: number, r: number): number {
  const A = Math.max(1, a);
  const D = Math.max(1, d);
  const R = Math.max(1, r);
  const H = Math.max(n - A - D - R, 0);
  if (i < A) return i / A;
  if (i < A + D) return 1 - ((1 - s) * (i - A)) / D;
  if (i < A + D + H) return s;
  const k = i - (A + D + H);
  return k < R ? s * (1 - k / R) : 0;
}
