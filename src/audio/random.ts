/**
 * The audio code's own seeded pseudo-random generator (STYLE.md §14): a 32-bit SplitMix-style
 * generator with uniform, integer, weighted-choice and Gaussian draws. Small, fast and
 * re-seedable in place, so a per-grain generator can be reset without allocating.
 *
 * It is NOT bit-compatible with NumPy's RandomState (the issue does not require that for audio);
 * it reproduces the reference's *structure* of randomness (spec §10.1.2: one stream for event
 * kinds/durations seeded 777, one for rendering seeded 42; §10.2.1: per-layer seeds for the music).
 * Pure: no Math.random, no globals.
 */

/** Mix two 32-bit integers into a well-spread 32-bit seed (for per-item sub-streams). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x85ebca6b, 0x9e3779b1) + Math.imul(b + 0x165667b1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded generator. `reseed` resets it in place (no allocation on hot paths). */
export class Random {
  private state = 0;
  /** Cached second Box–Muller deviate, or NaN. */
  private spare = NaN;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    this.state = mixSeed(seed >>> 0, 0x2545f491) | 0;
    this.spare = NaN;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi) (hi exclusive, like NumPy's randint). */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo) * this.next());
  }

  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.next())]!;
  }

  /** An index drawn with the given weights (they need not sum to 1). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal deviate (Box–Muller, polar form, pairs cached). */
  gauss(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** ±1 with equal probability. */
  sign(): number {
    return this.next() < 0.5 ? -1 : 1;
  }
}
