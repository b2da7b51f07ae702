/**
 * Glitch and data layers of the music (spec §10.2.3 #8–13): cellular-automaton glitch (Rule 110),
 * data stream, Thue–Morse micro-clicks, "DATA" electrical impulses, stutter glitch and
 * test-pattern sweeps. Each writes its dry track into a zeroed Float32Array using its own seeded
 * generator; music.ts applies section envelopes.
 */
import { Random } from '../random.js';
import type { Sections } from './arrangement.js';
import { BAR_S, GRID } from './arrangement.js';
import { Biquad, bitcrushInPlace, SR } from './dsp.js';
import { place } from './percussion.js';

const TWO_PI = 2 * Math.PI;

function hann(i: number, n: number): number {
  return n < 2 ? 1 : 0.5 - 0.5 * Math.cos((TWO_PI * i) / (n - 1));
}

/** Rule 110 on `cells` cells (edges fixed at 0), one live cell in the middle, `gens` rows. */
export function rule110(cells = 64, gens = 256): Uint8Array[] {
  const rows: Uint8Array[] = [];
  let row = new Uint8Array(cells);
  row[cells >> 1] = 1;
  for (let g = 0; g < gens; g++) {
    rows.push(row);
    const next = new Uint8Array(cells);
    for (let c = 1; c < cells - 1; c++) {
      const pattern = (row[c - 1]! << 2) | (row[c]! << 1) | row[c + 1]!;
      next[c] = (110 >> pattern) & 1;
    }
    row = next;
  }
  return rows;
}

const METAL = [1, 1.47, 2.09, 3.14] as const;

function caEvent(rng: Random): Float32Array {
  const n = Math.max(2, Math.floor(rng.uniform(0.002, 0.05) * SR));
  const gain = rng.uniform(0.1, 0.5);
  const out = new Float32Array(n);
  const type = rng.int(0, 7);
  const f = rng.uniform(200, 5000);
  const blip = rng.pick([440, 880, 1760, 2500]);
  const sq = rng.uniform(100, 500);
  const ringA = rng.uniform(300, 2000);
  const ringB = rng.uniform(50, 300);
  const base = rng.uniform(400, 3000);
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    let v: number;
    switch (type) {
      case 0: v = Math.sin(TWO_PI * f * t) * hann(i, n); break;
      case 1: v = rng.gauss() * Math.exp(-800 * t); break;
      case 2: v = Math.sin(TWO_PI * blip * t) * Math.exp(-150 * t); break;
      case 3: v = (Math.sin(TWO_PI * sq * t) >= 0 ? 1 : -1) * Math.exp(-100 * t); break;
      case 4: v = Math.sin(TWO_PI * ringA * t) * Math.sin(TWO_PI * ringB * t) * Math.exp(-80 * t); break;
      case 5: v = rng.gauss() * Math.exp(-60 * t); break;
      default: {
        v = 0;
        for (const m of METAL) v += 0.25 * Math.sin(TWO_PI * base * m * t);
        v *= Math.exp(-50 * t) * hann(i, n);
      }
    }
    out[i] = v * gain;
  }
  if (type === 5) bitcrushInPlace(out, rng.int(2, 6), rng.int(2, 8));
  return out;
}

export function caGlitchTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  const ca = rule110();
  const bar = BAR_S * SR;
  for (let b = 0; (b + 1) * bar <= s.n; b++) { // whole bars only (77 in 120 s)
    for (let st = 0; st < 16; st++) {
      const alive = ca[(16 * b + st) % 256]![(4 * st) % 64]! === 1;
      if (!alive || rng.next() >= 0.45) continue;
      place(track, caEvent(rng), Math.floor(b * bar + st * GRID.sixteenth), 1);
    }
  }
  new Biquad().highPass(300).process(track);
}

/** A click: ±a, then each next = −previous × k. */
function clickInto(out: Float32Array, at: number, n: number, first: number, k: number): void {
  let v = first;
  for (let i = 0; i < n && at + i < out.length; i++) {
    out[at + i]! += v;
    v *= -k;
  }
}

function dataEvent(track: Float32Array, at: number, rng: Random): void {
  const type = rng.weighted([0.3, 0.25, 0.15, 0.15, 0.15]);
  if (type === 1) {
    const n = Math.max(2, Math.floor(rng.uniform(0.0002, 0.002) * SR));
    clickInto(track, at, n, rng.sign() * rng.uniform(0.3, 0.6), 0.5);
    return;
  }
  const durS = type === 0 ? rng.uniform(0.0005, 0.008) : type === 2 ? rng.uniform(0.003, 0.02) : type === 3 ? rng.uniform(0.0005, 0.005) : rng.uniform(0.005, 0.02);
  const n = Math.max(2, Math.floor(durS * SR));
  const f = type === 0 ? rng.pick([1000, 2000, 3000, 4000, 5000]) : type === 2 ? rng.uniform(3000, 6000) : rng.pick([1200, 2400, 4800]);
  const f2 = f * rng.pick([1.5, 2, 3]);
  const vol = type === 0 ? rng.uniform(0.15, 0.4) : type === 2 ? rng.uniform(0.08, 0.2) : type === 3 ? rng.uniform(0.1, 0.3) : rng.uniform(0.1, 0.25);
  let phase = 0;
  for (let i = 0; i < n && at + i < track.length; i++) {
    const t = i / SR;
    let v: number;
    if (type === 0) v = Math.sin(TWO_PI * f * t) * hann(i, n);
    else if (type === 2) v = Math.sin(TWO_PI * f * t) * Math.exp(-300 * t);
    else if (type === 3) v = rng.gauss() * hann(i, n);
    else {
      phase += (TWO_PI * ((Math.floor(80 * t) & 1) === 1 ? f : f2)) / SR;
      v = Math.sin(phase) * hann(i, n);
    }
    track[at + i]! += vol * v;
  }
}

export function dataStreamTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  for (let step = 0; step * GRID.sixtyFourth < s.n; step++) {
    const m = step % 32;
    const p = m < 12 ? 0.9 : m < 16 ? 0 : m < 24 ? 0.7 : 0.1;
    if (rng.next() < p) dataEvent(track, step * GRID.sixtyFourth, rng);
  }
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v > 0; v >>>= 1) c += v & 1;
  return c;
}

export function microClicksTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  for (let step = 0; step * GRID.oneTwentyEighth < s.n; step++) {
    const p = popcount(step) % 2 === 0 ? 0.7 : 0.1;
    if (rng.next() >= p) continue;
    clickInto(track, step * GRID.oneTwentyEighth, rng.int(1, 12), rng.sign() * rng.uniform(0.3, 0.8), rng.uniform(0.3, 0.7));
  }
}

/** The bits of "DATA" (68 65 84 65), most significant first. */
const DATA_BITS = [68, 65, 84, 65].flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> (7 - i)) & 1));

export function impulsesTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  for (let step = 0; step * GRID.thirtySecond < s.n; step++) {
    if (DATA_BITS[step % DATA_BITS.length] !== 1) continue;
    const at = step * GRID.thirtySecond;
    const type = rng.int(0, 3);
    const durS = type === 0 ? rng.uniform(0.003, 0.015) : type === 1 ? rng.uniform(0.002, 0.01) : rng.uniform(0.005, 0.02);
    const n = Math.floor(durS * SR);
    const vol = type === 0 ? rng.uniform(0.15, 0.35) : type === 1 ? rng.uniform(0.1, 0.3) : rng.uniform(0.1, 0.25);
    const f = type === 0 ? rng.uniform(200, 800) : type === 1 ? rng.pick([100, 200, 400, 800, 1600]) : rng.uniform(500, 3000);
    const fm = rng.uniform(50, 500);
    for (let i = 0; i < n && at + i < track.length; i++) {
      const t = i / SR;
      let v: number;
      if (type === 0) v = Math.sin(TWO_PI * f * t) * Math.exp(-300 * t) * (0.7 + 0.3 * rng.gauss());
      else if (type === 1) v = (Math.sin(TWO_PI * f * t) >= 0 ? 1 : -1) * Math.exp(-200 * t);
      else v = Math.sin(TWO_PI * f * t + ((3 * f * Math.exp(-100 * t)) / fm) * Math.sin(TWO_PI * fm * t)) * Math.exp(-120 * t);
      track[at + i]! += vol * v;
    }
  }
  new Biquad().highPass(200).process(track);
}

export function stutterTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  let at = 0;
  while (at < s.n) {
    if (rng.next() >= 0.3) {
      at += Math.floor(rng.uniform(0.01, 0.15) * SR);
      continue;
    }
    const n = Math.max(2, Math.floor(rng.uniform(0.0005, 0.03) * SR));
    const type = rng.int(0, 4);
    const f = type === 0 ? Math.min(220 * Math.pow(2, rng.int(0, 6)), 7040) : rng.uniform(200, 2000);
    const m = rng.uniform(50, 500);
    const buf = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / SR;
      buf[i] = type === 0 ? Math.sin(TWO_PI * f * t) : type === 1 ? rng.gauss() * 0.5 : type === 3 ? Math.sin(TWO_PI * f * t + 3 * Math.sin(TWO_PI * m * t)) : 0;
    }
    if (type === 2) clickInto(buf, 0, Math.min(5, n), rng.sign(), 0.6);
    const reps = rng.int(2, 32);
    const vol = rng.uniform(0.1, 0.4);
    for (let k = 0; k < reps && at < s.n; k++, at += n) place(track, buf, at, vol);
  }
  new Biquad().highPass(150).process(track);
}

function toneInto(track: Float32Array, at: number, n: number, f0: number, f1: number, vol: number, window: (i: number) => number): void {
  const step = Math.pow(f1 / f0, 1 / n);
  let w = (TWO_PI * f0) / SR;
  let phase = 0;
  for (let i = 0; i < n && at + i < track.length; i++, w *= step) {
    phase += w;
    track[at + i]! += vol * Math.sin(phase) * window(i);
  }
}

export function sweepsTrack(track: Float32Array, s: Sections, seed: number): void {
  const rng = new Random(seed);
  let at = 0;
  while (at < s.n) {
    const u = rng.next();
    if (u < 0.5) {
      const n = Math.floor(rng.uniform(0.01, 0.15) * SR);
      const f0 = rng.pick([100, 200, 500, 1000, 2000]);
      const f1 = rng.next() < 0.5 ? Math.min(f0 * rng.uniform(4, 20), 6000) : Math.max(f0 / rng.uniform(2, 10), 20);
      toneInto(track, at, n, f0, f1, rng.uniform(0.08, 0.25), (i) => hann(i, n));
      at += n + Math.floor(rng.uniform(0.005, 0.05) * SR);
    } else if (u < 0.9) {
      const n = Math.floor(rng.pick([0.005, 0.01, 0.02, 0.05, 0.1]) * SR);
      const f = rng.pick([100, 400, 1000, 2500, 4000, 5000, 6000]);
      const fade = Math.floor(0.0005 * SR);
      toneInto(track, at, n, f, f, rng.uniform(0.1, 0.3), (i) => Math.min(1, i / fade, (n - 1 - i) / fade));
      at += n + Math.floor(rng.uniform(0.002, 0.03) * SR);
    } else {
      const steps = rng.int(4, 20);
      const stepN = Math.floor(rng.uniform(0.003, 0.015) * SR);
      const f0 = rng.pick([200, 500, 1000, 2000]);
      const vol = rng.uniform(0.1, 0.25);
      for (let k = 0; k < steps; k++) {
        const f = f0 * Math.pow(2, k / 12);
        // Hann-windowed edges over 15 % of the step
        const edge = Math.max(1, Math.floor(0.15 * stepN));
        toneInto(track, at, stepN, f, f, vol, (i) => Math.min(1, hann(Math.min(i, edge), 2 * edge + 1), hann(Math.min(stepN - 1 - i, edge), 2 * edge + 1)));
        at += stepN;
      }
      at += Math.floor(rng.uniform(0.02, 0.1) * SR);
    }
  }
}
