/**
 * Small signal measurements for the audio tests: peak, RMS, spectral centroid (naive DFT —
 * test signals are short), onset autocorrelation. Test-only helpers, not part of the product.
 */

export function peak(x: Float32Array, from = 0, to = x.length): number {
  let p = 0;
  for (let i = from; i < to; i++) p = Math.max(p, Math.abs(x[i]!));
  return p;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Magnitude spectrum of x (zero-padded to n) at bins 0 … n/2: [freqHz, magnitude][]. */
export function spectrum(x: Float32Array, sampleRate: number, n = Math.max(x.length, 1024)): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k <= n / 2; k++) {
    let re = 0;
    let im = 0;
    const w = (-2 * Math.PI * k) / n;
    for (let i = 0; i < x.length; i++) {
      re += x[i]! * Math.cos(w * i);
      im += x[i]! * Math.sin(w * i);
    }
    out.push([(k * sampleRate) / n, Math.hypot(re, im)]);
  }
  return out;
}

/** Power-weighted mean frequency. */
export function spectralCentroid(x: Float32Array, sampleRate: number): number {
  let num = 0;
  let den = 0;
  for (const [f, m] of spectrum(x, sampleRate)) {
    num += f * m * m;
    den += m * m;
  }
  return num / den;
}

/** Frequency of the largest spectral peak. */
export function dominantFrequency(x: Float32Array, sampleRate: number): number {
  let best: [number, number] = [0, -1];
  for (const fm of spectrum(x, sampleRate, 8192)) if (fm[1] > best[1]) best = fm;
  return best[0];
}

/** Sample index of the first |x| > threshold at or after `from`, or −1. */
export function firstAbove(x: Float32Array, threshold: number, from = 0): number {
  for (let i = from; i < x.length; i++) if (Math.abs(x[i]!) > threshold) return i;
  return -1;
}
