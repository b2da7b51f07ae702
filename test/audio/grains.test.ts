import test from 'ava';
import { addGrain, grainLength, SAMPLE_RATE } from '../../src/audio/grains.js';
import type { GrainKind } from '../../src/audio/grains.js';
import { Random } from '../../src/audio/random.js';
import { dominantFrequency, peak, spectralCentroid } from './signal.js';

function grain(kind: GrainKind, n: number, freq: number, freqEnd = 0, volume = 1, seed = 42): Float32Array {
  const out = new Float32Array(n);
  addGrain(out, 0, n, kind, freq, freqEnd, volume, new Random(seed));
  return out;
}

test('grain length is max(⌊ms·44.1⌋, 2)', (t) => {
  t.is(grainLength(8), 352);
  t.is(grainLength(0.3), 13);
  t.is(grainLength(0.01), 2);
});

test('addGrain writes exactly n samples, clipped at the buffer end, and mixes additively', (t) => {
  const buf = new Float32Array(1000).fill(0.25);
  addGrain(buf, 900, 352, 'sineBlip', 1000, 0, 0.5, new Random(1));
  t.is(buf[899], 0.25);
  t.true(buf.subarray(901, 1000).some((v) => v !== 0.25));
  const small = new Float32Array(500);
  addGrain(small, 100, 200, 'needle', 2000, 0, 1, new Random(1));
  t.true(small.subarray(0, 100).every((v) => v === 0));
  t.true(small.subarray(300).every((v) => v === 0));
});

test('needle: peak near 1 × volume, decays e^(−300 t), energy at its frequency (capped at 5 kHz)', (t) => {
  const g = grain('needle', 882, 1500, 0, 0.5);
  t.true(peak(g) > 0.45 && peak(g) <= 0.5);
  // 10 ms later the envelope is e^(−3) ≈ 0.05
  t.true(peak(g, 441, 882) < 0.5 * Math.exp(-3 * 0.97));
  t.true(Math.abs(dominantFrequency(g, SAMPLE_RATE) - 1500) < 60, `${dominantFrequency(g, SAMPLE_RATE)}`);
  const capped = grain('needle', 882, 9000);
  t.true(Math.abs(dominantFrequency(capped, SAMPLE_RATE) - 5000) < 60);
});

test('click: ±1 then ×(−0.55) for 8 samples, rest silent; polarity from the generator', (t) => {
  const g = grain('click', 100, 0);
  t.is(Math.abs(g[0]!), 1);
  for (let i = 1; i < 8; i++) t.true(Math.abs(g[i]! - -0.55 * g[i - 1]!) < 1e-6);
  t.true(g.subarray(8).every((v) => v === 0));
  const polarities = new Set(Array.from({ length: 20 }, (_, s) => Math.sign(grain('click', 10, 0, 0, 1, s)[0]!)));
  t.deepEqual([...polarities].sort(), [-1, 1]);
});

test('sine blip: Hann-windowed tone, zero at both ends, centroid at its frequency', (t) => {
  const g = grain('sineBlip', 2048, 2000);
  t.is(g[0], 0);
  t.true(Math.abs(g[2047]!) < 1e-5);
  t.true(Math.abs(spectralCentroid(g, SAMPLE_RATE) - 2000) < 100);
});

test('white burst: broadband (centroid far above a tone, spread across the spectrum)', (t) => {
  const g = grain('whiteBurst', 2048, 0);
  const c = spectralCentroid(g, SAMPLE_RATE);
  t.true(c > 7000 && c < 15000, `centroid ${c}`);
  t.true(peak(g) > 0.5);
});

test('data tone starts on f₂ (first 12.5 ms), f₂ ∈ {1.5, 2, 3}·f; explicit f₂ honoured', (t) => {
  const g = grain('dataTone', 400, 1000, 1500); // 9 ms < 12.5 ms: pure f₂
  t.true(Math.abs(dominantFrequency(g, SAMPLE_RATE) - 1500) < 80);
  const seen = new Set<number>();
  for (let s = 0; s < 30; s++) {
    const f = dominantFrequency(grain('dataTone', 400, 1000, 0, 1, s), SAMPLE_RATE);
    seen.add([1500, 2000, 3000].reduce((a, b) => (Math.abs(b - f) < Math.abs(a - f) ? b : a)));
  }
  t.deepEqual([...seen].sort(), [1500, 2000, 3000]);
  // A long tone switches to f after 12.5 ms
  const long = grain('dataTone', 2205, 1000, 3000);
  t.true(Math.abs(dominantFrequency(long.subarray(600, 1050), SAMPLE_RATE) - 1000) < 120);
});

test('sweep glides exponentially: the first half is lower than the second for an upward sweep', (t) => {
  const g = grain('sweep', 4096, 500, 4000);
  const a = spectralCentroid(g.subarray(0, 2048), SAMPLE_RATE);
  const b = spectralCentroid(g.subarray(2048), SAMPLE_RATE);
  t.true(a < b, `${a} < ${b}`);
  const down = grain('sweep', 4096, 4000, 500);
  t.true(spectralCentroid(down.subarray(0, 2048), SAMPLE_RATE) > spectralCentroid(down.subarray(2048), SAMPLE_RATE));
});

test('the same seed gives bit-identical grains, another seed a different noise', (t) => {
  t.deepEqual(grain('whiteBurst', 300, 0, 0, 1, 7), grain('whiteBurst', 300, 0, 0, 1, 7));
  t.notDeepEqual(grain('whiteBurst', 300, 0, 0, 1, 7), grain('whiteBurst', 300, 0, 0, 1, 8));
});
