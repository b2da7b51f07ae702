/** Noise table tests (spec §5.3): value counts, first row, memoisation, wrapping. */
import test from 'ava';
import { NOISE_SIZE, noiseAt, noiseTable, perlin2 } from '../../src/animation/noise.js';

test('value counts equal the spec', (t) => {
  const n = noiseTable();
  t.is(n.length, NOISE_SIZE * NOISE_SIZE);
  const counts = new Map<number, number>();
  for (const v of n) {
    const k = Math.round(v / 0.15);
    t.true(Math.abs(v - k * 0.15) < 1e-6, `value ${v} not on the 0.15 grid`);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const want: [number, number][] = [[-4, 12], [-3, 116], [-2, 2490], [-1, 900], [0, 9301], [1, 966], [2, 2484], [3, 107], [4, 8]];
  t.deepEqual([...counts.entries()].sort((a, b) => a[0] - b[0]), want);
});

test('the table is the three-octave sum of spec §5.3 bit for bit, signs of zero included', (t) => {
  const n = noiseTable();
  const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
  let differ = 0;
  let first = '';
  for (let r = 0; r < NOISE_SIZE; r++) {
    for (let c = 0; c < NOISE_SIZE; c++) {
      const x = 0.5 * r;
      const y = 0.5 * c;
      const want = Math.fround(0.6 * perlin2(x, y) + 0.3 * perlin2(2 * x, 2 * y) + 0.1 * perlin2(4 * x, 4 * y));
      const got = n[r * NOISE_SIZE + c]!;
      if (!Object.is(got, want)) {
        differ++;
        first ||= `N[${r}][${c}] = ${show(got)}, want ${show(want)}`;
      }
    }
  }
  t.is(differ, 0, first);
});

test('first row starts 0, 0.3, 0, −0.3, 0, 0, 0, 0.3', (t) => {
  const n = noiseTable();
  const row = Array.from(n.subarray(0, 8), (v) => Math.round(v * 100) / 100);
  t.deepEqual(row, [0, 0.3, 0, -0.3, 0, 0, 0, 0.3]);
});

test('memoised, wraps modulo 128, lattice points are zero', (t) => {
  const n = noiseTable();
  t.is(noiseTable(), n);
  t.is(noiseAt(n, 128, 1), noiseAt(n, 0, 1));
  t.is(noiseAt(n, -1, 3), n[127 * 128 + 3]);
  t.is(noiseAt(n, 5, 7), n[5 * 128 + 7]);
  t.is(perlin2(3, 7), 0);
  t.not(perlin2(0.5, 1.5), 0);
});
