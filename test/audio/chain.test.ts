import test from 'ava';
import {
  compressInPlace, COMPRESSOR, haasStereo, HAAS_SAMPLES, highPassInPlace, lowPassInPlace, normalizePeakInPlace,
} from '../../src/audio/chain.js';
import { SAMPLE_RATE } from '../../src/audio/grains.js';
import { peak, rms } from './signal.js';

function sine(freq: number, amp: number, seconds: number): Float32Array {
  const n = Math.floor(seconds * SAMPLE_RATE);
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * freq * i) / SAMPLE_RATE));
}

test('compressor: a steady level A above threshold settles at 0.12·(A/0.12)^(1/4) (4:1)', (t) => {
  // A square wave has |x| = A at every sample, so the peak envelope settles exactly on A.
  const x = sine(100, 1, 1).map((v) => (v >= 0 ? 0.6 : -0.6));
  compressInPlace(x);
  const settled = peak(x, SAMPLE_RATE / 2);
  const expected = COMPRESSOR.threshold * Math.pow(0.6 / COMPRESSOR.threshold, 1 / COMPRESSOR.ratio);
  t.true(Math.abs(settled - expected) / expected < 1e-3, `${settled} vs ${expected}`);
  // A sine's envelope releases between peaks, so it is compressed a little less, never more.
  const s = sine(1000, 0.6, 1);
  compressInPlace(s);
  const sp = peak(s, SAMPLE_RATE / 2);
  t.true(sp >= expected && sp < 1.15 * expected, `${sp}`);
});

test('compressor: below the threshold nothing changes; the gain output is 1 there', (t) => {
  const x = sine(440, 0.1, 0.2);
  const y = Float32Array.from(x);
  const gain = new Float32Array(x.length);
  compressInPlace(y, gain);
  t.deepEqual(y, x);
  t.true(gain.every((g) => g === 1));
});

test('compressor attack is ≈5 ms: a loud onset is only partly reduced in its first millisecond', (t) => {
  const x = new Float32Array(SAMPLE_RATE / 10);
  x.fill(0.8, 100);
  const gain = new Float32Array(x.length);
  compressInPlace(x, gain);
  t.true(gain[110]! > 0.9); // 0.2 ms after the onset the envelope has barely risen
  t.true(gain[100 + 5 * 44 * 5]! < 0.75); // after five attack constants it is compressing
});

test('peak normalisation hits 0.85 and 0.30 exactly; silence stays silent', (t) => {
  for (const target of [0.85, 0.3]) {
    const x = sine(300, 0.37, 0.1);
    normalizePeakInPlace(x, target);
    t.true(Math.abs(peak(x) - target) < 1e-6);
  }
  const z = new Float32Array(100);
  t.is(normalizePeakInPlace(z, 0.85), 1);
  t.true(z.every((v) => v === 0));
});

test('high-pass 30 Hz removes DC; low-pass 6 kHz attenuates 15 kHz and keeps 500 Hz', (t) => {
  const dc = new Float32Array(SAMPLE_RATE).fill(0.5);
  highPassInPlace(dc);
  t.true(Math.abs(dc[SAMPLE_RATE - 1]!) < 1e-3);
  const hi = sine(15000, 1, 0.2);
  lowPassInPlace(hi);
  t.true(rms(hi, 1000) < 0.5 * Math.SQRT1_2);
  const lo = sine(500, 1, 0.2);
  lowPassInPlace(lo);
  t.true(rms(lo, 1000) > 0.95 * Math.SQRT1_2);
});

test('Haas stereo: right = left delayed by 8 samples', (t) => {
  t.is(HAAS_SAMPLES, 8);
  const mono = sine(700, 0.5, 0.01);
  const l = new Float32Array(mono.length);
  const r = new Float32Array(mono.length);
  haasStereo(mono, l, r);
  t.deepEqual(l, mono);
  for (let i = 8; i < mono.length; i++) t.is(r[i], mono[i - 8]);
  t.true(r.subarray(0, 8).every((v) => v === 0));
});
