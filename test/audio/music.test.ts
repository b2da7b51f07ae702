import test from 'ava';
import { BEAT_S, GRID, sectionsFor } from '../../src/audio/music/arrangement.js';
import { Biquad, sweptLowPass } from '../../src/audio/music/dsp.js';
import { renderMusic } from '../../src/audio/music/music.js';
import { SAMPLE_RATE } from '../../src/audio/grains.js';
import { peak } from './signal.js';

const m12 = renderMusic({ durationSeconds: 12 });

test('grid and sections: beat 17,070 samples; 120 s sections at 56/72/108 s (to the bar)', (t) => {
  t.is(GRID.beat, 17070);
  t.is(GRID.eighth, 8535);
  t.is(GRID.thirtySecond, 2133);
  const s = sectionsFor(120);
  t.is(s.n, 5_292_000);
  t.true(Math.abs(s.b1 / SAMPLE_RATE - 56) < 1.6);
  t.true(Math.abs(s.b2 / SAMPLE_RATE - 72) < 1.6);
  t.true(Math.abs(s.b3 / SAMPLE_RATE - 108) < 1.6);
});

test('stereo 44.1 kHz of the requested length, peak 0.95, right ≈ left delayed', (t) => {
  t.is(m12.left.length, 12 * SAMPLE_RATE);
  t.is(m12.right.length, 12 * SAMPLE_RATE);
  t.true(Math.abs(Math.max(peak(m12.left), peak(m12.right)) - 0.95) < 1e-6);
  // right is the mix delayed by 13 samples (plus its own small reverb and noise floor)
  const corr = (lag: number): number => {
    let s = 0;
    let a = 0;
    let b = 0;
    for (let i = 0; i + lag < m12.left.length; i += 7) {
      s += m12.left[i]! * m12.right[i + lag]!;
      a += m12.left[i]! ** 2;
      b += m12.right[i + lag]! ** 2;
    }
    return s / Math.sqrt(a * b);
  };
  t.true(corr(13) > 0.95, `corr ${corr(13)}`);
  t.true(corr(13) > corr(0));
});

test('155 BPM: the low-band onset autocorrelation peaks at one beat (0.387 s)', (t) => {
  const x = Float32Array.from(m12.left);
  const lp = new Biquad().lowPass(150);
  lp.process(x);
  const hop = 441; // 10 ms
  const frames = Math.floor(x.length / hop);
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) for (let i = 0; i < hop; i++) energy[f]! += x[f * hop + i]! ** 2;
  const onset = new Float64Array(frames);
  for (let f = 1; f < frames; f++) onset[f] = Math.max(0, energy[f]! - energy[f - 1]!);
  const mean = onset.reduce((a, b) => a + b, 0) / frames;
  const ac = (lag: number): number => {
    let s = 0;
    for (let f = 0; f + lag < frames; f++) s += (onset[f]! - mean) * (onset[f + lag]! - mean);
    return s / (frames - lag);
  };
  let best = 0;
  for (let lag = 30; lag <= 50; lag++) if (best === 0 || ac(lag) > ac(best)) best = lag;
  t.true(Math.abs((best * hop) / SAMPLE_RATE - BEAT_S) <= 0.011, `peak at ${(best * hop) / SAMPLE_RATE} s`);
});

test('deterministic per seed; another seed gives another track', (t) => {
  const a = renderMusic({ durationSeconds: 2 });
  t.deepEqual(a.left, renderMusic({ durationSeconds: 2 }).left);
  t.notDeepEqual(a.left, renderMusic({ durationSeconds: 2, seed: 7 }).left);
});

test('swept filters keep their state: no discontinuity at coefficient updates (no zipper)', (t) => {
  // A slow sine through a swept low-pass: the output's sample-to-sample step stays smooth.
  const n = SAMPLE_RATE / 2;
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 100 * i) / SAMPLE_RATE));
  sweptLowPass(x, (i) => 300 + 2000 * (i / n));
  let maxStep = 0;
  for (let i = 2000; i < n; i++) maxStep = Math.max(maxStep, Math.abs(x[i]! - x[i - 1]!));
  t.true(maxStep < 0.02, `max step ${maxStep}`); // a 100 Hz unit sine moves ≤ 0.0143 per sample
});
