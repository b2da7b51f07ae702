/**
 * Percussion layers of the music (spec §10.2.3 #2–5): kick, hi-hats, noise hits ("clap") and
 * machine-gun percussion. Each writes its dry track into a zeroed Float32Array of the song's
 * length; music.ts applies the section envelopes. `noise` is the module generator (seed 12345)
 * for noise inside the sounds; pattern randomness uses each layer's own seeded generator.
 */
import { Random } from '../random.js';
import type { Sections } from './arrangement.js';
import { GRID, sectionOf } from './arrangement.js';
import { Biquad, bitcrushInPlace, filtered, reverbSimpleInPlace, softClip, SR } from './dsp.js';

const TWO_PI = 2 * Math.PI;

/** Add `sample × gain` into track at `at` (clipped at the end). */
export function place(track: Float32Array, sample: Float32Array, at: number, gain: number): void {
  const n = Math.min(sample.length, track.length - at);
  for (let i = 0; i < n; i++) track[at + i]! += sample[i]! * gain;
}

/** The 0.25 s kick sample: 200 → 45 Hz pitch drop, harmonics, click and sub. */
export function kickSample(noise: Random): Float32Array {
  const n = Math.floor(0.25 * SR);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    phase += (TWO_PI * (45 + 155 * Math.exp(-50 * t))) / SR;
    const osc = Math.sin(phase) + 0.3 * Math.sin(2 * phase) * Math.exp(-60 * t) + 0.15 * Math.sin(3 * phase) * Math.exp(-80 * t);
    const body = softClip(1.5 * osc, 0.7) * Math.exp(-12 * t) * (1 - Math.exp(-800 * t));
    const sub = 0.4 * Math.sin(TWO_PI * 45 * t) * Math.exp(-10 * t);
    const click = 0.4 * noise.gauss() * Math.exp(-800 * t);
    out[i] = body + sub + click;
  }
  return filtered(out, new Biquad().lowPass(10000));
}

const KICK_PATTERN = [1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0] as const;

/** Whether the kick plays on eighth step `step` in section `sec` (breakdown: step 0 of 16 only). */
export function kickPlays(step: number, sec: number): boolean {
  return sec === 1 ? step % 16 === 0 : KICK_PATTERN[step % 16] === 1;
}

export function kickTrack(track: Float32Array, s: Sections, noise: Random): void {
  const sample = kickSample(noise);
  for (let step = 0; step * GRID.eighth < s.n; step++) {
    const at = step * GRID.eighth;
    if (kickPlays(step, sectionOf(s, at))) place(track, sample, at, 1);
  }
}

const HAT_PARTIALS = [317, 523.3, 739.9, 1003, 1511, 1897, 2543, 3917] as const;

/** The hats' metallic part, Σ 0.12·square(partial), identical for every hit: computed once. */
function hatMetal(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let metal = 0;
    for (const f of HAT_PARTIALS) metal += 0.12 * (Math.sin((TWO_PI * f * i) / SR) >= 0 ? 1 : -1);
    out[i] = metal;
  }
  return out;
}

export function hatsTrack(track: Float32Array, s: Sections, noise: Random, seed: number): void {
  const rng = new Random(seed);
  const hp = new Biquad();
  const metal = hatMetal(Math.floor(0.08 * SR));
  for (let step = 0; step * GRID.thirtySecond < s.n; step++) {
    const at = step * GRID.thirtySecond;
    const sec = sectionOf(s, at);
    if (sec === 1 && step % 8 !== 4) continue;
    if (!((11 * step) % 16 < 9 || rng.next() < 0.2)) continue;
    const open = (step % 32 === 8 || step % 32 === 24) && rng.next() < 0.2;
    const len = Math.floor((open ? 0.08 : 0.02) * SR);
    const decay = open ? 20 : 100;
    const accent = step % 8 === 0 ? 1.4 : step % 4 === 0 ? 1.2 : step % 2 === 0 ? 1.0 : 0.6;
    const vel = rng.uniform(0.1, 0.35) * accent;
    const hit = new Float32Array(len);
    for (let i = 0; i < len; i++) hit[i] = 0.5 * noise.gauss() + 0.5 * metal[i]!;
    hp.reset().highPass(5000).process(hit);
    const d1 = Math.exp(-decay / SR);
    const d2 = Math.exp(-3000 / SR);
    for (let i = 0, e1 = 1, e2 = 1; i < len; i++, e1 *= d1, e2 *= d2) hit[i] = hit[i]! * e1 * (1 - e2);
    place(track, hit, at, vel);
  }
}

/** The 0.1 s clap: band-passed noise with four 3 ms bursts and a tail. */
export function clapSample(noise: Random): Float32Array {
  const n = Math.floor(0.1 * SR);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = noise.gauss();
  filtered(out, new Biquad().bandPass(1200, 7000));
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    let env = 0.5 * Math.exp(-40 * t);
    for (const b of [0, 0.006, 0.012, 0.018]) if (t >= b && t < b + 0.003) env += 1;
    out[i] = out[i]! * env * (1 - Math.exp(-4000 * t));
  }
  return out;
}

const PRIMES_MOD_16 = new Set([2, 3, 5, 7, 11, 13]);

export function clapTrack(track: Float32Array, s: Sections, noise: Random, seed: number): void {
  const sample = clapSample(noise);
  const rng = new Random(seed);
  for (let beat = 0; beat * GRID.beat < s.n; beat++) {
    const at = beat * GRID.beat;
    if (!PRIMES_MOD_16.has(beat % 16)) continue;
    const hit = rng.next() < 0.5;
    if (hit && sectionOf(s, at) !== 1) place(track, sample, at, 1);
  }
  reverbSimpleInPlace(track, 0.1, [13, 29, 43]);
}

const METAL_RATIOS = [1, 1.47, 2.09, 2.56, 3.14, 4.13, 5.78] as const;

function machineHit(rng: Random, noise: Random): Float32Array {
  const type = rng.int(0, 4);
  if (type === 0) {
    // metal: inharmonic partials, ring-modulated 30 % by 137 Hz, high-passed 500 Hz
    const base = rng.pick([600, 900, 1200, 1800, 2400]);
    const n = Math.floor(rng.uniform(0.02, 0.06) * SR);
    const vol = rng.uniform(0.15, 0.35);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / SR;
      let v = 0;
      for (let k = 0; k < METAL_RATIOS.length; k++) v += (0.3 / (k + 1)) * Math.sin(TWO_PI * base * METAL_RATIOS[k]! * t);
      v *= Math.exp(-40 * t) * (1 - Math.exp(-2000 * t));
      out[i] = vol * v * (0.7 + 0.3 * Math.sin(TWO_PI * 137 * t));
    }
    return filtered(out, new Biquad().highPass(500));
  }
  if (type === 1) {
    // noise: band-passed 2–5 kHz, bitcrushed
    const n = Math.floor(rng.uniform(0.01, 0.04) * SR);
    const vol = rng.uniform(0.1, 0.25);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = noise.gauss();
    filtered(out, new Biquad().bandPass(2000, 5000));
    bitcrushInPlace(out, 5, 3);
    for (let i = 0; i < n; i++) {
      const t = i / SR;
      out[i] = vol * out[i]! * Math.exp(-60 * t) * (1 - Math.exp(-2000 * t));
    }
    return out;
  }
  if (type === 2) {
    const n = Math.max(2, Math.floor(rng.uniform(0.001, 0.008) * SR));
    const vol = rng.uniform(0.15, 0.4);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = vol * noise.gauss() * Math.exp((-20 * i) / (n - 1));
    return filtered(out, new Biquad().highPass(2000));
  }
  // zap: 15 ms sine sweep 3000·e^(−200t) + 200 Hz
  const n = Math.floor(0.015 * SR);
  const vol = rng.uniform(0.1, 0.3);
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    phase += (TWO_PI * (3000 * Math.exp(-200 * t) + 200)) / SR;
    out[i] = vol * Math.sin(phase) * Math.exp(-150 * t);
  }
  return out;
}

export function machineGunTrack(track: Float32Array, s: Sections, noise: Random, seed: number): void {
  const rng = new Random(seed);
  for (let step = 0; step * GRID.thirtySecond < s.n; step++) {
    const group = Math.floor(step / 8) % 4;
    const p = group === 0 ? 0.85 : group === 1 ? 0.6 : group === 2 ? ((3 * step) % 5 < 2 ? 0.4 : 0.15) : 0.2;
    if (rng.next() >= p) continue;
    place(track, machineHit(rng, noise), step * GRID.thirtySecond, 1);
  }
}
